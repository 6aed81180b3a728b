import FluentKit
import Foundation
import SQLKit
import StratumCore
@testable import StratumStore
import Testing

@Suite("The chain-scale generator: deterministic rows the stores read like their own")
struct ChainGeneratorTests {
    /// Generates the small scale into `db` with the directory rows the CLI makes; returns the summary.
    static func generate(_ db: StratumDatabase) async throws -> ChainSummary {
        let dir = Directory(database: db)
        let org = try await dir.createOrganization(name: "Chain")
        var clinics: [UUID] = [], practitioners: [UUID] = []
        for c in 1...ChainScale.small.clinics {
            let clinic = try await dir.createClinic(organizationID: org.id, name: "Clinic \(c)", timezone: "Europe/London")
            let user = try await dir.createUser(email: "p\(c)@chain.example", displayName: "P\(c)", passwordHash: "x")
            _ = try await dir.addMembership(userID: user.id, clinicID: clinic.id, role: .practitioner)
            clinics.append(clinic.id)
            practitioners.append(user.id)
        }
        return try await ChainGenerator(scale: .small).run(on: db, organizationID: org.id, clinics: clinics, practitioners: practitioners) {
            _, _, _ in
        }
    }

    static func sessionIDs(_ db: StratumDatabase) async throws -> [UUID] {
        try await db.read { try await TreatmentSessionRow.query(on: $0).sort(\.$id).all().compactMap(\.id) }
    }

    @Test("the small scale writes its counts, the same ids twice, and rows the stores and the recall query read", arguments: Backend.available)
    func smallScale(_ backend: Backend) async throws {
        let first = try await withStore(backend) { db -> [UUID] in
            let summary = try await Self.generate(db)
            #expect(summary.patients == 60 && summary.sessions == 300)
            #expect(try await Directory(database: db).recordCounts() == (60, 300))
            let bound = try await db.read { try await SessionEquipmentRow.query(on: $0).count() }
            #expect(bound == 300, "every session has a part or a pack")
            let scope = OrganizationScope(organizationID: summary.organizationID, database: db, auditKey: testAuditKey)
            let ctx = AccessContext(actorID: nil, clinicID: nil, requestID: "chain-test")
            // The generated rows load through the models: ids, dates, booleans and JSON all read back.
            let course = try #require(try await db.read { try await CourseRow.query(on: $0).first() })
            let sessions = try await scope.sessions.list(courseID: course.id!, ctx)
            #expect(sessions.count == 5 && sessions.allSatisfy { $0.isSigned && $0.zones.count == 2 && $0.equipment != nil })
            // A lot recall finds exactly the sessions bound to that lot.
            let lot = try #require(try await scope.stock.lots().first { $0.used > 0 })
            #expect(try await scope.recalls.exposures(lotID: lot.id, ctx).count == lot.used)
            // A failed cycle exposes the packs of its window, never more than the sterilizer's pack sessions.
            var exposedAny = false
            for s in try await scope.sterilization.sterilizers() {
                for c in try await scope.sterilization.cycles(sterilizerID: s.id) where c.biological == .fail {
                    let found = try await scope.recalls.exposures(cycleID: c.id, ctx)
                    exposedAny = exposedAny || !found.isEmpty
                    #expect(found.allSatisfy { $0.via.hasPrefix("pack PK-C") })
                }
            }
            #expect(exposedAny, "some failed cycle had packs used in sessions")
            // The generated outcome summaries are what the stores' own refresh computes from the record.
            let written = try await db.read { try await CourseOutcomeRow.query(on: $0).sort(\.$id).all() }
            #expect(written.count == 60)
            for m in written {
                try await db.write { try await CourseOutcomeSummary.refresh(courseID: m.id!, organizationID: m.organizationID, on: $0) }
            }
            let refreshed = try await db.read { try await CourseOutcomeRow.query(on: $0).sort(\.$id).all() }
            #expect(
                zip(written, refreshed).allSatisfy { a, b in
                    a.sessions == b.sessions && a.sessionsWithEvent == b.sessionsWithEvent && a.practitionerID == b.practitionerID
                        && a.firstScore == b.firstScore && a.lastScore == b.lastScore && a.scores == b.scores && a.indication == b.indication
                })
            // Five follow-ups a course; a severity course has its baseline, a GAIS course none (GAIS has no baseline score).
            #expect(
                written.allSatisfy { $0.scores == 5 && ($0.firstScore == nil) == ($0.indication == "photoaging" || $0.indication == "pigmentation") })
            // No GAIS on or before a course's first session; photoaging courses have their Glogau and Fitzpatrick baselines.
            let gaisEarly = try await db.read { database in
                try await (database as! any SQLDatabase).raw(
                    """
                    SELECT COUNT(*) AS n FROM assessments a WHERE a.scale = 'GAIS'
                      AND (a.kind = 'baseline' OR a.assessed_on <= (SELECT MIN(ts.date) FROM treatment_sessions ts WHERE ts.course_id = a.course_id))
                    """
                ).first()!.decode(column: "n", as: Int.self)
            }
            #expect(gaisEarly == 0)
            let photoaging = written.filter { $0.indication == "photoaging" }.count
            let severityBaselines = try await db.read {
                try await AssessmentRow.query(on: $0).filter(\.$kind == "baseline")
                    .filter(\.$scale ~~ ["glogau", "fitzpatrick-wrinkle"]).count()
            }
            #expect(photoaging > 0 && severityBaselines == 2 * photoaging)
            let report = try await scope.outcomes.report(clinicID: nil, ctx)
            #expect(report.overall.courses == 60 && report.overall.responders.trials == 60 && report.byPractitioner.count == 3)
            try await expectAuditIntact(db)
            return try await Self.sessionIDs(db)
        }
        let second = try await withStore(backend) { db -> [UUID] in
            _ = try await Self.generate(db)
            return try await Self.sessionIDs(db)
        }
        #expect(first == second && first.count == 300, "the same seed writes the same sessions")
    }
}
