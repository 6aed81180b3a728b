/// The answer to "may this session go ahead as proposed?": findings and the decision they add up to.
public struct CheckResult: Sendable, Equatable {
    public let decision: Decision
    public let findings: [Finding]
    public let policyVersion: String

    public init(findings: [Finding], policyVersion: String) {
        self.findings = findings.ordered()
        self.decision = Decision(findings: findings)
        self.policyVersion = policyVersion
    }
}

/// The guardrails run before and during every session: screening, depth per site, device and sterility, intervals.
public enum SessionCheck {
    public static func check(_ p: SessionProposal, policy: ClinicalPolicy = .standard) -> CheckResult {
        // The registry's parts, when it names them, are what touches the skin: their material and kind are judged.
        let device = p.registered.judgedDevice(planned: p.device)
        let registryFit = !p.registered.parts.isEmpty
        var findings = ScreeningCheck.findings(
            patient: p.patient, on: p.date, zones: p.zones.map(\.zone), device: device,
            context: .session, policy: policy)
        if !p.consentSigned {
            findings.append(
                policy.finding(
                    .scrConsent,
                    "No treatment consent in force on \(p.date) (signed on or before it and not withdrawn): it lifts once the patient signs one"))
        }
        findings += SterilityRules.findings(sterility: p.sterility, handpiece: p.handpiece, device: device, date: p.date, policy: policy)
        findings += DeviceFitRules.findings(zones: p.zones, equipment: p.registered, policy: policy)
        findings += p.clusterAlerts.map(\.finding)
        findings += TopicalRules.findings(topical: p.topical, indications: p.indications, policy: policy)
        for dose in p.zones {
            let resolved = IndicationRange(zone: dose.zone, indications: p.indications, policy: policy, forPlan: false)
            if policy.site(dose.zone.site).typical != nil { findings += resolved.findings }
            findings += DepthRules.findings(
                zone: dose.zone, depth: dose.depthMM, device: registryFit ? nil : device, patient: p.patient,
                indications: p.indications, indicationRange: resolved.range, policy: policy)
            findings += IntervalRules.findings(
                dose: dose, date: p.date, indications: p.indications,
                previousSessions: p.previousSessions, policy: policy)
        }
        return CheckResult(findings: findings, policyVersion: policy.version)
    }
}
