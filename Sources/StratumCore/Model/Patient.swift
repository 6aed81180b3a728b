/// Administrative sex as recorded; skin-thickness facts differ by sex, nothing else in the rules does.
public enum Sex: String, Sendable, CaseIterable, Codable {
    case female, male, other, unknown
}

/// A dated questionnaire: answers keyed by `ScreeningKey`; a key absent is unanswered (`SCR-INCOMPLETE`).
public struct ScreeningResponse: Sendable, Equatable {
    public var answeredOn: LocalDate
    public var answers: [ScreeningKey: ScreeningAnswer]

    public init(answeredOn: LocalDate, answers: [ScreeningKey: ScreeningAnswer]) {
        self.answeredOn = answeredOn
        self.answers = answers
    }

    /// A yes/no answer, nil when unanswered.
    public func yes(_ key: ScreeningKey) -> Bool? {
        if case .yesNo(let v)? = answers[key] { return v }
        return nil
    }

    /// A last-happened date, nil when never or unanswered.
    public func lastDate(_ key: ScreeningKey) -> LocalDate? {
        if case .lastDate(let d)? = answers[key] { return d }
        return nil
    }
}

/// The facts about a patient that the rules read; identity lives in the store, not here.
public struct PatientFacts: Sendable, Equatable {
    public var birthDate: LocalDate
    public var sex: Sex
    /// Fitzpatrick phototype 1–6; IV–VI carries post-inflammatory hyperpigmentation risk.
    public var fitzpatrick: Int
    public var screening: ScreeningResponse

    public init(birthDate: LocalDate, sex: Sex, fitzpatrick: Int, screening: ScreeningResponse) {
        self.birthDate = birthDate
        self.sex = sex
        self.fitzpatrick = fitzpatrick
        self.screening = screening
    }

    /// Fitzpatrick IV–VI (`SCR-PHOTOTYPE`, `DEPTH-PHOTOTYPE`).
    public var isDarkerPhototype: Bool { fitzpatrick >= 4 }
}
