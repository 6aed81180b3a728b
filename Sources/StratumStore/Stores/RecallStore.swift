import FluentKit
import Foundation
import SQLKit
import StratumCore

/// A recall at a glance, for Today: no patient is named, so reading it is not an access to a record.
public struct RecallSummary: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let source: RecallSource
    public let reason: String
    public let isOpen: Bool
    /// Closed because it should never have been opened; its follow-ups ended with it.
    public let closedInError: Bool
    public let openedAt: Date
    public let patients: Int
    public let toContact: Int
    public let followUpDone: Int
}

/// Recalls (POLICY §4): a failed biological indicator or a recalled lot lists every exposed session and patient,
/// and each patient's follow-up is tracked until the recall is closed. Reading the exposed patients is an access
/// to each one's record and is audited per patient.
public struct RecallStore: Sendable {
    let scope: OrganizationScope

    /// Sessions that used a pack of the exposed cycles (see `RecallWindow`) of the failed cycle's sterilizer.
    public func exposures(cycleID: UUID, _ ctx: AccessContext) async throws -> [Exposure] {
        try await audited(ctx) { try await self.exposures(cycleID: cycleID, on: $0) }
    }

    /// Sessions that used a part of the lot.
    public func exposures(lotID: UUID, _ ctx: AccessContext) async throws -> [Exposure] {
        try await audited(ctx) { try await self.exposures(lotID: lotID, on: $0) }
    }

    /// The recalls, open ones first, newest first; `clinicID` narrows to the recalls of one clinic's sterilizers
    /// and lots.
    public func summaries(openOnly: Bool = false, clinicID: UUID? = nil) async throws -> [RecallSummary] {
        try await scope.db.read { database in
            var q = RecallRow.query(on: database).filter(\.$organizationID == self.scope.organizationID)
            if openOnly { q = q.filter(\.$status == "open") }
            if let clinicID { q = q.filter(\.$clinicID == clinicID) }
            var out: [RecallSummary] = []
            for r in try await q.sort(\.$openedAt, .descending).all() {
                let rows = try await RecallPatientRow.query(on: database).filter(\.$recallID == r.id!).all()
                out.append(
                    RecallSummary(
                        id: r.id!, source: RecallSource(rawValue: r.source) ?? .cycle, reason: r.reason,
                        isOpen: r.status == "open", closedInError: r.status == Self.closedInErrorStatus,
                        openedAt: r.openedAt, patients: rows.count,
                        toContact: rows.filter { $0.status == RecallContactStatus.toContact.rawValue }.count,
                        followUpDone: rows.filter { $0.status == RecallContactStatus.followUpDone.rawValue }.count))
            }
            return out.sorted { ($0.isOpen ? 0 : 1, -$0.openedAt.timeIntervalSince1970) < ($1.isOpen ? 0 : 1, -$1.openedAt.timeIntervalSince1970) }
        }
    }

    /// The recall with its patients, their contact details and follow-up status, and every exposed session.
    public func get(recallID: UUID, _ ctx: AccessContext) async throws -> (Recall, [Exposure])? {
        let found = try await scope.db.snapshot { database -> (Recall, [Exposure])? in
            guard let r = try await self.recall(recallID, on: database) else { return nil }
            let exposures = try await self.exposures(of: r, on: database)
            return (try await self.load(r, on: database), exposures)
        }
        try await scope.db.write { database in
            guard let (recall, _) = found else {
                try await self.scope.audit(ctx, patientID: nil, action: .read, resource: "recall", outcome: .denied, on: database)
                return
            }
            try await self.scope.audit(ctx, patientIDs: recall.patients.map(\.patientID), action: .read, resource: "recall", on: database)
        }
        return found
    }

    /// Moves one patient's follow-up on: to contact → contacted → follow-up done (or back, to correct a slip).
    public func setStatus(recallID: UUID, patientID: UUID, _ status: RecallContactStatus, note: String?, _ ctx: AccessContext) async throws {
        let actorID = try scope.requireActor(ctx)
        let note = note?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let note, let problem = RecordInputRules.textProblem(note, max: RecordInputRules.followUpNoteMaxLength) {
            throw StoreError.invalid(field: "note", problem: problem.description)
        }
        try await scope.db.write { database in
            guard let r = try await self.recall(recallID, on: database) else { throw StoreError.notFound("recall") }
            guard r.status == "open" else { throw StoreError.conflict("the recall is closed") }
            guard
                let row = try await RecallPatientRow.query(on: database).filter(\.$recallID == recallID)
                    .filter(\.$patientID == patientID).first()
            else { throw StoreError.notFound("patient in this recall") }
            row.status = status.rawValue
            if let note, !note.isEmpty { row.note = note }
            row.updatedAt = ctx.now
            row.updatedBy = actorID
            try await row.update(on: database)
            try await self.scope.audit(ctx, patientID: patientID, action: .update, resource: "recall", outcome: .allowed, on: database)
        }
    }

