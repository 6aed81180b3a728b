import Testing
@testable import StratumCore

/// Reproduction 7 of issue 12: a small bruise on the left cheek held the forehead and both cheeks at the next session.
/// `REACTION-UNRESOLVED` is "on the same area" (POLICY §5): an open event holds only the zones it affects.
@Suite("REACTION-UNRESOLVED by zone (POLICY §5)")
struct AdverseEventZoneTests {
    static let face: [(SiteID, Side, Double)] = [(.forehead, .midline, 0.5), (.cheek, .left, 1.0), (.cheek, .right, 1.0)]

    /// The next session on forehead and both cheeks, 28 days after one where an event opened on `eventZones`.
    static func nextSession(eventZones: [Zone]) -> CheckResult {
        Fixture.check {
            $0.device = Fixture.widePen
            $0.zones = [dose(.forehead, 0.5, side: .midline), dose(.cheek, 1.0, side: .left), dose(.cheek, 1.0, side: .right)]
            var earlier = prior(Fixture.sessionDate.adding(days: -28), face)
            earlier.openAdverseEventZones = eventZones
            $0.previousSessions = [earlier]
        }
    }

    static func held(_ r: CheckResult) -> Set<Zone> {
        Set(r.findings.filter { $0.rule == .reactionUnresolved }.compactMap(\.zone))
    }

    @Test("An open bruise on the left cheek stops the left cheek only; the right cheek and the forehead proceed")
    func leftCheekOnly() {
        let r = Self.nextSession(eventZones: [Fixture.cheekLeft])
        #expect(Self.held(r) == [Fixture.cheekLeft])
        #expect(r.findings.filter { $0.rule == .reactionUnresolved }.allSatisfy { $0.severity == .stop })
    }

    @Test("Near miss: an open event on the right cheek leaves the left cheek and forehead free")
    func otherCheek() {
        let r = Self.nextSession(eventZones: [Fixture.cheekRight])
        #expect(!Self.held(r).contains(Fixture.cheekLeft))
        #expect(!Self.held(r).contains(Zone(site: .forehead, side: .midline)))
        #expect(Self.held(r) == [Fixture.cheekRight])
    }

    @Test("Near miss: a closed event (no open zones) holds nothing")
    func closed() {
        #expect(Self.held(Self.nextSession(eventZones: [])).isEmpty)
    }

    @Test("An event on both cheeks (bilateral) holds each cheek but not the forehead")
    func bilateral() {
        let r = Self.nextSession(eventZones: [Zone(site: .cheek, side: .bilateral)])
        #expect(Self.held(r) == [Fixture.cheekLeft, Fixture.cheekRight])
    }

    @Test("An event given without zones holds the whole area of the session it followed")
    func wholeSession() {
        let p = prior(Fixture.sessionDate.adding(days: -28), Self.face, openAdverseEvent: true)
        #expect(Set(p.openAdverseEventZones) == Set(Self.face.map { Zone(site: $0.0, side: $0.1) }))
    }

    @Test("An event still open after an older session holds its zone even when a later session treated elsewhere")
    func olderSession() {
        let r = Fixture.check {
            $0.device = Fixture.widePen
            $0.zones = [dose(.cheek, 1.0, side: .left)]
            var older = prior(Fixture.sessionDate.adding(days: -56), [(.cheek, .left, 1.0)])
            older.openAdverseEventZones = [Fixture.cheekLeft]
            $0.previousSessions = [older, prior(Fixture.sessionDate.adding(days: -28), [(.forehead, .midline, 0.5)])]
        }
        #expect(Self.held(r) == [Fixture.cheekLeft])
    }
}
