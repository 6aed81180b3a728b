import Foundation

/// A share with its 95% Wilson score interval: honest at small counts and near 0 or 1, where a clinic's figures live.
public struct Proportion: Sendable, Equatable {
    public let successes: Int
    public let trials: Int
    /// nil when there are no trials: no figure rather than a made-up one.
    public var share: Double? { trials > 0 ? Double(successes) / Double(trials) : nil }
    public var interval95: ClosedRange<Double>? { Self.wilson(successes: successes, trials: trials) }

    public init(successes: Int, trials: Int) {
        self.successes = successes
        self.trials = trials
    }

    /// The Wilson score interval (Wilson 1927) for `successes` of `trials` at normal quantile `z`.
    public static func wilson(successes: Int, trials: Int, z: Double = 1.959963984540054) -> ClosedRange<Double>? {
        guard trials > 0, successes >= 0, successes <= trials else { return nil }
        let n = Double(trials), p = Double(successes) / n, z2 = z * z
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        return max(0, centre - half)...min(1, centre + half)
    }
}

/// One course as the outcome report counts it, or `count` identical courses when the store has grouped them.
public struct CourseOutcomeFacts: Sendable, Equatable {
    public var indication: IndicationID
    public var practitionerID: UUID
    public var sessions: Int
    public var sessionsWithAdverseEvent: Int
    /// Whether the course met the change band on its primary scale; nil when it has no score after baseline.
    public var responder: Bool?
    public var count: Int

    public init(indication: IndicationID, practitionerID: UUID, sessions: Int, sessionsWithAdverseEvent: Int, responder: Bool?, count: Int = 1) {
        self.indication = indication
        self.practitionerID = practitionerID
        self.sessions = sessions
        self.sessionsWithAdverseEvent = sessionsWithAdverseEvent
        self.responder = responder
        self.count = count
    }
}

/// A line of the clinic outcome report: courses, responders, sessions and the adverse-event rate per session.
public struct OutcomeReportRow: Sendable, Equatable {
    /// The indication's raw id or the practitioner's id, by the table the row is in.
    public let key: String
    public let courses: Int
    /// Responders among the courses scored after baseline on their primary scale.
    public let responders: Proportion
    public let medianSessions: Double?
    /// Sessions followed by at least one adverse event, among all sessions.
    public let adverseEvents: Proportion
}

/// The clinic's honest figures (PRODUCT: "honest outcome and complication figures per clinic and practitioner").
public struct OutcomeReport: Sendable, Equatable {
    public let overall: OutcomeReportRow
    public let byIndication: [OutcomeReportRow]
    public let byPractitioner: [OutcomeReportRow]

    /// Builds the report from per-course facts; rows are in key order so two runs print the same.
    public static func build(_ facts: [CourseOutcomeFacts]) -> OutcomeReport {
        let byIndication = Dictionary(grouping: facts, by: { $0.indication.rawValue })
        let byPractitioner = Dictionary(grouping: facts, by: { $0.practitionerID.uuidString.lowercased() })
        return OutcomeReport(
            overall: row("all", facts),
            byIndication: byIndication.keys.sorted().map { row($0, byIndication[$0]!) },
            byPractitioner: byPractitioner.keys.sorted().map { row($0, byPractitioner[$0]!) })
    }

    static func row(_ key: String, _ facts: [CourseOutcomeFacts]) -> OutcomeReportRow {
        var courses = 0, assessed = 0, responders = 0, sessions = 0, withEvent = 0
        var histogram: [Int: Int] = [:]
        for f in facts {
            courses += f.count
            sessions += f.sessions * f.count
            withEvent += f.sessionsWithAdverseEvent * f.count
            histogram[f.sessions, default: 0] += f.count
            if let r = f.responder {
                assessed += f.count
                if r { responders += f.count }
            }
        }
        return OutcomeReportRow(
            key: key, courses: courses, responders: Proportion(successes: responders, trials: assessed),
            medianSessions: median(histogram), adverseEvents: Proportion(successes: withEvent, trials: sessions))
    }

    /// The median of values given as value → how many times; the mean of the two middle values for an even count.
    public static func median(_ histogram: [Int: Int]) -> Double? {
        let total = histogram.values.reduce(0, +)
        guard total > 0 else { return nil }
        let sorted = histogram.keys.sorted()
        func value(at rank: Int) -> Int {
            var seen = 0
            for v in sorted {
                seen += histogram[v]!
                if seen > rank { return v }
            }
            return sorted.last!
        }
        return total % 2 == 1 ? Double(value(at: total / 2)) : Double(value(at: total / 2 - 1) + value(at: total / 2)) / 2
    }
}
