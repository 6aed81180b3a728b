import Foundation
import Testing
@testable import StratumCore

/// Simulated patients with a known response curve: SplitMix64 for the draws, Box–Muller for normals.
struct Cohort {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func uniform() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return (Double((z ^ (z >> 31)) >> 11) + 0.5) / Double(1 << 53)
    }
    mutating func normal() -> Double { sqrt(-2 * log(uniform())) * cos(2 * .pi * uniform()) }

    /// A patient whose improvement after session n is A(1 − e^(−kn)) + noise, A drawn around `mean`.
    mutating func patient(_ truth: PopulationCurve, sessions: ClosedRange<Int>) -> (amplitude: Double, trajectory: ResponseTrajectory) {
        let a = truth.meanAmplitude + truth.amplitudeSD * normal()
        let points = sessions.map { n in (session: n, improvement: a * truth.shape(Double(n)) + truth.noiseSD * normal()) }
        return (a, ResponseTrajectory(points: points))
    }
}

let generalPrior = PopulationCurve(rate: 0.35, meanAmplitude: 1.0, amplitudeSD: 0.8, noiseSD: 0.5, patients: 0, meanAmplitudeSE: 0.5)

@Suite("Per-patient forecast of a course's response (docs/forecast.md)")
struct ResponseForecastTests {
    @Test("calibration: on simulated cohorts with known curves, 80% intervals hold 75–85% of held-out outcomes")
    func calibration() {
        let truths = [
            PopulationCurve(rate: 0.4, meanAmplitude: 3.0, amplitudeSD: 1.0, noiseSD: 0.6, patients: 0, meanAmplitudeSE: 0),
            PopulationCurve(rate: 0.2, meanAmplitude: 8.0, amplitudeSD: 3.0, noiseSD: 1.5, patients: 0, meanAmplitudeSE: 0),
            PopulationCurve(rate: 0.8, meanAmplitude: 1.2, amplitudeSD: 0.4, noiseSD: 0.3, patients: 0, meanAmplitudeSE: 0),
            PopulationCurve(rate: 0.3, meanAmplitude: 12.0, amplitudeSD: 5.0, noiseSD: 2.0, patients: 0, meanAmplitudeSE: 0)
        ]
        var inside = 0, total = 0
        var rng = Cohort(seed: 20261201)
        for truth in truths {
            let training = (0..<60).map { _ in rng.patient(truth, sessions: 1...6).trajectory }
            let curve = try! #require(PopulationCurve.fit(training))
            // Within six sessions a slow curve's height and rate trade off; the mean response at each session does not.
            for n in [2.0, 4.0, 6.0] {
                let fitted = curve.meanAmplitude * curve.shape(n), actual = truth.meanAmplitude * truth.shape(n)
                #expect(abs(fitted - actual) / actual < 0.12, "mean response after \(n) sessions: \(fitted) vs \(actual)")
            }
            for i in 0..<300 {
                // Held out: a new patient seen for 0 to 3 sessions, forecast at the sixth; their true sixth score.
                let seen = i % 4
                let (a, _) = rng.patient(truth, sessions: 1...1)
                let own = ResponseTrajectory(
                    points: (0..<seen).map { n in
                        (session: n + 1, improvement: a * truth.shape(Double(n + 1)) + truth.noiseSD * rng.normal())
                    })
                let outcome = a * truth.shape(6) + truth.noiseSD * rng.normal()
                let f = ResponseForecast.forecast(own: own, totalSessions: 6, goal: nil, curve: curve, prior: generalPrior)
                if f.interval80.contains(outcome) { inside += 1 }
                total += 1
            }
        }
        let coverage = Double(inside) / Double(total)
        #expect((0.75...0.85).contains(coverage), "80% intervals covered \(coverage) of \(total) held-out outcomes")
    }

    @Test("a thin cohort falls back to the general curve and says so; the patient's own scores pull the forecast")
    func thinData() {
        var rng = Cohort(seed: 7)
        let truth = PopulationCurve(rate: 0.4, meanAmplitude: 3.0, amplitudeSD: 1.0, noiseSD: 0.6, patients: 0, meanAmplitudeSE: 0)
        let few = (0..<(PopulationCurve.minimumPatients - 1)).map { _ in rng.patient(truth, sessions: 1...6).trajectory }
        #expect(PopulationCurve.fit(few) == nil)
        let none = ResponseForecast.forecast(own: ResponseTrajectory(points: []), totalSessions: 6, goal: 1, curve: nil, prior: generalPrior)
        #expect(none.populationIsPrior && none.ownDataWeight == 0)
        #expect(none.caveat.contains("too few patients") && none.caveat.contains("population curve alone"))
        #expect(abs(none.expectedImprovement - generalPrior.meanAmplitude * generalPrior.shape(6)) < 1e-9)
        // Four good scores: the forecast moves well above the prior's, and leans on the patient's data.
        let strong = ResponseTrajectory(points: (1...4).map { (session: $0, improvement: 3.0 * generalPrior.shape(Double($0))) })
        let own = ResponseForecast.forecast(own: strong, totalSessions: 6, goal: 1, curve: nil, prior: generalPrior)
        #expect(own.expectedImprovement > none.expectedImprovement + 1 && own.ownDataWeight > 0.5)
        #expect(own.interval80.upperBound - own.interval80.lowerBound < none.interval80.upperBound - none.interval80.lowerBound)
    }

    @Test("the probability of reaching the goal falls as the goal rises, and lies inside its interval")
    func probability() {
        let curve = PopulationCurve(rate: 0.4, meanAmplitude: 3.0, amplitudeSD: 1.0, noiseSD: 0.6, patients: 40, meanAmplitudeSE: 0.16)
        var last = 1.0
        for goal in stride(from: 0.0, through: 5.0, by: 0.5) {
            let f = ResponseForecast.forecast(
                own: ResponseTrajectory(points: [(1, 1.0)]), totalSessions: 6, goal: goal, curve: curve, prior: generalPrior)
            let p = f.probabilityOfGoal!
            #expect(p <= last && f.probabilityInterval95!.contains(p))
            last = p
        }
        #expect(abs(ResponseForecast.normalCDF(1.2815515655446004) - 0.9) < 1e-9)
    }
}
