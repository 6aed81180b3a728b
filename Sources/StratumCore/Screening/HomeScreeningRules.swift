/// Why a patient's own answer to a screening question cannot be kept as given.
public enum HomeScreeningProblem: Sendable, Equatable, CustomStringConvertible {
    /// No answer: in the room `SCR-INCOMPLETE` names it and the practitioner asks, but at home nobody can.
    case unanswered
    /// A yes/no where a date was asked, or a date where yes/no was asked.
    case wrongKind
    /// A "last happened" date after the day the patient answers: it has not happened yet.
    case afterAnswering

    public var description: String {
        switch self {
        case .unanswered: "must be answered"
        case .wrongKind: "is not an answer to this question"
        case .afterAnswering: "cannot be after today"
        }
    }
}

/// The screening a patient answers at home before a visit (issue 16): the same questions of POLICY §3 as the room's
/// form (`ScreeningKey`), judged by the same rules once a practitioner confirms them; before that, every question must
/// be answered, since nobody is there to ask the open ones again.
public enum HomeScreeningRules {
    /// Each question's problem, in the questionnaire's order; empty when the answers can be kept.
    public static func problems(_ response: ScreeningResponse) -> [(key: ScreeningKey, problem: HomeScreeningProblem)] {
        ScreeningKey.allCases.compactMap { key in
            switch response.answers[key] {
            case nil: return (key, .unanswered)
            case .yesNo?: return key.isDate ? (key, .wrongKind) : nil
            case .lastDate(let day)?:
                guard key.isDate else { return (key, .wrongKind) }
                if let day, day > response.answeredOn { return (key, .afterAnswering) }
                return nil
            }
        }
    }
}
