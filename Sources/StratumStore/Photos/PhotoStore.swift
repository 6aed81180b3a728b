import FluentKit
import Foundation
import StratumCore

/// A clinical photo as the record holds it: which course, view, zone and visit it documents, and the hash that
/// names and checks its file.
public struct Photo: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let patientID: UUID
    public let courseID: UUID
    public let view: PhotoView
    public let zone: Zone?
    public let visit: PhotoVisit
    public let takenOn: LocalDate
    public let sha256: String
    public let format: ImageFormat
    public let byteCount: Int
    public let width: Int
    public let height: Int
    /// What was stripped from the upload before it was stored (location and camera metadata).
    public let removed: [String]
    public let hadLocation: Bool
    public let uploadedBy: UUID
    public let createdAt: Date

    /// The slot of the standard set this photo fills.
    public var slot: PhotoSlot { PhotoSlot(view: view, zone: zone) }
}

/// Where a photo is going: shown inside the record, or out of it (a download, a talk, a publication).
public enum PhotoUse: String, Sendable, CaseIterable {
    case record
    case export
}

/// What an upload says of itself besides its bytes.
public struct PhotoDraft: Sendable, Equatable {
    public var courseID: UUID
    public var view: PhotoView
    public var zone: Zone?
    public var visit: PhotoVisit
    public var takenOn: LocalDate

    public init(courseID: UUID, view: PhotoView, zone: Zone?, visit: PhotoVisit, takenOn: LocalDate) {
        self.courseID = courseID
        self.view = view
        self.zone = zone
        self.visit = visit
        self.takenOn = takenOn
    }
}

/// Clinical photos of a course. Taking one needs a photo consent in force; letting one leave the record needs the
/// publication tier. Every read of a photo or of the list is audited.
public struct PhotoStore: Sendable {
    let scope: OrganizationScope
    let vault: PhotoVault

    /// Checks, cleans, seals and records an upload. The file is written before the row, so an acknowledged photo
    /// always has its file; a refused upload writes nothing to the record.
    public func add(patientID: UUID, _ draft: PhotoDraft, upload: [UInt8], _ ctx: AccessContext) async throws -> Photo {
        let actorID = try scope.requireActor(ctx)
        let (image, sha) = try Self.read(upload, field: "file")
        if draft.view.needsZone && draft.zone == nil {
            throw StoreError.invalid(field: "zone", problem: "a zone close-up names the zone it shows")
        }
        // Validate against the record before the file is written, so a refused upload leaves nothing behind.
        try await scope.db.write { database -> Scoped<Void> in
            try await self.scope.refuseFuture(draft.takenOn, field: "takenOn", clinicID: ctx.clinicID, ctx, on: database)
            return try await self.check(patientID: patientID, draft, sha256: sha, ctx, on: database)
        }.get()
        try await vault.store(image.bytes, sha256: sha)
        return try await scope.db.write { database -> Scoped<Photo> in
            let checked = try await self.check(patientID: patientID, draft, sha256: sha, ctx, on: database)
            guard case .found = checked else { return .missing("course") }
            let m = PhotoRow()
            m.id = UUID()
            m.organizationID = self.scope.organizationID
            m.patientID = patientID
            m.courseID = draft.courseID
            m.view = draft.view.rawValue
            m.zoneSite = draft.zone?.site.rawValue
            m.zoneSide = draft.zone?.side.rawValue
            m.visit = draft.visit.description
            m.takenOn = draft.takenOn.description
            m.sha256 = sha
            m.mediaType = image.format.mediaType
            m.byteCount = image.bytes.count
            m.width = image.width
            m.height = image.height
            m.removedJSON = StoredJSON.text(.array(image.removed.map { .string($0) }))
            m.hadLocation = image.hadLocation
            m.uploadedBy = actorID
            m.createdAt = ctx.now
            try await m.create(on: database)
            try await self.scope.audit(ctx, patientID: patientID, action: .create, resource: "photo", outcome: .allowed, on: database)
            return .found(try Photo(m))
        }.get()
    }

    /// Every upload's reader, whichever door it comes through (the clinic's photo form and API, the portal's
    /// check-in): the same formats, size limit and metadata stripping; a refusal names the door's `field`.
    static func read(_ upload: [UInt8], field: String) throws -> (ClinicalImage, sha256: String) {
        let image: ClinicalImage
        do { image = try ClinicalImageReader.read(upload) } catch { throw StoreError.invalid(field: field, problem: error.problem) }
        return (image, PhotoVault.hash(image.bytes))
    }

    /// The photo tiers in force for a patient of `organizationID`: what a photo of them may be used for.
    static func tiers(_ patientID: UUID, organizationID: UUID, on database: any Database) async throws -> Set<PhotoConsentTier> {
        let consents = try await ConsentRow.query(on: database).filter(\.$organizationID == organizationID)
            .filter(\.$patientID == patientID).filter(\.$kind == "photo").filter(\.$withdrawnAt == nil).all()
        return Set(consents.compactMap { $0.photoTier.flatMap(PhotoConsentTier.init(rawValue:)) })
    }

