/// One score of a course on one scale, as the baseline rule reads it.
public struct CourseScore: Sendable, Equatable {
    public let score: Double
    public let on: LocalDate
    public let kind: AssessmentKind
    /// Sessions of the course dated before the score.
    public let sessionsBefore: Int

    public init(score: Double, on: LocalDate, kind: AssessmentKind, sessionsBefore: Int) {
        self.score = score
        self.on = on
        self.kind = kind
        self.sessionsBefore = sessionsBefore
    }
}

/// A course's scores on one scale split into the baseline and the follow-ups (POLICY §1), the one reading progress,
/// the forecast and the outcome report share, so they cannot contradict one another.
///
/// - Severity scale: the baseline is the score recorded as the baseline, else the first score when no session came
///   before it; a follow-up is a later score dated after the baseline's day (a same-day duplicate never is).
///   Without a baseline there is no change to count.
/// - Change scale (GAIS): no baseline score; a follow-up is a score after the first session (never one recorded as a
///   baseline), and its improvement is the grade's distance from "no change".
public struct ScaleReading: Sendable, Equatable {
    public let scale: OutcomeScale
    /// Index of the baseline score; always nil on a change scale.
    public let baseline: Int?
    /// Indexes of the follow-up scores, in date order.
    public let followUps: [Int]
    /// The follow-ups' improvements, positive when better, in date order.
    public let improvements: [Double]

    /// Reads `scores` (in date order, then the order recorded) of one course on `scale`.
    public init(scale: OutcomeScale, scores: [CourseScore]) {
        self.scale = scale
        var baseline: Int?
        var followUps: [Int] = []
        var improvements: [Double] = []
        if scale.kind == .change {
            for (i, s) in scores.enumerated() where s.kind != .baseline && s.sessionsBefore > 0 {
                followUps.append(i)
                improvements.append(OutcomeScale.gaisNoChange - s.score)
            }
        } else {
            baseline = scores.firstIndex { $0.kind == .baseline } ?? (scores.first?.sessionsBefore == 0 ? 0 : nil)
            if let b = baseline {
                let reference = scores[b]
                for (i, s) in scores.enumerated() where i != b && s.on > reference.on {
                    followUps.append(i)
                    improvements.append(scale.improvement(from: reference.score, to: s.score)!)
                }
            }
        }
        self.baseline = baseline
        self.followUps = followUps
        self.improvements = improvements
    }

    /// Whether the course responded at its last assessment: GAIS 1–3 on a change scale, at least one band better than
    /// baseline on a severity scale; nil before any follow-up.
    public var responder: Bool? { improvements.last.map(scale.isResponder(improvement:)) }
}
