import FluentKit
import Foundation
import SQLKit
import StratumCore

/// The patient a portal link is mailed to, as the mail needs them: the address and the clinic's name, nothing clinical.
public struct PortalRecipient: Sendable, Equatable {
    public let email: String
    public let clinicName: String
}

/// A newly opened portal session: the cookie value and the CSRF token its forms echo.
public struct NewPortalSession: Sendable, Equatable {
    public let token: String
    public let csrfToken: String
    public let expiresAt: Date
}

/// A valid portal session: everything it may read is this one patient's, in this organization.
public struct PortalSession: Sendable, Equatable {
    public let id: UUID
    public let patientID: UUID
    public let organizationID: UUID
    /// The patient's clinic: its time zone decides the portal's "today".
    public let clinicID: UUID
    public let csrfToken: String
    public let expiresAt: Date
}

/// What the portal's home page shows the patient: their name, their last session for the aftercare, the planned
/// visits of their active course, and how to reach the clinic.
public struct PortalHome: Sendable, Equatable {
    /// The session the aftercare follows: its day and the deepest needle depth of its zones.
    public struct LastSession: Sendable, Equatable {
        public let date: LocalDate
        public let depthMM: Double
    }
    public let givenName: String
    public let familyName: String
    public let lastSession: LastSession?
    /// The active course's planned visits, in order (the page shows those from today on).
    public let plannedVisits: [LocalDate]
    /// The clinic that treated the last session, else the patient's own: the one to call.
    public let clinicName: String
    public let clinicPhone: String?
    public let clinicTimezone: String
}

/// The patient portal's sign-in and reads, above any one organization (one email may be a patient's in several): a
/// one-time link mailed to the patient's email and opened with their date of birth starts a session scoped to that
/// patient. Every act is one transaction with its audit row in the patient's organization, the patient as actor.
public struct PortalStore: Sendable {
    let db: StratumDatabase
    let auditKey: AuditKey

    public init(database: StratumDatabase, auditKey: AuditKey) {
        self.db = database
        self.auditKey = auditKey
    }

    private func audit(
        organizationID: UUID, patientID: UUID, actor: UUID?, clinicID: UUID?, action: AuditAction, resource: String,
        outcome: AuditOutcome, now: Date, requestID: String, on database: any Database
    ) async throws {
        let ctx = AccessContext(actorID: actor, clinicID: clinicID, requestID: requestID, now: now)
        try await OrganizationScope(organizationID: organizationID, database: db, auditKey: auditKey)
            .audit(ctx, patientID: patientID, action: action, resource: resource, outcome: outcome, on: database)
    }

    // MARK: Links

    /// Asks for a sign-in link. The answer is the same whether any patient has the email or not: `true` (a mail is on
    /// its way to each patient record with the email), `false` when this email or this address asked too often in the
    /// last hour. Each link (15 minutes, single use, kept as SHA-256) is written with its mail and audit row.
    public func requestLink(
        email: String, address: String, now: Date, requestID: String,
        mail: @escaping @Sendable (_ token: String, _ recipient: PortalRecipient) -> OutgoingMail
    ) async throws -> Bool {
        let hash = CredentialStore.emailHash(email)
        let key = PortalInputRules.emailProblem(email) == nil ? PatientIdentity.emailKey(email) : nil
        return try await db.write { database -> Bool in
            guard
                try await admitHourly(
                    PortalLinkRequestRow.self, emailHash: hash, address: address, perEmail: PortalInputRules.linksPerEmailPerHour,
                    perAddress: PortalInputRules.linksPerAddressPerHour, now: now, on: database)
            else { return false }
            guard let key else { return true }
            let patients = try await PatientRow.query(on: database).filter(\.$emailKey == key).filter(\.$mergedInto == nil).all()
            for p in patients {
                guard let clinic = try await ClinicRow.find(p.clinicID, on: database) else { continue }
                let token = CredentialStore.randomToken()
                let link = PortalLinkRow()
                link.id = UUID()
                link.organizationID = p.organizationID
                link.patientID = p.id!
                link.tokenHash = CredentialStore.sha256Hex(token)
                link.createdAt = now
                link.expiresAt = now.addingTimeInterval(PortalInputRules.linkLifetime)
                link.failures = 0
                try await link.create(on: database)
                try await MailOutbox.enqueue(
                    mail(token, PortalRecipient(email: key, clinicName: clinic.name)), organizationID: p.organizationID, now: now, on: database)
                // Nobody is signed in yet: the row says a link went to the patient's address, not who asked for it.
                try await self.audit(
                    organizationID: p.organizationID, patientID: p.id!, actor: nil, clinicID: p.clinicID, action: .create,
                    resource: "portal.link", outcome: .allowed, now: now, requestID: requestID, on: database)
            }
            return true
        }
    }

