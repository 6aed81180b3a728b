import FluentKit
import Foundation
import SQLKit
import StratumCore
@testable import StratumStore
import Testing

@Suite("The demo generator writes what the doors write")
struct DemoGeneratorTests {
    /// The demo's directory (the part both loaders leave to the directory's doors): two clinics in London and the
    /// practitioner who treats in both, with a colleague so staff names are told apart.
    static func directory(_ db: StratumDatabase) async throws -> (OrganizationScope, DemoClinics, names: [UUID: String]) {
        let dir = Directory(database: db)
        let org = try await dir.createOrganization(name: "Demo Skin Clinics")
        let central = try await dir.createClinic(organizationID: org.id, name: "Demo Central", timezone: "Europe/London")
        let riverside = try await dir.createClinic(organizationID: org.id, name: "Demo Riverside", timezone: "Europe/London")
        let practitioner = try await dir.createUser(email: "practitioner@demo.example", displayName: "Dr Priya Practitioner", passwordHash: "x")
        let owner = try await dir.createUser(email: "owner@demo.example", displayName: "Olivia Owner", passwordHash: "x")
        for clinic in [central, riverside] {
            _ = try await dir.addMembership(userID: practitioner.id, clinicID: clinic.id, role: .practitioner)
            _ = try await dir.addMembership(userID: owner.id, clinicID: clinic.id, role: .owner)
        }
        let scope = OrganizationScope(organizationID: org.id, database: db, auditKey: testAuditKey)
        return (
            scope, DemoClinics(central: central.id, riverside: riverside.id, practitionerID: practitioner.id),
            [org.id: "organization", central.id: "central", riverside.id: "riverside", practitioner.id: "practitioner", owner.id: "owner"]
        )
    }

    /// Everything the stores read back about the demo, patient by patient (keyed by name and birth date) and for the
    /// registry, as canonical lines; audit rows are not read.
    static func readBack(_ db: StratumDatabase, scope: OrganizationScope, names: [UUID: String]) async throws -> [String: [String]] {
        let canonical = CanonicalText(names: names)
        let ctx = AccessContext(actorID: nil, clinicID: nil, requestID: "compare")
        var out: [String: [String]] = [:]
        let patients = try await db.read { try await PatientRow.query(on: $0).filter(\.$organizationID == scope.organizationID).all() }
        let outcomes = try await db.read { try await CourseOutcomeRow.query(on: $0).all() }
        for m in patients {
            let key = "\(m.givenName) \(m.familyName) \(m.birthDate)"
            #expect(out[key] == nil, "two demo patients named \(key)")
            let chart = try #require(try await scope.charts.chart(patientID: m.id!, ctx))
            // The derived columns no store value shows: name search, duplicate-check keys, the outcome report's row.
            let derived: [String?] = [m.searchName, m.familyKey, m.phoneKey, m.emailKey, m.mergedInto?.uuidString]
            let courseIDs = Set(chart.courses.map(\.id))
            let outcome = outcomes.filter { courseIDs.contains($0.id!) }.map { o -> [Any?] in
                [o.clinicID, o.indication, o.practitionerID, o.sessions, o.sessionsWithEvent, o.firstScore, o.lastScore, o.scores]
            }
            out[key] = canonical.lines(chart, "chart") + canonical.lines(derived, "derived") + canonical.lines(outcome, "outcome")
        }
        // Pack codes are drawn at random by the sterilization store, in both loads: packs are told apart by what they hold.
        let packs = canonical.lines(
            try await scope.sterilization.packs().sorted { "\($0.contents) \($0.state)" < "\($1.contents) \($1.state)" },
            "packs"
        ).map { $0.contains(".code = \"PK-") ? "pack code" : $0 }
        var registry = canonical.lines(try await scope.stock.lots(), "lots") + packs
        for h in try await scope.devices.handpieces() {
            let cleanings = try await scope.devices.cleanings(handpieceID: h.id)
            registry +=
                canonical.lines(h, "handpiece \(h.serial)")
                + ["handpiece \(h.serial) cleaned since last use = \(h.cleanedSinceLastUse)", "handpiece \(h.serial) cleanings = \(cleanings.count)"]
                + canonical.lines(cleanings, "handpiece \(h.serial) cleaning")
        }
        out["registry"] = registry
        for clinic in [names.first { $0.value == "central" }!.key, names.first { $0.value == "riverside" }!.key] {
            let today = LocalDate.clinicDay(at: Date(), timeZone: "Europe/London")
            let visits = try await scope.schedule.visits(clinicID: clinic, from: today.adding(days: -400), to: today.adding(days: 400), ctx)
            out["schedule \(names[clinic]!)"] = canonical.lines(visits, "visits")
            // The report names practitioners by id, as text.
            out["report \(names[clinic]!)"] = canonical.lines(try await scope.outcomes.report(clinicID: clinic, ctx), "report").map { line in
                names.reduce(line) { $0.replacingOccurrences(of: $1.key.uuidString.lowercased(), with: $1.value) }
            }
        }
        return out
    }

