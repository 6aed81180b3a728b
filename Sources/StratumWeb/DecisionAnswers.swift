import Foundation
import StratumCore

// The planner's and the session check's answers as generated types, built from the core's results: the shapes of
// `stratum plan` and `stratum check` (docs/documents.md, written by the core's ResultWriter for the CLI).

extension Components.Schemas.PlanResult {
    init(_ r: StratumCore.PlanResult) {
        let c = r.course
        self.init(
            decision: Wire.closed(r.decision.rawValue), findings: r.findings.map(Components.Schemas.Finding.init),
            course: .init(
                sessions: c.sessions.map { s in
                    .init(
                        number: s.number, date: Wire.day(s.date),
                        zones: s.zones.map { .init(site: $0.zone.site.rawValue, side: Wire.closed($0.zone.side.rawValue), depthMM: $0.depthMM) },
                        expectedReactions: s.expectedReactions.map(\.rawValue), reactionsSettleWithinDays: s.reactionsSettleWithinDays)
                },
                intervalWeeks: c.intervalWeeks, outcomeScale: c.outcomeScale,
                assessments: c.assessments.map { a in
                    .init(
                        date: Wire.day(a.date), kind: Wire.closed(a.kind.rawValue), session: a.session, scales: a.scales.map(\.rawValue),
                        photoSet: a.photoSet)
                },
                // Written only when the planner left a zone out, as the CLI writes it.
                refusedZones: c.refusedZones.isEmpty ? nil : c.refusedZones.map(Components.Schemas.Zone.init)),
            policyVersion: r.policyVersion)
    }
}

extension Components.Schemas.CheckResult {
    init(_ r: StratumCore.CheckResult) {
        self.init(
            decision: Wire.closed(r.decision.rawValue), findings: r.findings.map(Components.Schemas.Finding.init), policyVersion: r.policyVersion)
    }
}
