import Foundation
import StratumCore
@testable import StratumStore
import Testing

@Suite("The clinic outcome report and the forecast's cohort, computed by the database on a scripted cohort")
struct OutcomeReportStoreTests {
    @Test(
        "responders, median sessions and the adverse-event rate come out as scripted; another organization's courses never count",
        arguments: Backend.available)
    func scripted(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let zones = [ZoneDose(zone: cheeks, depthMM: 0.5, passes: 2)]
            // Course 1: two sessions, GAIS 3 then 2 (a responder), an adverse event after the first session.
            let (p1, c1) = try await activeCourse(db, orgs)
            let s1 = try await a.sessions.record(
                courseID: c1.id, clinicID: orgs.clinicA.id,
                checkedSession(p1, practitioner: orgs.userA.id, date: day0, zones: zones), orgs.ctxA)
            let first = PriorSession(
                date: day0, zones: zones.map { ZoneDepth(zone: $0.zone, depthMM: $0.depthMM) }, reactionsResolvedWithinDays: nil,
                openAdverseEvent: false)
            _ = try await a.sessions.record(
                courseID: c1.id, clinicID: orgs.clinicA.id,
                checkedSession(
                    p1, practitioner: orgs.userA.id, date: day0.adding(days: 28), zones: zones,
                    previous: [first]), orgs.ctxA)
            _ = try await a.adverseEvents.report(
                patientID: p1.id, sessionID: s1.id, type: .bruising, onset: day0.adding(days: 1), grade: .mild,
                suspectedCauses: [.needleTechnique], notes: nil, orgs.ctxA)
            // Scores up to the clinic's today: the second the day after the second session.
            for (score, day) in [(3.0, 27), (2.0, 29)] {
                _ = try await a.assessments.record(
                    patientID: p1.id, courseID: c1.id, scale: "GAIS", score: score, kind: .visit,
                    assessedOn: day0.adding(days: day), orgs.ctxA)
            }
            // Course 2: one session, GAIS 4 (no change): assessed, not a responder.
            let (p2, c2) = try await activeCourse(db, orgs)
            _ = try await a.sessions.record(
                courseID: c2.id, clinicID: orgs.clinicA.id,
                checkedSession(p2, practitioner: orgs.userA.id, date: day0, zones: zones), orgs.ctxA)
            _ = try await a.assessments.record(
                patientID: p2.id, courseID: c2.id, scale: "GAIS", score: 4, kind: .visit,
                assessedOn: day0.adding(days: 27), orgs.ctxA)
            // Course 3: accepted, never treated: not in the report.
            _ = try await activeCourse(db, orgs)

            let r = try await a.outcomes.report(clinicID: nil, orgs.ctxA)
            #expect(r.overall.courses == 2)
            #expect(r.overall.responders == Proportion(successes: 1, trials: 2))
            #expect(r.overall.medianSessions == 1.5)
            #expect(r.overall.adverseEvents == Proportion(successes: 1, trials: 3))
            #expect(r.byIndication.map(\.key) == ["photoaging"])
            #expect(r.byPractitioner.map(\.key) == [orgs.userA.id.uuidString.lowercased()])
            #expect(try await a.outcomes.report(clinicID: UUID(), orgs.ctxA).overall.courses == 0)
            #expect(try await orgs.scopeB(db).outcomes.report(clinicID: nil, orgs.ctxB).overall.courses == 0)

            // The cohort of course 2's forecast is course 1: one GAIS point after each of its sessions.
            let cohort = try await a.outcomes.cohort(clinicID: orgs.clinicA.id, indication: .photoaging, scale: .gais, excluding: c2.id, orgs.ctxA)
            #expect(cohort == [ResponseTrajectory(points: [(1, 1), (2, 2)])])
            try await expectAuditIntact(db)
        }
    }
}
