import Foundation

/// Micro-channels per cm² that a treatment makes: the "dose" of controlled injury the seed describes.
///
/// Roller: a drum of diameter d and width w has a surface of π·d·w; each pass lays its N needles once over
/// that surface, so one pass gives N / (π·d·w) channels per cm², and P passes give P times that. It ignores
/// overlap and needles sliding into existing holes, so it is an upper bound.
/// Check: 192 needles on a 2 × 2 cm drum, 15 passes → 192 / 12.57 × 15 ≈ 229 per cm², against the published
/// ≈ 250 (Doddaballapur 2009; EVIDENCE §7a): within 10 %.
///
/// Pen: a cartridge of n needles stamping f times a second while moved at v cm/s leaves a swath as wide as the
/// needle array (s cm); per pass it makes n·f channels a second over v·s cm² a second, i.e. n·f / (v·s) per cm².
public enum ChannelDensity {
    /// Channels per cm² from a drum roller.
    public static func roller(needles: Int, drumDiameterCM: Double, drumWidthCM: Double, passes: Int) -> Double? {
        guard needles > 0, drumDiameterCM > 0, drumWidthCM > 0, passes > 0,
            drumDiameterCM.isFinite, drumWidthCM.isFinite
        else { return nil }
        return Double(needles) / (Double.pi * drumDiameterCM * drumWidthCM) * Double(passes)
    }

    /// Channels per cm² from a motorised pen.
    public static func pen(
        needlesPerCartridge: Int, stampsPerSecond: Double, handSpeedCMPerSecond: Double,
        swathWidthCM: Double, passes: Int
    ) -> Double? {
        guard needlesPerCartridge > 0, stampsPerSecond > 0, handSpeedCMPerSecond > 0, swathWidthCM > 0, passes > 0,
            stampsPerSecond.isFinite, handSpeedCMPerSecond.isFinite, swathWidthCM.isFinite
        else { return nil }
        return Double(needlesPerCartridge) * stampsPerSecond / (handSpeedCMPerSecond * swathWidthCM) * Double(passes)
    }
}
