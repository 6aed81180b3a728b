import FluentKit
import Foundation
import StratumCore

/// Where the patient is in the days after their last session, as the check-in form and the portal's home need it.
public struct CheckInDay: Sendable, Equatable {
    public let sessionDate: LocalDate
    public let depthMM: Double
    /// Day 1–7 after the session, nil outside the check-in's days.
    public let day: Int?
    /// Today's check-in when the patient has already sent it.
    public let reportedToday: CheckIn?
    /// Whether a photo consent in force lets the patient add and see photos in the portal.
    public let photosAllowed: Bool
    public let clinicName: String
    public let clinicPhone: String?
}

/// One day's check-in as stored: the answers, the warning signs the rules found, and whether it has a photo.
public struct CheckIn: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let patientID: UUID
    public let sessionID: UUID
    public let day: Int
    public let reportedOn: LocalDate
    public let answers: CheckInAnswers
    public let warningSigns: [WarningSign]
    public let hasPhoto: Bool
    public let createdAt: Date
}

/// What the patient is told after sending a check-in.
public struct CheckInReceipt: Sendable, Equatable {
    public let checkIn: CheckIn
    public let assessment: CheckInAssessment
    public let clinicName: String
    public let clinicPhone: String?
}

/// The patient's own photos as the portal lists them: the course's photos the clinic took, and their check-in photos.
public struct PortalPhotos: Sendable, Equatable {
    public struct CheckInPhoto: Sendable, Equatable {
        public let checkInID: UUID
        public let day: Int
        public let reportedOn: LocalDate
    }
    /// False when no photo consent is in force: the page then shows none and says why.
    public let allowed: Bool
    public let coursePhotos: [Photo]
    public let checkInPhotos: [CheckInPhoto]
}

/// The patient's daily check-in after a session and their own photos, through the portal: every read and write is
/// bound to the portal session's patient and organization, audited with the patient as actor. A warning sign writes
/// the check-in, its flag and the adverse-event draft in one transaction (`CheckInRules`).
public struct PortalCheckInStore: Sendable {
    let db: StratumDatabase
    let auditKey: AuditKey
    let vault: PhotoVault

    public init(database: StratumDatabase, auditKey: AuditKey, vault: PhotoVault) {
        self.db = database
        self.auditKey = auditKey
        self.vault = vault
    }

    private func scope(_ session: PortalSession) -> OrganizationScope {
        OrganizationScope(organizationID: session.organizationID, database: db, auditKey: auditKey)
    }

    private func ctx(_ session: PortalSession, now: Date, requestID: String) -> AccessContext {
        AccessContext(actorID: session.patientID, clinicID: session.clinicID, requestID: requestID, now: now)
    }

    private func audit(
        _ session: PortalSession, _ action: AuditAction, _ resource: String, _ outcome: AuditOutcome = .allowed, now: Date,
        requestID: String, on database: any Database
    ) async throws {
        try await scope(session).audit(
            ctx(session, now: now, requestID: requestID), patientID: session.patientID, action: action, resource: resource,
            outcome: outcome, on: database)
    }

    // MARK: The day

    /// The patient's last session, its check-in day today and today's check-in if sent; audited as a read
    /// (`portal.check-in`). Nil when the patient has no session yet.
    public func today(_ session: PortalSession, now: Date, requestID: String) async throws -> CheckInDay? {
        try await db.write { database -> CheckInDay? in
            let facts = try await self.facts(session, now: now, on: database)
            try await self.audit(session, .read, "portal.check-in", now: now, requestID: requestID, on: database)
            return facts?.day
        }
    }

    private struct Facts {
        let day: CheckInDay
        let sessionID: UUID
        let clinicID: UUID
        let today: LocalDate
    }

