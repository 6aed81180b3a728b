import Testing
@testable import StratumCore

/// Booking a planned visit keeps the interval rules with the course's sessions before it and after it (issue 16).
@Suite("Booking keeps INT-MIN and INT-SHORT with booked and recorded sessions (POLICY §5)")
struct BookingRuleTests {
    static let cheek = Zone(site: .cheek, side: .left)
    static let day = LocalDate(iso: "2027-03-10")!

    static func session(_ offset: Int, _ mm: Double, _ zone: Zone = cheek) -> PriorSession {
        PriorSession(
            date: day.adding(days: offset), zones: [ZoneDepth(zone: zone, depthMM: mm)], reactionsResolvedWithinDays: nil, openAdverseEvent: false)
    }

    static func rules(_ mm: Double, others: [PriorSession], zone: Zone = cheek) -> [RuleID] {
        BookingRules.findings(
            visit: [ZoneDepth(zone: zone, depthMM: mm)], on: day, indications: [.acneScars], others: others, policy: .standard
        ).map(\.rule)
    }

    @Test("5 days after a booking at 1.0 mm is refused by INT-MIN; 7 days is not")
    func afterEarlier() {
        #expect(Self.rules(1.0, others: [Self.session(-5, 1.0)]) == [.intMin])
        #expect(Self.rules(1.0, others: [Self.session(-7, 1.0)]) == [])
        #expect(Self.rules(0.25, others: [Self.session(-5, 1.0)]) == [], "at 0.3 mm or less the minimum does not apply")
    }

    @Test("a booking 5 days before a later one at 1.0 mm breaks the later one's minimum")
    func beforeLater() {
        #expect(Self.rules(0.25, others: [Self.session(5, 1.0)]) == [.intMin])
        #expect(Self.rules(1.0, others: [Self.session(5, 0.25)]) == [], "the later session at 0.25 mm keeps no minimum")
        // Only the nearest later session on that skin is this booking's neighbour.
        #expect(Self.rules(1.0, others: [Self.session(10, 1.0), Self.session(16, 1.0)]) == [])
    }

    @Test("INT-SHORT is a caution at 1.5 mm within 14 days, either side; other skin is not a neighbour")
    func shortAndOtherSkin() {
        let found = BookingRules.findings(
            visit: [ZoneDepth(zone: Self.cheek, depthMM: 1.5)], on: Self.day, indications: [.acneScars], others: [Self.session(-10, 1.5)],
            policy: .standard)
        #expect(found.map(\.rule) == [.intShort] && found.allSatisfy { $0.severity == .caution })
        #expect(Self.rules(1.0, others: [Self.session(12, 1.5)]) == [.intShort])
        #expect(Self.rules(1.0, others: [Self.session(-2, 1.0, Zone(site: .forehead, side: .midline))]) == [])
    }

    @Test("the calendar's grid: five-minute steps, within the day, up to four hours")
    func times() {
        #expect(BookingRules.timeProblem(startMinute: 9 * 60, minutes: 45) == nil)
        #expect(BookingRules.timeProblem(startMinute: 9 * 60 + 2, minutes: 45) != nil)
        #expect(BookingRules.timeProblem(startMinute: 23 * 60 + 30, minutes: 45) != nil)
        #expect(BookingRules.timeProblem(startMinute: 9 * 60, minutes: 0) != nil)
        #expect(BookingRules.timeProblem(startMinute: 9 * 60, minutes: 245) != nil)
    }
}
