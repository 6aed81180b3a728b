extension RequestReader {
    /// Reads a clinic's stored or submitted policy override (the `clinicPolicy` document, docs/documents.md) without
    /// applying it: the store keeps it as read and asks `ClinicalPolicy.applying(_:)` whether it only narrows.
    public static func clinicPolicyOverride(value: JSONValue) throws(DocumentError) -> ClinicPolicyOverride {
        let root = Node(value: value, path: "")
        return root.isNull ? ClinicPolicyOverride() : try readOverride(root)
    }

    /// The same, from the JSON text the store keeps.
    public static func clinicPolicyOverride(_ text: String) throws(DocumentError) -> ClinicPolicyOverride {
        try clinicPolicyOverride(value: try parse(Array(text.utf8)).value)
    }

    /// Reads a `clinicPolicy` override and applies it; a widening change is bad input naming its field.
    static func readPolicy(_ n: Node?) throws(DocumentError) -> ClinicalPolicy {
        guard let n else { return .standard }
        let override = try readOverride(n)
        switch ClinicalPolicy.standard.applying(override) {
        case .success(let policy):
            return policy
        case .failure(let refusals):
            let first = refusals.refusals[0]
            throw DocumentError(path: n.child(first.path), problem: first.reason)
        }
    }

    static func readOverride(_ n: Node) throws(DocumentError) -> ClinicPolicyOverride {
        let o = try n.object(allowed: ["severities", "sites", "indications", "screeningValidDays"])
        var override = ClinicPolicyOverride()
        if let sev = o.optional("severities") {
            for (key, v) in try sev.members() {
                guard let id = RuleID(rawValue: key) else {
                    throw v.fail("unknown rule; known: \(RuleID.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                override.severities[id] = try v.member(of: Severity.self, named: "severity")
            }
        }
        if let sites = o.optional("sites") {
            for (key, v) in try sites.members() {
                guard let id = SiteID(rawValue: key) else {
                    throw v.fail("unknown site; known: \(SiteID.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                let so = try v.object(allowed: ["typicalMM", "cautionAboveMM", "stopAboveMM"])
                override.sites[id] = .init(
                    typical: try so.optional("typicalMM").map(readRange),
                    cautionAbove: try so.optional("cautionAboveMM")?.number(in: plausibleDepth, unit: " mm"),
                    stopAbove: try so.optional("stopAboveMM")?.number(in: plausibleDepth, unit: " mm"))
            }
        }
        if let inds = o.optional("indications") {
            for (key, v) in try inds.members() {
                guard let id = IndicationID(rawValue: key) else {
                    throw v.fail("unknown indication; known: \(IndicationID.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                let io = try v.object(allowed: ["faceMM", "bodyMM", "intervalWeeks"])
                var weeks: ClosedRange<Int>?
                if let w = io.optional("intervalWeeks") {
                    let pair = try w.array()
                    guard pair.count == 2 else { throw w.fail("expected [shortest, longest] weeks") }
                    let lo = try pair[0].int(in: CourseInputRules.intervalWeeks), hi = try pair[1].int(in: CourseInputRules.intervalWeeks)
                    guard lo <= hi else { throw w.fail("shortest \(lo) is above longest \(hi)") }
                    weeks = lo...hi
                }
                override.indications[id] = .init(
                    faceDepth: try io.optional("faceMM").map(readRange),
                    bodyDepth: try io.optional("bodyMM").map(readRange),
                    allowedIntervalWeeks: weeks)
            }
        }
        override.screeningValidDays = try o.optional("screeningValidDays")?.int(in: CourseInputRules.screeningValidDays)
        return override
    }

    static func readRange(_ n: Node) throws(DocumentError) -> DepthRange {
        let pair = try n.array()
        guard pair.count == 2 else { throw n.fail("expected [lowest, highest] in mm") }
        let lo = try pair[0].number(in: plausibleDepth, unit: " mm"), hi = try pair[1].number(in: plausibleDepth, unit: " mm")
        guard lo <= hi else { throw n.fail("lowest \(JSONValue.format(lo)) is above highest \(JSONValue.format(hi))") }
        return DepthRange(lo, hi)
    }
}
