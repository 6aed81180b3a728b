import StratumCore
import Testing

@Suite("The portal's daily check-in: its days, its answers, and which answers are warning signs")
struct CheckInRuleTests {
    let session = LocalDate(iso: "2026-12-01")!

    func answers(_ redness: ReactionLevel, swelling: ReactionLevel = .mild, pain: Int = 2, _ signs: [WarningSign] = []) -> CheckInAnswers {
        CheckInAnswers(redness: redness, swelling: swelling, pain: pain, signs: signs)
    }

    @Test("open on days 1 to 7 after the session in the clinic's days, closed on the session's day and from day 8")
    func days() {
        #expect(CheckInRules.day(sessionDate: session, today: session) == nil)
        #expect(CheckInRules.day(sessionDate: session, today: session.adding(days: 1)) == 1)
        #expect(CheckInRules.day(sessionDate: session, today: session.adding(days: 7)) == 7)
        #expect(CheckInRules.day(sessionDate: session, today: session.adding(days: 8)) == nil)
        #expect(CheckInRules.day(sessionDate: session, today: session.adding(days: -1)) == nil)
    }

    @Test("bad answers are refused naming the rule: pain 11, a missing level, an unknown sign, the derived sign ticked")
    func inputProblems() {
        #expect(CheckInRules.painProblem("11")?.contains("0 (no pain) to 10") == true)
        #expect(CheckInRules.painProblem("-1") != nil && CheckInRules.painProblem("3.5") != nil && CheckInRules.painProblem(nil) != nil)
        #expect(CheckInRules.painProblem(" 0 ") == nil && CheckInRules.painProblem("10") == nil)
        #expect(CheckInRules.levelProblem(nil) != nil && CheckInRules.levelProblem("") != nil && CheckInRules.levelProblem("awful") != nil)
        #expect(CheckInRules.levelProblem("moderate") == nil)
        #expect(CheckInRules.signsProblem(["pus", "fever"]) == nil)
        #expect(CheckInRules.signsProblem(["itchy"])?.contains("not one of the listed signs") == true)
        #expect(CheckInRules.signsProblem(["worsening-redness"]) != nil, "worsening is read from the answers, not ticked")
        #expect(CheckInRules.signsProblem(["pus", "pus"]) != nil)
    }

    @Test("expected reactions get the day's expected course from the aftercare timeline, and no draft")
    func expected() {
        let a = CheckInRules.assess(day: 2, answers: answers(.moderate), previous: nil, depthMM: 1.0)
        #expect(a.warningSigns.isEmpty && a.proposal == nil && !a.needsTheClinic && !a.slowerThanUsual)
        #expect(a.expectedCourse.contains { $0.contains("often gone by day 3") })
        #expect(a.expectedCourse.contains { $0.contains("Dryness, flaking") })
        // A deep session may redden for up to 7 days: the course says so.
        let deep = CheckInRules.assess(day: 5, answers: answers(.moderate), previous: nil, depthMM: 1.5)
        #expect(!deep.slowerThanUsual && deep.warningSigns.isEmpty)
        // After a shallow session moderate redness on day 5 is slower than usual, not a warning sign.
        let slow = CheckInRules.assess(day: 5, answers: answers(.moderate), previous: nil, depthMM: 1.0)
        #expect(slow.slowerThanUsual && slow.warningSigns.isEmpty)
    }

    @Test("the rule table: pus and fever are infection, blisters herpetic, dark patches pigmentation; the first sign names the type")
    func table() {
        let pus = CheckInRules.assess(day: 3, answers: answers(.mild, [.pus]), previous: nil, depthMM: 1.0)
        #expect(pus.warningSigns == [.pus] && pus.proposal == AdverseEventProposal(type: .infectionBacterial, grade: .moderate))
        let fever = CheckInRules.assess(day: 2, answers: answers(.mild, [.fever]), previous: nil, depthMM: 1.0)
        #expect(fever.proposal?.type == .infectionBacterial)
        let blisters = CheckInRules.assess(day: 1, answers: answers(.mild, [.blisters]), previous: nil, depthMM: 1.0)
        #expect(blisters.proposal == AdverseEventProposal(type: .infectionHerpetic, grade: .moderate))
        let dark = CheckInRules.assess(day: 6, answers: answers(.none, [.darkPatches]), previous: nil, depthMM: 1.0)
        #expect(dark.proposal == AdverseEventProposal(type: .pigmentation, grade: .mild))
        let both = CheckInRules.assess(day: 4, answers: answers(.mild, [.darkPatches, .pus]), previous: nil, depthMM: 1.0)
        #expect(both.warningSigns == [.pus, .darkPatches] && both.proposal?.type == .infectionBacterial)
        #expect(Set(CheckInRules.table.map(\.sign)) == Set(WarningSign.allCases), "every sign has a row")
    }

    @Test("redness worse than the day before counts as worsening only after day 3")
    func worsening() {
        let day3 = CheckInRules.assess(day: 3, answers: answers(.severe), previous: answers(.mild), depthMM: 1.0)
        #expect(day3.warningSigns.isEmpty, "redness may still peak up to day 3")
        let day4 = CheckInRules.assess(day: 4, answers: answers(.moderate), previous: answers(.mild), depthMM: 1.0)
        #expect(day4.warningSigns == [.worseningRedness] && day4.proposal == AdverseEventProposal(type: .infectionBacterial, grade: .mild))
        let same = CheckInRules.assess(day: 5, answers: answers(.mild), previous: answers(.mild), depthMM: 1.0)
        #expect(same.warningSigns.isEmpty)
        let spreading = CheckInRules.assess(day: 1, answers: answers(.moderate, [.spreadingRedness]), previous: nil, depthMM: 1.0)
        #expect(spreading.warningSigns == [.spreadingRedness], "spreading redness is a warning on any day (POLICY §7)")
    }
}
