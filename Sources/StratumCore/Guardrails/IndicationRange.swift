/// The depth range that the zone's indications call for, and the findings met on the way (POLICY §2, §5).
public struct IndicationRange: Sendable {
    /// Intersection of the indications' ranges for the zone's region (the lower range when they do not overlap).
    public let range: DepthRange
    /// `INDICATION-SITE` and `INDICATION-CONFLICT` findings for the zone.
    public let findings: [Finding]

    /// Resolves the range for `zone`; the eyelid is never resolved here (it is refused by `SITE-EYELID`).
    public init(zone: Zone, indications: [IndicationID], policy: ClinicalPolicy, forPlan: Bool) {
        let site = policy.site(zone.site)
        let typical = site.typical ?? DepthRange(0, 0)
        var findings: [Finding] = []
        var ranges: [(IndicationID, DepthRange)] = []
        for id in indications {
            if let r = policy.indication(id).depth(for: site.region) {
                ranges.append((id, r))
            } else {
                findings.append(
                    policy.finding(
                        .indicationSite,
                        "\(id.rawValue) has no depth range for the \(site.region.rawValue) (\(zone.site.rawValue)): the site's typical range \(typical) is used",
                        zone: zone, forPlan: forPlan))
                ranges.append((id, typical))
            }
        }
        guard var combined = ranges.first?.1 else {
            self.range = typical
            self.findings = findings
            return
        }
        for (id, r) in ranges.dropFirst() {
            if let both = combined.intersection(r) {
                combined = both
            } else {
                let lower = r.upper < combined.upper ? r : combined
                findings.append(
                    policy.finding(
                        .indicationConflict,
                        "The indications' ranges \(combined) and \(r) (\(id.rawValue)) do not overlap on \(zone): the lower range \(lower) is used",
                        zone: zone, forPlan: forPlan))
                combined = lower
            }
        }
        self.range = combined
        self.findings = findings
    }
}