    // MARK: Sessions

    /// Opens a portal session from a mailed link and the patient's date of birth, using the link up. Nil for every
    /// refusal alike: an unknown, used, expired or ended link, or a date of birth that is not the link's patient's. A
    /// wrong date counts against the link (five end it) and is audited as a denied sign-in of that patient.
    public func signIn(token: String, birthDate: LocalDate, now: Date, requestID: String) async throws -> NewPortalSession? {
        guard !token.isEmpty, token.utf8.count < 200 else { return nil }
        let hash = CredentialStore.sha256Hex(token)
        return try await db.write { database -> NewPortalSession? in
            guard let link = try await PortalLinkRow.query(on: database).filter(\.$tokenHash == hash).first() else { return nil }
            try await lockRow(PortalLinkRow.schema, id: link.id!, on: database)
            guard let fresh = try await PortalLinkRow.find(link.id, on: database), fresh.usedAt == nil, now < fresh.expiresAt,
                fresh.failures < PortalInputRules.linkFailures,
                let patient = try await PatientRow.query(on: database).filter(\.$id == fresh.patientID)
                    .filter(\.$organizationID == fresh.organizationID).filter(\.$mergedInto == nil).first()
            else { return nil }
            let patientID = patient.id!
            guard patient.birthDate == birthDate.description else {
                fresh.failures += 1
                try await fresh.update(on: database)
                try await self.audit(
                    organizationID: fresh.organizationID, patientID: patientID, actor: patientID, clinicID: patient.clinicID,
                    action: .signIn, resource: "portal.sign-in", outcome: .denied, now: now, requestID: requestID, on: database)
                return nil
            }
            // The mailbox and the date of birth proved who signs in: every open link of the patient ends with this one.
            try await PortalLinkRow.query(on: database).filter(\.$patientID == patientID).filter(\.$usedAt == nil)
                .set(\.$usedAt, to: now).update()
            try await PortalSessionRow.query(on: database).filter(\.$expiresAt <= now).delete()
            let session = NewPortalSession(
                token: CredentialStore.randomToken(), csrfToken: CredentialStore.randomToken(),
                expiresAt: now.addingTimeInterval(PortalInputRules.sessionAbsoluteTimeout))
            let m = PortalSessionRow()
            m.id = UUID()
            m.organizationID = fresh.organizationID
            m.patientID = patientID
            m.clinicID = patient.clinicID
            m.tokenHash = CredentialStore.sha256Hex(session.token)
            m.csrfToken = session.csrfToken
            m.createdAt = now
            m.lastSeenAt = now
            m.expiresAt = session.expiresAt
            try await m.create(on: database)
            try await self.audit(
                organizationID: fresh.organizationID, patientID: patientID, actor: patientID, clinicID: patient.clinicID,
                action: .signIn, resource: "portal.sign-in", outcome: .allowed, now: now, requestID: requestID, on: database)
            return session
        }
    }

    /// The portal session when it is valid at `now` (before its absolute end, idle for less than 30 minutes, its
    /// patient's chart not merged away); otherwise nil, and an ended session is deleted.
    public func session(token: String, now: Date) async throws -> PortalSession? {
        guard !token.isEmpty, token.utf8.count < 200 else { return nil }
        let hash = CredentialStore.sha256Hex(token)
        let found = try await db.read { database -> (PortalSessionRow, Bool)? in
            guard let m = try await PortalSessionRow.query(on: database).filter(\.$tokenHash == hash).first() else { return nil }
            let current =
                try await PatientRow.query(on: database).filter(\.$id == m.patientID).filter(\.$organizationID == m.organizationID)
                .filter(\.$mergedInto == nil).first() != nil
            return (m, current)
        }
        guard let (m, current) = found else { return nil }
        guard current, now < m.expiresAt, now.timeIntervalSince(m.lastSeenAt) < PortalInputRules.sessionIdleTimeout else {
            try await db.write { database in try await PortalSessionRow.query(on: database).filter(\.$id == m.id!).delete() }
            return nil
        }
        // The idle clock needs no durable write on every page: a minute's resolution is enough for a 30-minute limit.
        if now.timeIntervalSince(m.lastSeenAt) >= CredentialStore.lastSeenResolution || now < m.lastSeenAt {
            try await db.write { database in
                try await PortalSessionRow.query(on: database).filter(\.$id == m.id!).set(\.$lastSeenAt, to: now).update()
            }
        }
        return PortalSession(
            id: m.id!, patientID: m.patientID, organizationID: m.organizationID, clinicID: m.clinicID, csrfToken: m.csrfToken,
            expiresAt: m.expiresAt)
    }

