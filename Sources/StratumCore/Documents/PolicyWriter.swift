/// The whole rule set as a document: indications, sites with ceilings, and every rule with its evidence.
public enum PolicyWriter {
    public static func document(_ policy: ClinicalPolicy = .standard) -> JSONValue {
        func range(_ r: DepthRange?) -> JSONValue { r.map { .array([.number($0.lower), .number($0.upper)]) } ?? .null }
        return .object([
            ("policyVersion", .string(policy.version)),
            (
                "indications",
                .array(
                    IndicationID.allCases.map { id in
                        let i = policy.indication(id)
                        return .object([
                            ("id", .string(id.rawValue)), ("seedUse", .number(Double(i.seedUse))), ("name", .string(i.name)),
                            ("faceMM", range(i.faceDepth)), ("bodyMM", range(i.bodyDepth)),
                            ("defaultSessions", .number(Double(i.defaultSessions))),
                            (
                                "intervalWeeks",
                                .object([
                                    ("default", .number(Double(i.defaultIntervalWeeks))),
                                    (
                                        "allowed",
                                        .array([
                                            .number(Double(i.allowedIntervalWeeks.lowerBound)),
                                            .number(Double(i.allowedIntervalWeeks.upperBound))
                                        ])
                                    )
                                ])
                            ),
                            ("outcomeScale", .string(i.outcomeScale)),
                            ("evidence", .string(i.evidence.map(\.rawValue).joined(separator: "/"))), ("source", .string(i.source))
                        ])
                    })
            ),
            (
                "sites",
                .array(
                    SiteID.allCases.map { id in
                        let s = policy.site(id)
                        return .object([
                            ("id", .string(id.rawValue)), ("region", .string(s.region.rawValue)), ("typicalMM", range(s.typical)),
                            ("cautionAboveMM", s.cautionAbove.map { .number($0) } ?? .null),
                            ("stopAboveMM", s.stopAbove.map { .number($0) } ?? .null),
                            ("skinThicknessMM", .string(s.skinThickness)),
                            ("snomedCT", s.snomedCode.map { .string($0) } ?? .null),
                            ("evidence", .string(s.evidence.map(\.rawValue).joined(separator: "/"))), ("source", .string(s.source))
                        ])
                    })
            ),
            (
                "rules",
                .array(
                    RuleCatalogue.all.map { r in
                        var m: [(String, JSONValue)] = [
                            ("id", .string(r.id.rawValue)), ("section", .string(r.section)),
                            ("severity", .string(policy.severity(of: r.id).rawValue))
                        ]
                        if let p = r.planSeverity { m.append(("planSeverity", .string(policy.severity(of: r.id, forPlan: true).rawValue))); _ = p }
                        m.append(("summary", .string(r.summary)))
                        m.append(("evidence", .string(r.evidenceText)))
                        m.append(("source", .string(r.source)))
                        m.append(("configurableTo", r.relaxableTo.map { .string($0.rawValue) } ?? .null))
                        m.append(("decidedFromRequest", .bool(r.decidedFromRequest)))
                        return .object(m)
                    })
            ),
            ("expectedReactions", .array(ExpectedReaction.allCases.map { .string($0.rawValue) })),
            (
                "adverseEventTypes",
                .array(
                    AdverseEventType.allCases.map { t in
                        .object([("id", .string(t.rawValue)), ("label", .string(t.label)), ("namedBySeed", .bool(t.namedBySeed))])
                    })
            ),
            (
                "severityGrades",
                .object([
                    ("source", .string(CTCAEGrade.source)),
                    (
                        "grades",
                        .array(
                            CTCAEGrade.allCases.map { g in
                                .object([("grade", .number(Double(g.rawValue))), ("definition", .string(g.definition))])
                            })
                    )
                ])
            ),
            ("suspectedCauses", .array(SuspectedCause.allCases.map { .string($0.rawValue) })),
            (
                "screeningQuestions",
                .array(
                    ScreeningKey.allCases.map { k in
                        .object([
                            ("key", .string(k.rawValue)), ("answer", .string(k.isDate ? "date or null" : "boolean")),
                            ("rule", .string(k.rule.rawValue)), ("question", .string(k.question))
                        ])
                    })
            )
        ])
    }
}
