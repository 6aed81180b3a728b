import Foundation
import Testing
@testable import StratumCore

@Suite("Clinic outcome report: Wilson intervals, medians and responders on a scripted cohort")
struct OutcomeReportTests {
    @Test("Wilson 95% intervals match published values (8/10, 0/10, 10/10, 1/1000)")
    func wilson() throws {
        let a = try #require(Proportion.wilson(successes: 8, trials: 10))
        #expect(abs(a.lowerBound - 0.4902) < 5e-4 && abs(a.upperBound - 0.9433) < 5e-4)
        let none = try #require(Proportion.wilson(successes: 0, trials: 10))
        #expect(none.lowerBound == 0 && abs(none.upperBound - 0.2775) < 5e-4)
        let all = try #require(Proportion.wilson(successes: 10, trials: 10))
        #expect(abs(all.lowerBound - 0.7225) < 5e-4 && abs(all.upperBound - 1) < 1e-9)
        let rare = try #require(Proportion.wilson(successes: 1, trials: 1000))
        #expect(abs(rare.lowerBound - 0.000177) < 2e-5 && abs(rare.upperBound - 0.00564) < 5e-5)
        #expect(Proportion.wilson(successes: 0, trials: 0) == nil)
        #expect(Proportion(successes: 3, trials: 0).share == nil)
    }

    @Test("median of a histogram: odd and even counts")
    func median() {
        #expect(OutcomeReport.median([6: 3]) == 6)
        #expect(OutcomeReport.median([4: 1, 6: 1]) == 5)
        #expect(OutcomeReport.median([3: 2, 6: 1, 8: 2]) == 6)
        #expect(OutcomeReport.median([:]) == nil)
    }

    @Test("a scripted cohort gives its known answers per indication and per practitioner")
    func scripted() {
        let ana = UUID(), ben = UUID()
        // Acne scars: Ana 4 courses (3 responders, 6 sessions each, 1 session with an adverse event);
        // Ben 2 courses (1 responder, 4 sessions) and 1 course never scored after baseline (5 sessions).
        // Pigmentation: Ben 2 courses, 0 responders, 8 sessions, 2 sessions with adverse events in one course.
        let facts = [
            CourseOutcomeFacts(indication: .acneScars, practitionerID: ana, sessions: 6, sessionsWithAdverseEvent: 0, responder: true, count: 3),
            CourseOutcomeFacts(indication: .acneScars, practitionerID: ana, sessions: 6, sessionsWithAdverseEvent: 1, responder: false),
            CourseOutcomeFacts(indication: .acneScars, practitionerID: ben, sessions: 4, sessionsWithAdverseEvent: 0, responder: true),
            CourseOutcomeFacts(indication: .acneScars, practitionerID: ben, sessions: 4, sessionsWithAdverseEvent: 0, responder: false),
            CourseOutcomeFacts(indication: .acneScars, practitionerID: ben, sessions: 5, sessionsWithAdverseEvent: 0, responder: nil),
            CourseOutcomeFacts(indication: .pigmentation, practitionerID: ben, sessions: 8, sessionsWithAdverseEvent: 2, responder: false),
            CourseOutcomeFacts(indication: .pigmentation, practitionerID: ben, sessions: 8, sessionsWithAdverseEvent: 0, responder: false)
        ]
        let r = OutcomeReport.build(facts)
        #expect(r.overall.courses == 9)
        #expect(r.overall.responders == Proportion(successes: 4, trials: 8))
        #expect(r.overall.adverseEvents == Proportion(successes: 3, trials: 24 + 8 + 5 + 16))
        #expect(r.overall.medianSessions == 6)
        let acne = r.byIndication.first { $0.key == "acne-scars" }!
        #expect(acne.courses == 7 && acne.responders == Proportion(successes: 4, trials: 6))
        #expect(acne.medianSessions == 6)  // 4, 4, 5, 6, 6, 6, 6
        #expect(acne.adverseEvents == Proportion(successes: 1, trials: 37))
        let pig = r.byIndication.first { $0.key == "pigmentation" }!
        #expect(pig.responders.share == 0 && pig.medianSessions == 8 && pig.adverseEvents == Proportion(successes: 2, trials: 16))
        let anaRow = r.byPractitioner.first { $0.key == ana.uuidString.lowercased() }!
        #expect(anaRow.courses == 4 && anaRow.responders == Proportion(successes: 3, trials: 4) && anaRow.medianSessions == 6)
        let benRow = r.byPractitioner.first { $0.key == ben.uuidString.lowercased() }!
        #expect(benRow.courses == 5 && benRow.responders == Proportion(successes: 1, trials: 4) && benRow.medianSessions == 5)
        #expect(r.byIndication.map(\.key) == ["acne-scars", "pigmentation"])
    }

    @Test("responders: the MCID where the evidence gives one, else one grade; GAIS counts from 'no change'")
    func responders() {
        #expect(OutcomeScale.goodmanBaron.isResponder(improvement: OutcomeScale.goodmanBaron.improvement(from: 3, to: 2)!))
        #expect(!OutcomeScale.goodmanBaron.isResponder(improvement: OutcomeScale.goodmanBaron.improvement(from: 3, to: 3)!))
        // POSAS patient: MCID 6 × 0.39 = 2.34 points on the total.
        #expect(!OutcomeScale.posasPatient.isResponder(improvement: OutcomeScale.posasPatient.improvement(from: 30, to: 28)!))
        #expect(OutcomeScale.posasPatient.isResponder(improvement: OutcomeScale.posasPatient.improvement(from: 30, to: 27)!))
        #expect(OutcomeScale.gais.improvement(from: nil, to: 3) == 1)
        #expect(OutcomeScale.gais.isResponder(improvement: OutcomeScale.gais.improvement(from: 4, to: 3)!))
        #expect(!OutcomeScale.gais.isResponder(improvement: OutcomeScale.gais.improvement(from: 4, to: 4)!))
        #expect(OutcomeScale.satisfaction.improvement(from: 5, to: 7) == 2)
        #expect(OutcomeScale.vss.improvement(from: nil, to: 5) == nil)
    }
}
