/// Which findings still stand in the way of a clinical act: every `stop` (never overridden) and every `caution`
/// no practitioner's acknowledgement covers (POLICY "Decision vocabulary"). One rule for sessions and plans.
public enum AcknowledgementGate {
    /// The findings that block, in the order given. An acknowledgement names a rule; with a zone it covers that
    /// zone only, without one every zone of that rule.
    public static func blocking(_ findings: [Finding], acknowledgements: [Acknowledgement]) -> [Finding] {
        findings.filter { f in
            switch f.severity {
            case .stop: return true
            case .info: return false
            case .caution: return !acknowledgements.contains { covers($0, f) }
            }
        }
    }

    /// Acknowledgements that cover no caution of `findings`: a reason given for something that was not found is
    /// refused, so the record never says a practitioner accepted a risk that the check did not raise.
    public static func unmatched(_ acknowledgements: [Acknowledgement], findings: [Finding]) -> [Acknowledgement] {
        acknowledgements.filter { a in !findings.contains { $0.severity == .caution && covers(a, $0) } }
    }

    /// The longest reason kept with an acknowledgement: a clinical judgment in a few sentences, not a document.
    public static let maxReasonLength = 2000

    static func covers(_ a: Acknowledgement, _ f: Finding) -> Bool {
        a.rule == f.rule && (a.zone == nil || a.zone == f.zone)
    }
}

/// Which findings of a session check still block recording: every stop, and every caution without a
/// practitioner's acknowledgement (POLICY "Decision vocabulary").
public enum RecordingGate {
    public static func blocking(_ result: CheckResult, acknowledgements: [Acknowledgement]) -> [Finding] {
        AcknowledgementGate.blocking(result.findings, acknowledgements: acknowledgements)
    }
}

/// Which findings of a course plan still block accepting it: a do-not-treat plan is never accepted, and each of its
/// cautions needs a practitioner's reason before the course becomes active (POLICY "Decision vocabulary").
public enum PlanGate {
    public static func blocking(_ plan: [Finding], acknowledgements: [Acknowledgement]) -> [Finding] {
        AcknowledgementGate.blocking(plan, acknowledgements: acknowledgements)
    }
}
