/// A clinical rule as reviewed data: what it checks, how strongly, and on what authority (docs/policy.md).
public struct Rule: Sendable, Identifiable {
    public let id: RuleID
    /// docs/policy.md section, for the listing and for readers who check the source.
    public let section: String
    /// Severity as shipped; `SCR-INCOMPLETE` and `SCR-STALE` use `planSeverity` when judging a plan.
    public let severity: Severity
    /// A different severity when the rule judges a plan rather than a session, where POLICY says so.
    public let planSeverity: Severity?
    /// The condition in plain words, as a clinician reads it.
    public let summary: String
    public let evidence: [EvidenceLevel]
    public let source: String
    /// The one lower severity a clinic may choose ("configurable to …"); nil when the rule may only be made stricter.
    public let relaxableTo: Severity?
    /// Rules the check decides from a request; AE-CLUSTER needs the clinic's event history and is judged by the store.
    public let decidedFromRequest: Bool

    init(
        _ id: RuleID, _ section: String, _ severity: Severity, plan: Severity? = nil,
        _ summary: String, evidence: [EvidenceLevel], source: String,
        relaxableTo: Severity? = nil, decidedFromRequest: Bool = true
    ) {
        self.id = id
        self.section = section
        self.severity = severity
        self.planSeverity = plan
        self.summary = summary
        self.evidence = evidence
        self.source = source
        self.relaxableTo = relaxableTo
        self.decidedFromRequest = decidedFromRequest
    }

    /// Evidence levels joined as POLICY writes them ("PR/POLICY").
    public var evidenceText: String { evidence.map(\.rawValue).joined(separator: "/") }
}
