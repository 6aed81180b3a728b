import StratumCore
import StratumStore

/// Human-readable renderings of results, for the treatment room's terminal.
enum TextReport {
    static func decisionLine(_ d: Decision) -> String {
        switch d {
        case .proceed: "PROCEED"
        case .proceedWithCaution: "PROCEED WITH CAUTION (acknowledge each caution with a reason)"
        case .doNotTreat: "DO NOT TREAT"
        }
    }

    static func findings(_ fs: [Finding]) -> String {
        guard !fs.isEmpty else { return "Findings: none\n" }
        var out = "Findings (\(fs.count))\n"
        for f in fs {
            var scope: [String] = []
            if let z = f.zone { scope.append(z.description) }
            if let s = f.session { scope.append("session \(s)") }
            let label = f.severity.rawValue.uppercased().padding(7)
            out += "  \(label)  \(f.rule.rawValue)\(scope.isEmpty ? "" : " — " + scope.joined(separator: ", "))\n"
            out += "           \(f.message)\n"
            out += "           evidence \(f.evidence): \(f.source)\n"
        }
        return out
    }

    static func plan(_ r: PlanResult) -> String {
        let c = r.course
        var out = "Course plan: \(c.sessions.count) sessions, every \(c.intervalWeeks) week\(c.intervalWeeks == 1 ? "" : "s")\n"
        out += "Decision: \(decisionLine(r.decision))\n\n"
        let zones = c.sessions.first?.zones.map(\.zone) ?? []
        var table = TextTable(header: ["#", "Date"] + zones.map(\.description) + ["Expected reactions"])
        for s in c.sessions {
            table.rows.append(
                ["\(s.number)", s.date.description] + s.zones.map { "\(Depth.format($0.depthMM)) mm" }
                    + [s.expectedReactions.map(\.rawValue).joined(separator: ", ")])
        }
        out += table.render(indent: "  ")
        if !c.refusedZones.isEmpty {
            out += "  Refused zones: \(c.refusedZones.map(\.description).joined(separator: ", "))\n"
        }
        out += "\nOutcome scale: \(c.outcomeScale)\n"
        // Each planned assessment names what is scored: GAIS never at baseline, where the photo set is its reference.
        out +=
            "Assessments: "
            + c.assessments.map { a in
                let what = a.scales.map(\.name) + (a.photoSet ? ["photo set"] : [])
                return "\(a.date) \(a.kind.rawValue)" + (what.isEmpty ? "" : " (\(what.joined(separator: ", ")))")
            }.joined(separator: "; ") + "\n"
        out +=
            "Depths are nominal needle length; each session rises 0.25 mm only if the previous one's reactions settled within 3 days with no adverse event.\n\n"
        out += findings(r.findings)
        out += "\nPolicy \(r.policyVersion)\n"
        return out
    }

    static func check(_ r: CheckResult) -> String {
        "Decision: \(decisionLine(r.decision))\n\n" + findings(r.findings) + "\nPolicy \(r.policyVersion)\n"
    }

    /// A clinic's changes to the shipped policy and the values they give, as `stratum policy --clinic` prints them.
    static func clinicPolicy(clinicName: String, _ s: ClinicPolicySetting) -> String {
        var out = "Clinic policy of \(clinicName)\nShipped policy: \(ClinicalPolicy.shippedVersion)\nIn force: \(s.effective.version)\n"
        guard !s.changes.isEmpty else { return out + "\nNo changes: the shipped policy applies as it is.\n" }
        out += "\nThe clinic's changes\n"
        var changes = TextTable(header: ["Member", "Shipped", "Clinic"])
        for c in s.changes { changes.rows.append([c.path, c.shipped, c.clinic]) }
        out += changes.render()
        out += "\nResulting values\n"
        var values = TextTable(header: ["What", "Value in force"])
        let p = s.effective
        for id in SiteID.allCases where s.override.sites[id] != nil {
            let site = p.site(id)
            values.rows.append([
                "\(id.rawValue) typical / caution above / stop above",
                "\(site.typical.map(range) ?? "—") / \(site.cautionAbove.map { Depth.format($0) + " mm" } ?? "—") / \(site.stopAbove.map { Depth.format($0) + " mm" } ?? "—")"
            ])
        }
        for id in IndicationID.allCases where s.override.indications[id] != nil {
            let i = p.indication(id)
            values.rows.append([
                "\(id.rawValue) face / body / interval",
                "\(i.faceDepth.map(range) ?? "—") / \(i.bodyDepth.map(range) ?? "—") / \(i.allowedIntervalWeeks.lowerBound)–\(i.allowedIntervalWeeks.upperBound) weeks"
            ])
        }
        for id in RuleID.allCases where s.override.severities[id] != nil {
            values.rows.append(["\(id.rawValue) severity", p.severity(of: id).rawValue])
        }
        if s.override.screeningValidDays != nil { values.rows.append(["screening valid for", "\(p.screeningValidDays) days"]) }
        out += values.render()
        for l in s.leftOut { out += "Not applied (the shipped policy is now stricter): \(l)\n" }
        return out
    }

