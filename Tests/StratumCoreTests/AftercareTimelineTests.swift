import Testing
@testable import StratumCore

@Suite("Aftercare timeline (POLICY §7)")
struct AftercareTimelineTests {
    let day = LocalDate(iso: "2027-01-30")!

    @Test("every POLICY §7 step is dated from the session, across a month end")
    func dated() {
        let t = AftercareTimeline(sessionDate: day, depthMM: 1.0)
        #expect(t.steps.map(\.when) == ["Day 0", "Day 1", "Days 0–3", "Days 1–7", "Day 7", "Weeks to months"])
        #expect(t.steps[0].from == day)
        #expect(t.steps[1].from.description == "2027-01-31")
        #expect(t.steps[1].until?.description == "2027-02-13")  // sunscreen for two weeks
        #expect(t.steps[4].from.description == "2027-02-06")
        #expect(t.steps[5].until == nil)
    }

    @Test("a deep session (≥ 1.5 mm) warns that redness can last up to 7 days; a shallow one says day 3")
    func deepSession() {
        #expect(AftercareTimeline(sessionDate: day, depthMM: 1.5).steps[2].text.contains("up to 7 days"))
        #expect(AftercareTimeline(sessionDate: day, depthMM: 1.25).steps[2].text.contains("often gone by day 3"))
    }

    @Test("the signs to call about name infection, cold sores, product reactions, bleeding and redness past day 7")
    func warningSigns() {
        let t = AftercareTimeline(sessionDate: day, depthMM: 0.5)
        let all = t.callTheClinicIf.joined(separator: " | ")
        for sign in ["pus or fever", "cold sores", "reaction to a product", "Bleeding that does not stop", "after 2027-02-06"] {
            #expect(all.contains(sign), "missing: \(sign)")
        }
    }

    @Test("expected reactions follow depth: pinpoint bleeding from 1.0 mm, up to 7 days to settle from 1.5 mm")
    func expectedReactions() {
        #expect(!ExpectedReaction.expected(atDepth: 0.75).contains(.pinpointBleeding))
        #expect(ExpectedReaction.expected(atDepth: 1.0).contains(.pinpointBleeding))
        #expect(ExpectedReaction.expected(atDepth: 0.25) == [.erythema, .drynessAndFlaking])
        #expect(ExpectedReaction.settleWithinDays(atDepth: 1.25) == 3)
        #expect(ExpectedReaction.settleWithinDays(atDepth: 1.5) == 7)
    }
}