    /// Closes the recall once every exposed patient's follow-up is done.
    public func close(recallID: UUID, _ ctx: AccessContext) async throws {
        let actorID = try scope.requireActor(ctx)
        try await scope.db.write { database in
            try await lockRow(RecallRow.schema, id: recallID, on: database)
            guard let r = try await self.recall(recallID, on: database) else { throw StoreError.notFound("recall") }
            guard r.status == "open" else { throw StoreError.conflict("the recall is already closed") }
            let pending = try await RecallPatientRow.query(on: database).filter(\.$recallID == recallID)
                .filter(\.$status != RecallContactStatus.followUpDone.rawValue).count()
            guard pending == 0 else { throw StoreError.conflict("\(pending) patient(s) of the recall have no follow-up done yet") }
            r.status = "closed"
            r.closedAt = ctx.now
            r.closedBy = actorID
            try await r.update(on: database)
            try await self.scope.audit(ctx, patientID: nil, action: .close, resource: "recall", outcome: .allowed, on: database)
        }
    }

    /// Closes a recall opened by mistake (a wrong cycle selected, a mistyped lot) with the reason, audited. Its
    /// follow-ups end with it. Nothing it withdrew comes back: its quarantined packs stay quarantined (a quarantined
    /// pack is never released; its contents are reprocessed in a new pack and cycle) and a recalled lot stays recalled.
    public func closeInError(recallID: UUID, reason: String, _ ctx: AccessContext) async throws {
        let actorID = try scope.requireActor(ctx)
        let reason = try Traceability.text(reason, field: "reason", max: RecordInputRules.reasonMaxLength)
        try await scope.db.write { database in
            try await lockRow(RecallRow.schema, id: recallID, on: database)
            guard let r = try await self.recall(recallID, on: database) else { throw StoreError.notFound("recall") }
            guard r.status == "open" else { throw StoreError.conflict("the recall is already closed") }
            r.status = Self.closedInErrorStatus
            r.closedAt = ctx.now
            r.closedBy = actorID
            r.closedReason = reason
            try await r.update(on: database)
            try await self.scope.audit(ctx, patientID: nil, action: .closeInError, resource: "recall", outcome: .allowed, on: database)
        }
    }

    /// What failing the cycle's pending biological indicator would reach, for the confirmation before it is
    /// recorded: the same `RecallWindow` as `readBiological` with this cycle read as failed. Sessions and patients are
    /// counted from `session_equipment`; no patient's record is read, so nothing is audited.
    public func reach(failing cycleID: UUID) async throws -> RecallReach {
        try await scope.db.read { database in
            guard
                let cycle = try await SterilizationCycleRow.query(on: database).filter(\.$organizationID == self.scope.organizationID)
                    .filter(\.$id == cycleID).first()
            else { throw StoreError.notFound("cycle") }
            guard cycle.biological == BiologicalIndicatorResult.pending.rawValue else {
                throw StoreError.conflict("the biological indicator of cycle \(cycle.number) is already read: \(cycle.biological)")
            }
            let exposed = try await self.exposedCycles(of: cycle, assumingFailure: true, on: database)
            guard !exposed.isEmpty else { return RecallReach(cycles: [], sessions: 0, patients: 0, packs: 0) }
            let ids = exposed.map(\.id)
            let sql = database as! any SQLDatabase
            let row = try await sql.raw(
                """
                SELECT COUNT(*) AS sessions, COUNT(DISTINCT e.patient_id) AS patients
                FROM sterilization_packs k JOIN session_equipment e ON e.pack_id = k.id
                WHERE k.organization_id = \(bind: self.scope.organizationID) AND k.cycle_id IN (\(binds: ids))
                """
            ).first()
            let packs = try await SterilizationPackRow.query(on: database).filter(\.$organizationID == self.scope.organizationID)
                .filter(\.$cycleID ~~ ids).all()
                .filter { !(PackState(rawValue: $0.state) ?? .quarantined).isFinal }.count
            return RecallReach(
                cycles: exposed.map(\.number), sessions: try row?.decode(column: "sessions", as: Int.self) ?? 0,
                patients: try row?.decode(column: "patients", as: Int.self) ?? 0, packs: packs)
        }
    }

    // MARK: Internals

    static let closedInErrorStatus = "closed-in-error"

