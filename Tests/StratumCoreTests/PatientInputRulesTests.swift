import StratumCore
import Testing

/// The identity rules every door applies to a registration: one table, so the form and the API cannot drift.
@Suite("Patient input rules: the limits of a registration, once")
struct PatientInputRulesTests {
    func problems(
        given: String = "Mira", family: String = "Okafor", fitz: Int = 3, phone: String? = nil,
        email: String? = nil
    ) -> [String] {
        PatientInputRules.problems(givenName: given, familyName: family, fitzpatrick: fitz, phone: phone, email: email)
            .map { "\($0.field): \($0.problem)" }
    }

    @Test("a plain registration passes; each broken field is named once, with its reason")
    func table() {
        #expect(problems().isEmpty)
        #expect(problems(given: " ") == ["givenName: must not be blank"])
        #expect(problems(family: String(repeating: "x", count: 101)) == ["familyName: at most 100 characters"])
        #expect(problems(family: String(repeating: "x", count: 100)).isEmpty)
        #expect(problems(fitz: 0) == ["fitzpatrick: out of range; allowed 1 to 6"])
        #expect(problems(fitz: 7) == ["fitzpatrick: out of range; allowed 1 to 6"])
        #expect(problems(phone: String(repeating: "1", count: 51)) == ["phone: at most 50 characters"])
        #expect(problems(email: "mira.example.com") == ["email: not an email address (name@example.com)"])
        #expect(problems(email: "").isEmpty, "an empty address is no address")
        #expect(problems(given: "", family: "", fitz: 9).count == 3)
    }

    @Test("control characters are refused (NUL and escape included); tab and line breaks are not")
    func controlCharacters() {
        #expect(problems(family: "Oka\u{0}for") == ["familyName: contains the control character U+0000; only tab and line breaks are allowed"])
        #expect(problems(given: "Mi\u{1B}ra").first?.hasPrefix("givenName: contains the control character U+001B") == true)
        #expect(problems(given: "Mi\u{7F}ra").count == 1)
        #expect(RecordText.controlCharacter(in: "two\tcolumns\nand lines\r\n") == nil)
        #expect(RecordText.controlCharacter(in: "Zoë Ñúñez 山田") == nil)
    }

    @Test("a name search longer than a name is refused; up to it, it is a search")
    func search() {
        #expect(PatientInputRules.searchProblem(String(repeating: "a", count: 100)) == nil)
        #expect(PatientInputRules.searchProblem(String(repeating: "a", count: 49_998)) == .tooLong(max: 100))
        #expect(PatientInputRules.searchProblem("oka\u{0}") == .controlCharacter(0))
    }
}
