/// A clinic's changes to the shipped policy: stricter anywhere, laxer only where POLICY marks a rule configurable.
public struct ClinicPolicyOverride: Sendable, Equatable {
    /// Narrower limits for a site; every value must lie within the shipped one.
    public struct SiteLimits: Sendable, Equatable {
        public var typical: DepthRange?
        public var cautionAbove: Double?
        public var stopAbove: Double?
        public init(typical: DepthRange? = nil, cautionAbove: Double? = nil, stopAbove: Double? = nil) {
            self.typical = typical
            self.cautionAbove = cautionAbove
            self.stopAbove = stopAbove
        }
    }

    /// Narrower protocol values for an indication.
    public struct IndicationLimits: Sendable, Equatable {
        public var faceDepth: DepthRange?
        public var bodyDepth: DepthRange?
        public var allowedIntervalWeeks: ClosedRange<Int>?
        public init(faceDepth: DepthRange? = nil, bodyDepth: DepthRange? = nil, allowedIntervalWeeks: ClosedRange<Int>? = nil) {
            self.faceDepth = faceDepth
            self.bodyDepth = bodyDepth
            self.allowedIntervalWeeks = allowedIntervalWeeks
        }
    }

    public var severities: [RuleID: Severity]
    public var sites: [SiteID: SiteLimits]
    public var indications: [IndicationID: IndicationLimits]
    public var screeningValidDays: Int?

    public init(
        severities: [RuleID: Severity] = [:], sites: [SiteID: SiteLimits] = [:],
        indications: [IndicationID: IndicationLimits] = [:], screeningValidDays: Int? = nil
    ) {
        self.severities = severities
        self.sites = sites
        self.indications = indications
        self.screeningValidDays = screeningValidDays
    }
}

/// Every reason an override was refused; nothing of it is applied.
public struct OverrideRefusals: Error, Sendable, Equatable {
    public let refusals: [OverrideRefusal]
}

/// Why an override was refused: the field it names (relative to the override) and the reason in plain words.
public struct OverrideRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}

extension ClinicalPolicy {
    /// Applies a clinic's override, or lists every change that would widen the policy; nothing is applied then.
    public func applying(_ override: ClinicPolicyOverride) -> Result<ClinicalPolicy, OverrideRefusals> {
        var refusals: [OverrideRefusal] = []
        var severities = self.severities
        for (id, wanted) in override.severities.sorted(by: { $0.key < $1.key }) {
            let current = self.severities[id] ?? RuleCatalogue.rule(id).severity
            let rule = RuleCatalogue.rule(id)
            if wanted < current && rule.relaxableTo != wanted {
                let allowed =
                    rule.relaxableTo.map { "; POLICY allows relaxing it to \($0.rawValue) only" } ?? "; POLICY does not mark it configurable"
                refusals.append(
                    OverrideRefusal(
                        path: "severities.\(id.rawValue)",
                        reason:
                            "\(id.rawValue) is \(current.rawValue); a clinic may raise a rule's severity, not lower it to \(wanted.rawValue)\(allowed)"
                    ))
            } else {
                severities[id] = wanted
            }
        }

        var sites = self.sites
        for (id, limits) in override.sites.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let base = self.site(id)
            let path = "sites.\(id.rawValue)"
            guard base.typical != nil, let baseCaution = base.cautionAbove, let baseStop = base.stopAbove, let baseTypical = base.typical else {
                refusals.append(OverrideRefusal(path: path, reason: "the eyelid is never treated (SITE-EYELID); it has no limits to change"))
                continue
            }
            let typical = limits.typical ?? baseTypical
            let stop = limits.stopAbove ?? baseStop
            // A lower stop ceiling alone is stricter; the caution ceiling follows it down rather than refusing it.
            let caution = limits.cautionAbove ?? min(baseCaution, stop)
            var ok = true
            if let t = limits.typical, !baseTypical.encloses(t) || t.lower > t.upper {
                refusals.append(
                    OverrideRefusal(
                        path: path + ".typicalMM",
                        reason: "\(t) is not within the policy's typical range \(baseTypical); a clinic may only narrow it"))
                ok = false
            }
            if let c = limits.cautionAbove, c > baseCaution + Depth.epsilon {
                refusals.append(
                    OverrideRefusal(
                        path: path + ".cautionAboveMM",
                        reason:
                            "\(Depth.format(c)) mm would raise the caution ceiling \(Depth.format(baseCaution)) mm (DEPTH-SITE-CAUTION); a clinic may only lower it"
                    ))
                ok = false
            }
            if let s = limits.stopAbove, s > baseStop + Depth.epsilon {
                refusals.append(
                    OverrideRefusal(
                        path: path + ".stopAboveMM",
                        reason:
                            "\(Depth.format(s)) mm would raise the stop ceiling \(Depth.format(baseStop)) mm (DEPTH-SITE-STOP); a clinic may only lower it"
                    ))
                ok = false
            }
            if ok && caution > stop + Depth.epsilon {
                refusals.append(
                    OverrideRefusal(
                        path: path + ".cautionAboveMM",
                        reason: "the caution ceiling \(Depth.format(caution)) mm is above the stop ceiling \(Depth.format(stop)) mm"))
                ok = false
            }
            if ok {
                // Keep the typical range under the (possibly lowered) stop ceiling so plans stay inside it.
                let cappedTypical = DepthRange(min(typical.lower, stop), min(typical.upper, stop))
                sites[id] = Site(
                    id: id, region: base.region, typical: cappedTypical, cautionAbove: caution, stopAbove: stop,
                    skinThickness: base.skinThickness, snomedCode: base.snomedCode,
                    evidence: base.evidence, source: base.source + "; narrowed by clinic policy")
            }
        }

