import Foundation

/// One patient's outcome on one scale over a course: the improvement from baseline after each session, in the
/// scale's units and direction (positive is better whichever way the scale runs).
public struct ResponseTrajectory: Sendable, Equatable {
    /// (sessions done, improvement from baseline) pairs.
    public var points: [(session: Int, improvement: Double)]

    public init(points: [(session: Int, improvement: Double)]) { self.points = points }

    public static func == (a: Self, b: Self) -> Bool {
        a.points.count == b.points.count && zip(a.points, b.points).allSatisfy { $0.session == $1.session && $0.improvement == $1.improvement }
    }
}

/// The clinic's response curve for one indication and scale (docs/forecast.md): improvement after `n` sessions is
/// `A · (1 − e^(−k·n))`, the seed's "results take weeks and vary from person to person" as a saturating curve whose
/// height `A` varies between patients around `meanAmplitude` with spread `amplitudeSD`; `noiseSD` is the
/// session-to-session scatter of one patient around their own curve.
public struct PopulationCurve: Sendable, Equatable {
    public var rate: Double
    public var meanAmplitude: Double
    public var amplitudeSD: Double
    public var noiseSD: Double
    /// Patients the curve was fitted on; 0 for a prior.
    public var patients: Int
    /// Standard error of `meanAmplitude`, for the interval of a probability.
    public var meanAmplitudeSE: Double

    public init(rate: Double, meanAmplitude: Double, amplitudeSD: Double, noiseSD: Double, patients: Int, meanAmplitudeSE: Double) {
        self.rate = rate
        self.meanAmplitude = meanAmplitude
        self.amplitudeSD = amplitudeSD
        self.noiseSD = noiseSD
        self.patients = patients
        self.meanAmplitudeSE = meanAmplitudeSE
    }

    /// The share of the full response reached after `n` sessions.
    public func shape(_ n: Double) -> Double { 1 - exp(-rate * n) }

    /// The fewest patients with two or more scored sessions before the clinic's own curve is used.
    public static let minimumPatients = 8

    /// Fits the curve to the clinic's patients by empirical Bayes: the rate by least squares over a grid, each
    /// patient's amplitude by least squares, then the amplitudes' mean and between-patient spread by the method of
    /// moments (their scatter less the part measurement noise explains). Nil when fewer than `minimumPatients`
    /// have two or more points: too thin to say anything of the clinic's own.
    public static func fit(_ cohort: [ResponseTrajectory]) -> PopulationCurve? {
        let usable = cohort.filter { Set($0.points.map(\.session)).count >= 2 && $0.points.allSatisfy { $0.session > 0 } }
        guard usable.count >= minimumPatients else { return nil }
        let observations = usable.reduce(0) { $0 + $1.points.count }
        var best: (rate: Double, rss: Double) = (0.3, .infinity)
        for step in 0..<48 {
            let rate = 0.03 * pow(1.1, Double(step))  // 0.03 … 2.6 per session
            var rss = 0.0
            for t in usable {
                let (sgy, sgg) = t.points.reduce((0.0, 0.0)) { acc, p in
                    let g = 1 - exp(-rate * Double(p.session)); return (acc.0 + g * p.improvement, acc.1 + g * g)
                }
                let a = sgy / sgg
                rss += t.points.reduce(0) { $0 + pow($1.improvement - a * (1 - exp(-rate * Double($1.session))), 2) }
            }
            if rss < best.rss { best = (rate, rss) }
        }
        let rate = best.rate
        let noiseVariance = max(best.rss / Double(max(1, observations - usable.count - 1)), 1e-6)
        var amplitudes: [Double] = []
        var samplingVariances: [Double] = []
        for t in usable {
            let (sgy, sgg) = t.points.reduce((0.0, 0.0)) { acc, p in
                let g = 1 - exp(-rate * Double(p.session)); return (acc.0 + g * p.improvement, acc.1 + g * g)
            }
            amplitudes.append(sgy / sgg)
            samplingVariances.append(noiseVariance / sgg)
        }
        let n = Double(amplitudes.count)
        let mean = amplitudes.reduce(0, +) / n
        let scatter = amplitudes.reduce(0) { $0 + pow($1 - mean, 2) } / (n - 1)
        let between = max(scatter - samplingVariances.reduce(0, +) / n, 0.01 * scatter)
        return PopulationCurve(
            rate: rate, meanAmplitude: mean, amplitudeSD: sqrt(between), noiseSD: sqrt(noiseVariance),
            patients: amplitudes.count, meanAmplitudeSE: sqrt(scatter / n))
    }
}