    /// The sterilizer's cycles exposed by the failure of `failed` (`RecallWindow`), by number. With
    /// `assumingFailure`, as if its biological indicator had just been read as failed (the confirmation before it is).
    func exposedCycles(
        of failed: SterilizationCycleRow, assumingFailure: Bool = false,
        on database: any Database
    ) async throws -> [(id: UUID, number: Int)] {
        let cycles = try await SterilizationCycleRow.query(on: database).filter(\.$sterilizerID == failed.sterilizerID)
            .field(\.$id).field(\.$number).field(\.$biological).all()
        let outcomes = cycles.map { c in
            CycleOutcome(
                number: c.number,
                biological: assumingFailure && c.id == failed.id
                    ? .fail
                    : BiologicalIndicatorResult(rawValue: c.biological) ?? .pending)
        }
        let exposed = Set(RecallWindow.exposedCycles(outcomes, failed: failed.number))
        return cycles.filter { exposed.contains($0.number) }.compactMap { c in c.id.map { ($0, c.number) } }.sorted { $0.number < $1.number }
    }

    /// Opens a recall inside the caller's transaction and lists its patients, each to contact.
    /// `clinicID` is the clinic of the failed cycle's sterilizer or of the recalled lot.
    func open(
        source: RecallSource, clinicID: UUID, cycleID: UUID?, lotID: UUID?, reason: String, _ ctx: AccessContext,
        on database: any Database
    ) async throws -> RecallRow {
        let actorID = try scope.requireActor(ctx)
        let r = RecallRow()
        r.id = UUID()
        r.organizationID = scope.organizationID
        r.clinicID = clinicID
        r.source = source.rawValue
        r.cycleID = cycleID
        r.lotID = lotID
        r.reason = reason
        r.status = "open"
        r.openedAt = ctx.now
        r.openedBy = actorID
        try await r.create(on: database)
        var seen = Set<UUID>()
        for e in try await exposures(of: r, on: database) where seen.insert(e.patientID).inserted {
            let p = RecallPatientRow()
            p.id = UUID()
            p.organizationID = scope.organizationID
            p.recallID = r.id!
            p.patientID = e.patientID
            p.status = RecallContactStatus.toContact.rawValue
            p.updatedAt = ctx.now
            try await p.create(on: database)
        }
        try await scope.audit(ctx, patientID: nil, action: .create, resource: "recall", outcome: .allowed, on: database)
        try await noticeStaff(of: r, patients: seen.count, on: database, ctx)
        return r
    }

    /// Tells the clinic's owners and assistants that a recall is open, with the act: how many patients to reach and
    /// where the list is, never who they are (the list is behind sign-in).
    private func noticeStaff(of r: RecallRow, patients: Int, on database: any Database, _ ctx: AccessContext) async throws {
        guard let clinic = try await scope.clinic(r.clinicID ?? UUID(), on: database) else { return }
        let staff = try await MembershipRow.query(on: database).filter(\.$clinicID == clinic.id!)
            .filter(\.$role ~~ [Role.owner.rawValue, Role.assistant.rawValue]).all().map(\.userID)
        guard !staff.isEmpty else { return }
        let why = r.source == RecallSource.lot.rawValue ? "a recalled lot of needle parts" : "a sterilization cycle whose indicator failed"
        for user in try await UserRow.query(on: database).filter(\.$id ~~ Array(Set(staff))).filter(\.$disabledAt == nil).all() {
            let body = """
                A recall is open at \(clinic.name): \(why) reached \(patients) patient\(patients == 1 ? "" : "s"), each to contact and follow up.

                Reason recorded: \(r.reason)

                The list of patients and their contact details: \(OutgoingMail.linkBase)/recalls/\(r.id!.uuidString.lowercased())

                This notice names no patient; the list is shown after you sign in.
                """
            try await MailOutbox.enqueue(
                OutgoingMail(
                    kind: "recall-notice", recipient: user.email, subject: "Recall open at \(clinic.name): \(patients) patients to contact",
                    body: body, idempotencyKey: "recall-\(r.id!.uuidString.lowercased())-\(user.id!.uuidString.lowercased())"),
                organizationID: scope.organizationID, now: ctx.now, on: database)
        }
    }

    func exposures(of r: RecallRow, on database: any Database) async throws -> [Exposure] {
        if let cycleID = r.cycleID { return try await exposures(cycleID: cycleID, on: database) }
        if let lotID = r.lotID { return try await exposures(lotID: lotID, on: database) }
        return []
    }

