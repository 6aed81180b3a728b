import FluentKit
import Foundation
import StratumCore
@testable import StratumStore
import Testing

@Suite("Outcome scales as designed in the store: OUT-GAIS-BASELINE and one baseline per scale per course (POLICY §1)")
struct OutcomeBaselineStoreTests {
    static let zones = [ZoneDose(zone: cheeks, depthMM: 0.5, passes: 2)]

    static func assessmentCount(_ db: StratumDatabase) async throws -> Int {
        try await db.read { try await AssessmentRow.query(on: $0).count() }
    }

    @Test(
        "GAIS at or before the first session, or as a baseline, is refused naming the rule and the field; after it, accepted",
        arguments: Backend.available)
    func gaisBaseline(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let (p, course) = try await activeCourse(db, orgs)
            // Before any session: GAIS has nothing to rate change from.
            await #expect(throws: AssessmentRefusal.self) {
                _ = try await a.assessments.record(
                    patientID: p.id, courseID: course.id, scale: "GAIS", score: 3, kind: .visit,
                    assessedOn: day0, orgs.ctxA)
            }
            _ = try await a.sessions.record(
                courseID: course.id, clinicID: orgs.clinicA.id,
                checkedSession(p, practitioner: orgs.userA.id, date: day0, zones: Self.zones), orgs.ctxA)
            do {
                _ = try await a.assessments.record(
                    patientID: p.id, courseID: course.id, scale: "GAIS", score: 3, kind: .visit,
                    assessedOn: day0, orgs.ctxA)
                Issue.record("GAIS on the first session's day was accepted")
            } catch let r as AssessmentRefusal {
                #expect(r.field == "assessedOn" && r.finding?.rule == .outGaisBaseline && r.finding?.severity == .stop)
                #expect(r.problem.hasPrefix("OUT-GAIS-BASELINE") && r.problem.contains(day0.description))
            }
            do {
                _ = try await a.assessments.record(
                    patientID: p.id, courseID: course.id, scale: "gais", score: 3, kind: .baseline,
                    assessedOn: day0.adding(days: 14), orgs.ctxA)
                Issue.record("GAIS as a baseline was accepted")
            } catch let r as AssessmentRefusal {
                #expect(r.field == "kind" && r.finding?.rule == .outGaisBaseline)
            }
            await #expect(throws: AssessmentRefusal.self) {
                _ = try await a.assessments.record(
                    patientID: p.id, courseID: nil, scale: "GAIS", score: 3, kind: .visit,
                    assessedOn: day0.adding(days: 14), orgs.ctxA)
            }
            #expect(try await Self.assessmentCount(db) == 0, "a refusal writes nothing")
            // Near miss: the day after the first session, GAIS rates the change.
            let ok = try await a.assessments.record(
                patientID: p.id, courseID: course.id, scale: "GAIS", score: 3, kind: .visit,
                assessedOn: day0.adding(days: 1), orgs.ctxA)
            #expect(ok.score == 3)
            // The severity baseline of the same course, on the first session's day, is what photoaging asks for.
            _ = try await a.assessments.record(
                patientID: p.id, courseID: course.id, scale: "glogau", score: 3, kind: .baseline,
                assessedOn: day0, orgs.ctxA)
            try await expectAuditIntact(db)
        }
    }

    @Test(
        "a second baseline of a scale in a course is refused as a duplicate, the first kept; other scales and courses have their own",
        arguments: Backend.available)
    func oneBaseline(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let (p, course) = try await activeCourse(db, orgs)
            let first = try await a.assessments.record(
                patientID: p.id, courseID: course.id, scale: "glogau", score: 3, kind: .baseline,
                assessedOn: day0.adding(days: -2), orgs.ctxA)
            do {
                _ = try await a.assessments.record(
                    patientID: p.id, courseID: course.id, scale: "glogau", score: 2, kind: .baseline,
                    assessedOn: day0.adding(days: -2), orgs.ctxA)
                Issue.record("a second Glogau baseline was accepted")
            } catch let r as AssessmentRefusal {
                #expect(r.duplicate && r.field == "kind" && r.finding == nil && r.problem.contains("one baseline per scale per course"))
            }
            #expect(try await a.assessments.list(patientID: p.id, orgs.ctxA).map(\.id) == [first.id], "the first baseline stands")
            // Near misses: another scale's baseline, and another course's Glogau baseline.
            _ = try await a.assessments.record(
                patientID: p.id, courseID: course.id, scale: "fitzpatrick-wrinkle", score: 2, kind: .baseline,
                assessedOn: day0.adding(days: -2), orgs.ctxA)
            let (p2, course2) = try await activeCourse(db, orgs)
            _ = try await a.assessments.record(
                patientID: p2.id, courseID: course2.id, scale: "glogau", score: 2, kind: .baseline,
                assessedOn: day0, orgs.ctxA)
            // A baseline after the first session is not a baseline.
            _ = try await a.sessions.record(
                courseID: course2.id, clinicID: orgs.clinicA.id,
                checkedSession(p2, practitioner: orgs.userA.id, date: day0, zones: Self.zones), orgs.ctxA)
            do {
                _ = try await a.assessments.record(
                    patientID: p2.id, courseID: course2.id, scale: "fitzpatrick-wrinkle", score: 2, kind: .baseline,
                    assessedOn: day0.adding(days: 7), orgs.ctxA)
                Issue.record("a baseline after the first session was accepted")
            } catch let r as AssessmentRefusal {
                #expect(!r.duplicate && r.field == "kind" && r.problem.contains("on or before the first session"))
            }
            #expect(try await Self.assessmentCount(db) == 3)
            try await expectAuditIntact(db)
        }
    }

    @Test(
        "the summary counts GAIS only after the first session; a Glogau baseline and its same-day duplicate are no follow-ups",
        arguments: Backend.available)
    func severityResponder(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let (p, course) = try await activeCourse(db, orgs)
            _ = try await a.sessions.record(
                courseID: course.id, clinicID: orgs.clinicA.id,
                checkedSession(p, practitioner: orgs.userA.id, date: day0, zones: Self.zones), orgs.ctxA)
            // Photoaging's primary scale is GAIS: only GAIS after the session counts; the Glogau baseline is its own scale.
            _ = try await a.assessments.record(
                patientID: p.id, courseID: course.id, scale: "glogau", score: 3, kind: .baseline,
                assessedOn: day0, orgs.ctxA)
            _ = try await a.assessments.record(
                patientID: p.id, courseID: course.id, scale: "glogau", score: 3, kind: .visit,
                assessedOn: day0, orgs.ctxA)
            var summary = try #require(try await db.read { try await CourseOutcomeRow.find(course.id, on: $0) })
            #expect(summary.scores == 0 && summary.firstScore == nil && summary.lastScore == nil)
            var report = try await a.outcomes.report(clinicID: nil, orgs.ctxA)
            #expect(report.overall.responders == Proportion(successes: 0, trials: 0), "no GAIS after the first session: not assessed")
            _ = try await a.assessments.record(
                patientID: p.id, courseID: course.id, scale: "GAIS", score: 3, kind: .visit,
                assessedOn: day0.adding(days: 28), orgs.ctxA)
            summary = try #require(try await db.read { try await CourseOutcomeRow.find(course.id, on: $0) })
            #expect(summary.scores == 1 && summary.firstScore == nil && summary.lastScore == 3)
            report = try await a.outcomes.report(clinicID: nil, orgs.ctxA)
            #expect(report.overall.responders == Proportion(successes: 1, trials: 1), "GAIS 3 at the last assessment is a responder")
            try await expectAuditIntact(db)
        }
    }
}