        var indications = self.indications
        for (id, limits) in override.indications.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let base = self.indication(id)
            let path = "indications.\(id.rawValue)"
            var ok = true
            func narrowed(_ wanted: DepthRange?, _ shipped: DepthRange?, _ field: String) -> DepthRange? {
                guard let wanted else { return shipped }
                guard let shipped else {
                    refusals.append(
                        OverrideRefusal(
                            path: path + "." + field,
                            reason: "\(id.rawValue) has no \(field == "faceMM" ? "face" : "body") range in the policy; adding one would widen it"))
                    ok = false
                    return nil
                }
                guard shipped.encloses(wanted), wanted.lower <= wanted.upper else {
                    refusals.append(
                        OverrideRefusal(
                            path: path + "." + field,
                            reason: "\(wanted) is not within the policy's \(shipped); a clinic may only narrow it"))
                    ok = false
                    return shipped
                }
                return wanted
            }
            let face = narrowed(limits.faceDepth, base.faceDepth, "faceMM")
            let body = narrowed(limits.bodyDepth, base.bodyDepth, "bodyMM")
            var interval = base.allowedIntervalWeeks
            if let w = limits.allowedIntervalWeeks {
                if w.lowerBound >= base.allowedIntervalWeeks.lowerBound && w.upperBound <= base.allowedIntervalWeeks.upperBound {
                    interval = w
                } else {
                    refusals.append(
                        OverrideRefusal(
                            path: path + ".intervalWeeks",
                            reason:
                                "\(w.lowerBound)–\(w.upperBound) weeks is not within the policy's \(base.allowedIntervalWeeks.lowerBound)–\(base.allowedIntervalWeeks.upperBound); a clinic may only narrow it"
                        ))
                    ok = false
                }
            }
            if ok {
                let defaultInterval = min(max(base.defaultIntervalWeeks, interval.lowerBound), interval.upperBound)
                indications[id] = Indication(
                    id: id, seedUse: base.seedUse, name: base.name, faceDepth: face, bodyDepth: body,
                    defaultSessions: base.defaultSessions, defaultIntervalWeeks: defaultInterval,
                    allowedIntervalWeeks: interval, outcomeScale: base.outcomeScale,
                    evidence: base.evidence, source: base.source + "; narrowed by clinic policy")
            }
        }

        var validDays = screeningValidDays
        if let days = override.screeningValidDays {
            if days >= 1 && days <= screeningValidDays {
                validDays = days
            } else {
                refusals.append(
                    OverrideRefusal(
                        path: "screeningValidDays",
                        reason: "\(days) days is not between 1 and the policy's \(screeningValidDays) (SCR-STALE); a clinic may only shorten it"))
            }
        }

        guard refusals.isEmpty else { return .failure(OverrideRefusals(refusals: refusals)) }
        let changed = override != ClinicPolicyOverride()
        return .success(
            ClinicalPolicy(
                version: changed ? version + "+clinic" : version, severities: severities,
                sites: sites, indications: indications, screeningValidDays: validDays))
    }
}
