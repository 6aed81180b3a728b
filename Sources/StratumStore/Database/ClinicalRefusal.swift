import StratumCore

/// The clinical policy refuses an act: a `stop` that cannot be overridden, or cautions that still need a
/// practitioner's reason. Carries the findings (rule IDs and messages, no patient data) so each door can show them
/// without reading message text. Nothing was written.
public struct ClinicalRefusal: Error, Sendable, Equatable {
    /// The findings that block the act: every stop, and each caution no acknowledgement covers.
    public let blocking: [Finding]
    /// Every finding of the check or plan, for display alongside.
    public let findings: [Finding]

    public init(blocking: [Finding], findings: [Finding]) {
        self.blocking = blocking
        self.findings = findings
    }

    /// True when a stop blocks: no acknowledgement can help, the cause must be resolved.
    public var hasStop: Bool { blocking.contains { $0.severity == .stop } }
}
