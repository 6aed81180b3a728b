import FluentKit
import Foundation
import StratumCore

/// A patient's screening questionnaires, versioned: each answer set is kept with the findings the rules gave it
/// and the rule-set version that gave them (POLICY §3), so a later policy never rewrites what was known then.
public struct ScreeningStore: Sendable {
    let scope: OrganizationScope

    /// The device assumed when a screening is judged on its own: a stainless-steel pen of 0.25–2.5 mm, the common
    /// case, so `SCR-STEEL-ALLERGY` shows at screening time. Plans and sessions re-judge with their real device.
    public static let defaultDevice = DeviceSpec(kind: .pen, length: .adjustable(DepthRange(0.25, 2.5)), needleMaterial: .stainlessSteel)

    /// The findings stored with a screening: plan context, on the day answered, no zones, the default device.
    /// They depend only on the patient and the answers, never on who records them.
    public static func findings(patient: Patient, response: ScreeningResponse, policy: ClinicalPolicy) -> [Finding] {
        let facts = PatientFacts(birthDate: patient.birthDate, sex: patient.sex, fitzpatrick: patient.fitzpatrick, screening: response)
        return ScreeningCheck.findings(
            patient: facts, on: response.answeredOn, zones: [], device: defaultDevice,
            context: .plan, policy: policy
        ).ordered()
    }

    /// Records a new version of the patient's screening with its computed findings; earlier versions stay as they were.
    /// The findings are judged by the policy of the clinic recording it (the caller's, else the patient's), the
    /// shipped policy narrowed by that clinic's override.
    public func record(patientID: UUID, response: ScreeningResponse, _ ctx: AccessContext) async throws -> ScreeningRecord {
        let actorID = try scope.requireActor(ctx)
        return try await scope.db.write { database -> Scoped<ScreeningRecord> in
            guard let p = try await self.scope.patient(patientID, on: database) else {
                return try await self.scope.deny(
                    ctx, patientID: patientID, action: .create, resource: "patient.screening",
                    missing: "patient", on: database)
            }
            let m = try await self.insertVersion(p, response: response, recordedBy: actorID, answeredBy: nil, ctx, on: database)
            try await self.scope.audit(ctx, patientID: patientID, action: .create, resource: "patient.screening", outcome: .allowed, on: database)
            return .found(try await self.scope.attributed(try ScreeningRecord(m), on: database))
        }.get()
    }

    /// Writes the patient's next screening version with its findings in the caller's transaction: the one way a
    /// screening enters the record, taken in the room or answered at home and confirmed there (`answeredBy` "patient").
    /// Refused naming `answeredOn` when it is after the clinic's today.
    func insertVersion(
        _ p: PatientRow, response: ScreeningResponse, recordedBy actorID: UUID, answeredBy: String?, _ ctx: AccessContext,
        on database: any Database
    ) async throws -> ScreeningRow {
        let patientID = p.id!
        try await scope.refuseFuture(response.answeredOn, field: "answeredOn", clinicID: ctx.clinicID ?? p.clinicID, ctx, on: database)
        // Serializes concurrent screenings of one patient on PostgreSQL, so versions never collide.
        try await lockRow(PatientRow.schema, id: patientID, on: database)
        let last =
            try await ScreeningRow.query(on: database).filter(\.$patientID == patientID)
            .filter(\.$organizationID == scope.organizationID).max(\.$version) ?? 0
        let policy = try await scope.policy(clinicID: ctx.clinicID ?? p.clinicID, on: database)
        let m = ScreeningRow()
        m.id = UUID()
        m.organizationID = scope.organizationID
        m.patientID = patientID
        m.version = last + 1
        m.answeredOn = response.answeredOn.description
        m.answersJSON = StoredJSON.text(StoredJSON.answers(response.answers))
        m.findingsJSON = StoredJSON.text(StoredJSON.findings(Self.findings(patient: Patient(p), response: response, policy: policy)))
        m.policyVersion = policy.version
        m.recordedBy = actorID
        m.createdAt = ctx.now
        m.answeredBy = answeredBy
        try await m.create(on: database)
        return m
    }

    /// The patient's newest screening, which plans and sessions are judged on; nil when there is none, or no such
    /// patient in this organization.
    public func latest(patientID: UUID, _ ctx: AccessContext) async throws -> ScreeningRecord? {
        try await scope.db.write { database -> ScreeningRecord? in
            guard try await self.scope.patient(patientID, on: database) != nil else {
                try await self.scope.audit(ctx, patientID: patientID, action: .read, resource: "patient.screening", outcome: .denied, on: database)
                return nil
            }
            let m = try await self.base(database).filter(\.$patientID == patientID).sort(\.$version, .descending).first()
            try await self.scope.audit(ctx, patientID: patientID, action: .read, resource: "patient.screening", outcome: .allowed, on: database)
            return try m.map(ScreeningRecord.init)
        }
    }

    /// The facts the clinical rules read about `patient`: the record's birth date, sex and skin type with the newest
    /// screening's answers (none on file: every answer missing on `date`, which the screening rules refuse).
    public func facts(of patient: Patient, on date: LocalDate, _ ctx: AccessContext) async throws -> PatientFacts {
        let screening = try await latest(patientID: patient.id, ctx)
        return PatientFacts(
            birthDate: patient.birthDate, sex: patient.sex, fitzpatrick: patient.fitzpatrick,
            screening: screening?.response ?? ScreeningResponse(answeredOn: date, answers: [:]))
    }

    /// Every version of the patient's screening, newest first, to show how answers changed over time.
    public func history(patientID: UUID, _ ctx: AccessContext) async throws -> [ScreeningRecord] {
        try await scope.db.write { database -> Scoped<[ScreeningRecord]> in
            guard try await self.scope.patient(patientID, on: database) != nil else {
                return try await self.scope.deny(
                    ctx, patientID: patientID, action: .list, resource: "patient.screening",
                    missing: "patient", on: database)
            }
            let all = try await self.base(database).filter(\.$patientID == patientID).sort(\.$version, .descending).all()
            try await self.scope.audit(ctx, patientID: patientID, action: .list, resource: "patient.screening", outcome: .allowed, on: database)
            return .found(try await self.scope.attributed(try all.map(ScreeningRecord.init), on: database))
        }.get()
    }

    private func base(_ database: any Database) -> QueryBuilder<ScreeningRow> {
        ScreeningRow.query(on: database).filter(\.$organizationID == scope.organizationID)
    }
}

extension ScreeningRecord {
    init(_ m: ScreeningRow) throws {
        guard let answeredOn = LocalDate(iso: m.answeredOn) else { throw StoredJSON.unreadable("screening date", m.answeredOn) }
        self.init(
            id: m.id!, patientID: m.patientID, version: m.version, answeredOn: answeredOn,
            answers: try StoredJSON.answers(from: StoredJSON.parse(m.answersJSON, "screening answers")),
            findings: try StoredJSON.findings(from: StoredJSON.parse(m.findingsJSON, "screening findings")),
            policyVersion: m.policyVersion, recordedBy: m.recordedBy, createdAt: m.createdAt)
        answeredByPatient = m.answeredBy == "patient"
    }
}
