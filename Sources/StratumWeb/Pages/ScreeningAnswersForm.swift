import Foundation
import StratumCore
import StratumStore

/// The screening questions as a form reads and shows them, for the portal's screening at home and the room's review
/// of it: the questions and groups are the clinic form's (`ScreeningPages.groups`, `ScreeningKey.question`), every
/// one must be answered (`HomeScreeningRules`).
struct ScreeningAnswersForm {
    /// Per question key: the choice ("yes", "no", "never", "date") and the date as typed.
    var typed: [String: (choice: String, date: String)] = [:]

    init(typed: [String: (choice: String, date: String)] = [:]) { self.typed = typed }

    /// The answers as the form shows them, from stored answers.
    init(_ answers: [ScreeningKey: ScreeningAnswer]) {
        for (key, answer) in answers {
            switch answer {
            case .yesNo(let v): typed[key.rawValue] = (v ? "yes" : "no", "")
            case .lastDate(nil): typed[key.rawValue] = ("never", "")
            case .lastDate(let d?): typed[key.rawValue] = ("date", d.description)
            }
        }
    }

    /// Reads the posted answers; each problem goes to its question, in the words of `problem` (plain for a patient).
    static func read(
        _ f: FormFields, answeredOn: LocalDate, problem: (ScreeningKey, HomeScreeningProblem) -> String
    ) -> (form: ScreeningAnswersForm, answers: [ScreeningKey: ScreeningAnswer], errors: FieldErrors) {
        var form = ScreeningAnswersForm()
        var answers: [ScreeningKey: ScreeningAnswer] = [:]
        var errors = FieldErrors()
        var unreadable: Set<ScreeningKey> = []
        for key in ScreeningKey.allCases {
            let choice = String((f.values[key.rawValue]?.first ?? "").prefix(20))
            let date = String((f.values[key.rawValue + "-date"]?.first ?? "").trimmingCharacters(in: .whitespaces).prefix(20))
            form.typed[key.rawValue] = (choice, date)
            switch (key.isDate, choice) {
            case (false, "yes"): answers[key] = .yesNo(true)
            case (false, "no"): answers[key] = .yesNo(false)
            case (true, "never"): answers[key] = .lastDate(nil)
            case (true, "date"):
                if let d = LocalDate(iso: date) { answers[key] = .lastDate(d) } else { unreadable.insert(key) }
            case (_, ""): break
            default: unreadable.insert(key)
            }
        }
        for (key, p) in HomeScreeningRules.problems(ScreeningResponse(answeredOn: answeredOn, answers: answers)) {
            errors.add(key.rawValue, problem(key, unreadable.contains(key) && p == .unanswered ? .wrongKind : p))
        }
        return (form, answers, errors)
    }

    /// The clinic form's own question and group views: the room's form and the home form show the same thing.
    typealias Question = ScreeningPages.Question
    typealias Group = ScreeningPages.Group

    /// The clinic form's groups and questions with these answers and errors.
    func groups(_ errors: FieldErrors) -> [Group] {
        ScreeningPages.groups.map { g in
            Group(
                title: g.title,
                questions: g.keys.map { k in
                    Question(
                        key: k.rawValue, text: k.question.replacingOccurrences(of: " (leave empty if never)", with: ""),
                        rule: k.rule.rawValue, isDate: k.isDate, answer: typed[k.rawValue]?.choice ?? "",
                        date: typed[k.rawValue]?.date ?? "", error: errors.byField[k.rawValue])
                })
        }
    }
}
