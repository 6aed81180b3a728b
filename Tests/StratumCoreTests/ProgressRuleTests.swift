import Testing
@testable import StratumCore

@Suite("Course status by the progress rule (POLICY §1, docs/outcomes.md)")
struct ProgressRuleTests {
    /// The verdict half-way through a six-session course, unless told otherwise.
    static func status(_ scale: OutcomeScale, _ improvements: [Double], done: Int = 3, planned: Int = 6) -> CourseProgressStatus {
        ProgressRule.verdict(scale: scale, improvements: improvements, sessionsDone: done, sessionsPlanned: planned).status
    }

    @Test("nothing after baseline: not yet assessed")
    func empty() {
        #expect(Self.status(.goodmanBaron, []) == .notYetAssessed)
        #expect(Self.status(.gais, []) == .notYetAssessed)
    }

    @Test("one score with no change is too early to judge; one better score is improving")
    func firstScore() {
        #expect(Self.status(.goodmanBaron, [0]) == .tooEarly)
        #expect(Self.status(.goodmanBaron, [1]) == .improving)
        // GAIS: the first score counts from "no change" (4): GAIS 3 is improving, GAIS 4 too early.
        #expect(Self.status(.gais, [1]) == .improving)
        #expect(Self.status(.gais, [0]) == .tooEarly)
    }

    @Test("better than the score before: improving, whether or not past the band")
    func improving() {
        let v = ProgressRule.verdict(scale: .posasPatient, improvements: [0, 1], sessionsDone: 2, sessionsPlanned: 6)
        #expect(v.status == .improving && v.reason.contains("not yet beyond"))
        let w = ProgressRule.verdict(scale: .posasPatient, improvements: [1, 3], sessionsDone: 2, sessionsPlanned: 6)
        #expect(w.status == .improving && w.reason.contains("beyond the 2.34") && !w.reason.contains("not yet"))
        // GAIS 3 then 2: the latest grade is the progress, never "better by 1 from a baseline of 3".
        let g = ProgressRule.verdict(scale: .gais, improvements: [1, 2], sessionsDone: 3, sessionsPlanned: 6)
        #expect(g.status == .improving && g.reason.contains("latest GAIS 2") && !g.reason.contains("from baseline"))
    }

    @Test("plateau: two scores in a row without gain and half the planned sessions done")
    func plateau() {
        #expect(Self.status(.goodmanBaron, [1, 1, 1]) == .plateau)
        #expect(Self.status(.goodmanBaron, [0, 0]) == .plateau)
        #expect(Self.status(.gais, [2, 2, 2], done: 4) == .plateau)
        // A small loss under the band counts as no gain, not yet worsening.
        #expect(Self.status(.posasPatient, [3, 2, 2]) == .plateau)
        #expect(Self.status(.goodmanBaron, [0, 0], done: 3, planned: 6) == .plateau, "exactly half done is enough")
    }

    @Test("near misses of a plateau are too early to judge: one unchanged score, or fewer than half the sessions done")
    func tooEarly() {
        // Reproduction 6: one unchanged visit after a gain, with sessions to go, is not a plateau.
        let one = ProgressRule.verdict(scale: .goodmanBaron, improvements: [1, 1], sessionsDone: 4, sessionsPlanned: 6)
        #expect(one.status == .tooEarly && one.reason.contains("Too early to judge"), "\(one.reason)")
        #expect(Self.status(.gais, [1, 1], done: 4) == .tooEarly)
        // Two unchanged scores, but only two of six sessions done.
        let early = ProgressRule.verdict(scale: .goodmanBaron, improvements: [0, 0], sessionsDone: 2, sessionsPlanned: 6)
        #expect(early.status == .tooEarly && early.reason.contains("2 of 6"), "\(early.reason)")
        #expect(Self.status(.goodmanBaron, [0, 0], done: 2, planned: 5) == .tooEarly, "2 of 5 is under half")
    }

    @Test("worse than baseline (GAIS 5), or a band lost since the score before: worsening; the near misses are not")
    func worsening() {
        #expect(Self.status(.goodmanBaron, [-1]) == .worsening)
        #expect(Self.status(.goodmanBaron, [2, 1]) == .worsening)
        #expect(Self.status(.gais, [-1]) == .worsening, "GAIS 5, worse")
        #expect(Self.status(.gais, [2, 1]) == .worsening, "GAIS 2 then 3")
        #expect(Self.status(.posasPatient, [-2.3]) == .tooEarly)
        #expect(Self.status(.posasPatient, [-2.34]) == .worsening)
        #expect(Self.status(.posasPatient, [4, 2]) == .tooEarly)
        #expect(Self.status(.posasPatient, [4, 1.6]) == .worsening)
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
        let taken = [
            PhotoSlot(view: .front, zone: nil), PhotoSlot(view: .closeUp, zone: zones[0]),
            PhotoSlot(view: .left45, zone: Zone(site: .nose, side: .midline))
        ]  // an overview view ignores the zone
        #expect(StandardPhotoSet.missing(for: zones, taken: taken).map(\.view) == [.right45, .left90, .right90])
    }

    @Test("visits read and print as the API spells them, in course order")
    func visits() {
        for text in ["baseline", "session-1", "session-10", "follow-up-1-month", "follow-up-3-months", "follow-up-6-months"] {
            #expect(PhotoVisit(text)?.description == text)
        }
        for bad in ["", "session-0", "session-01", "session-x", "follow-up-2-months", "Baseline"] { #expect(PhotoVisit(bad) == nil) }
        #expect(
            [PhotoVisit.followUp(months: 1), .session(2), .baseline, .session(10)].sorted() == [
                .baseline, .session(2), .session(10), .followUp(months: 1)
            ])
    }
}
