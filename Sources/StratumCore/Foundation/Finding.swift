/// What a rule found: its ID, severity, a plain-language message, the zone or session it concerns, and its evidence.
public struct Finding: Hashable, Sendable {
    public let rule: RuleID
    public let severity: Severity
    public let message: String
    public let zone: Zone?
    /// The planned session number a plan finding concerns, when it concerns one.
    public let session: Int?
    public let evidence: String
    public let source: String

    public init(
        rule: RuleID, severity: Severity, message: String, zone: Zone? = nil, session: Int? = nil,
        evidence: String, source: String
    ) {
        self.rule = rule
        self.severity = severity
        self.message = message
        self.zone = zone
        self.session = session
        self.evidence = evidence
        self.source = source
    }
}

extension Array where Element == Finding {
    /// Worst first, then policy order, then zone: the order a practitioner should read them in.
    public func ordered() -> [Finding] {
        sorted { a, b in
            if a.severity != b.severity { return a.severity > b.severity }
            if a.rule != b.rule { return a.rule < b.rule }
            if a.session != b.session { return (a.session ?? 0) < (b.session ?? 0) }
            let za = a.zone.map { ($0.site.rawValue, $0.side.rawValue) } ?? ("", "")
            let zb = b.zone.map { ($0.site.rawValue, $0.side.rawValue) } ?? ("", "")
            return za < zb
        }
    }
}
