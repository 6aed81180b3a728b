/// A zone's planned nominal depth in one session.
public struct PlannedZone: Sendable, Equatable {
    public let zone: Zone
    public let depthMM: Double
}

/// One planned visit of the course.
public struct PlannedSession: Sendable, Equatable {
    public let number: Int
    public let date: LocalDate
    public let zones: [PlannedZone]
    public let expectedReactions: [ExpectedReaction]
    /// Days within which the expected redness and swelling should settle; longer means call the clinic.
    public let reactionsSettleWithinDays: Int
}

/// When outcomes are measured: at baseline, at each visit, and 1, 3 and 6 months after the last session (results take time).
public enum AssessmentKind: String, Sendable, CaseIterable, Codable {
    case baseline
    case visit
    case followUp1Month = "follow-up-1-month"
    case followUp3Months = "follow-up-3-months"
    case followUp6Months = "follow-up-6-months"
}

/// A scheduled outcome assessment: the scales scored and whether the standard photo set is taken.
public struct PlannedAssessment: Sendable, Equatable {
    public let date: LocalDate
    public let kind: AssessmentKind
    /// The session it is taken at, for baseline and visits.
    public let session: Int?
    /// The scales scored (POLICY §1): severity scales at baseline, never GAIS, which rates change from the baseline photos.
    public let scales: [OutcomeScale]
    /// Every planned assessment takes the standard photo set: the baseline's is what GAIS is rated against.
    public let photoSet: Bool

    public init(date: LocalDate, kind: AssessmentKind, session: Int?, scales: [OutcomeScale], photoSet: Bool = true) {
        self.date = date
        self.kind = kind
        self.session = session
        self.scales = scales
        self.photoSet = photoSet
    }
}

/// A proposed course: dated sessions with per-zone depths, its interval, outcome scale and assessment schedule.
public struct CoursePlan: Sendable, Equatable {
    public let sessions: [PlannedSession]
    public let intervalWeeks: Int
    public let outcomeScale: String
    public let assessments: [PlannedAssessment]
    /// Zones refused outright (the eyelid); they appear in no session.
    public let refusedZones: [Zone]
}

/// The planner's answer: the course, its findings and the decision.
public struct PlanResult: Sendable, Equatable {
    public let decision: Decision
    public let findings: [Finding]
    public let course: CoursePlan
    public let policyVersion: String
}
