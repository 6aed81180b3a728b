import Foundation
import StratumCore
import StratumStore
import Vapor

/// The clinic outcome report as a page (tables and an SVG chart of responder shares with their 95% intervals) and
/// as CSV, for a clinic or the whole organization.
struct OutcomeReportPages {
    let state: ServerState

    func register(_ routes: any RoutesBuilder) {
        routes.get("reports", "outcomes", use: page)
        routes.get("reports", "outcomes.csv", use: csv)
    }

    struct Row: Encodable {
        let name: String
        let courses: Int
        let responders: String
        let responderInterval: String
        let medianSessions: String
        let adverseEvents: String
        let adverseInterval: String
    }

    /// One bar per indication: the responder share, its Wilson interval as a whisker, and the count it rests on.
    struct Bar: Encodable {
        let label: String
        let y: Double
        let labelY: Double
        let width: Double
        let low: Double
        let high: Double
        let mid: Double
        let text: String
        let textX: Double
    }

    struct Table: Encodable {
        let id: String
        let title: String
        let keyHeading: String
        let rows: [Row]
    }

    struct Content: Encodable {
        let clinics: [PhotoPages.Option]
        let scopeName: String
        let tables: [Table]
        let bars: [Bar]
        let chartHeight: Double
        let axisBottom: Double
        let ticks: [ProgressChart.Tick]
        let csvLink: String
        let hasRows: Bool
    }

    static func percent(_ d: Double?) -> String { d.map { String(format: "%.1f%%", $0 * 100) } ?? "—" }
    static func range(_ r: ClosedRange<Double>?) -> String { r.map { "\(percent($0.lowerBound))–\(percent($0.upperBound))" } ?? "—" }

    static func row(_ r: OutcomeReportRow, _ name: String) -> Row {
        Row(
            name: name, courses: r.courses, responders: "\(r.responders.successes) of \(r.responders.trials) (\(percent(r.responders.share)))",
            responderInterval: range(r.responders.interval95), medianSessions: r.medianSessions.map(OutcomeScale.text) ?? "—",
            adverseEvents: "\(r.adverseEvents.successes) of \(r.adverseEvents.trials) sessions (\(percent(r.adverseEvents.share)))",
            adverseInterval: range(r.adverseEvents.interval95))
    }

    private func load(_ req: Request) async throws -> (Principal, OutcomeReportTable, [Clinic], Clinic?) {
        let p = try await req.authorize(.read, .outcomeReport, state: state)
        let scope = state.scope(p.organizationID)
        let clinics = try await scope.clinics()
        var chosen: Clinic?
        if let wanted = req.query[String.self, at: "clinic"], !wanted.isEmpty {
            guard let c = clinics.first(where: { PageValues.id($0.id) == wanted.lowercased() }) else {
                throw PageError(.badRequest, "No such clinic", "clinic: choose one of your organization's clinics.")
            }
            chosen = c
        }
        let report = try await scope.outcomes.report(clinicID: chosen?.id, req.access(p))
        let names = try await state.directory.displayNames(report.byPractitioner.compactMap { UUID(uuidString: $0.key) })
        return (p, OutcomeReportTable(report: report, practitionerNames: names), clinics, chosen)
    }

    func page(_ req: Request) async throws -> Response {
        let (_, table, clinics, chosen) = try await load(req)
        let r = table.report
        let (left, right, top, rowHeight) = (190.0, 600.0, 10.0, 34.0)
        func x(_ share: Double) -> Double { (left + (right - left) * share).rounded(toPlaces: 1) }
        let bars = r.byIndication.enumerated().map { i, row -> Bar in
            let y = top + Double(i) * rowHeight
            let share = row.responders.share ?? 0
            let ci = row.responders.interval95 ?? 0...0
            return Bar(
                label: table.indicationName(row.key), y: y + 6, labelY: y + 22, width: x(share) - left, low: x(ci.lowerBound), high: x(ci.upperBound),
                mid: y + 17, text: "\(Self.percent(row.responders.share)) of \(row.responders.trials)", textX: min(x(ci.upperBound) + 6, right - 4))
        }
        let bottom = top + Double(max(bars.count, 1)) * rowHeight
        let content = Content(
            clinics: clinics.map { .init(value: PageValues.id($0.id), label: $0.name, selected: $0.id == chosen?.id) },
            scopeName: chosen?.name ?? "All clinics",
            tables: [
                Table(id: "report-overall", title: "All courses", keyHeading: "Scope", rows: [Self.row(r.overall, chosen?.name ?? "All clinics")]),
                Table(
                    id: "report-indication", title: "By indication", keyHeading: "Indication",
                    rows: r.byIndication.map { Self.row($0, table.indicationName($0.key)) }),
                Table(
                    id: "report-practitioner", title: "By practitioner", keyHeading: "Practitioner",
                    rows: r.byPractitioner.map { Self.row($0, table.practitionerName($0.key)) })
            ],
            bars: bars, chartHeight: bottom + 30, axisBottom: bottom,
            ticks: stride(from: 0.0, through: 1.0, by: 0.25).map { ProgressChart.Tick(at: x($0), label: "\(Int($0 * 100))%") },
            csvLink: "/reports/outcomes.csv" + (chosen.map { "?clinic=\(PageValues.id($0.id))" } ?? ""), hasRows: r.overall.courses > 0)
        return try await req.render("outcome-report", title: "Outcome report", section: "reports", content)
    }

    func csv(_ req: Request) async throws -> Response {
        let (_, table, _, _) = try await load(req)
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"stratum-outcome-report.csv\"")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(string: table.csv))
    }
}
