/// Depth rules of POLICY §2 for one zone at one nominal depth; shared by the planner and the session check.
public enum DepthRules {
    /// `device` nil: the registry's parts are judged by `DeviceFitRules` instead of the plan's device.
    public static func findings(
        zone: Zone, depth: Double, device: DeviceSpec?, patient: PatientFacts,
        indications: [IndicationID], indicationRange: DepthRange,
        policy: ClinicalPolicy, session: Int? = nil, forPlan: Bool = false
    ) -> [Finding] {
        var out: [Finding] = []
        func add(_ rule: RuleID, _ message: String) {
            out.append(policy.finding(rule, message, zone: zone, session: session, forPlan: forPlan))
        }
        let site = policy.site(zone.site)
        var d: String { Depth.format(depth) }
        guard let stopAbove = site.stopAbove, let cautionAbove = site.cautionAbove else {
            add(.siteEyelid, "The eyelid (inside the orbital rim) is never needled")
            return out
        }
        if !Depth.physicalRange.contains(depth) {
            add(.depthRange, "\(d) mm is outside 0.2–3 mm, what microneedling devices do")
        }
        switch device?.length {
        case .fixed(let length)? where abs(length - depth) > Depth.epsilon:
            add(.depthDevice, "\(d) mm is not the \(device!.kind.rawValue)'s fixed length \(Depth.format(length)) mm")
        case .adjustable(let range)? where !range.contains(depth):
            add(.depthDevice, "\(d) mm is outside the device's range \(range)")
        default:
            break
        }
        if depth > stopAbove + Depth.epsilon {
            add(.depthSiteStop, "\(d) mm on the \(zone.site.rawValue) is above its stop ceiling \(Depth.format(stopAbove)) mm")
        } else if depth > cautionAbove + Depth.epsilon {
            add(.depthSiteCaution, "\(d) mm on the \(zone.site.rawValue) is above its caution ceiling \(Depth.format(cautionAbove)) mm")
        }
        if !indicationRange.contains(depth) {
            let names = indications.map(\.rawValue).joined(separator: ", ")
            add(.depthIndication, "\(d) mm is outside the range \(indicationRange) for \(names) on the \(zone.site.rawValue)")
        }
        if let cap = phototypeCap(patient: patient, indications: indications), depth > cap + Depth.epsilon {
            add(
                .depthPhototype,
                "Fitzpatrick \(ScreeningCheck.roman(patient.fitzpatrick)) and \(d) mm: above \(Depth.format(cap)) mm raises the risk of post-inflammatory hyperpigmentation"
            )
        }
        return out
    }

    /// Fitzpatrick IV–VI caps depth at 1.5 mm, or 1.0 mm for pigmentation (POLICY §2 `DEPTH-PHOTOTYPE`, §5).
    public static func phototypeCap(patient: PatientFacts, indications: [IndicationID]) -> Double? {
        guard patient.isDarkerPhototype else { return nil }
        return indications.contains(.pigmentation) ? 1.0 : 1.5
    }
}
