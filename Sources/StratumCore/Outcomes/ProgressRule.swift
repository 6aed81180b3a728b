/// Where a course stands on a scale: the stated rule of docs/outcomes.md, so "is it working?" has one answer.
public enum CourseProgressStatus: String, Sendable, Codable, CaseIterable {
    case notYetAssessed = "not-yet-assessed"
    /// Scores after baseline with no gain, but too few of them or too early in the course to call it a plateau.
    case tooEarly = "too-early"
    case improving
    case plateau
    case worsening
}

extension OutcomeScale {
    /// The change too small to matter: the evidence's MCID where it gives one, else one grade or point (EVIDENCE §6).
    public var changeBand: Double { importantDifference?.value ?? 1 }

    /// GAIS rates the change itself against the start (4 = no change); every other scale is compared with its baseline.
    public var ratesChange: Bool { kind == .change }

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
    /// Improvement at the latest score, nil before any score after baseline (GAIS: the latest grade's distance from "no change").
    public let improvement: Double?
    public let band: Double
    public let reason: String
}

/// The progress rule (POLICY §1). `improvements` are the scores after baseline in date order, each as an improvement:
/// on a severity scale the change from the course's baseline, on GAIS the latest grade itself (4 − GAIS, since GAIS
/// already rates the change). Worsening when the latest is at least one band worse than baseline (GAIS 5) or than the
/// score before it; improving when the latest is better than the score before it (the first score counts from no
/// change); a plateau only when the last two scores both show no gain and at least half the planned sessions are
/// done; otherwise too early to judge (changes take weeks, EVIDENCE §3b).
public enum ProgressRule {
    /// Scores without gain, in a row at the end, before a plateau is said.
    public static let plateauScores = 2

    /// The status of a course on `scale` from its improvements after baseline, with `sessionsDone` of `sessionsPlanned`.
    public static func verdict(scale: OutcomeScale, improvements: [Double], sessionsDone: Int, sessionsPlanned: Int) -> ProgressVerdict {
        let band = scale.changeBand
        let bandText = OutcomeScale.text((band * 100).rounded() / 100)
        func t(_ d: Double) -> String { OutcomeScale.text((d * 100).rounded() / 100) }
        guard let latest = improvements.last else {
            return ProgressVerdict(
                status: .notYetAssessed, improvement: nil, band: band,
                reason: scale.ratesChange ? "No GAIS score after the first session yet." : "No score after the baseline yet.")
        }
        // Gains score to score; the first counts from baseline (or from GAIS "no change").
        let steps = zip(improvements, [0] + improvements.dropLast()).map { $0 - $1 }
        let recent = steps.last!
        let standing =
            scale.ratesChange
            ? "latest GAIS \(OutcomeScale.text(scale.score(improvement: latest, from: OutcomeScale.gaisNoChange)))"
            : "\(t(latest)) from baseline"
        if latest <= -band + 1e-9 {
            return ProgressVerdict(
                status: .worsening, improvement: latest, band: band,
                reason: scale.ratesChange
                    ? "Rated worse than before treatment (\(standing))."
                    : "Worse than baseline by \(t(-latest)), at least the \(bandText) that matters.")
        }
        if recent <= -band + 1e-9 {
            return ProgressVerdict(
                status: .worsening, improvement: latest, band: band,
                reason: "Lost \(t(-recent)) since the score before, at least the \(bandText) that matters (\(standing)).")
        }
        if recent > 1e-9 {
            let important = scale.isResponder(improvement: latest) ? "beyond" : "not yet beyond"
            return ProgressVerdict(
                status: .improving, improvement: latest, band: band,
                reason: scale.ratesChange
                    ? "Better than the score before; \(standing), \(scale.isResponder(improvement: latest) ? "improved (1–3)" : "not yet improved (1–3)")."
                    : "Better than the score before; \(standing), \(important) the \(bandText) that matters.")
        }
        let unchanged = steps.reversed().prefix { $0 <= 1e-9 }.count
        let halfDone = sessionsDone * 2 >= sessionsPlanned
        if unchanged >= plateauScores && halfDone {
            return ProgressVerdict(
                status: .plateau, improvement: latest, band: band,
                reason: "No gain over the last \(unchanged) scores (\(standing)), with \(sessionsDone) of \(sessionsPlanned) sessions done.")
        }
        let why =
            unchanged < plateauScores
            ? "one score without gain (\(standing)); a plateau needs \(plateauScores) in a row"
            : "no gain over \(unchanged) scores (\(standing)), but only \(sessionsDone) of \(sessionsPlanned) sessions done; a plateau needs half"
        return ProgressVerdict(
            status: .tooEarly, improvement: latest, band: band,
            reason: "Too early to judge: \(why). Results take weeks to appear.")
    }
}