    /// The exposed cycles of the sterilizer, by `RecallWindow`, then their packs' sessions from the covering index of
    /// `session_equipment` and their patients: no session row is read.
    func exposures(cycleID: UUID, on database: any Database) async throws -> [Exposure] {
        guard
            let failed = try await SterilizationCycleRow.query(on: database).filter(\.$organizationID == scope.organizationID)
                .filter(\.$id == cycleID).first()
        else { throw StoreError.notFound("cycle") }
        let ids = try await exposedCycles(of: failed, on: database).map(\.id)
        guard !ids.isEmpty else { return [] }
        let sql = database as! any SQLDatabase
        let rows = try await sql.raw(
            """
            SELECT e.session_id AS session_id, e.session_date AS date, e.clinic_id AS clinic_id, p.id AS patient_id,
                   p.given_name AS given_name, p.family_name AS family_name, p.phone AS phone, p.email AS email, k.code AS via
            FROM sterilization_packs k
            JOIN session_equipment e ON e.pack_id = k.id
            JOIN patients p ON p.id = e.patient_id
            WHERE k.organization_id = \(bind: scope.organizationID) AND k.cycle_id IN (\(binds: ids))
            """
        ).all()
        return try Self.exposures(rows, prefix: "pack ")
    }

    func exposures(lotID: UUID, on database: any Database) async throws -> [Exposure] {
        let sql = database as! any SQLDatabase
        let rows = try await sql.raw(
            """
            SELECT e.session_id AS session_id, e.session_date AS date, e.clinic_id AS clinic_id, p.id AS patient_id,
                   p.given_name AS given_name, p.family_name AS family_name, p.phone AS phone, p.email AS email, e.serial AS via
            FROM session_equipment e
            JOIN patients p ON p.id = e.patient_id
            WHERE e.organization_id = \(bind: scope.organizationID) AND e.lot_id = \(bind: lotID)
            """
        ).all()
        return try Self.exposures(rows, prefix: "serial ")
    }

    static func exposures(_ rows: [any SQLRow], prefix: String) throws -> [Exposure] {
        try rows.map { row in
            let dateText = try row.decode(column: "date", as: String.self)
            guard let date = LocalDate(iso: dateText) else { throw StoredJSON.unreadable("session date", dateText) }
            let via = try row.decode(column: "via", as: String?.self)
            return Exposure(
                sessionID: try row.decode(column: "session_id", as: UUID.self), date: date,
                patientID: try row.decode(column: "patient_id", as: UUID.self),
                patientName: "\(try row.decode(column: "given_name", as: String.self)) \(try row.decode(column: "family_name", as: String.self))",
                phone: try row.decode(column: "phone", as: String?.self), email: try row.decode(column: "email", as: String?.self),
                clinicID: try row.decode(column: "clinic_id", as: UUID.self), via: via.map { prefix + $0 } ?? "package without serial")
        }.sorted { ($0.date, $0.sessionID.uuidString) < ($1.date, $1.sessionID.uuidString) }
    }

    private func audited(_ ctx: AccessContext, _ body: @escaping @Sendable (any Database) async throws -> [Exposure]) async throws -> [Exposure] {
        let found = try await scope.db.snapshot(body)
        try await scope.db.write { database in
            var seen = Set<UUID>()
            let patients = found.map(\.patientID).filter { seen.insert($0).inserted }
            try await self.scope.audit(ctx, patientIDs: patients, action: .read, resource: "recall.exposure", on: database)
        }
        return found
    }

    private func recall(_ id: UUID, on database: any Database) async throws -> RecallRow? {
        try await RecallRow.query(on: database).filter(\.$organizationID == scope.organizationID).filter(\.$id == id).first()
    }

    private func load(_ r: RecallRow, on database: any Database) async throws -> Recall {
        let rows = try await RecallPatientRow.query(on: database).filter(\.$recallID == r.id!).all()
        let patients = rows.isEmpty ? [] : try await PatientRow.query(on: database).filter(\.$id ~~ rows.map(\.patientID)).all()
        let byID = Dictionary(uniqueKeysWithValues: patients.map { ($0.id!, $0) })
        return Recall(
            id: r.id!, source: RecallSource(rawValue: r.source) ?? .cycle, cycleID: r.cycleID, lotID: r.lotID, reason: r.reason,
            isOpen: r.status == "open", openedAt: r.openedAt, closedAt: r.closedAt, closedBy: r.closedBy,
            closedInErrorReason: r.status == Self.closedInErrorStatus ? r.closedReason : nil,
            patients: rows.compactMap { row in
                guard let p = byID[row.patientID] else { return nil }
                return RecallPatient(
                    patientID: row.patientID, name: "\(p.givenName) \(p.familyName)", phone: p.phone, email: p.email,
                    status: RecallContactStatus(rawValue: row.status) ?? .toContact, note: row.note, updatedAt: row.updatedAt)
            }.sorted { $0.name < $1.name })
    }
}