    /// The session the aftercare follows (the latest by date, then by recording), its clinic and the day after it.
    private func facts(_ session: PortalSession, now: Date, on database: any Database) async throws -> Facts? {
        guard
            try await PatientRow.query(on: database).filter(\.$id == session.patientID).filter(\.$organizationID == session.organizationID)
                .filter(\.$mergedInto == nil).first() != nil
        else { throw StoreError.notFound("patient") }
        let courseIDs = try await CourseRow.query(on: database).filter(\.$organizationID == session.organizationID)
            .filter(\.$patientID == session.patientID).all().compactMap(\.id)
        guard !courseIDs.isEmpty else { return nil }
        var last: (TreatmentSessionRow, LocalDate)?
        for s in try await TreatmentSessionRow.query(on: database).filter(\.$organizationID == session.organizationID)
            .filter(\.$courseID ~~ courseIDs).all()
        {
            guard let date = LocalDate(iso: s.date) else { throw StoredJSON.unreadable("session date", s.date) }
            if last.map({ (date, s.createdAt) > ($0.1, $0.0.createdAt) }) ?? true { last = (s, date) }
        }
        guard let (s, date) = last else { return nil }
        guard
            let clinic = try await ClinicRow.query(on: database).filter(\.$id == s.clinicID)
                .filter(\.$organizationID == session.organizationID).first()
        else { throw StoreError.notFound("clinic") }
        let depth =
            try await ZoneTreatmentRow.query(on: database).filter(\.$organizationID == session.organizationID)
            .filter(\.$sessionID == s.id!).all().map(\.depthMM).max() ?? 0
        let today = LocalDate.clinicDay(at: now, timeZone: clinic.timezone)
        let day = CheckInRules.day(sessionDate: date, today: today)
        var reported: CheckIn?
        if let day {
            reported = try await PortalCheckInRow.query(on: database).filter(\.$organizationID == session.organizationID)
                .filter(\.$patientID == session.patientID).filter(\.$sessionID == s.id!).filter(\.$day == day).first().map(CheckIn.init)
        }
        let allowed = try await !PhotoStore.tiers(session.patientID, organizationID: session.organizationID, on: database).isEmpty
        return Facts(
            day: CheckInDay(
                sessionDate: date, depthMM: depth, day: day, reportedToday: reported, photosAllowed: allowed, clinicName: clinic.name,
                clinicPhone: clinic.phone),
            sessionID: s.id!, clinicID: s.clinicID, today: today)
    }

    // MARK: Sending a check-in

    static let alreadySent = "you have already sent today's check-in; if something has changed since, call the clinic"

    /// Records today's check-in for the last session: days 1–7 only (`invalid(field: "day")` otherwise), once a day
    /// (`conflict` for a second: what the clinic was told stands; the patient calls if something changed). A photo
    /// goes through the clinic's reader and limits (`invalid(field: "photo")`) and needs a photo consent in force
    /// (`consent`). A warning sign writes the clinic's flag with its adverse-event draft in the same transaction.
    public func submit(
        _ session: PortalSession, answers: CheckInAnswers, photo: [UInt8]?, now: Date, requestID: String
    ) async throws -> CheckInReceipt {
        guard CheckInRules.painRange.contains(answers.pain) else {
            throw StoreError.invalid(field: "pain", problem: CheckInRules.painProblem(String(answers.pain)) ?? "out of range")
        }
        let image = try photo.map { try PhotoStore.read($0, field: "photo") }
        // Refuse before the file is written, as the clinic's photo door does: a refused check-in leaves nothing.
        _ = try await db.write { database in try await self.open(session, now: now, photo: image != nil, on: database) }
        if let (img, sha) = image { try await vault.store(img.bytes, sha256: sha) }
        return try await db.write { database -> CheckInReceipt in
            let facts = try await self.open(session, now: now, photo: image != nil, on: database)
            let day = facts.day.day!
            let earlier = try await PortalCheckInRow.query(on: database).filter(\.$organizationID == session.organizationID)
                .filter(\.$sessionID == facts.sessionID).filter(\.$day < day).sort(\.$day, .descending).first()
            let assessment = CheckInRules.assess(
                day: day, answers: answers, previous: try earlier.map { try CheckIn($0).answers }, depthMM: facts.day.depthMM)
            let m = PortalCheckInRow()
            m.id = UUID()
            m.organizationID = session.organizationID
            m.patientID = session.patientID
            m.clinicID = facts.clinicID
            m.sessionID = facts.sessionID
            m.day = day
            m.reportedOn = facts.today.description
            m.redness = answers.redness.rawValue
            m.swelling = answers.swelling.rawValue
            m.pain = answers.pain
            m.signsJSON = StoredJSON.text(.array(assessment.warningSigns.map { .string($0.rawValue) }))
            if let (img, sha) = image {
                m.photoSHA256 = sha
                m.photoMediaType = img.format.mediaType
                m.photoByteCount = img.bytes.count
                m.photoWidth = img.width
                m.photoHeight = img.height
            }
            m.createdAt = now
            do {
                try await m.create(on: database)
            } catch let error as any DatabaseError where error.isConstraintFailure {
                // Two sends of the same day at once: the unique index keeps the first, the second is the same refusal.
                throw StoreError.conflict(Self.alreadySent)
            }
            if let proposal = assessment.proposal {
                let f = CheckInFlagRow()
                f.id = UUID()
                f.organizationID = session.organizationID
                f.patientID = session.patientID
                f.clinicID = facts.clinicID
                f.checkInID = m.id!
                f.sessionID = facts.sessionID
                f.day = day
                f.signsJSON = m.signsJSON
                f.draftType = proposal.type.rawValue
                f.draftGrade = proposal.grade.rawValue
                f.onset = facts.today.description
                f.status = CheckInFlagStatus.open.rawValue
                f.createdAt = now
                try await f.create(on: database)
            }
            try await self.audit(session, .create, "portal.check-in", now: now, requestID: requestID, on: database)
            return CheckInReceipt(
                checkIn: try CheckIn(m), assessment: assessment, clinicName: facts.day.clinicName, clinicPhone: facts.day.clinicPhone)
        }
    }

