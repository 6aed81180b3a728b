import FluentKit
import Foundation
import StratumCore

/// Where a patient's report stands with the clinic: open until a practitioner confirms its draft or dismisses it.
public enum CheckInFlagStatus: String, Sendable, CaseIterable {
    case open, confirmed, dismissed
}

/// A warning sign a patient reported through the portal, with the adverse-event draft it prepared.
public struct CheckInFlag: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let patientID: UUID
    public let patientName: String
    public let sessionID: UUID
    public let sessionDate: LocalDate
    public let checkIn: CheckIn
    public let draftType: AdverseEventType
    public let draftGrade: CTCAEGrade
    public let onset: LocalDate
    public let status: CheckInFlagStatus
    /// The adverse event a confirmation recorded.
    public let adverseEventID: UUID?
    public let dismissReason: String?
    public let closedBy: UUID?
    public let closedAt: Date?
    public let createdAt: Date
}

/// The clinic's side of the patients' check-ins: the open flags on Today, the draft a practitioner opens, and its
/// confirmation (an adverse event through `AdverseEventStore`'s own rules, which then holds back the next session by
/// `REACTION-UNRESOLVED`) or dismissal with a reason. Either closes the flag; each is one audited transaction.
public struct CheckInFlagStore: Sendable {
    let scope: OrganizationScope
    let vault: PhotoVault

    public init(scope: OrganizationScope, vault: PhotoVault) {
        self.scope = scope
        self.vault = vault
    }

    private func base(_ database: any Database) -> QueryBuilder<CheckInFlagRow> {
        CheckInFlagRow.query(on: database).filter(\.$organizationID == scope.organizationID)
    }

    /// The open flags of one clinic (the clinic of the session each follows), oldest first; each patient shown is
    /// audited once.
    public func open(clinicID: UUID, _ ctx: AccessContext) async throws -> [CheckInFlag] {
        try await scope.db.write { database -> [CheckInFlag] in
            let rows = try await self.base(database).filter(\.$clinicID == clinicID).filter(\.$status == CheckInFlagStatus.open.rawValue)
                .sort(\.$createdAt).all()
            let flags = try await self.load(rows, on: database)
            var seen = Set<UUID>()
            let shown = rows.map(\.patientID).filter { seen.insert($0).inserted }
            try await self.scope.audit(ctx, patientIDs: shown, action: .list, resource: "check-in.flag", on: database)
            return flags
        }
    }

    /// One flag with its check-in and draft, audited as a read of the patient's record; nil when there is none in
    /// this organization.
    public func get(flagID: UUID, _ ctx: AccessContext) async throws -> CheckInFlag? {
        try await scope.db.write { database -> CheckInFlag? in
            guard let m = try await self.base(database).filter(\.$id == flagID).first() else {
                try await self.scope.audit(ctx, patientID: nil, action: .read, resource: "check-in.flag", outcome: .denied, on: database)
                return nil
            }
            try await self.scope.audit(ctx, patientID: m.patientID, action: .read, resource: "check-in.flag", outcome: .allowed, on: database)
            return try await self.load([m], on: database).first
        }
    }

    /// Confirms the draft as an adverse event of the session the check-in followed, with the practitioner's type and
    /// grade (the draft's by default) and notes, through `AdverseEventStore`'s report rules and audit row, and closes
    /// the flag, in one transaction. A flag already closed is refused (`conflict`).
    public func confirm(
        flagID: UUID, type: AdverseEventType, grade: CTCAEGrade, notes: String?, _ ctx: AccessContext
    ) async throws -> AdverseEvent {
        let actorID = try scope.requireActor(ctx)
        try AdverseEventStore.refuseLongText(links: AdverseEventLinks(), notes: notes)
        return try await scope.db.write { database -> Scoped<AdverseEvent> in
            try await lockRow(CheckInFlagRow.schema, id: flagID, on: database)
            guard let m = try await self.base(database).filter(\.$id == flagID).first() else {
                return try await self.scope.deny(ctx, patientID: nil, action: .close, resource: "check-in.flag", missing: "report", on: database)
            }
            guard m.status == CheckInFlagStatus.open.rawValue else { throw StoreError.conflict("this report is already \(m.status)") }
            guard let onset = LocalDate(iso: m.onset) else { throw StoredJSON.unreadable("check-in flag", "onset") }
            let scoped = try await AdverseEventStore(scope: self.scope).insert(
                patientID: m.patientID, sessionID: m.sessionID, type: type, onset: onset, grade: grade, suspectedCauses: [],
                links: AdverseEventLinks(), notes: notes, zones: [], actorID: actorID, ctx, on: database)
            guard case .found(let event) = scoped else { return scoped }
            m.status = CheckInFlagStatus.confirmed.rawValue
            m.adverseEventID = event.id
            m.closedBy = actorID
            m.closedAt = ctx.now
            try await m.update(on: database)
            try await self.scope.audit(ctx, patientID: m.patientID, action: .close, resource: "check-in.flag", outcome: .allowed, on: database)
            return .found(event)
        }.get()
    }

