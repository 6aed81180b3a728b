import Foundation
import StratumCore
import StratumStore

/// The stops that make the chart read "Do not treat": nobody should start a session, or plan one, while the latest
/// screening or the latest plan holds a `stop` finding (POLICY §2: a stop is never overridden).
struct ChartStop: Encodable, Equatable {
    let rule: String
    let message: String
    let zone: String?
    /// Where the stop was found: "Screening v3 of 2026-11-30" or "Plan of 2026-11-30 (Acne scars)".
    let source: String

    static func of(latestScreening: ScreeningRecord?, courses: [Course]) -> [ChartStop] {
        var out: [ChartStop] = []
        if let s = latestScreening {
            out += s.findings.filter { $0.severity == .stop }.ordered()
                .map { ChartStop($0, source: "Screening v\(s.version) of \(s.answeredOn)") }
        }
        // The latest plan still in play; a cancelled or completed course no longer speaks for today.
        if let c = courses.filter({ $0.status == .proposed || $0.status == .active }).max(by: { $0.createdAt < $1.createdAt }) {
            // The day the plan was made where it was made: the signed-in clinic's day (PageClinic), not UTC's.
            let day = LocalDate.clinicDay(at: c.createdAt, timeZone: PageClinic.timeZone)
            out += c.findings.filter { $0.severity == .stop }.ordered()
                .map { ChartStop($0, source: "Plan of \(day) (\(c.indications.map(PageValues.indicationName).joined(separator: ", ")))") }
        }
        return out
    }

    private init(_ f: Finding, source: String) {
        rule = f.rule.rawValue
        message = f.message
        zone = f.zone.map(PageValues.zoneName)
        self.source = source
    }
}
