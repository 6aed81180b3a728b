import Foundation
import StratumCore
import StratumStore

/// An outcome chart drawn on the server as SVG coordinates: the scores over the course (baseline, visits,
/// follow-ups) on the scale's full range with the better end at the top, the goal line and the session dates.
struct ProgressChart: Encodable {
    struct Point: Encodable {
        let x: Double
        let y: Double
        let label: String
    }

    struct Tick: Encodable {
        let at: Double
        let label: String
        /// Where a y tick's label sits: on the line's baseline.
        let labelAt: Double
        init(at: Double, label: String) {
            self.at = at
            self.label = label
            labelAt = at + 4
        }
    }

    let scale: String
    let scaleName: String
    let direction: String
    let width = 640.0
    let height = 280.0
    let left = 56.0
    let right = 624.0
    let top = 20.0
    let bottom = 236.0
    let yLabelX = 48.0
    let xLabelY = 254.0
    let sessionTop = 228.0
    let points: [Point]
    let polyline: String
    let goalY: Double?
    let goalLabelY: Double?
    let hasRows: Bool
    let goalLabel: String
    let yTicks: [Tick]
    let xTicks: [Tick]
    let sessionXs: [Double]
    let rows: [Point]
    let summary: String
    /// The change band around the baseline (MCID or one grade): moves inside it are not yet clinically important.
    let bandY: Double?
    let bandHeight: Double?
    let baselineY: Double?
    let bandLabel: String
    /// The verdict of the progress rule, set by the progress page.
    var status = ""
    var statusLabel = ""
    var statusTone = "muted"
    var statusReason = ""
    var itemsLine: String?

    init(
        scale: OutcomeScale, assessments: [Assessment], sessionDates: [LocalDate], start: LocalDate, end: LocalDate, goal: Double?,
        baseline: Double? = nil
    ) {
        self.scale = scale.rawValue
        scaleName = scale.name
        direction = scale.lowerIsBetter ? "lower is better: the better end is at the top" : "higher is better"
        let scored = assessments.sorted { ($0.assessedOn, $0.createdAt) < ($1.assessedOn, $1.createdAt) }
        let first = min(start, scored.first?.assessedOn ?? start)
        let last = max(end, scored.last?.assessedOn ?? end, first.adding(days: 7))
        let span = Double(first.days(until: last))
        let (l, r, t, b) = (56.0, 624.0, 20.0, 236.0)
        func x(_ d: LocalDate) -> Double { (l + (r - l) * Double(first.days(until: d)) / span).rounded(toPlaces: 1) }
        let lo = scale.range.lowerBound, hi = scale.range.upperBound
        // The better end at the top: for a lower-is-better scale the lowest score is drawn highest.
        func y(_ v: Double) -> Double {
            let f = (v - lo) / (hi - lo)
            return (scale.lowerIsBetter ? t + (b - t) * f : b - (b - t) * f).rounded(toPlaces: 1)
        }
        points = scored.map { Point(x: x($0.assessedOn), y: y($0.score), label: "\($0.assessedOn) \($0.kind.rawValue): \(PageValues.mm($0.score))") }
        rows = points
        polyline = points.map { "\($0.x),\($0.y)" }.joined(separator: " ")
        goalY = goal.map(y)
        baselineY = baseline.map(y)
        if let baseline {
            let a = y(min(max(baseline - scale.changeBand, lo), hi)), z = y(min(max(baseline + scale.changeBand, lo), hi))
            bandY = min(a, z)
            bandHeight = abs(z - a)
            bandLabel = "band ±\(PageValues.mm((scale.changeBand * 100).rounded() / 100)) around \(scale.ratesChange ? "no change" : "baseline")"
        } else {
            bandY = nil
            bandHeight = nil
            bandLabel = ""
        }
        goalLabelY = goalY.map { $0 - 6 }
        hasRows = !points.isEmpty
        goalLabel = goal.map { "goal \(PageValues.mm($0))" } ?? ""
        let step = max(1, ((hi - lo) / 6).rounded(.up))
        yTicks = stride(from: lo, through: hi, by: step).map { Tick(at: y($0), label: OutcomeScale.text($0)) }
        // Ticks on the first of each month (every second or third month on a long course), labelled YYYY-MM.
        var monthStarts: [LocalDate] = []
        var cursor = LocalDate(iso: String(first.description.prefix(8)) + "01")!
        while cursor <= last {
            if cursor >= first { monthStarts.append(cursor) }
            let (y, m) = (Int(cursor.description.prefix(4))!, Int(cursor.description.dropFirst(5).prefix(2))!)
            cursor = LocalDate(iso: String(format: "%04d-%02d-01", m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1))!
        }
        let every = max(1, Int((Double(monthStarts.count) / 7).rounded(.up)))
        xTicks = monthStarts.enumerated().filter { $0.offset % every == 0 }.map {
            Tick(at: x($0.element), label: String($0.element.description.prefix(7)))
        }
        sessionXs = sessionDates.filter { $0 >= first && $0 <= last }.map(x)
        summary = Self.summary(scale, scored)
    }

    /// The chart's sentence. GAIS rates the change itself, so it is the latest grade and what it means, never a
    /// difference between two GAIS scores; a severity scale is the change from its baseline (the score recorded as
    /// the baseline, else the first) to the latest score of a later day.
    static func summary(_ scale: OutcomeScale, _ scored: [Assessment]) -> String {
        guard let latest = scored.last else { return "No scores recorded on this scale yet." }
        if scale.ratesChange {
            let meaning =
                scale.levels.first { $0.hasPrefix(OutcomeScale.text(latest.score) + " ") }.map { " (\($0.drop { $0 != " " }.dropFirst()))" } ?? ""
            return "Latest GAIS \(OutcomeScale.text(latest.score))\(meaning) on \(latest.assessedOn), rated against the baseline photos."
        }
        let a = scored.first { $0.kind == .baseline } ?? scored[0]
        guard let z = scored.last(where: { $0.assessedOn > a.assessedOn }) else { return "One score so far: the baseline." }
        let change = z.score - a.score
        let better = scale.lowerIsBetter ? change < 0 : change > 0
        return change == 0
            ? "No change from the baseline \(PageValues.mm(a.score)) of \(a.assessedOn)."
            : "\(better ? "Better" : "Worse") by \(PageValues.mm(abs(change))) since the baseline of \(a.assessedOn) (\(PageValues.mm(a.score)) → \(PageValues.mm(z.score)))."
    }
}

extension Double {
    func rounded(toPlaces n: Int) -> Double {
        let f = Foundation.pow(10.0, Double(n))
        return (self * f).rounded() / f
    }
}