    /// Ends the portal session, audited with the patient as actor; an ended or unknown session changes nothing.
    public func signOut(token: String, now: Date, requestID: String) async throws {
        guard !token.isEmpty, token.utf8.count < 200 else { return }
        let hash = CredentialStore.sha256Hex(token)
        try await db.write { database in
            guard let m = try await PortalSessionRow.query(on: database).filter(\.$tokenHash == hash).first() else { return }
            try await m.delete(on: database)
            try await self.audit(
                organizationID: m.organizationID, patientID: m.patientID, actor: m.patientID, clinicID: m.clinicID, action: .signOut,
                resource: "portal.sign-out", outcome: .allowed, now: now, requestID: requestID, on: database)
        }
    }

    // MARK: Reads

    /// The portal's home for the session's patient, read and audited once (`portal.home`, the patient as actor). Every
    /// query is bound to the session's patient and organization: no id from the request reaches it.
    public func home(_ session: PortalSession, now: Date, requestID: String) async throws -> PortalHome {
        try await db.write { database -> PortalHome in
            guard
                let patient = try await PatientRow.query(on: database).filter(\.$id == session.patientID)
                    .filter(\.$organizationID == session.organizationID).filter(\.$mergedInto == nil).first()
            else { throw StoreError.notFound("patient") }
            let courses = try await CourseRow.query(on: database).filter(\.$organizationID == session.organizationID)
                .filter(\.$patientID == session.patientID).all()
            let courseIDs = courses.compactMap(\.id)
            var last: (TreatmentSessionRow, LocalDate)?
            if !courseIDs.isEmpty {
                for s in try await TreatmentSessionRow.query(on: database).filter(\.$organizationID == session.organizationID)
                    .filter(\.$courseID ~~ courseIDs).all()
                {
                    guard let date = LocalDate(iso: s.date) else { throw StoredJSON.unreadable("session date", s.date) }
                    if last.map({ (date, s.createdAt) > ($0.1, $0.0.createdAt) }) ?? true { last = (s, date) }
                }
            }
            var lastSession: PortalHome.LastSession?
            if let (s, date) = last {
                let depth =
                    try await ZoneTreatmentRow.query(on: database).filter(\.$organizationID == session.organizationID)
                    .filter(\.$sessionID == s.id!).all().map(\.depthMM).max() ?? 0
                lastSession = .init(date: date, depthMM: depth)
            }
            var visits: [LocalDate] = []
            let active = courses.filter { $0.status == CourseStatus.active.rawValue }.map { $0.id! }
            if !active.isEmpty {
                visits = try await PlannedVisitRow.query(on: database).filter(\.$organizationID == session.organizationID)
                    .filter(\.$courseID ~~ active).all()
                    .map { v in
                        guard let d = LocalDate(iso: v.date) else { throw StoredJSON.unreadable("planned visit date", v.date) }
                        return d
                    }
                    .sorted()
            }
            let clinicID = last?.0.clinicID ?? patient.clinicID
            guard
                let clinic = try await ClinicRow.query(on: database).filter(\.$id == clinicID)
                    .filter(\.$organizationID == session.organizationID).first()
            else { throw StoreError.notFound("clinic") }
            try await self.audit(
                organizationID: session.organizationID, patientID: session.patientID, actor: session.patientID, clinicID: session.clinicID,
                action: .read, resource: "portal.home", outcome: .allowed, now: now, requestID: requestID, on: database)
            return PortalHome(
                givenName: patient.givenName, familyName: patient.familyName, lastSession: lastSession, plannedVisits: visits,
                clinicName: clinic.name, clinicPhone: clinic.phone, clinicTimezone: clinic.timezone)
        }
    }

}
