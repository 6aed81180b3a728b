/// A closed range of nominal needle length in millimetres; all Stratum depths are nominal (POLICY §2 note).
public struct DepthRange: Hashable, Sendable, CustomStringConvertible {
    public var lower: Double
    public var upper: Double

    public init(_ lower: Double, _ upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    public func contains(_ depth: Double) -> Bool { depth >= lower - Depth.epsilon && depth <= upper + Depth.epsilon }

    /// Whether `other` lies entirely inside this range: a clinic may only narrow.
    public func encloses(_ other: DepthRange) -> Bool {
        other.lower >= lower - Depth.epsilon && other.upper <= upper + Depth.epsilon
    }

    /// The overlap of two ranges, or nil when they are disjoint.
    public func intersection(_ other: DepthRange) -> DepthRange? {
        let lo = max(lower, other.lower)
        let hi = min(upper, other.upper)
        return lo <= hi + Depth.epsilon ? DepthRange(lo, max(lo, hi)) : nil
    }

    /// Clamps both ends into `bounds`, keeping the range non-empty (a single point when disjoint).
    public func clamped(to bounds: DepthRange) -> DepthRange {
        let lo = min(max(lower, bounds.lower), bounds.upper)
        let hi = min(max(upper, bounds.lower), bounds.upper)
        return DepthRange(lo, max(lo, hi))
    }

    public var description: String { "\(Depth.format(lower))–\(Depth.format(upper)) mm" }
}

/// Depth constants and formatting shared by every rule.
public enum Depth {
    /// Devices move in 0.05 mm steps or coarser; comparisons tolerate binary rounding below that.
    public static let epsilon = 0.000_5
    /// What microneedling devices do at all (SEED: 0.2–3 mm; rule `DEPTH-RANGE`).
    public static let physicalRange = DepthRange(0.2, 3.0)
    /// Planned depths rise by this step per session (POLICY §5).
    public static let progressionStep = 0.25

    /// Rounds to 0.01 mm so that plans print the values a device dial shows.
    public static func rounded(_ mm: Double) -> Double { (mm * 100).rounded() / 100 }

    /// "1.5", "0.25", "2": the shortest exact form, for messages and tables.
    public static func format(_ mm: Double) -> String {
        let r = rounded(mm)
        if r == r.rounded() { return String(Int(r)) }
        var s = String(format2(r))
        while s.hasSuffix("0") { s.removeLast() }
        return s
    }

    private static func format2(_ v: Double) -> String {
        let hundredths = Int((abs(v) * 100).rounded())
        let sign = v < 0 ? "-" : ""
        let frac = hundredths % 100
        return "\(sign)\(hundredths / 100).\(frac < 10 ? "0" : "")\(frac)"
    }
}
