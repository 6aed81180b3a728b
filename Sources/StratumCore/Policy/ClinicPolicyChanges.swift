/// One value a clinic changed, beside the shipped one: how plan and session pages, the settings history and
/// `stratum policy --clinic` say what this clinic does differently from the shipped policy.
public struct ClinicPolicyChange: Sendable, Equatable {
    /// The member of the `clinicPolicy` document: `sites.forehead.stopAboveMM`, `severities.INT-SHORT`.
    public let path: String
    /// The shipped value, in words ("1.5 mm", "caution", "4–8 weeks").
    public let shipped: String
    /// The clinic's value, in the same words.
    public let clinic: String
    /// The change as a phrase: "forehead stop above 0.5 mm (shipped 1.5 mm)".
    public let summary: String
}

extension ClinicPolicyOverride {
    /// Every value this override sets, in the order of the policy, each beside the value of `shipped`.
    public func changes(from shipped: ClinicalPolicy = .standard) -> [ClinicPolicyChange] {
        var out: [ClinicPolicyChange] = []
        func mm(_ v: Double?) -> String { v.map { "\(Depth.format($0)) mm" } ?? "none" }
        func add(_ path: String, _ what: String, _ old: String, _ new: String) {
            out.append(ClinicPolicyChange(path: path, shipped: old, clinic: new, summary: "\(what) \(new) (shipped \(old))"))
        }
        for (id, wanted) in severities.sorted(by: { $0.key < $1.key }) {
            let old = shipped.severity(of: id)
            let verb = wanted > old ? "raised to" : wanted < old ? "relaxed to" : "kept at"
            add("severities.\(id.rawValue)", "\(id.rawValue) \(verb)", old.rawValue, wanted.rawValue)
        }
        for (id, l) in sites.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let site = shipped.site(id)
            let path = "sites.\(id.rawValue)"
            if let t = l.typical { add(path + ".typicalMM", "\(id.rawValue) typical", site.typical.map(\.description) ?? "none", t.description) }
            if let c = l.cautionAbove { add(path + ".cautionAboveMM", "\(id.rawValue) caution above", mm(site.cautionAbove), mm(c)) }
            if let s = l.stopAbove { add(path + ".stopAboveMM", "\(id.rawValue) stop above", mm(site.stopAbove), mm(s)) }
        }
        for (id, l) in indications.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let ind = shipped.indication(id)
            let path = "indications.\(id.rawValue)"
            if let f = l.faceDepth { add(path + ".faceMM", "\(id.rawValue) face depth", ind.faceDepth.map(\.description) ?? "none", f.description) }
            if let b = l.bodyDepth { add(path + ".bodyMM", "\(id.rawValue) body depth", ind.bodyDepth.map(\.description) ?? "none", b.description) }
            if let w = l.allowedIntervalWeeks {
                let old = ind.allowedIntervalWeeks
                add(
                    path + ".intervalWeeks", "\(id.rawValue) interval", "\(old.lowerBound)–\(old.upperBound) weeks",
                    "\(w.lowerBound)–\(w.upperBound) weeks")
            }
        }
        if let days = screeningValidDays { add("screeningValidDays", "screening valid for", "\(shipped.screeningValidDays) days", "\(days) days") }
        return out
    }
}

extension ClinicalPolicy {
    /// Applies what of a stored override still narrows this policy and leaves out what no longer does (a later
    /// shipped policy may have become stricter than the clinic's value): the result is never wider than either.
    /// The left-out changes are returned so they can be shown; an override that applies whole leaves none out.
    public func applyingWhatNarrows(_ override: ClinicPolicyOverride) -> (policy: ClinicalPolicy, leftOut: [OverrideRefusal]) {
        var remaining = override
        var leftOut: [OverrideRefusal] = []
        // Each pass removes the entries a refusal names, so the override shrinks every pass or nothing of it is applied.
        while true {
            switch applying(remaining) {
            case .success(let policy):
                return (policy, leftOut)
            case .failure(let refusals):
                leftOut += refusals.refusals
                let before = remaining
                for r in refusals.refusals { remaining.remove(path: r.path) }
                if remaining == before { return (self, leftOut) }
            }
        }
    }
}

extension ClinicPolicyOverride {
    /// Drops the entry a refusal's path names (its rule, site, indication or the screening validity).
    mutating func remove(path: String) {
        let parts = path.split(separator: ".", maxSplits: 2).map(String.init)
        guard let head = parts.first else { return }
        let key = parts.count > 1 ? parts[1] : ""
        switch head {
        case "severities": if let id = RuleID(rawValue: key) { severities[id] = nil }
        case "sites": if let id = SiteID(rawValue: key) { sites[id] = nil }
        case "indications": if let id = IndicationID(rawValue: key) { indications[id] = nil }
        default: screeningValidDays = nil
        }
    }
}
