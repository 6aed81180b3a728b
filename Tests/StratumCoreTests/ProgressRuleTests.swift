import Testing
@testable import StratumCore

@Suite("Course status by the progress rule (docs/outcomes.md)")
struct ProgressRuleTests {
    @Test("nothing after baseline: not yet assessable")
    func empty() {
        #expect(ProgressRule.verdict(scale: .goodmanBaron, improvements: []).status == .notYetAssessed)
    }

    @Test("one score with no change yet is too early; one better score is improving")
    func firstScore() {
        #expect(ProgressRule.verdict(scale: .goodmanBaron, improvements: [0]).status == .notYetAssessed)
        #expect(ProgressRule.verdict(scale: .goodmanBaron, improvements: [1]).status == .improving)
    }

    @Test("better than the score before: improving, whether or not past the band")
    func improving() {
        let v = ProgressRule.verdict(scale: .posasPatient, improvements: [0, 1])
        #expect(v.status == .improving && v.reason.contains("not yet beyond"))
        let w = ProgressRule.verdict(scale: .posasPatient, improvements: [1, 3])
        #expect(w.status == .improving && w.reason.contains("beyond the 2.34") && !w.reason.contains("not yet"))
    }

    @Test("no gain at the latest of two or more scores: plateau (improved or not)")
    func plateau() {
        #expect(ProgressRule.verdict(scale: .goodmanBaron, improvements: [1, 1]).status == .plateau)
        #expect(ProgressRule.verdict(scale: .goodmanBaron, improvements: [0, 0, 0]).status == .plateau)
        // A small loss under the band is not yet worsening.
        #expect(ProgressRule.verdict(scale: .posasPatient, improvements: [3, 2]).status == .plateau)
    }

    @Test("worse than baseline, or a band lost since the score before: worsening; the near misses are not")
    func worsening() {
        #expect(ProgressRule.verdict(scale: .goodmanBaron, improvements: [-1]).status == .worsening)
        #expect(ProgressRule.verdict(scale: .goodmanBaron, improvements: [2, 1]).status == .worsening)
        #expect(ProgressRule.verdict(scale: .posasPatient, improvements: [-2.3]).status == .notYetAssessed)
        #expect(ProgressRule.verdict(scale: .posasPatient, improvements: [-2.34]).status == .worsening)
        #expect(ProgressRule.verdict(scale: .posasPatient, improvements: [4, 2]).status == .plateau)
        #expect(ProgressRule.verdict(scale: .posasPatient, improvements: [4, 1.6]).status == .worsening)
    }

    @Test("the band is the MCID where the evidence gives one, else one grade")
    func bands() {
        #expect(abs(OutcomeScale.posasPatient.changeBand - 2.34) < 1e-9)
        #expect(OutcomeScale.celluliteSeverity.changeBand == 1)
        #expect(OutcomeScale.goodmanBaron.changeBand == 1 && OutcomeScale.mmasi.changeBand == 1)
    }
}

@Suite("Standard photo sets and visits")
struct StandardPhotoSetTests {
    @Test("a facial course asks for the five facial views and a close-up per zone; a body course for close-ups only")
    func slots() {
        let face = [Zone(site: .cheek, side: .left), Zone(site: .cheek, side: .right)]
        let set = StandardPhotoSet.slots(for: face)
        #expect(set.count == 7)
        #expect(set.prefix(5).map(\.view) == [.front, .left45, .right45, .left90, .right90])
        #expect(set.suffix(2).allSatisfy { $0.view == .closeUp && $0.zone != nil })
        let body = StandardPhotoSet.slots(for: [Zone(site: .thigh, side: .bilateral)])
        #expect(body == [PhotoSlot(view: .closeUp, zone: Zone(site: .thigh, side: .bilateral))])
    }

    @Test("the checklist names what a visit still lacks")
    func missing() {
        let zones = [Zone(site: .forehead, side: .midline)]
        let taken = [PhotoSlot(view: .front, zone: nil), PhotoSlot(view: .closeUp, zone: zones[0]),
                     PhotoSlot(view: .left45, zone: Zone(site: .nose, side: .midline))]  // an overview view ignores the zone
        #expect(StandardPhotoSet.missing(for: zones, taken: taken).map(\.view) == [.right45, .left90, .right90])
    }

    @Test("visits read and print as the API spells them, in course order")
    func visits() {
        for text in ["baseline", "session-1", "session-10", "follow-up-1-month", "follow-up-3-months", "follow-up-6-months"] {
            #expect(PhotoVisit(text)?.description == text)
        }
        for bad in ["", "session-0", "session-01", "session-x", "follow-up-2-months", "Baseline"] { #expect(PhotoVisit(bad) == nil) }
        #expect([PhotoVisit.followUp(months: 1), .session(2), .baseline, .session(10)].sorted() == [.baseline, .session(2), .session(10), .followUp(months: 1)])
    }
}
