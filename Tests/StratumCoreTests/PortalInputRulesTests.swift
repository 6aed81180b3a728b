import StratumCore
import Testing

@Suite("Portal input rules: the email and the date of birth a patient types")
struct PortalInputRulesTests {
    let today = LocalDate(iso: "2026-12-07")!

    @Test("a date of birth is a real day in YYYY-MM-DD, from 1900 to today")
    func birthDate() {
        #expect(PortalInputRules.birthDateProblem("1988-03-14", today: today) == nil)
        #expect(PortalInputRules.birthDateProblem(" 2026-12-07 ", today: today) == nil, "born today, spaces around")
        #expect(PortalInputRules.birthDateProblem("", today: today) == .missing)
        for bad in ["14/03/1988", "1988-02-30", "2026-12-08", "1899-12-31", "1988-3-14", "19880314"] {
            #expect(PortalInputRules.birthDateProblem(bad, today: today) == .notADate, "\(bad)")
        }
    }

    @Test("the email is refused as a staff account's is")
    func email() {
        #expect(PortalInputRules.emailProblem("mira@example.com") == nil)
        #expect(PortalInputRules.emailProblem("  ") == .missing)
        #expect(PortalInputRules.emailProblem("mira at example") == .notAnEmail)
    }
}
