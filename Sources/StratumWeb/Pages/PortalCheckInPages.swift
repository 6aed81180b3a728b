import Foundation
import StratumCore
import StratumStore
import Vapor

/// The portal's daily check-in after a session (days 1–7) and the patient's own photos. The check-in's form and its
/// answer take no id from the request; a photo's address carries its id, and `PortalCheckInStore` serves it only when
/// it is the session's patient's.
struct PortalCheckInPages {
    let state: ServerState
    let secureCookies: Bool

    /// The check-in's form may carry a photo: it gets the photo's body allowance, read once the session is known.
    static let checkInPath = "/portal/check-in"

    func register(public routes: any RoutesBuilder) {
        let signedIn = routes.grouped(PortalSessionMiddleware(state: state, secureCookies: secureCookies))
        signedIn.get("portal", "check-in", use: form)
        signedIn.on(.POST, "portal", "check-in", body: .collect(maxSize: ByteCount(value: StratumServer.maxPhotoBodyBytes)), use: submit)
        signedIn.get("portal", "photos", use: photos)
        signedIn.get("portal", "photos", ":photoId", use: image)
    }

    private var store: PortalCheckInStore {
        PortalCheckInStore(database: state.database, auditKey: state.auditKey, vault: state.photoVault)
    }
    private var requestID: String { RequestContext.current?.requestID ?? "none" }

    private func session(_ req: Request) throws -> PortalSession {
        guard let s = req.portalSession else { throw PageError(.unauthorized, "Your session has ended", "Sign in again.") }
        return s
    }

    // MARK: The check-in

    struct Option: Encodable {
        let value: String
        let label: String
        let checked: Bool
    }

    struct Answer: Encodable {
        let warning: Bool
        let signs: [String]
        let expected: [String]
        let slower: Bool
        let hasPhoto: Bool
    }

    struct Content: Encodable {
        let csrf: String
        let hasSession: Bool
        let open: Bool
        let day: Int
        let sessionDate: String
        let answered: Bool
        let answer: Answer?
        let redness: [Option]
        let swelling: [Option]
        let pain: String
        let signs: [Option]
        let photosAllowed: Bool
        let clinicName: String
        /// Nil when the clinic gave none (an empty string would count as true in the template).
        let clinicPhone: String?
        let errors: FieldErrors
        let hasErrors: Bool
    }

    /// The form as posted (multipart when it carries a photo, urlencoded otherwise).
    struct Posted: Decodable {
        var redness: String?
        var swelling: String?
        var pain: String?
        var sign: [String]?
        var photo: File?
    }

    func form(_ req: Request) async throws -> Response {
        try await page(req, posted: Posted(), errors: FieldErrors(), status: .ok)
    }

    private func page(_ req: Request, posted: Posted, errors: FieldErrors, status: HTTPResponseStatus) async throws -> Response {
        let s = try session(req)
        let day = try await store.today(s, now: requestNow(state), requestID: requestID)
        var answer: Answer?
        if let d = day, let done = d.reportedToday {
            let judged = CheckInRules.assess(day: done.day, answers: done.answers, previous: nil, depthMM: d.depthMM)
            answer = Answer(
                warning: !done.warningSigns.isEmpty, signs: done.warningSigns.map(\.label), expected: judged.expectedCourse,
                slower: done.warningSigns.isEmpty && judged.slowerThanUsual, hasPhoto: done.hasPhoto)
        }
        let levels = { (chosen: String?) in ReactionLevel.allCases.map { Option(value: $0.rawValue, label: $0.label, checked: $0.rawValue == chosen) }
        }
        let ticked = Set(posted.sign ?? [])
        let content = Content(
            csrf: s.csrfToken, hasSession: day != nil, open: day?.day != nil && answer == nil, day: day?.day ?? 0,
            sessionDate: day?.sessionDate.description ?? "", answered: answer != nil, answer: answer, redness: levels(posted.redness),
            swelling: levels(posted.swelling), pain: String((posted.pain ?? "").prefix(8)),
            signs: WarningSign.ticked.map { Option(value: $0.rawValue, label: $0.label, checked: ticked.contains($0.rawValue)) },
            photosAllowed: day?.photosAllowed ?? false, clinicName: day?.clinicName ?? "",
            clinicPhone: day?.clinicPhone.flatMap { $0.isEmpty ? nil : $0 },
            errors: errors, hasErrors: !errors.isEmpty)
        return try await req.render("portal-check-in", title: "How is your skin today?", section: "portal", content, status: status)
    }