    /// Dismisses the draft with the practitioner's reason (required: why the patient's warning sign was not an
    /// adverse event) and closes the flag, audited.
    public func dismiss(flagID: UUID, reason: String, _ ctx: AccessContext) async throws {
        let actorID = try scope.requireActor(ctx)
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !why.isEmpty else { throw StoreError.invalid(field: "reason", problem: InputProblem.missing.description) }
        if let problem = RecordInputRules.textProblem(why, max: RecordInputRules.adverseEventNotesMaxLength) {
            throw StoreError.invalid(field: "reason", problem: problem.description)
        }
        try await scope.db.write { database -> Scoped<Void> in
            try await lockRow(CheckInFlagRow.schema, id: flagID, on: database)
            guard let m = try await self.base(database).filter(\.$id == flagID).first() else {
                return try await self.scope.deny(ctx, patientID: nil, action: .close, resource: "check-in.flag", missing: "report", on: database)
            }
            guard m.status == CheckInFlagStatus.open.rawValue else { throw StoreError.conflict("this report is already \(m.status)") }
            m.status = CheckInFlagStatus.dismissed.rawValue
            m.dismissReason = why
            m.closedBy = actorID
            m.closedAt = ctx.now
            try await m.update(on: database)
            try await self.scope.audit(ctx, patientID: m.patientID, action: .close, resource: "check-in.flag", outcome: .allowed, on: database)
            return .found(())
        }.get()
    }

    /// The photo the patient sent with the flagged check-in, audited as a read of a photo of the patient.
    public func photo(flagID: UUID, _ ctx: AccessContext) async throws -> (mediaType: String, bytes: [UInt8])? {
        let found = try await scope.db.write { database -> (String, String)? in
            guard let m = try await self.base(database).filter(\.$id == flagID).first(),
                let c = try await PortalCheckInRow.query(on: database).filter(\.$id == m.checkInID)
                    .filter(\.$organizationID == self.scope.organizationID).first(),
                let sha = c.photoSHA256, let type = c.photoMediaType
            else {
                try await self.scope.audit(ctx, patientID: nil, action: .read, resource: "check-in.photo", outcome: .denied, on: database)
                return nil
            }
            try await self.scope.audit(ctx, patientID: m.patientID, action: .read, resource: "check-in.photo", outcome: .allowed, on: database)
            return (sha, type)
        }
        guard let (sha, type) = found else { return nil }
        return (type, try await vault.open(sha256: sha))
    }

    private func load(_ rows: [CheckInFlagRow], on database: any Database) async throws -> [CheckInFlag] {
        guard !rows.isEmpty else { return [] }
        let patients = Dictionary(
            uniqueKeysWithValues: try await PatientRow.query(on: database).filter(\.$organizationID == scope.organizationID)
                .filter(\.$id ~~ Array(Set(rows.map(\.patientID)))).all().map { ($0.id!, "\($0.givenName) \($0.familyName)") })
        let checkIns = Dictionary(
            uniqueKeysWithValues: try await PortalCheckInRow.query(on: database).filter(\.$organizationID == scope.organizationID)
                .filter(\.$id ~~ rows.map(\.checkInID)).all().map { ($0.id!, $0) })
        let sessions = Dictionary(
            uniqueKeysWithValues: try await TreatmentSessionRow.query(on: database).filter(\.$organizationID == scope.organizationID)
                .filter(\.$id ~~ Array(Set(rows.map(\.sessionID)))).all().map { ($0.id!, $0.date) })
        return try rows.map { m in
            let w = "check-in flag"
            guard let c = checkIns[m.checkInID], let type = AdverseEventType(rawValue: m.draftType),
                let grade = CTCAEGrade(rawValue: m.draftGrade), let onset = LocalDate(iso: m.onset),
                let status = CheckInFlagStatus(rawValue: m.status), let date = sessions[m.sessionID].flatMap(LocalDate.init(iso:))
            else { throw StoredJSON.unreadable(w, "check-in, draft, onset, status or session") }
            return CheckInFlag(
                id: m.id!, patientID: m.patientID, patientName: patients[m.patientID] ?? "", sessionID: m.sessionID, sessionDate: date,
                checkIn: try CheckIn(c), draftType: type, draftGrade: grade, onset: onset, status: status, adverseEventID: m.adverseEventID,
                dismissReason: m.dismissReason, closedBy: m.closedBy, closedAt: m.closedAt, createdAt: m.createdAt)
        }
    }
}
