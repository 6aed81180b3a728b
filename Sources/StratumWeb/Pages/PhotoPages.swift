import Foundation
import StratumCore
import StratumStore
import Vapor

/// What the photo upload forms and the API read: one place that turns typed fields into a draft or names the field.
enum PhotoForm {
    static func draft(courseID: String, view: String, site: String?, side: String?, visit: String, takenOn: String) throws -> PhotoDraft {
        guard let course = UUID(uuidString: courseID) else { throw APIProblem.badField("courseId", "choose one of this patient's courses") }
        guard let v = PhotoView(rawValue: view) else {
            throw APIProblem.badField("view", "one of \(PhotoView.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var zone: Zone?
        if let site, !site.isEmpty {
            guard let s = SiteID(rawValue: site) else { throw APIProblem.badField("site", "\"\(site.prefix(40))\" is not a site") }
            guard let d = Side(rawValue: side ?? "") else {
                // A site without its side: each member is valid alone; together they do not name a zone.
                throw APIProblem.notAccepted("side", "a zone needs its side: left, right, midline or bilateral")
            }
            zone = Zone(site: s, side: d)
        }
        if v.needsZone && zone == nil { throw APIProblem.notAccepted("zone", "a zone close-up names the zone it shows") }
        guard let when = PhotoVisit(visit) else {
            throw APIProblem.badField("visit", "baseline, session-N or follow-up-1-month, follow-up-3-months, follow-up-6-months")
        }
        guard let day = LocalDate(iso: takenOn) else { throw APIProblem.badField("takenOn", "expected a date YYYY-MM-DD") }
        return PhotoDraft(courseID: course, view: v, zone: v.needsZone ? zone : nil, visit: when, takenOn: day)
    }
}

/// A course's photos: per visit the standard set with what is missing, the upload form, the images themselves
/// (no-store), the consent-gated export, and the side-by-side comparison with synchronized zoom.
struct PhotoPages {
    let state: ServerState
    let today: @Sendable () -> LocalDate

    func register(_ routes: any RoutesBuilder) {
        routes.get("courses", ":courseId", "photos", use: list)
        routes.on(.POST, "courses", ":courseId", "photos", body: .collect(maxSize: ByteCount(value: StratumServer.maxPhotoBodyBytes)), use: upload)
        routes.get("courses", ":courseId", "photos", "compare", use: compare)
        routes.get("photos", ":photoId", "image", use: { try await image($0, .record) })
        routes.get("photos", ":photoId", "export", use: { try await image($0, .export) })
    }

    struct Option: Encodable {
        let value: String
        let label: String
        let selected: Bool
    }

    static let photoNotFound = PageError(.notFound, "No such photo", "The photo does not exist in your organization.")

    struct Thumb: Encodable {
        let id: String
        let label: String
        let takenOn: String
        let note: String
    }

    struct VisitView: Encodable {
        let key: String
        let label: String
        let photos: [Thumb]
        let missing: String
        let missingCount: Int
        let complete: Bool
        let hasPhotos: Bool
    }

    struct Content: Encodable {
        let courseId: String
        let patientName: String
        let standardSet: String
        let visits: [VisitView]
        let views: [Option]
        let zones: [Option]
        let visitChoices: [Option]
        let takenOn: String
        let errors: FieldErrors
        let hasErrors: Bool
        let consentNote: String
        /// Export is offered only under a publication-tier consent in force (the download checks it again).
        let canExport: Bool
        let compareLinks: [Option]
        let hasCompareLinks: Bool
    }

    static func slotLabel(_ s: PhotoSlot) -> String { s.zone.map { "\(s.view.label): \(PageValues.zoneName($0))" } ?? s.view.label }
    /// The comparison page's query for a later photo: its view, visit and zone.
    static func compareQuery(_ ph: Photo) -> String {
        var q = "view=\(ph.view.rawValue)&visit=\(ph.visit.description)"
        if let z = ph.zone { q += "&site=\(z.site.rawValue)&side=\(z.side.rawValue)" }
        return q
    }

    static func zoneKey(_ z: Zone) -> String { "\(z.site.rawValue)|\(z.side.rawValue)" }

    private func page(
        _ req: Request, _ p: Principal, courseID: UUID, errors: FieldErrors = FieldErrors(), chosen: [String: String] = [:],
        status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let scope = state.scope(p.organizationID)
        guard let course = try await scope.courses.get(courseID: courseID, req.access(p)),
            let patient = try await scope.patients.get(course.patientID, req.access(p))
        else { throw CoursePages.courseNotFound }
        let photos = try await scope.photos(state.photoVault).list(courseID: courseID, req.access(p))
        let sessions = try await scope.sessions.list(courseID: courseID, req.access(p))
        let done = sessions.count
        let consents = try await scope.consents.list(patientID: patient.id, req.access(p)).filter(\.isInForce)
        let tiers = consents.compactMap { c -> PhotoConsentTier? in if case .photo(let t) = c.kind { t } else { nil } }
        let visits = PhotoChecklist.visits(course: course, sessionsDone: done, photos: photos)
        var visitChoices: [PhotoVisit] = [.baseline] + course.plannedVisits.map { .session($0.number) }
        visitChoices += PhotoVisit.followUpMonths.map { .followUp(months: $0) }
        // The visit just done: the course's latest session and its day (the baseline before any session).
        let latest = sessions.max { ($0.date, $0.createdAt) < ($1.date, $1.createdAt) }
        let defaultVisit = chosen["visit"] ?? (done > 0 ? PhotoVisit.session(done) : PhotoVisit.baseline).description
        let baselineViews = Set(photos.filter { $0.visit == .baseline }.map(\.slot))
        let later = photos.filter { $0.visit != .baseline && baselineViews.contains($0.slot) }
        var seen = Set<String>()  // one link per slot and visit
        let content = Content(
            courseId: PageValues.id(course.id), patientName: "\(patient.givenName) \(patient.familyName)",
            standardSet: StandardPhotoSet.slots(for: course.zones).map(Self.slotLabel).joined(separator: ", "),
            visits: visits.map { v in
                VisitView(
                    key: v.visit.description, label: v.visit.label,
                    photos: v.photos.map {
                        Thumb(
                            id: PageValues.id($0.id), label: Self.slotLabel($0.slot), takenOn: $0.takenOn.description,
                            note: $0.hadLocation ? "location metadata removed" : "")
                    },
                    missing: v.missing.map(Self.slotLabel).joined(separator: "; "), missingCount: v.missing.count, complete: v.missing.isEmpty,
                    hasPhotos: !v.photos.isEmpty)
            },
            views: PhotoView.allCases.map { .init(value: $0.rawValue, label: $0.label, selected: chosen["view"] == $0.rawValue) },
            zones: course.zones.map { .init(value: Self.zoneKey($0), label: PageValues.zoneName($0), selected: chosen["zone"] == Self.zoneKey($0)) },
            visitChoices: visitChoices.map { .init(value: $0.description, label: $0.label, selected: defaultVisit == $0.description) },
            takenOn: chosen["takenOn"] ?? (latest?.date ?? today()).description, errors: errors, hasErrors: !errors.isEmpty,
            consentNote: tiers.isEmpty
                ? "No photo consent in force: photos cannot be taken until the patient signs one."
                : "Photo consent in force: \(tiers.map(\.rawValue).sorted().joined(separator: ", ")). "
                    + (tiers.contains(.publication)
                        ? "Photos may leave the record (export)." : "Photos stay in the record: export needs the publication tier."),
            canExport: tiers.contains(.publication),
            compareLinks: later.compactMap { ph in
                guard seen.insert(Self.compareQuery(ph)).inserted else { return nil }
                return .init(
                    value: Self.compareQuery(ph), label: "\(Self.slotLabel(ph.slot)): baseline and \(ph.visit.label.lowercased())", selected: false)
            }, hasCompareLinks: !later.isEmpty)
        return try await req.render(
            "photos", title: "Photos · \(patient.givenName) \(patient.familyName)", section: "patients", content, status: status)
    }

    func list(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.read, .photo, state: state)
        return try await page(req, p, courseID: try CoursePages.courseID(req))
    }

    struct Upload: Decodable {
        var file: File?
        var view: String?
        var zone: String?
        var visit: String?
        var takenOn: String?
    }

    func upload(_ req: Request) async throws -> Response {
        let courseID = try CoursePages.courseID(req)
        let p = try await req.authorize(.create, .photo, state: state)
        let scope = state.scope(p.organizationID)
        guard let course = try await scope.courses.get(courseID: courseID, req.access(p)) else { throw CoursePages.courseNotFound }
        let u = (try? req.content.decode(Upload.self)) ?? Upload()
        let chosen = ["view": u.view ?? "", "zone": u.zone ?? "", "visit": u.visit ?? "", "takenOn": u.takenOn ?? ""]
        var errors = FieldErrors()
        let zoneParts = (u.zone ?? "").split(separator: "|").map(String.init)
        do {
            let draft = try PhotoForm.draft(
                courseID: PageValues.id(courseID), view: u.view ?? "", site: zoneParts.first,
                side: zoneParts.count > 1 ? zoneParts[1] : nil, visit: u.visit ?? "", takenOn: u.takenOn ?? "")
            guard let file = u.file, file.data.readableBytes > 0 else { throw APIProblem.badField("file", "choose the photo to upload") }
            let bytes = [UInt8](file.data.readableBytesView)
            _ = try await scope.photos(state.photoVault).add(patientID: course.patientID, draft, upload: bytes, req.access(p))
            return req.done("/courses/\(PageValues.id(courseID))/photos", .photoSaved)
        } catch let e as APIProblem {
            for (field, problem) in e.errors { errors.add(Self.formField(field), "\(Self.fieldLabel(field)): \(problem).") }
        } catch let e as StoreError {
            switch e {
            case .invalid(let field, let problem): errors.add(Self.formField(field), "\(Self.fieldLabel(field)): \(problem).")
            case .consent(let why): errors.add("file", "Consent: \(why).")
            case .conflict(let why): errors.add("file", "Photo: \(why).")
            default: throw e
            }
        }
        return try await page(req, p, courseID: courseID, errors: errors, chosen: chosen, status: .badRequest)
    }

    static func formField(_ apiField: String) -> String {
        switch apiField {
        case "site", "side", "zone": "zone"
        case "courseId", "consent": "file"
        default: apiField
        }
    }

    static func fieldLabel(_ field: String) -> String {
        switch field {
        case "file": "Photo file"
        case "view": "View"
        case "site", "side", "zone": "Zone"
        case "visit": "Visit"
        case "takenOn": "Date taken"
        default: field
        }
    }

    struct Side: Encodable {
        let id: String
        let label: String
        let takenOn: String
    }

    struct CompareContent: Encodable {
        let courseId: String
        let patientName: String
        let slotLabel: String
        let baseline: Side
        let later: Side
        let others: [Option]
        let hasOthers: Bool
    }

    func compare(_ req: Request) async throws -> Response {
        let courseID = try CoursePages.courseID(req)
        let p = try await req.authorize(.read, .photo, state: state)
        let scope = state.scope(p.organizationID)
        guard let course = try await scope.courses.get(courseID: courseID, req.access(p)),
            let patient = try await scope.patients.get(course.patientID, req.access(p))
        else { throw CoursePages.courseNotFound }
        let photos = try await scope.photos(state.photoVault).list(courseID: courseID, req.access(p))
        guard let view = req.query[String.self, at: "view"].flatMap(PhotoView.init(rawValue:)) else {
            throw PageError(.badRequest, "Choose a view", "view: one of \(PhotoView.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        var zone: Zone?
        if let site = req.query[String.self, at: "site"].flatMap(SiteID.init(rawValue:)),
            let side = req.query[String.self, at: "side"].flatMap(StratumCore.Side.init(rawValue:))
        {
            zone = Zone(site: site, side: side)
        }
        let slot = PhotoSlot(view: view, zone: zone)
        let same = photos.filter { $0.slot == slot }
        guard let base = same.first(where: { $0.visit == .baseline }) else {
            throw PageError(.notFound, "No baseline photo", "There is no baseline photo of \(Self.slotLabel(slot)) in this course to compare with.")
        }
        let wanted = req.query[String.self, at: "visit"].flatMap(PhotoVisit.init)
        guard let later = (wanted.flatMap { w in same.last { $0.visit == w } }) ?? same.filter({ $0.visit != .baseline }).last else {
            throw PageError(.notFound, "No later photo", "There is no later photo of \(Self.slotLabel(slot)) yet.")
        }
        let content = CompareContent(
            courseId: PageValues.id(courseID), patientName: "\(patient.givenName) \(patient.familyName)", slotLabel: Self.slotLabel(slot),
            baseline: Side(id: PageValues.id(base.id), label: "Baseline", takenOn: base.takenOn.description),
            later: Side(id: PageValues.id(later.id), label: later.visit.label, takenOn: later.takenOn.description),
            others: same.filter { $0.visit != .baseline }.map {
                .init(value: Self.compareQuery($0), label: $0.visit.label, selected: $0.id == later.id)
            }, hasOthers: same.filter { $0.visit != .baseline }.count > 1)
        return try await req.render("photo-compare", title: "Compare · \(patient.givenName) \(patient.familyName)", section: "patients", content)
    }

    func image(_ req: Request, _ use: PhotoUse) async throws -> Response {
        let id = try req.recordID("photoId", or: Self.photoNotFound)
        let p = try await req.authorize(.read, .photo, state: state)
        let (photo, bytes) = try await state.scope(p.organizationID).photos(state.photoVault).image(photoID: id, use: use, req.access(p))
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: photo.format.mediaType)
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        if use == .export {
            // The name carries no patient data: the photo's hash prefix and view only.
            headers.replaceOrAdd(
                name: .contentDisposition,
                value: "attachment; filename=\"stratum-\(photo.sha256.prefix(12))-\(photo.view.rawValue).\(photo.format.fileExtension)\"")
        }
        return Response(status: .ok, headers: headers, body: .init(data: Data(bytes)))
    }
}
