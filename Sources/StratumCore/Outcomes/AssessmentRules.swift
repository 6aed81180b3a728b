/// What the record holds of a course when a score is added to it, read by the store in the recording transaction.
public struct CourseScoreFacts: Sendable, Equatable {
    /// The date of the course's first session, nil before any session (or for a score outside a course).
    public var firstSession: LocalDate?
    /// Whether the score belongs to a course at all.
    public var inCourse: Bool
    /// The date and score of the course's baseline already recorded on the same scale, if any.
    public var existingBaseline: (on: LocalDate, score: Double)?

    public init(firstSession: LocalDate?, inCourse: Bool, existingBaseline: (on: LocalDate, score: Double)? = nil) {
        self.firstSession = firstSession
        self.inCourse = inCourse
        self.existingBaseline = existingBaseline
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.firstSession == b.firstSession && a.inCourse == b.inCourse
            && a.existingBaseline?.on == b.existingBaseline?.on && a.existingBaseline?.score == b.existingBaseline?.score
    }
}

/// Why a score cannot go on the record: the field it concerns, the sentence, and the rule's finding when a rule of
/// POLICY names it (`OUT-GAIS-BASELINE`); nil finding for the record's own shape (one baseline per scale per course).
public struct AssessmentProblem: Sendable, Equatable {
    public let field: String
    public let problem: String
    public let finding: Finding?
    /// True when the score repeats what the record already holds (a second baseline), rather than being wrong in itself.
    public let duplicate: Bool
}

/// The outcome-scale rules of the record (POLICY §1 "Outcome scales"): a change scale is never scored at baseline;
/// a severity scale has one baseline per course, on or before the first session.
public enum AssessmentRules {
    /// The first problem of a score on `scale` of `kind` dated `on`, or nil when the record may take it. Field names
    /// are the API's (`kind`, `assessedOn`, `courseId`).
    public static func problem(
        scale: OutcomeScale, kind: AssessmentKind, on date: LocalDate, facts: CourseScoreFacts,
        policy: ClinicalPolicy = .standard
    ) -> AssessmentProblem? {
        if scale.kind == .change {
            // GAIS rates change against the course's baseline photographs: it needs a course with a session before it.
            let why: (field: String, text: String)?
            if kind == .baseline {
                why = (
                    "kind",
                    "GAIS is never scored at baseline: it rates change against the baseline photographs; score a severity scale (or take the photo set) at baseline"
                )
            } else if !facts.inCourse {
                why = ("courseId", "GAIS rates change since a course's baseline photographs: name the course")
            } else if let first = facts.firstSession, date <= first {
                why = (
                    "assessedOn",
                    "a GAIS score dated \(date), at or before the course's first session (\(first)), would be a baseline; GAIS is scored from the next visit on"
                )
            } else if facts.firstSession == nil {
                why = ("assessedOn", "the course has no session yet: GAIS is scored only after the first session")
            } else {
                why = nil
            }
            if let why {
                let finding = policy.finding(.outGaisBaseline, why.text)
                return AssessmentProblem(
                    field: why.field, problem: "\(RuleID.outGaisBaseline.rawValue): \(why.text)", finding: finding,
                    duplicate: false)
            }
            return nil
        }
        guard kind == .baseline, facts.inCourse else { return nil }
        if let existing = facts.existingBaseline {
            return AssessmentProblem(
                field: "kind",
                problem:
                    "the course already has its \(scale.rawValue) baseline (\(OutcomeScale.text(existing.score)) on \(existing.on)): one baseline per scale per course; record this score as a visit",
                finding: nil, duplicate: true)
        }
        if let first = facts.firstSession, date > first {
            return AssessmentProblem(
                field: "kind",
                problem: "a baseline is taken on or before the first session (\(first)); a score dated \(date) is a visit or a follow-up",
                finding: nil, duplicate: false)
        }
        return nil
    }
}