    func submit(_ req: Request) async throws -> Response {
        let s = try session(req)
        let posted = (try? req.content.decode(Posted.self)) ?? Posted()
        var errors = FieldErrors()
        if let p = CheckInRules.levelProblem(posted.redness) { errors.add("redness", "Redness: \(p).") }
        if let p = CheckInRules.levelProblem(posted.swelling) { errors.add("swelling", "Swelling: \(p).") }
        if let p = CheckInRules.painProblem(posted.pain) { errors.add("pain", "Pain: \(p).") }
        if let p = CheckInRules.signsProblem(posted.sign ?? []) { errors.add("signs", "Warning signs: \(p).") }
        let photo = posted.photo.flatMap { $0.data.readableBytes > 0 ? [UInt8]($0.data.readableBytesView) : nil }
        guard errors.isEmpty, let redness = posted.redness.flatMap(ReactionLevel.init(rawValue:)),
            let swelling = posted.swelling.flatMap(ReactionLevel.init(rawValue:)),
            let pain = posted.pain.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) })
        else {
            return try await page(req, posted: posted, errors: errors, status: .unprocessableEntity)
        }
        let answers = CheckInAnswers(redness: redness, swelling: swelling, pain: pain, signs: (posted.sign ?? []).compactMap(WarningSign.init))
        do {
            _ = try await store.submit(s, answers: answers, photo: photo, now: requestNow(state), requestID: requestID)
        } catch let e as StoreError {
            switch e {
            case .invalid(let field, let problem): errors.add(field, "\(Self.label(field)): \(PageValues.sentence(problem))")
            case .consent(let why): errors.add("photo", "Photo: \(PageValues.sentence(why))")
            case .conflict(let why): errors.add("form", PageValues.sentence(why))
            default: throw e
            }
            return try await page(req, posted: posted, errors: errors, status: e.isConflict ? .conflict : .unprocessableEntity)
        }
        return req.redirect(to: Self.checkInPath)
    }

    static func label(_ field: String) -> String {
        switch field {
        case "photo": "Photo"
        case "day": "Day"
        case "pain": "Pain"
        default: field.capitalized
        }
    }

    // MARK: Photos

    struct PhotoItem: Encodable {
        let id: String
        let caption: String
    }

    struct PhotosContent: Encodable {
        let allowed: Bool
        let course: [PhotoItem]
        let checkIns: [PhotoItem]
        let hasCourse: Bool
        let hasCheckIns: Bool
    }

    func photos(_ req: Request) async throws -> Response {
        let s = try session(req)
        let p = try await store.photos(s, now: requestNow(state), requestID: requestID)
        let course = p.coursePhotos.map { PhotoItem(id: PageValues.id($0.id), caption: "\($0.visit.label) · \($0.view.label) · \($0.takenOn)") }
        let checkIns = p.checkInPhotos.map {
            PhotoItem(id: PageValues.id($0.checkInID), caption: "Day \($0.day) after your session · \($0.reportedOn)")
        }
        return try await req.render(
            "portal-photos", title: "My progress photos", section: "portal",
            PhotosContent(allowed: p.allowed, course: course, checkIns: checkIns, hasCourse: !course.isEmpty, hasCheckIns: !checkIns.isEmpty))
    }

    func image(_ req: Request) async throws -> Response {
        let s = try session(req)
        let missing = PageError(.notFound, "No such photo", "This photo is not one of yours.")
        let id = try req.recordID("photoId", or: missing)
        guard let (type, bytes) = try await store.image(s, id: id, now: requestNow(state), requestID: requestID) else { throw missing }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: type)
        return Response(status: .ok, headers: headers, body: .init(data: Data(bytes)))
    }
}

extension StoreError {
    /// A refused state change rather than a bad field: the page answers 409.
    var isConflict: Bool { if case .conflict = self { true } else { false } }
}
