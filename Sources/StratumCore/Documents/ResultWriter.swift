/// Builds the result documents (docs/documents.md) that the CLI prints and the API returns.
public enum ResultWriter {
    public static func document(_ r: PlanResult) -> JSONValue {
        .object([
            ("decision", .string(r.decision.rawValue)),
            ("findings", .array(r.findings.map(finding))),
            ("course", course(r.course)),
            ("policyVersion", .string(r.policyVersion))
        ])
    }

    public static func document(_ r: CheckResult) -> JSONValue {
        .object([
            ("decision", .string(r.decision.rawValue)),
            ("findings", .array(r.findings.map(finding))),
            ("policyVersion", .string(r.policyVersion))
        ])
    }

    public static func finding(_ f: Finding) -> JSONValue {
        var m: [(String, JSONValue)] = [
            ("rule", .string(f.rule.rawValue)),
            ("severity", .string(f.severity.rawValue)),
            ("message", .string(f.message))
        ]
        if let z = f.zone { m.append(("zone", zone(z))) }
        if let s = f.session { m.append(("session", .number(Double(s)))) }
        m.append(("evidence", .string(f.evidence)))
        m.append(("source", .string(f.source)))
        return .object(m)
    }

    public static func zone(_ z: Zone) -> JSONValue {
        .object([("site", .string(z.site.rawValue)), ("side", .string(z.side.rawValue))])
    }

    static func course(_ c: CoursePlan) -> JSONValue {
        var m: [(String, JSONValue)] = [
            (
                "sessions",
                .array(
                    c.sessions.map { s in
                        .object([
                            ("number", .number(Double(s.number))),
                            ("date", .string(s.date.description)),
                            (
                                "zones",
                                .array(
                                    s.zones.map { z in
                                        .object([
                                            ("site", .string(z.zone.site.rawValue)), ("side", .string(z.zone.side.rawValue)),
                                            ("depthMM", .number(z.depthMM))
                                        ])
                                    })
                            ),
                            ("expectedReactions", .array(s.expectedReactions.map { .string($0.rawValue) })),
                            ("reactionsSettleWithinDays", .number(Double(s.reactionsSettleWithinDays)))
                        ])
                    })
            ),
            ("intervalWeeks", .number(Double(c.intervalWeeks))),
            ("outcomeScale", .string(c.outcomeScale)),
            (
                "assessments",
                .array(
                    c.assessments.map { a in
                        var am: [(String, JSONValue)] = [("date", .string(a.date.description)), ("kind", .string(a.kind.rawValue))]
                        if let s = a.session { am.append(("session", .number(Double(s)))) }
                        am.append(("scales", .array(a.scales.map { .string($0.rawValue) })))
                        am.append(("photoSet", .bool(a.photoSet)))
                        return .object(am)
                    })
            )
        ]
        if !c.refusedZones.isEmpty { m.append(("refusedZones", .array(c.refusedZones.map(zone)))) }
        return .object(m)
    }
}
