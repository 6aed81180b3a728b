import FluentKit
import Foundation
import StratumCore

/// Writes the demo's patients straight into the tables, a few hundred patients per transaction in multi-row inserts,
/// instead of one audited transaction per act: `stratum serve --demo --demo-patients 10000` is ready in seconds, not
/// half an hour. The care histories come from the same `DemoScript` as `DemoDoors` (same seed, same people), are judged
/// by the same core (`CoursePlanner`, `SessionCheck`, the acknowledgement and outcome-scale gates) and are written as
/// the doors write them: the stores' record models, their JSON (`StoredJSON`), the derived columns (name search and
/// duplicate-check keys, screening findings, late-entry marks, the equipment's sterility as the registry resolves it,
/// each course's outcome-report row) and the handpiece cleaned before every session and at the end of the day.
/// The registry itself, a few dozen acts, still goes through the doors (`DemoRegistry`, audited).
///
/// No audit rows are written for the patients' records: like `ChainGenerator`'s, they are a record nobody accessed,
/// and the trail stays a true account of who read or wrote what (`stratum audit verify` holds afterwards).
public struct DemoGenerator: Sendable {
    public let patients: Int
    public let seed: UInt64
    /// The clinic's today the care histories end on.
    public let today: LocalDate

    public init(patients: Int, seed: UInt64 = 2026, today: LocalDate) {
        self.patients = patients
        self.seed = seed
        self.today = today
    }

    /// Patients whose rows are written in one transaction: a few thousand rows, small enough to hold in memory.
    static let patientsPerTransaction = 500

    /// Loads the registry through the doors and then the patients' rows into the organization of `scope`, whose
    /// directory rows (the clinics, the practitioner's memberships in both) already exist. `now` is the moment the
    /// records say they were written; each act is stamped a few microseconds after the one before, in the doors' order.
    public func run(scope: OrganizationScope, clinics: DemoClinics, now: Date = Date()) async throws {
        let ctx = AccessContext(actorID: clinics.practitionerID, clinicID: clinics.central, requestID: "demo-load", now: now)
        try await DemoRegistry.load(scope: scope, clinics: clinics, today: today, ctx: ctx)
        var writer = try await DemoRowBuilder.read(scope: scope, clinics: clinics, now: now)
        var script = DemoScript(clinics: clinics, count: patients, seed: seed, today: today)
        var rows = DemoRows()
        var inBlock = 0
        while let p = script.next() {
            try writer.add(p, to: &rows)
            inBlock += 1
            if inBlock == Self.patientsPerTransaction {
                try await rows.insert(on: scope.db)
                rows = DemoRows()
                inBlock = 0
            }
        }
        writer.cleanAll(into: &rows)
        try await rows.insert(on: scope.db)
    }
}

/// The rows of a block of demo patients, table by table, inserted in the order their foreign keys need.
struct DemoRows: Sendable {
    var patients: [PatientRow] = []
    var screenings: [ScreeningRow] = []
    var consents: [ConsentRow] = []
    var courses: [CourseRow] = []
    var plannedVisits: [PlannedVisitRow] = []
    var courseAcknowledgements: [CourseAcknowledgementRow] = []
    var sessions: [TreatmentSessionRow] = []
    var zones: [ZoneTreatmentRow] = []
    var sessionAcknowledgements: [FindingAcknowledgementRow] = []
    var cleanings: [HandpieceCleaningRow] = []
    var equipment: [SessionEquipmentRow] = []
    var assessments: [AssessmentRow] = []
    var outcomes: [CourseOutcomeRow] = []

    /// One transaction; each table in statements of `ChainGenerator.rowsPerStatement` rows.
    func insert(on db: StratumDatabase) async throws {
        let rows = self
        try await db.write { database in
            try await Self.insert(rows.patients, on: database)
            try await Self.insert(rows.screenings, on: database)
            try await Self.insert(rows.consents, on: database)
            try await Self.insert(rows.courses, on: database)
            try await Self.insert(rows.plannedVisits, on: database)
            try await Self.insert(rows.courseAcknowledgements, on: database)
            try await Self.insert(rows.sessions, on: database)
            try await Self.insert(rows.zones, on: database)
            try await Self.insert(rows.sessionAcknowledgements, on: database)
            try await Self.insert(rows.cleanings, on: database)
            try await Self.insert(rows.equipment, on: database)
            try await Self.insert(rows.assessments, on: database)
            try await Self.insert(rows.outcomes, on: database)
        }
    }

    private static func insert<M: Model>(_ models: [M], on database: any Database) async throws {
        var start = 0
        while start < models.count {
            let end = min(models.count, start + ChainGenerator.rowsPerStatement)
            try await Array(models[start..<end]).create(on: database)
            start = end
        }
    }
}
