/// Where a course stands on a scale: the stated rule of docs/outcomes.md, so "is it working?" has one answer.
public enum CourseProgressStatus: String, Sendable, Codable, CaseIterable {
    case notYetAssessed = "not-yet-assessed"
    case improving
    case plateau
    case worsening
}

extension OutcomeScale {
    /// The change too small to matter: the evidence's MCID where it gives one, else one grade or point (EVIDENCE §6).
    public var changeBand: Double { importantDifference?.value ?? 1 }

    /// GAIS rates the change itself against the start (4 = no change); every other scale is compared with its baseline.
    public var ratesChange: Bool { self == .gais }

    /// The GAIS grade that means "no change", the reference its improvements are counted from.
    public static let gaisNoChange = 4.0

    /// Improvement from the baseline score to `score`, positive when better; nil when a baseline is needed and missing.
    public func improvement(from baseline: Double?, to score: Double) -> Double? {
        if ratesChange { return Self.gaisNoChange - score }
        guard let baseline else { return nil }
        return lowerIsBetter ? baseline - score : score - baseline
    }

    /// The score that lies `improvement` better than `baseline`, for drawing the goal and the band on a chart.
    public func score(improvement: Double, from baseline: Double) -> Double {
        if ratesChange { return Self.gaisNoChange - improvement }
        return lowerIsBetter ? baseline - improvement : baseline + improvement
    }

    /// A responder has improved by at least the change band (the MCID, or one grade) by the course's last score.
    public func isResponder(improvement: Double) -> Bool { improvement >= changeBand - 1e-9 }
}

/// A course's status on one scale with the figures it rests on and the sentence the page shows.
public struct ProgressVerdict: Sendable, Equatable {
    public let status: CourseProgressStatus
    /// Improvement at the latest score, nil before any score after baseline.
    public let improvement: Double?
    public let band: Double
    public let reason: String
}

/// The progress rule. `improvements` are the scores after baseline in date order, as improvements from baseline:
/// worsening when the latest is at least one band worse than baseline or than the score before it; improving when
/// the latest is better than the score before it; a plateau when two or more scores after baseline show no gain at
/// the latest; otherwise not yet assessable (one score, no gain yet: changes take weeks, EVIDENCE §3b).
public enum ProgressRule {
    /// The status of a course on `scale` from its improvements after baseline.
    public static func verdict(scale: OutcomeScale, improvements: [Double]) -> ProgressVerdict {
        let band = scale.changeBand
        let bandText = OutcomeScale.text((band * 100).rounded() / 100)
        guard let latest = improvements.last else {
            return ProgressVerdict(status: .notYetAssessed, improvement: nil, band: band,
                                   reason: "No score after the baseline yet.")
        }
        let previous = improvements.count >= 2 ? improvements[improvements.count - 2] : 0
        let recent = latest - previous
        let change = OutcomeScale.text((latest * 100).rounded() / 100)
        if latest <= -band + 1e-9 {
            return ProgressVerdict(status: .worsening, improvement: latest, band: band,
                                   reason: "Worse than baseline by \(OutcomeScale.text((-latest * 100).rounded() / 100)), at least the \(bandText) that matters.")
        }
        if recent <= -band + 1e-9 {
            return ProgressVerdict(status: .worsening, improvement: latest, band: band,
                                   reason: "Lost \(OutcomeScale.text((-recent * 100).rounded() / 100)) since the score before, at least the \(bandText) that matters.")
        }
        if recent > 1e-9 {
            let important = scale.isResponder(improvement: latest) ? "beyond" : "not yet beyond"
            return ProgressVerdict(status: .improving, improvement: latest, band: band,
                                   reason: "Better than the score before; \(change) from baseline, \(important) the \(bandText) that matters.")
        }
        if improvements.count >= 2 {
            return ProgressVerdict(status: .plateau, improvement: latest, band: band,
                                   reason: "No gain since the score before (\(change) from baseline over \(improvements.count) scores).")
        }
        return ProgressVerdict(status: .notYetAssessed, improvement: latest, band: band,
                               reason: "One score after baseline with no change yet; results take weeks to appear.")
    }
}
