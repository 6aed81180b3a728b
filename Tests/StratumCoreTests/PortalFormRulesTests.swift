import Foundation
import StratumCore
import Testing

@Suite("The portal's forms: every screening question answered at home, the typed name the record's")
struct PortalFormRulesTests {
    let day = LocalDate(iso: "2026-12-04")!

    func all(_ overrides: [ScreeningKey: ScreeningAnswer?] = [:]) -> ScreeningResponse {
        var a: [ScreeningKey: ScreeningAnswer] = [:]
        for k in ScreeningKey.allCases { a[k] = k.isDate ? .lastDate(nil) : .yesNo(false) }
        for (k, v) in overrides { a[k] = v }
        return ScreeningResponse(answeredOn: day, answers: a)
    }

    @Test("a complete screening has no problem; a missing, mistyped or future answer is named by its question")
    func screening() {
        #expect(HomeScreeningRules.problems(all()).isEmpty)
        let problems = HomeScreeningRules.problems(
            all([
                .sunburnInArea: ScreeningAnswer?.none, .anticoagulants: .lastDate(nil), .radiotherapyToArea: .yesNo(true),
                .surgeryOrTraumaInArea: .lastDate(LocalDate(iso: "2026-12-05")!), .deepPeelOrDermabrasion: .lastDate(day)
            ]))
        #expect(problems.map(\.key) == [.sunburnInArea, .anticoagulants, .radiotherapyToArea, .surgeryOrTraumaInArea])
        #expect(problems.map(\.problem) == [.unanswered, .wrongKind, .wrongKind, .afterAnswering])
        #expect(HomeScreeningProblem.unanswered.description == "must be answered")
    }

    @Test("the typed name matches the record's whatever its case and spaces, and nothing else does")
    func signature() {
        for typed in ["Mira Okafor", "  mira   OKAFOR ", "MiraOkafor", "MIRA\tokafor"] {
            #expect(PortalSignatureRules.problem(typed: typed, givenName: "Mira", familyName: "Okafor") == nil, "\(typed)")
        }
        #expect(PortalSignatureRules.problem(typed: "  ", givenName: "Mira", familyName: "Okafor") == "must not be blank")
        #expect(
            PortalSignatureRules.problem(typed: "Okafor Mira", givenName: "Mira", familyName: "Okafor")?.hasPrefix("must be your full name") == true)
        #expect(PortalSignatureRules.problem(typed: "Mira", givenName: "Mira", familyName: "Okafor") != nil)
        #expect(
            PortalSignatureRules.problem(typed: String(repeating: "a", count: 201), givenName: "Mira", familyName: "Okafor")
                == "at most 200 characters")
        #expect(
            PortalSignatureRules.problem(typed: "Mira\u{0}Okafor", givenName: "Mira", familyName: "Okafor")?.contains("control character") == true)
    }
}