    /// The facts of a check-in that may be sent now, or the refusal.
    private func open(_ session: PortalSession, now: Date, photo: Bool, on database: any Database) async throws -> Facts {
        guard let facts = try await facts(session, now: now, on: database) else {
            throw StoreError.invalid(field: "day", problem: "there is no session to report on yet")
        }
        guard facts.day.day != nil else {
            let n = facts.day.sessionDate.days(until: facts.today)
            throw StoreError.invalid(
                field: "day",
                problem: "the check-in is open on days 1 to 7 after your session of \(facts.day.sessionDate); today is day \(n)")
        }
        guard facts.day.reportedToday == nil else {
            throw StoreError.conflict(Self.alreadySent)
        }
        if photo && !facts.day.photosAllowed {
            throw StoreError.consent("photos in the portal need your photo consent in force; ask your clinic")
        }
        return facts
    }

    // MARK: Photos

    /// The patient's own photos, only while a photo consent of theirs is in force (any tier: the tiers grade how far
    /// photos travel beyond the record, and the patient is its subject, not a wider audience). Audited as a list.
    public func photos(_ session: PortalSession, now: Date, requestID: String) async throws -> PortalPhotos {
        try await db.write { database -> PortalPhotos in
            let allowed = try await !PhotoStore.tiers(session.patientID, organizationID: session.organizationID, on: database).isEmpty
            try await self.audit(session, .list, "portal.photo", now: now, requestID: requestID, on: database)
            guard allowed else { return PortalPhotos(allowed: false, coursePhotos: [], checkInPhotos: []) }
            let course = try await PhotoRow.query(on: database).filter(\.$organizationID == session.organizationID)
                .filter(\.$patientID == session.patientID).sort(\.$takenOn).sort(\.$createdAt).all().map(Photo.init)
            let checkIns = try await PortalCheckInRow.query(on: database).filter(\.$organizationID == session.organizationID)
                .filter(\.$patientID == session.patientID).filter(\.$photoSHA256 != nil).sort(\.$createdAt).all()
                .map { m in
                    guard let on = LocalDate(iso: m.reportedOn) else { throw StoredJSON.unreadable("check-in", "reported_on") }
                    return PortalPhotos.CheckInPhoto(checkInID: m.id!, day: m.day, reportedOn: on)
                }
            return PortalPhotos(
                allowed: true, coursePhotos: course.sorted { ($0.visit, $0.view.order) < ($1.visit, $1.view.order) }, checkInPhotos: checkIns)
        }
    }

    /// One image of the session's patient (a course photo or a check-in photo, by its id) with its media type; nil
    /// when the id is no photo of this patient or no photo consent is in force (audited as denied).
    public func image(_ session: PortalSession, id: UUID, now: Date, requestID: String) async throws -> (mediaType: String, bytes: [UInt8])? {
        let found = try await db.write { database -> (String, String)? in
            let allowed = try await !PhotoStore.tiers(session.patientID, organizationID: session.organizationID, on: database).isEmpty
            var hit: (String, String)?
            if allowed {
                if let p = try await PhotoRow.query(on: database).filter(\.$id == id).filter(\.$organizationID == session.organizationID)
                    .filter(\.$patientID == session.patientID).first()
                {
                    hit = (p.sha256, p.mediaType)
                } else if let c = try await PortalCheckInRow.query(on: database).filter(\.$id == id)
                    .filter(\.$organizationID == session.organizationID).filter(\.$patientID == session.patientID).first(),
                    let sha = c.photoSHA256, let type = c.photoMediaType
                {
                    hit = (sha, type)
                }
            }
            try await self.audit(session, .read, "portal.photo", hit == nil ? .denied : .allowed, now: now, requestID: requestID, on: database)
            return hit
        }
        guard let (sha, type) = found else { return nil }
        return (type, try await vault.open(sha256: sha))
    }
}

extension CheckIn {
    init(_ m: PortalCheckInRow) throws {
        let w = "check-in"
        guard let redness = ReactionLevel(rawValue: m.redness), let swelling = ReactionLevel(rawValue: m.swelling),
            let on = LocalDate(iso: m.reportedOn)
        else { throw StoredJSON.unreadable(w, "redness, swelling or date") }
        let signs = try StoredJSON.rawValues(from: StoredJSON.parse(m.signsJSON, w), as: WarningSign.self, w)
        self.init(
            id: m.id!, patientID: m.patientID, sessionID: m.sessionID, day: m.day, reportedOn: on,
            answers: CheckInAnswers(redness: redness, swelling: swelling, pain: m.pain, signs: signs.filter(WarningSign.ticked.contains)),
            warningSigns: signs, hasPhoto: m.photoSHA256 != nil, createdAt: m.createdAt)
    }
}