    private func check(
        patientID: UUID, _ draft: PhotoDraft, sha256: String, _ ctx: AccessContext,
        on database: any Database
    ) async throws -> Scoped<Void> {
        guard try await scope.patient(patientID, on: database) != nil else {
            return try await scope.deny(ctx, patientID: patientID, action: .create, resource: "photo", missing: "patient", on: database)
        }
        guard
            let course = try await CourseRow.query(on: database).filter(\.$id == draft.courseID)
                .filter(\.$organizationID == scope.organizationID).filter(\.$patientID == patientID).first()
        else {
            throw StoreError.invalid(field: "courseId", problem: "is not one of this patient's courses")
        }
        if let zone = draft.zone {
            let zones = try StoredJSON.zones(from: StoredJSON.parse(course.zonesJSON, "course zones"), "course zones")
            guard zones.contains(zone) else {
                throw StoreError.invalid(
                    field: "zone", problem: "\(zone) is not a zone of this course (\(zones.map(\.description).joined(separator: ", ")))")
            }
        }
        if case .session(let n) = draft.visit {
            let planned = try await PlannedVisitRow.query(on: database).filter(\.$courseID == draft.courseID).count()
            guard n <= planned else {
                throw StoreError.invalid(field: "visit", problem: "the course plans \(planned) sessions; there is no session \(n)")
            }
        }
        guard try await tiers(patientID, on: database).isEmpty == false else {
            throw StoreError.consent("photos need the patient's photo consent in force (record-only, in-clinic or publication); none is signed")
        }
        if try await PhotoRow.query(on: database).filter(\.$patientID == patientID).filter(\.$sha256 == sha256).first() != nil {
            throw StoreError.conflict("this image is already in the patient's record (same SHA-256)")
        }
        return .found(())
    }

    /// The photo tiers the patient's consents in force allow.
    private func tiers(_ patientID: UUID, on database: any Database) async throws -> Set<PhotoConsentTier> {
        try await Self.tiers(patientID, organizationID: scope.organizationID, on: database)
    }

    /// The course's photos in visit order, each visit's in the order of the standard set.
    public func list(courseID: UUID, _ ctx: AccessContext) async throws -> [Photo] {
        try await scope.db.write { database -> Scoped<[Photo]> in
            guard
                let course = try await CourseRow.query(on: database).filter(\.$id == courseID)
                    .filter(\.$organizationID == self.scope.organizationID).first()
            else {
                return try await self.scope.deny(ctx, patientID: nil, action: .list, resource: "photo", missing: "course", on: database)
            }
            let rows = try await PhotoRow.query(on: database).filter(\.$organizationID == self.scope.organizationID)
                .filter(\.$courseID == courseID).sort(\.$createdAt).all()
            try await self.scope.audit(ctx, patientID: course.patientID, action: .list, resource: "photo", outcome: .allowed, on: database)
            return .found(try rows.map(Photo.init).sorted { ($0.visit, $0.view.order) < ($1.visit, $1.view.order) })
        }.get()
    }

    /// One photo's record, audited as a read of the patient's record.
    public func get(photoID: UUID, _ ctx: AccessContext) async throws -> Photo? {
        try await scope.db.write { database -> Photo? in
            guard
                let m = try await PhotoRow.query(on: database).filter(\.$id == photoID)
                    .filter(\.$organizationID == self.scope.organizationID).first()
            else {
                try await self.scope.audit(ctx, patientID: nil, action: .read, resource: "photo", outcome: .denied, on: database)
                return nil
            }
            try await self.scope.audit(ctx, patientID: m.patientID, action: .read, resource: "photo", outcome: .allowed, on: database)
            return try Photo(m)
        }
    }

    /// The image of a photo for a use. Out of the record (`export`) needs a publication consent in force at the time
    /// of the request; a refusal is audited like any denied access.
    public func image(photoID: UUID, use: PhotoUse, _ ctx: AccessContext) async throws -> (Photo, [UInt8]) {
        let resource = use == .record ? "photo.image" : "photo.export"
        let (photo, allowed) = try await scope.db.write { database -> Scoped<(Photo, Bool)> in
            guard
                let m = try await PhotoRow.query(on: database).filter(\.$id == photoID)
                    .filter(\.$organizationID == self.scope.organizationID).first()
            else {
                return try await self.scope.deny(ctx, patientID: nil, action: .read, resource: resource, missing: "photo", on: database)
            }
            var allowed = true
            if use == .export { allowed = try await self.tiers(m.patientID, on: database).contains(.publication) }
            try await self.scope.audit(
                ctx, patientID: m.patientID, action: .read, resource: resource,
                outcome: allowed ? .allowed : .denied, on: database)
            return .found((try Photo(m), allowed))
        }.get()
        guard allowed else {
            throw StoreError.consent("a photo leaves the record only with the patient's publication-tier photo consent in force")
        }
        return (photo, try await vault.open(sha256: photo.sha256))
    }
}

extension PhotoView {
    var order: Int { PhotoView.allCases.firstIndex(of: self)! }
}

extension Photo {
    init(_ m: PhotoRow) throws {
        guard let view = PhotoView(rawValue: m.view), let visit = PhotoVisit(m.visit), let taken = LocalDate(iso: m.takenOn),
            let format = ImageFormat.allCases.first(where: { $0.mediaType == m.mediaType })
        else {
            throw StoredJSON.unreadable("photo", "view, visit, date or type")
        }
        var zone: Zone?
        if let site = m.zoneSite.flatMap(SiteID.init(rawValue:)), let side = m.zoneSide.flatMap(Side.init(rawValue:)) {
            zone = Zone(site: site, side: side)
        }
        let removed = try StoredJSON.array(StoredJSON.parse(m.removedJSON, "photo"), "photo").compactMap { v -> String? in
            if case .string(let s) = v { return s }
            return nil
        }
        self.init(
            id: m.id!, patientID: m.patientID, courseID: m.courseID, view: view, zone: zone, visit: visit, takenOn: taken, sha256: m.sha256,
            format: format, byteCount: m.byteCount, width: m.width, height: m.height, removed: removed, hadLocation: m.hadLocation,
            uploadedBy: m.uploadedBy, createdAt: m.createdAt)
    }
}
