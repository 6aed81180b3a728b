import Foundation
import StratumCore
import StratumStore

/// A course's outcome on one scale as the progress page and API show it: the scores in order with the sessions
/// before each, the baseline (none on GAIS), the goal, the change band and the verdict of the progress rule.
struct ScaleProgress: Sendable {
    struct Point: Sendable {
        let assessment: Assessment
        let sessionsBefore: Int
        /// The improvement of a follow-up; nil for the baseline and for scores that are neither (a same-day duplicate).
        let improvement: Double?
    }
    let scale: OutcomeScale
    let points: [Point]
    /// The course's baseline score on a severity scale; nil on GAIS, which has none.
    let baseline: Double?
    let goal: Double?
    let verdict: ProgressVerdict
    let reading: ScaleReading

    /// What improvements are counted from on the chart: the baseline, or GAIS "no change".
    var reference: Double? { scale.ratesChange ? OutcomeScale.gaisNoChange : baseline }
}

/// The forecast of a course on its primary scale, in improvements and in scores, led by one plain sentence.
struct CourseForecast: Sendable {
    let scale: OutcomeScale
    let forecast: Forecast
    /// The severity baseline; nil on GAIS, forecast as a grade directly.
    let baseline: Double?
    let goalScore: Double?
    let sessionsDone: Int
    let cohortPatients: Int
    /// The sentence the page leads with: when the goal is likely reached, or that there are too few scores yet.
    let headline: String
    /// False when the patient's own scores cannot carry a forecast yet (no follow-up, or no baseline to count from).
    let enoughScores: Bool

    /// The expected score and its 80% interval on the scale, clamped to its range; nil on a severity scale without a baseline.
    var expectedScore: (value: Double, low: Double, high: Double)? {
        guard let reference = scale.ratesChange ? OutcomeScale.gaisNoChange : baseline else { return nil }
        let clamp = { (v: Double) in min(max(v, scale.range.lowerBound), scale.range.upperBound) }
        let a = clamp(scale.score(improvement: forecast.interval80.lowerBound, from: reference))
        let b = clamp(scale.score(improvement: forecast.interval80.upperBound, from: reference))
        return (clamp(scale.score(improvement: forecast.expectedImprovement, from: reference)), min(a, b), max(a, b))
    }
}

enum CourseOutcomes {
    /// The course's scores on `scale` in the order taken, with the sessions before each.
    static func scores(_ scale: OutcomeScale, assessments: [Assessment], sessions: [TreatmentSession]) -> [(Assessment, CourseScore)] {
        assessments.filter { $0.scale == scale.rawValue }.sorted { ($0.assessedOn, $0.createdAt) < ($1.assessedOn, $1.createdAt) }.map { a in
            (a, CourseScore(score: a.score, on: a.assessedOn, kind: a.kind, sessionsBefore: sessions.filter { $0.date < a.assessedOn }.count))
        }
    }

    /// Progress per scale scored in the course, the primary scale first (shown even before any score).
    static func progress(course: Course, sessions: [TreatmentSession], assessments: [Assessment]) -> [ScaleProgress] {
        let primary = OutcomeScale.primary(for: course.indications)
        var scales = [primary]
        for a in assessments { if let s = OutcomeScale(rawValue: a.scale), !scales.contains(s) { scales.append(s) } }
        let planned = max(course.plannedVisits.count, sessions.count)
        return scales.map { scale in
            let own = Self.scores(scale, assessments: assessments, sessions: sessions)
            let reading = ScaleReading(scale: scale, scores: own.map(\.1))
            var improvements: [Int: Double] = [:]
            for (i, index) in reading.followUps.enumerated() { improvements[index] = reading.improvements[i] }
            let points = own.enumerated().map { i, pair in
                ScaleProgress.Point(assessment: pair.0, sessionsBefore: pair.1.sessionsBefore, improvement: improvements[i])
            }
            return ScaleProgress(
                scale: scale, points: points, baseline: reading.baseline.map { own[$0].1.score },
                goal: scale == primary ? course.goalScore : nil,
                verdict: ProgressRule.verdict(
                    scale: scale, improvements: reading.improvements, sessionsDone: sessions.count,
                    sessionsPlanned: planned),
                reading: reading)
        }
    }

    /// The forecast after the course's planned sessions, from the patient's scores and the clinic's cohort. GAIS is
    /// forecast as a grade directly (its improvement is the distance from "no change", never from a baseline score);
    /// a severity scale is forecast as change from the course's baseline, and not at all without one (docs/forecast.md).
    static func forecast(course: Course, sessions: [TreatmentSession], assessments: [Assessment], cohort: [ResponseTrajectory]) -> CourseForecast {
        let scale = OutcomeScale.primary(for: course.indications)
        let own = Self.scores(scale, assessments: assessments, sessions: sessions)
        let reading = ScaleReading(scale: scale, scores: own.map(\.1))
        let trajectory = ResponseTrajectory(
            points: zip(reading.followUps, reading.improvements).compactMap { index, gain in
                own[index].1.sessionsBefore > 0 ? (own[index].1.sessionsBefore, gain) : nil
            })
        let baseline = reading.baseline.map { own[$0].1.score }
        let reference = scale.ratesChange ? OutcomeScale.gaisNoChange : baseline
        let goal = course.goalScore.flatMap { scale.improvement(from: reference, to: $0) }
        let curve = PopulationCurve.fit(cohort)
        let total = max(course.plannedVisits.count, sessions.count, 1)
        let f = ResponseForecast.forecast(own: trajectory, totalSessions: total, goal: goal, curve: curve, prior: .prior(for: scale))
        let enough = (reference != nil) && !trajectory.points.isEmpty
        var headline: String
        if reference == nil {
            headline = "Too few scores to forecast yet: the course has no \(scale.name) baseline to count change from."
        } else if trajectory.points.isEmpty {
            headline = "Too few scores to forecast yet: no \(scale.ratesChange ? "GAIS" : scale.name) score after a session."
        } else if let goal {
            if let n = ResponseForecast.sessionReachingGoal(
                own: trajectory, sessions: max(1, sessions.count)...total, goal: goal,
                curve: curve, prior: .prior(for: scale))
            {
                headline = "Likely to reach the goal by session \(n)."
            } else {
                let chance = Int(((f.probabilityOfGoal ?? 0) * 100).rounded())
                headline = "Not likely to reach the goal within the \(total) planned sessions (about \(chance) in 100)."
            }
        } else {
            let expected = min(max(scale.score(improvement: f.expectedImprovement, from: reference!), scale.range.lowerBound), scale.range.upperBound)
            let text = scale.integral ? OutcomeScale.text(expected.rounded()) : OutcomeScale.text((expected * 10).rounded() / 10)
            headline = "Expected after session \(total): \(scale.ratesChange ? "GAIS" : scale.name) \(text)."
        }
        return CourseForecast(
            scale: scale, forecast: f, baseline: baseline, goalScore: course.goalScore, sessionsDone: sessions.count,
            cohortPatients: curve?.patients ?? 0, headline: headline, enoughScores: enough)
    }
}
