import Testing
@testable import StratumCore

@Suite("Outcome scales used as designed: GAIS never at baseline, one severity baseline per course (POLICY §1)")
struct OutcomeScaleRuleTests {
    static let first = day("2027-03-10")
    static let course = CourseScoreFacts(firstSession: first, inCourse: true)

    @Test("OUT-GAIS-BASELINE: GAIS at or before the first session is a stop on the record, naming the field")
    func gaisBaseline() throws {
        let atFirst = try #require(AssessmentRules.problem(scale: .gais, kind: .visit, on: Self.first, facts: Self.course))
        #expect(atFirst.field == "assessedOn" && atFirst.finding?.rule == .outGaisBaseline && atFirst.finding?.severity == .stop)
        #expect(atFirst.problem.hasPrefix("OUT-GAIS-BASELINE"))
        #expect(AssessmentRules.problem(scale: .gais, kind: .visit, on: day("2027-03-01"), facts: Self.course)?.field == "assessedOn")
        let asBaseline = try #require(AssessmentRules.problem(scale: .gais, kind: .baseline, on: day("2027-04-07"), facts: Self.course))
        #expect(asBaseline.field == "kind" && asBaseline.finding?.rule == .outGaisBaseline)
        let noSession = CourseScoreFacts(firstSession: nil, inCourse: true)
        #expect(AssessmentRules.problem(scale: .gais, kind: .visit, on: day("2027-04-07"), facts: noSession)?.finding?.rule == .outGaisBaseline)
        let noCourse = CourseScoreFacts(firstSession: nil, inCourse: false)
        #expect(AssessmentRules.problem(scale: .gais, kind: .visit, on: day("2027-04-07"), facts: noCourse)?.field == "courseId")
    }

    @Test("near miss: GAIS the day after the first session, and a severity baseline on its day, are accepted")
    func gaisNearMiss() {
        #expect(AssessmentRules.problem(scale: .gais, kind: .visit, on: day("2027-03-11"), facts: Self.course) == nil)
        #expect(AssessmentRules.problem(scale: .gais, kind: .followUp1Month, on: day("2027-09-10"), facts: Self.course) == nil)
        #expect(AssessmentRules.problem(scale: .glogau, kind: .baseline, on: Self.first, facts: Self.course) == nil)
        #expect(
            AssessmentRules.problem(
                scale: .goodmanBaron, kind: .baseline, on: day("2027-03-01"),
                facts: CourseScoreFacts(firstSession: nil, inCourse: true)) == nil)
    }

    @Test("one baseline per scale per course: a second is refused as a duplicate; a baseline after session 1 is refused")
    func oneBaseline() throws {
        let taken = CourseScoreFacts(firstSession: Self.first, inCourse: true, existingBaseline: (day("2027-03-09"), 3))
        let second = try #require(AssessmentRules.problem(scale: .goodmanBaron, kind: .baseline, on: day("2027-03-09"), facts: taken))
        #expect(second.duplicate && second.field == "kind" && second.finding == nil && second.problem.contains("3 on 2027-03-09"))
        // Near miss: a visit the same day is not a second baseline (the reading never counts it as a follow-up either).
        #expect(AssessmentRules.problem(scale: .goodmanBaron, kind: .visit, on: day("2027-03-09"), facts: taken) == nil)
        let late = try #require(AssessmentRules.problem(scale: .goodmanBaron, kind: .baseline, on: day("2027-03-11"), facts: Self.course))
        #expect(!late.duplicate && late.field == "kind" && late.problem.contains("on or before the first session"))
    }

    @Test("the reading: a same-day duplicate baseline is never a follow-up; GAIS counts only after a session, from no change")
    func reading() {
        let s = { (score: Double, on: String, kind: AssessmentKind, before: Int) in
            CourseScore(score: score, on: day(on), kind: kind, sessionsBefore: before)
        }
        let gb = ScaleReading(
            scale: .goodmanBaron, scores: [s(3, "2027-03-10", .baseline, 0), s(3, "2027-03-10", .visit, 0), s(2, "2027-04-07", .visit, 1)])
        #expect(gb.baseline == 0 && gb.followUps == [2] && gb.improvements == [1] && gb.responder == true)
        let none = ScaleReading(scale: .goodmanBaron, scores: [s(3, "2027-04-07", .visit, 1)])
        #expect(none.baseline == nil && none.followUps.isEmpty && none.responder == nil, "no baseline before session 1: no change to count")
        let gais = ScaleReading(
            scale: .gais, scores: [s(3, "2027-03-10", .baseline, 0), s(3, "2027-04-07", .visit, 1), s(2, "2027-05-05", .visit, 2)])
        #expect(gais.baseline == nil && gais.followUps == [1, 2] && gais.improvements == [1, 2] && gais.responder == true)
        #expect(ScaleReading(scale: .gais, scores: [s(4, "2027-04-07", .visit, 1)]).responder == false, "GAIS 4 is no change")
        #expect(ScaleReading(scale: .goodmanBaron, scores: [s(3, "2027-03-10", .baseline, 0), s(3, "2027-05-05", .visit, 2)]).responder == false)
    }

    @Test("the forecast's lead sentence: the first session at which the goal is more likely reached than not, or none")
    func goalSession() {
        let strong = ResponseTrajectory(points: [(1, 1.5), (2, 2.5)])
        let prior = PopulationCurve.prior(for: .gais)
        let n = ResponseForecast.sessionReachingGoal(own: strong, sessions: 2...6, goal: 2, curve: nil, prior: prior)
        #expect(n != nil && n! <= 6)
        if let n {
            #expect((ResponseForecast.forecast(own: strong, totalSessions: n, goal: 2, curve: nil, prior: prior).probabilityOfGoal ?? 0) >= 0.5)
            if n > 2 {
                #expect(
                    (ResponseForecast.forecast(own: strong, totalSessions: n - 1, goal: 2, curve: nil, prior: prior).probabilityOfGoal ?? 1) < 0.5)
            }
        }
        // Near miss: a goal beyond GAIS's whole range is never likely.
        #expect(ResponseForecast.sessionReachingGoal(own: strong, sessions: 2...6, goal: 4, curve: nil, prior: prior) == nil)
    }

    @Test("the planner schedules the indication's severity baselines and the photo set, never GAIS at baseline")
    func schedule() {
        let photoaging = Fixture.planned {
            $0.indications = [.photoaging]; $0.sessions = 3
        }.course.assessments
        #expect(photoaging[0].kind == .baseline && photoaging[0].scales == [.glogau, .fitzpatrickWrinkle] && photoaging[0].photoSet)
        #expect(photoaging.dropFirst().filter { $0.session != nil }.allSatisfy { $0.scales == [.gais] })
        #expect(photoaging.first { $0.kind == .followUp1Month }?.scales == [.gais, .glogau, .fitzpatrickWrinkle])
        let acne = Fixture.planned { $0.indications = [.acneScars] }.course.assessments
        #expect(acne[0].scales == [.goodmanBaron] && acne[1].scales == [.goodmanBaron])
        let scars = Fixture.planned { $0.indications = [.scars] }.course.assessments
        #expect(scars[0].scales == [.posasObserver, .posasPatient, .vss])
        let striae = Fixture.planned {
            $0.indications = [.striae]; $0.zones = [Zone(site: .abdomen, side: .midline)]
        }.course.assessments
        #expect(striae[0].scales.isEmpty && striae[0].photoSet, "a GAIS course's baseline is its photo set")
        for id in IndicationID.allCases {
            #expect(!OutcomeSchedule(indications: [id]).baseline.contains(.gais), "\(id.rawValue)")
        }
    }
}