/// What the forecast says of one patient, in improvement from baseline on the scale.
public struct Forecast: Sendable, Equatable {
    /// Sessions the forecast looks at: those done plus those still planned.
    public let atSession: Int
    public let expectedImprovement: Double
    /// The 80% prediction interval of the improvement after `atSession` sessions.
    public let interval80: ClosedRange<Double>
    /// The chance the improvement reaches the goal, and its 95% interval from the uncertainty of the clinic's curve.
    public let probabilityOfGoal: Double?
    public let probabilityInterval95: ClosedRange<Double>?
    /// How much of the patient's own data the forecast rests on: 0 is the population curve alone, 1 their data alone.
    public let ownDataWeight: Double
    /// True when the clinic's own cohort was too thin and a prior curve was used.
    public let populationIsPrior: Bool
    /// The plain sentence the page shows about how much to trust it.
    public let caveat: String
}

/// The per-patient forecast: the population curve's amplitude updated by the patient's own scores (a normal
/// prior on the amplitude, normal noise: the posterior is exact), then carried to the last planned session.
public enum ResponseForecast {
    /// The z value of an 80% two-sided normal interval.
    static let z80 = 1.2815515655446004

    /// The forecast after `totalSessions` for a patient whose improvements so far are `own`; `goal` is the
    /// improvement the course aims at. `curve` nil (thin clinic data) uses `prior`.
    public static func forecast(
        own: ResponseTrajectory, totalSessions: Int, goal: Double?, curve: PopulationCurve?,
        prior: PopulationCurve
    ) -> Forecast {
        let c = curve ?? prior
        let priorVariance = c.amplitudeSD * c.amplitudeSD
        let noiseVariance = c.noiseSD * c.noiseSD
        var sgy = 0.0, sgg = 0.0
        for p in own.points where p.session > 0 {
            let g = c.shape(Double(p.session))
            sgy += g * p.improvement
            sgg += g * g
        }
        let posteriorVariance = 1 / (1 / priorVariance + sgg / noiseVariance)
        let posteriorMean = posteriorVariance * (c.meanAmplitude / priorVariance + sgy / noiseVariance)
        let g = c.shape(Double(totalSessions))
        let expected = posteriorMean * g
        let sd = sqrt(g * g * posteriorVariance + noiseVariance)
        let weight = 1 - posteriorVariance / priorVariance
        var probability: Double?
        var probabilityInterval: ClosedRange<Double>?
        if let goal {
            probability = 1 - normalCDF((goal - expected) / sd)
            // The clinic's mean amplitude is itself estimated: the probability at its 95% bounds.
            let shift = 1.96 * c.meanAmplitudeSE * posteriorVariance / priorVariance * g
            let low = 1 - normalCDF((goal - (expected - shift)) / sd)
            let high = 1 - normalCDF((goal - (expected + shift)) / sd)
            probabilityInterval = min(low, high)...max(low, high)
        }
        let scored = own.points.filter { $0.session > 0 }.count
        var caveat: String
        if curve == nil {
            caveat =
                "The clinic has too few patients with this indication and scale scored over a course (fewer than \(PopulationCurve.minimumPatients)): this is a general curve, not the clinic's own."
        } else {
            caveat = "Based on \(c.patients) of the clinic's patients with this indication."
        }
        if scored == 0 {
            caveat += " No score after a session yet: the forecast is the population curve alone."
        } else if weight < 0.5 {
            caveat += " Only \(scored) score(s) after sessions so far: the forecast still leans mostly on the population curve."
        }
        return Forecast(
            atSession: totalSessions, expectedImprovement: expected,
            interval80: (expected - z80 * sd)...(expected + z80 * sd), probabilityOfGoal: probability,
            probabilityInterval95: probabilityInterval, ownDataWeight: weight, populationIsPrior: curve == nil, caveat: caveat)
    }

    /// The first session in `sessions` after which the goal is more likely reached than not, or nil: the plain
    /// sentence the page leads with ("likely to reach the goal by session 5").
    public static func sessionReachingGoal(
        own: ResponseTrajectory, sessions: ClosedRange<Int>, goal: Double,
        curve: PopulationCurve?, prior: PopulationCurve
    ) -> Int? {
        sessions.first { n in
            (forecast(own: own, totalSessions: n, goal: goal, curve: curve, prior: prior).probabilityOfGoal ?? 0) >= 0.5
        }
    }

    /// The standard normal distribution function, from `erfc` for accuracy in the tails.
    public static func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.squareRoot()) }
}
