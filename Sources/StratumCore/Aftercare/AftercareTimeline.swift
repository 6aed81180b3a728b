/// One step of the patient's aftercare, dated from the session (POLICY §7).
public struct AftercareStep: Sendable, Equatable {
    /// "Day 0", "Days 1–7": how the patient counts it.
    public let when: String
    public let from: LocalDate
    /// Nil for open-ended steps ("weeks to months").
    public let until: LocalDate?
    public let text: String
    public let source: String
}

/// The patient's day-by-day aftercare for a session, and the signs that mean "call the clinic now" (POLICY §7).
public struct AftercareTimeline: Sendable, Equatable {
    public let sessionDate: LocalDate
    public let depthMM: Double
    public let steps: [AftercareStep]
    public let callTheClinicIf: [String]

    /// Sessions at or above this depth may redden for up to 7 days instead of 3 (Chu 2021; POLICY §6).
    public static let deepSessionMM = 1.5

    public init(sessionDate d: LocalDate, depthMM: Double) {
        self.sessionDate = d
        self.depthMM = depthMM
        let deep = depthMM >= Self.deepSessionMM - Depth.epsilon
        let fade =
            deep
            ? "No strenuous exercise, sauna or swimming. After a deep session (\(Depth.format(depthMM)) mm) redness can last up to 7 days"
            : "No strenuous exercise, sauna or swimming. Redness fades and is often gone by day 3"
        steps = [
            AftercareStep(
                when: "Day 0", from: d, until: d,
                text:
                    "Redness like a mild sunburn, tightness, pinpoint bleeding. No make-up or sunscreen for the rest of the day, only the products the clinic gave you. Avoid the sun",
                source: "LAB-derived post-care"),
            AftercareStep(
                when: "Day 1", from: d.adding(days: 1), until: d.adding(days: 14),
                text: "Sunscreen SPF 30 or more every day for two weeks", source: "LAB-derived post-care"),
            AftercareStep(
                when: "Days 0–3", from: d, until: d.adding(days: 3), text: fade,
                source: deep ? "LAB-derived post-care; PR (Chu 2021)" : "LAB-derived post-care"),
            AftercareStep(
                when: "Days 1–7", from: d.adding(days: 1), until: d.adding(days: 7),
                text: "Dryness, flaking, perhaps small scabs or bruises. Do not pick. No retinoids or acids",
                source: "WEB"),
            AftercareStep(
                when: "Day 7", from: d.adding(days: 7), until: d.adding(days: 7),
                text: "Back to your usual routine if the peeling has stopped", source: "WEB"),
            AftercareStep(
                when: "Weeks to months", from: d.adding(days: 7), until: nil,
                text:
                    "Results are not immediate: collagen builds over weeks to months and responses differ from person to person. Keep to the planned course",
                source: "SEED; PR (El-Domyati 2015; Aust 2008)")
        ]
        callTheClinicIf = [
            "Spreading redness, warmth, pus or fever (infection)",
            "Painful blisters or tingling around the lips 1–2 days after (cold sores), from \(d.adding(days: 1)) to \(d.adding(days: 2))",
            "New itchy or tender red bumps 3–7 days after (a reaction to a product), from \(d.adding(days: 3)) to \(d.adding(days: 7))",
            "Bleeding that does not stop",
            "Redness still there after 7 days (after \(d.adding(days: 7)))"
        ]
    }

    /// The timeline as a JSON document for the CLI and the patient page.
    public var document: JSONValue {
        .object([
            ("sessionDate", .string(sessionDate.description)),
            ("depthMM", .number(depthMM)),
            (
                "steps",
                .array(
                    steps.map { s in
                        var m: [(String, JSONValue)] = [("when", .string(s.when)), ("from", .string(s.from.description))]
                        m.append(("until", s.until.map { .string($0.description) } ?? .null))
                        m.append(("text", .string(s.text)))
                        m.append(("source", .string(s.source)))
                        return .object(m)
                    })
            ),
            ("callTheClinicIf", .array(callTheClinicIf.map { .string($0) }))
        ])
    }
}