    static func auditIntact(_ db: StratumDatabase) async throws -> Bool {
        if case .intact = try await db.read({ try await AuditTrail.verify(key: testAuditKey, on: $0) }) { return true }
        return false
    }

    @Test(
        "36 patients (every stage of care, both clinics) read back the same through the doors and from the generator",
        arguments: Backend.available)
    func generatorMatchesDoors(_ backend: Backend) async throws {
        let today = LocalDate.clinicDay(at: Date(), timeZone: "UTC")
        let doors = try await withStore(backend) { db in
            let (scope, clinics, names) = try await Self.directory(db)
            try await DemoDoors.load(scope: scope, clinics: clinics, patients: 36, seed: 2026, today: today)
            return try await Self.readBack(db, scope: scope, names: names)
        }
        let generated = try await withStore(backend) { db in
            let (scope, clinics, names) = try await Self.directory(db)
            try await DemoGenerator(patients: 36, seed: 2026, today: today).run(scope: scope, clinics: clinics)
            try await sealAll(db)
            #expect(try await Self.auditIntact(db), "the audit trail holds after a generated demo")
            return try await Self.readBack(db, scope: scope, names: names)
        }
        #expect(doors.count == 36 + 5)
        #expect(Set(doors.keys) == Set(generated.keys))
        for key in doors.keys.sorted() {
            let a = doors[key] ?? [], b = generated[key] ?? []
            if a != b { Issue.record("\(key) differs (- doors, + generator):\n\(CanonicalText.difference(a, b))") }
        }
        // The comparison covered what it is for: every stage of care, sessions with acknowledgements and scores in both clinics.
        let lines = doors.values.flatMap { $0 }
        #expect(lines.contains { $0.hasPrefix("chart.courses[0].status = proposed") })
        #expect(lines.contains { $0.hasPrefix("chart.sessions[3]") }, "a patient with four sessions")
        #expect(lines.contains { $0.contains(".acknowledgements[0].rule") })
        #expect(lines.contains { $0.hasPrefix("chart.assessments[0].kind = baseline") })
        #expect(lines.contains { $0 == "chart.sessions[0].clinicID = riverside" } && lines.contains { $0 == "chart.sessions[0].clinicID = central" })
        #expect(lines.contains { $0.hasPrefix("report") && $0.contains("courses") })
    }

    @Test("a generated demo is the same people on every run, and its audit trail holds", arguments: Backend.available)
    func deterministic(_ backend: Backend) async throws {
        let today = LocalDate.clinicDay(at: Date(), timeZone: "UTC")
        func load() async throws -> [String: [String]] {
            try await withStore(backend) { db in
                let (scope, clinics, names) = try await Self.directory(db)
                try await DemoGenerator(patients: 12, seed: 7, today: today).run(scope: scope, clinics: clinics)
                try await sealAll(db)
                #expect(try await Self.auditIntact(db))
                // The patients' records carry no audit rows: nobody accessed them.
                let patientRows = try await db.read { database in
                    try await (database as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM audit_events WHERE patient_id IS NOT NULL")
                        .first()!.decode(column: "n", as: Int.self)
                }
                #expect(patientRows == 0)
                return try await Self.readBack(db, scope: scope, names: names)
            }
        }
        let first = try await load(), second = try await load()
        #expect(first.count == 12 + 5)
        for key in first.keys.sorted() where first[key] != second[key] {
            Issue.record("\(key) differs between two runs:\n\(CanonicalText.difference(first[key]!, second[key] ?? []))")
        }
    }
}
