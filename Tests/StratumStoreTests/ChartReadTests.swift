import Foundation
import Logging
import StratumCore
@testable import StratumStore
import Testing

/// The chart reads each child table once for the whole chart and assembles it in memory: these tests pin that every
/// child lands on its own parent and that the number of statements does not grow with the chart.
@Suite("Chart read: one query per table, every child on its own parent")
struct ChartReadTests {
    /// A patient with two courses (one accepted with two sessions, one proposed), the first session signed with an
    /// addendum: every child table of a chart holds rows of more than one parent.
    struct Fixture {
        let patient: Patient
        let accepted: Course, proposed: Course
        let first: TreatmentSession, second: TreatmentSession
    }

    static func fixture(_ db: StratumDatabase, _ orgs: TwoOrganizations) async throws -> Fixture {
        let a = orgs.scopeA(db)
        let (p, course) = try await activeCourse(db, orgs)
        let written = ctx(orgs.ctxA, now: at(60 * 86_400))
        let one = [ZoneDose(zone: cheeks, depthMM: 0.5, passes: 3), ZoneDose(zone: forehead, depthMM: 0.25, passes: 2)]
        let first = try await a.sessions.record(
            courseID: course.id, clinicID: orgs.clinicA.id,
            checkedSession(p, practitioner: orgs.userA.id, date: day0, zones: one), written)
        _ = try await a.sessions.sign(sessionID: first.id, by: orgs.userA.id, written)
        let noted = try await a.sessions.addAddendum(sessionID: first.id, text: "Mild erythema at 24 h by phone", written)
        let two = [ZoneDose(zone: cheeks, depthMM: 0.75, passes: 4)]
        let previous = [
            PriorSession(
                date: day0, zones: one.map { ZoneDepth(zone: $0.zone, depthMM: $0.depthMM) },
                reactionsResolvedWithinDays: 2, openAdverseEvent: false)
        ]
        let second = try await a.sessions.record(
            courseID: course.id, clinicID: orgs.clinicA.id,
            checkedSession(
                p, practitioner: orgs.userA.id, date: day0.adding(days: 28), zones: two,
                previous: previous), written)
        let (request, _) = photoagingPlan(p, start: day0.adding(days: 90))
        let proposed = try await a.courses.create(
            patientID: p.id, clinicID: orgs.clinicA.id, request: request,
            goal: "Second course", written)
        let accepted = try #require(try await a.courses.get(courseID: course.id, orgs.ctxA))
        return Fixture(patient: p, accepted: accepted, proposed: proposed, first: noted, second: second)
    }

    @Test(
        "a chart of several courses and sessions holds each one's zones, acknowledgements, addenda, equipment and visits",
        arguments: Backend.available)
    func childrenOnTheirParents(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let f = try await Self.fixture(db, orgs)
            let chart = try #require(try await orgs.scopeA(db).charts.chart(patientID: f.patient.id, orgs.ctxA))
            #expect(chart.courses.map(\.id) == [f.proposed.id, f.accepted.id])
            for (read, stored) in zip(chart.courses, [f.proposed, f.accepted]) {
                #expect(read.plannedVisits == stored.plannedVisits)
                #expect(read.acknowledgements == stored.acknowledgements)
                #expect(read.status == stored.status)
            }
            #expect(!f.accepted.acknowledgements.isEmpty && f.proposed.acknowledgements.isEmpty)
            #expect(chart.sessions.map(\.id) == [f.first.id, f.second.id])
            for (read, stored) in zip(chart.sessions, [f.first, f.second]) {
                #expect(read.zones == stored.zones)
                #expect(read.acknowledgements == stored.acknowledgements)
                #expect(read.addenda == stored.addenda)
                #expect(read.equipment == stored.equipment)
                #expect(read.signedAt == stored.signedAt)
            }
            #expect(chart.sessions[0].zones.count == 2 && chart.sessions[1].zones.map(\.depthMM) == [0.75])
            #expect(chart.sessions[0].addenda.map(\.text) == ["Mild erythema at 24 h by phone"] && chart.sessions[1].addenda.isEmpty)
            #expect(chart.sessions.allSatisfy { $0.equipment == testPart })
            try await expectAuditIntact(db)
        }
    }

    @Test("a chart read issues as many statements for two courses and two sessions as for one course and one session")
    func statementsDoNotGrowWithTheChart() async throws {
        try await withLoggedSQLiteStore { db, counter in
            let orgs = try await TwoOrganizations.make(db)
            let big = try await Self.fixture(db, orgs)
            let (small, course) = try await activeCourse(db, orgs)
            _ = try await orgs.scopeA(db).sessions.record(
                courseID: course.id, clinicID: orgs.clinicA.id,
                checkedSession(small, practitioner: orgs.userA.id, date: day0, zones: [ZoneDose(zone: cheeks, depthMM: 0.5, passes: 3)]),
                ctx(orgs.ctxA, now: at(60 * 86_400)))
            func statements(_ patientID: UUID) async throws -> Int {
                let before = counter.count
                _ = try #require(try await orgs.scopeA(db).charts.chart(patientID: patientID, orgs.ctxA))
                return counter.count - before
            }
            let one = try await statements(small.id)
            let many = try await statements(big.patient.id)
            #expect(one > 0)
            #expect(many == one)
        }
    }
}
