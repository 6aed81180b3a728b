import Testing
@testable import StratumCore

@Suite("Channel density (EVIDENCE §7a)")
struct ChannelDensityTests {
    @Test("a 192-needle roller on a 2 × 2 cm drum, 15 passes, gives ≈229 per cm², within 10 % of the published ≈250")
    func publishedRoller() throws {
        let density = try #require(ChannelDensity.roller(needles: 192, drumDiameterCM: 2, drumWidthCM: 2, passes: 15))
        #expect(abs(density - 229.2) < 0.5)
        #expect(abs(density - 250) / 250 < 0.10)
    }

    @Test("one roller pass gives ≈15–16 per cm², as Singh & Yadav report")
    func onePass() throws {
        let density = try #require(ChannelDensity.roller(needles: 192, drumDiameterCM: 2, drumWidthCM: 2, passes: 1))
        #expect((15...16.5).contains(density))
    }

    @Test("a pen's density scales with needles and stamping rate and falls with hand speed and swath width")
    func pen() throws {
        // 12 needles at 100 Hz moved at 2 cm/s over a 0.8 cm swath: 12·100 / (2·0.8) = 750 per cm² per pass.
        let one = try #require(
            ChannelDensity.pen(
                needlesPerCartridge: 12, stampsPerSecond: 100, handSpeedCMPerSecond: 2,
                swathWidthCM: 0.8, passes: 1))
        #expect(abs(one - 750) < 1e-9)
        let faster = try #require(
            ChannelDensity.pen(
                needlesPerCartridge: 12, stampsPerSecond: 100, handSpeedCMPerSecond: 4,
                swathWidthCM: 0.8, passes: 1))
        #expect(abs(faster - 375) < 1e-9)
        let threePasses = try #require(
            ChannelDensity.pen(
                needlesPerCartridge: 12, stampsPerSecond: 100, handSpeedCMPerSecond: 2,
                swathWidthCM: 0.8, passes: 3))
        #expect(abs(threePasses - 2250) < 1e-9)
    }

    @Test("nonsense geometry gives no density rather than a division by zero")
    func nonsense() {
        #expect(ChannelDensity.roller(needles: 0, drumDiameterCM: 2, drumWidthCM: 2, passes: 1) == nil)
        #expect(ChannelDensity.roller(needles: 192, drumDiameterCM: 0, drumWidthCM: 2, passes: 1) == nil)
        #expect(ChannelDensity.pen(needlesPerCartridge: 12, stampsPerSecond: 100, handSpeedCMPerSecond: 0, swathWidthCM: 1, passes: 1) == nil)
        #expect(ChannelDensity.pen(needlesPerCartridge: 12, stampsPerSecond: .infinity, handSpeedCMPerSecond: 1, swathWidthCM: 1, passes: 1) == nil)
    }
}
