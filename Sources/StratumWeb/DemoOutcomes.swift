import Foundation
import StratumCore
import StratumStore

/// The demo's outcome scores, taken as the plan schedules them (POLICY §1): the indication's severity scales at
/// baseline on the first session's day, the visit scales at each later session (GAIS only from the visit after
/// session 1), each patient with a response of their own height, some of them non-responders, so progress, the
/// forecast and the outcome report tell one story.
enum DemoOutcomes {
    /// Records the scores the plan schedules at `session`, after it is recorded on the same day.
    static func recordScores(at session: PlannedSession, plan: CoursePlan, patient: Patient, courseID: UUID, scope: OrganizationScope,
                             ctx: AccessContext) async throws {
        guard let planned = plan.assessments.first(where: { $0.session == session.number }) else { return }
        // The patient's own response, from their birth date rather than the demo's shared stream, so names and
        // care histories stay as they were.
        var own = DemoRandom(seed: UInt64(truncatingIfNeeded: patient.birthDate.dayNumber) &* 31 &+ 7)
        let share = Double(own.next() % 1000) / 1000
        let done = Double(session.number - 1)
        for scale in planned.scales {
            let reference = baseline(scale, &own)
            // A third of the patients hardly respond; the others reach one to two bands over a course.
            let height = (share < 0.33 ? 0.3 : 1 + 1.2 * share) * scale.changeBand * (scale.ratesChange ? 1.4 : 1)
            let gain = (height * (1 - exp(-0.45 * done)) / scale.changeBand).rounded(.down) * scale.changeBand
            let raw = scale.score(improvement: gain, from: scale.ratesChange ? OutcomeScale.gaisNoChange : reference)
            let score = min(max(scale.integral ? raw.rounded() : raw, scale.range.lowerBound), scale.range.upperBound)
            _ = try await scope.assessments.record(patientID: patient.id, courseID: courseID, scale: scale.rawValue, score: score,
                                                   kind: planned.kind, assessedOn: session.date, ctx)
        }
    }

    /// A plausible starting score on a severity scale (GAIS has none: its reference is "no change").
    static func baseline(_ scale: OutcomeScale, _ rng: inout DemoRandom) -> Double {
        let draw = rng.next()
        func pick(_ values: [Double]) -> Double { values[Int(draw % UInt64(values.count))] }
        return switch scale {
        case .gais: OutcomeScale.gaisNoChange
        case .goodmanBaron: pick([3, 4])
        case .posasObserver, .posasPatient: pick([26, 30, 34, 38])
        case .vss: pick([6, 7, 8])
        case .glogau: pick([2, 3])
        case .fitzpatrickWrinkle: pick([1, 2])
        case .nurnbergerMuller: pick([2, 3])
        case .celluliteSeverity: pick([8, 10])
        case .mmasi: pick([8, 10])
        case .satisfaction: pick([4, 5])
        }
    }
}
