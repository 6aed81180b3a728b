import StratumStore

extension PageValues {
    /// A caution accepted with a reason, as the course page shows it: rule, zone, the reason and when.
    struct AcknowledgementView: Encodable {
        let rule: String
        let zone: String?
        let reason: String
        let at: String
    }

    static func acknowledgement(_ a: FindingAcknowledgement) -> AcknowledgementView {
        AcknowledgementView(rule: a.rule.rawValue, zone: a.zone.map(zoneName), reason: a.reason, at: time(a.acknowledgedAt))
    }
}