    static func policy(_ p: ClinicalPolicy) -> String {
        var out = "Stratum clinical policy \(p.version)\n\nIndications (POLICY §1)\n"
        var ind = TextTable(header: ["ID", "Seed use", "Face mm", "Body mm", "Sessions", "Interval wk", "Outcome scale", "Evidence"])
        for id in IndicationID.allCases {
            let i = p.indication(id)
            ind.rows.append([
                id.rawValue, "\(i.seedUse)", i.faceDepth.map(range) ?? "—", i.bodyDepth.map(range) ?? "—",
                "\(i.defaultSessions)",
                "\(i.defaultIntervalWeeks) (\(i.allowedIntervalWeeks.lowerBound)–\(i.allowedIntervalWeeks.upperBound))",
                i.outcomeScale, i.evidence.map(\.rawValue).joined(separator: "/") + " " + i.source
            ])
        }
        out += ind.render(indent: "  ")
        out += "\nSites and depth ceilings, nominal mm (POLICY §2)\n"
        var sites = TextTable(header: ["Site", "Region", "Typical", "Caution above", "Stop above", "Skin mm", "Evidence"])
        for id in SiteID.allCases {
            let s = p.site(id)
            sites.rows.append([
                id.rawValue, s.region.rawValue, s.typical.map(range) ?? "never treated",
                s.cautionAbove.map(Depth.format) ?? "—", s.stopAbove.map(Depth.format) ?? "any depth",
                s.skinThickness, s.evidence.map(\.rawValue).joined(separator: "/")
            ])
        }
        out += sites.render(indent: "  ")
        out += "\nRules\n"
        var rules = TextTable(header: ["Rule", "§", "Severity", "Condition", "Evidence", "Source"])
        for r in RuleCatalogue.all {
            var sev = p.severity(of: r.id).rawValue
            if r.planSeverity != nil { sev += " (plan: \(p.severity(of: r.id, forPlan: true).rawValue))" }
            if let relax = r.relaxableTo { sev += ", configurable to \(relax.rawValue)" }
            rules.rows.append([r.id.rawValue, r.section, sev, r.summary, r.evidenceText, r.source])
        }
        out += rules.render(indent: "  ")
        out += "\nReactions and adverse events (POLICY §6)\n"
        out += "  Expected reactions (recorded on the session): \(ExpectedReaction.allCases.map(\.rawValue).joined(separator: ", "))\n"
        out += "  Adverse event types: \(AdverseEventType.allCases.map(\.rawValue).joined(separator: ", "))\n"
        out += "  Suspected causes: \(SuspectedCause.allCases.map(\.rawValue).joined(separator: ", "))\n"
        out += "  Severity grades (\(CTCAEGrade.source)):\n"
        for g in CTCAEGrade.allCases { out += "    \(g.rawValue)  \(g.definition)\n" }
        return out
    }

    static func aftercare(_ t: AftercareTimeline) -> String {
        var out = "Aftercare after your session on \(t.sessionDate) (\(Depth.format(t.depthMM)) mm)\n\n"
        for s in t.steps {
            let dates = s.until.map { $0 == s.from ? s.from.description : "\(s.from) to \($0)" } ?? "from \(s.from)"
            out += "  \(s.when) (\(dates))\n    \(s.text)\n"
        }
        out += "\nCall the clinic at once for:\n"
        for c in t.callTheClinicIf { out += "  - \(c)\n" }
        return out
    }

    static func range(_ r: DepthRange) -> String { "\(Depth.format(r.lower))–\(Depth.format(r.upper))" }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
