/// The rule set in force for one decision: the shipped policy, possibly narrowed by a clinic (POLICY "Decision vocabulary").
public struct ClinicalPolicy: Sendable {
    /// Version of the shipped rule set; stored with every screening, plan and session it judged.
    public static let shippedVersion = "stratum-policy-2026.11"

    /// The shipped defaults.
    public static let standard = ClinicalPolicy(
        version: shippedVersion,
        severities: Dictionary(uniqueKeysWithValues: RuleCatalogue.all.map { ($0.id, $0.severity) }),
        sites: SiteCatalogue.byID,
        indications: IndicationCatalogue.byID,
        screeningValidDays: 90
    )

    public let version: String
    public let severities: [RuleID: Severity]
    public let sites: [SiteID: Site]
    public let indications: [IndicationID: Indication]
    /// Days a screening stays valid before `SCR-STALE` (90 by policy; a clinic may shorten it).
    public let screeningValidDays: Int

    /// The severity a rule carries here, for a session or (where POLICY differs) a plan.
    public func severity(of id: RuleID, forPlan: Bool = false) -> Severity {
        let shipped = RuleCatalogue.rule(id)
        let configured = severities[id] ?? shipped.severity
        guard forPlan, let planSeverity = shipped.planSeverity else { return configured }
        // A clinic that raised the session severity raises the plan one by the same amount, never lowers it.
        return configured > shipped.severity ? configured : planSeverity
    }

    public func site(_ id: SiteID) -> Site { sites[id]! }
    public func indication(_ id: IndicationID) -> Indication { indications[id]! }

    /// A finding for `rule` at this policy's severity, carrying the rule's evidence and source.
    public func finding(_ rule: RuleID, _ message: String, zone: Zone? = nil, session: Int? = nil, forPlan: Bool = false) -> Finding {
        let r = RuleCatalogue.rule(rule)
        return Finding(
            rule: rule, severity: severity(of: rule, forPlan: forPlan), message: message, zone: zone,
            session: session, evidence: r.evidenceText, source: r.source)
    }
}
