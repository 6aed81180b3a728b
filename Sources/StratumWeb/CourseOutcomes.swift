import Foundation
import StratumCore
import StratumStore

/// A course's outcome on one scale as the progress page and API show it: the scores in order with the sessions
/// before each, the baseline, the goal, the change band and the verdict of the progress rule.
struct ScaleProgress: Sendable {
    struct Point: Sendable {
        let assessment: Assessment
        let sessionsBefore: Int
        let improvement: Double?
    }
    let scale: OutcomeScale
    let points: [Point]
    /// The first score (the reference the others are compared with); for GAIS the grade "no change".
    let baseline: Double?
    let goal: Double?
    let verdict: ProgressVerdict
}

/// The forecast of a course on its primary scale, in improvements and in scores.
struct CourseForecast: Sendable {
    let scale: OutcomeScale
    let forecast: Forecast
    let baseline: Double?
    let goalScore: Double?
    let sessionsDone: Int
    let cohortPatients: Int

    /// The expected score and its 80% interval on the scale, clamped to its range; nil without a baseline.
    var expectedScore: (value: Double, low: Double, high: Double)? {
        guard let baseline = baseline ?? (scale.ratesChange ? OutcomeScale.gaisNoChange : nil) else { return nil }
        let clamp = { (v: Double) in min(max(v, scale.range.lowerBound), scale.range.upperBound) }
        let a = clamp(scale.score(improvement: forecast.interval80.lowerBound, from: baseline))
        let b = clamp(scale.score(improvement: forecast.interval80.upperBound, from: baseline))
        return (clamp(scale.score(improvement: forecast.expectedImprovement, from: baseline)), min(a, b), max(a, b))
    }
}

enum CourseOutcomes {
    /// Progress per scale scored in the course, the primary scale first (shown even before any score).
    static func progress(course: Course, sessions: [TreatmentSession], assessments: [Assessment]) -> [ScaleProgress] {
        let primary = OutcomeScale.primary(for: course.indications)
        var scales = [primary]
        for a in assessments { if let s = OutcomeScale(rawValue: a.scale), !scales.contains(s) { scales.append(s) } }
        let dates = sessions.map(\.date.description)
        return scales.map { scale in
            let own = assessments.filter { $0.scale == scale.rawValue }.sorted { ($0.assessedOn, $0.createdAt) < ($1.assessedOn, $1.createdAt) }
            let baseline = scale.ratesChange ? OutcomeScale.gaisNoChange : own.first?.score
            let points = own.enumerated().map { i, a in
                let reference = scale.ratesChange || i > 0
                return ScaleProgress.Point(assessment: a, sessionsBefore: dates.filter { $0 < a.assessedOn.description }.count,
                                           improvement: reference ? scale.improvement(from: baseline, to: a.score) : nil)
            }
            // GAIS rates change since the start: a baseline GAIS (before any session) is not an improvement.
            let after = points.filter { $0.improvement != nil && ($0.sessionsBefore > 0 || !scale.ratesChange) }.compactMap(\.improvement)
            return ScaleProgress(scale: scale, points: points, baseline: baseline, goal: scale == primary ? course.goalScore : nil,
                                 verdict: ProgressRule.verdict(scale: scale, improvements: after))
        }
    }

    /// The forecast after the course's planned sessions, from the patient's scores and the clinic's cohort.
    static func forecast(course: Course, sessions: [TreatmentSession], assessments: [Assessment], cohort: [ResponseTrajectory]) -> CourseForecast {
        let scale = OutcomeScale.primary(for: course.indications)
        let scores = assessments.filter { $0.scale == scale.rawValue }.sorted { ($0.assessedOn, $0.createdAt) < ($1.assessedOn, $1.createdAt) }
        let own = OutcomeStore.trajectory(scale: scale, scores: scores.map { ($0.score, $0.assessedOn.description) },
                                          sessionDates: sessions.map(\.date.description))
        let baseline = scale.ratesChange ? OutcomeScale.gaisNoChange : scores.first?.score
        let goal = course.goalScore.flatMap { scale.improvement(from: baseline, to: $0) }
        let curve = PopulationCurve.fit(cohort)
        let f = ResponseForecast.forecast(own: own, totalSessions: max(course.plannedVisits.count, sessions.count, 1), goal: goal,
                                          curve: curve, prior: .prior(for: scale))
        return CourseForecast(scale: scale, forecast: f, baseline: scale.ratesChange ? nil : scores.first?.score, goalScore: course.goalScore,
                              sessionsDone: sessions.count, cohortPatients: curve?.patients ?? 0)
    }
}
