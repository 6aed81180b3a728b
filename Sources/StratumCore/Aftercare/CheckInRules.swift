/// How strong a reaction the patient sees at home: the four words a patient can choose without training.
public enum ReactionLevel: String, Sendable, CaseIterable, Codable, Comparable {
    case none, mild, moderate, severe

    /// The word as the check-in form shows it.
    public var label: String {
        switch self {
        case .none: "None"
        case .mild: "Mild"
        case .moderate: "Moderate"
        case .severe: "Severe"
        }
    }

    var order: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (a: Self, b: Self) -> Bool { a.order < b.order }
}

/// The signs that mean "call the clinic now" after needling (POLICY §7), as the patient ticks them, plus redness that
/// worsens after day 3, which the rules derive from two days' answers.
public enum WarningSign: String, Sendable, CaseIterable, Codable {
    case pus
    case fever
    case spreadingRedness = "spreading-redness"
    case blisters
    case darkPatches = "dark-patches"
    /// Not ticked by the patient: today's redness is stronger than the day before's, after day 3.
    case worseningRedness = "worsening-redness"

    /// The signs the patient ticks on the form; worsening is read from the answers.
    public static let ticked: [WarningSign] = [.pus, .fever, .spreadingRedness, .blisters, .darkPatches]

    /// The sign in the patient's words.
    public var label: String {
        switch self {
        case .pus: "Pus or yellow crusts"
        case .fever: "Fever (38 °C or more) or feeling unwell"
        case .spreadingRedness: "Redness that spreads beyond the treated area, or feels hot"
        case .blisters: "Blisters or painful tingling (for example around the lips)"
        case .darkPatches: "Dark patches on the treated skin"
        case .worseningRedness: "Redness worse than the day before, after day 3"
        }
    }
}

/// One day's answers of the patient's check-in after a session.
public struct CheckInAnswers: Sendable, Equatable {
    public let redness: ReactionLevel
    public let swelling: ReactionLevel
    /// 0 (none) to 10 (the worst imaginable), the numeric rating scale patients know.
    public let pain: Int
    /// What the patient ticked, in the form's order.
    public let signs: [WarningSign]

    public init(redness: ReactionLevel, swelling: ReactionLevel, pain: Int, signs: [WarningSign]) {
        self.redness = redness
        self.swelling = swelling
        self.pain = pain
        self.signs = WarningSign.allCases.filter(Set(signs).contains)
    }
}

/// The adverse-event draft a warning sign prepares for the practitioner: a proposal they confirm, change or dismiss.
public struct AdverseEventProposal: Sendable, Equatable {
    public let type: AdverseEventType
    public let grade: CTCAEGrade

    public init(type: AdverseEventType, grade: CTCAEGrade) {
        self.type = type
        self.grade = grade
    }
}

/// What a check-in means: the warning signs it carries, and what the patient is told.
public struct CheckInAssessment: Sendable, Equatable {
    /// Ticked and derived warning signs; empty when the day's answers fit the expected course.
    public let warningSigns: [WarningSign]
    /// Redness or swelling still moderate or severe past the day they usually settle by: not a warning, but said.
    public let slowerThanUsual: Bool
    /// The expected course for the day, from the aftercare timeline (POLICY §7).
    public let expectedCourse: [String]
    /// The draft to prepare, when any warning sign is present.
    public let proposal: AdverseEventProposal?

    public var needsTheClinic: Bool { !warningSigns.isEmpty }
}

/// The portal's daily check-in after a session (issue 16; POLICY §6–§7): which days it is open, what the answers
/// may be, which answers are warning signs and what adverse event each suggests. Pure: the store and the page ask it.
public enum CheckInRules {
    /// Days after the session the check-in is open: day 1 to day 7 in the clinic's time zone, the span of the
    /// aftercare's expected reactions (POLICY §6: up to 7 days after deep sessions).
    public static let days = 1...7
    /// Redness that worsens is a warning only after this day: before it, redness may still peak (POLICY §6).
    public static let worseningAfterDay = 3
    /// The numeric rating scale of pain.
    public static let painRange = 0...10

    /// One row of the rule table: a warning sign, the adverse-event type it most likely means, and the grade a draft
    /// starts from (CTCAE v5.0: a local infection or cold sore needing treatment is grade 2; redness alone and
    /// pigmentation without symptoms are grade 1). The practitioner confirms or changes both.
    public struct SignRule: Sendable, Equatable {
        public let sign: WarningSign
        public let type: AdverseEventType
        public let grade: CTCAEGrade
    }

    /// The rule table, in order of precedence: the first sign present names the draft's type.
    public static let table: [SignRule] = [
        SignRule(sign: .pus, type: .infectionBacterial, grade: .moderate),
        SignRule(sign: .fever, type: .infectionBacterial, grade: .moderate),
        SignRule(sign: .spreadingRedness, type: .infectionBacterial, grade: .moderate),
        SignRule(sign: .blisters, type: .infectionHerpetic, grade: .moderate),
        SignRule(sign: .worseningRedness, type: .infectionBacterial, grade: .mild),
        SignRule(sign: .darkPatches, type: .pigmentation, grade: .mild)
    ]

    /// The check-in day of `today` after a session on `sessionDate`, or nil outside days 1–7.
    public static func day(sessionDate: LocalDate, today: LocalDate) -> Int? {
        let n = sessionDate.days(until: today)
        return days.contains(n) ? n : nil
    }

    /// The problem of a reaction level as a form sends it, if any.
    public static func levelProblem(_ text: String?) -> String? {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return "choose one: none, mild, moderate or severe" }
        return ReactionLevel(rawValue: text) == nil ? "choose one: none, mild, moderate or severe" : nil
    }

    /// The problem of a pain score as typed, if any.
    public static func painProblem(_ text: String?) -> String? {
        let trimmed = text?.trimmingCharacters(in: .whitespaces) ?? ""
        guard !trimmed.isEmpty else { return "give a number from 0 (no pain) to 10 (the worst)" }
        guard let n = Int(trimmed), painRange.contains(n) else { return "a number from 0 (no pain) to 10 (the worst); \(trimmed) is not" }
        return nil
    }

    /// The problem of the ticked signs as a form sends them, if any: only the signs the form offers.
    public static func signsProblem(_ texts: [String]) -> String? {
        for t in texts where WarningSign(rawValue: t).map({ !WarningSign.ticked.contains($0) }) ?? true {
            return "\(t.prefix(40)) is not one of the listed signs"
        }
        return Set(texts).count == texts.count ? nil : "a sign is ticked twice"
    }

    /// Judges a day's answers. `previous` is the patient's check-in of an earlier day of the same session, if any:
    /// redness stronger than it after day 3 is a warning sign. `depthMM` is the session's deepest zone.
    public static func assess(day: Int, answers: CheckInAnswers, previous: CheckInAnswers?, depthMM: Double) -> CheckInAssessment {
        var signs = Set(answers.signs.filter { WarningSign.ticked.contains($0) })
        if day > worseningAfterDay, let previous, answers.redness > previous.redness { signs.insert(.worseningRedness) }
        let ordered = WarningSign.allCases.filter(signs.contains)
        let rules = table.filter { signs.contains($0.sign) }
        let proposal = rules.first.map { first in
            AdverseEventProposal(type: first.type, grade: rules.filter { $0.type == first.type }.map(\.grade).max() ?? first.grade)
        }
        let settle = ExpectedReaction.settleWithinDays(atDepth: depthMM)
        let slower = day > settle && max(answers.redness, answers.swelling) >= .moderate
        return CheckInAssessment(
            warningSigns: ordered, slowerThanUsual: slower && ordered.isEmpty, expectedCourse: expectedCourse(day: day, depthMM: depthMM),
            proposal: proposal)
    }

    /// What the aftercare timeline says of day `day` after a session at `depthMM`: the texts of the steps covering it.
    public static func expectedCourse(day: Int, depthMM: Double) -> [String] {
        let start = LocalDate(dayNumber: 0)
        let today = start.adding(days: day)
        return AftercareTimeline(sessionDate: start, depthMM: depthMM).steps
            .filter { $0.from <= today && ($0.until.map { today <= $0 } ?? true) && $0.until != nil }
            .map { $0.text + "." }
    }
}
