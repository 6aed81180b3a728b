import Testing
@testable import StratumCore

@Suite("LocalDate: clinical days without a clock")
struct LocalDateTests {
    @Test(
        "ISO parsing rejects days that do not exist and malformed text",
        arguments: [
            "2027-02-30", "2027-02-29", "1900-02-29", "2027-04-31", "2027-13-01", "2027-00-10", "2027-01-00",
            "2027-2-3", "27-02-03", "2027-02-3", "", "2027-02", "2027-02-03-01", "2027/02/03", "2027-02-03T00:00",
            " 2027-02-03", "20a7-02-03", "0000-01-01", "+027-02-03", "２０２７-02-03"
        ])
    func rejects(text: String) {
        #expect(LocalDate(iso: text) == nil)
    }

    @Test(
        "ISO parsing accepts real days, leap days included",
        arguments: [
            ("2024-02-29", 2024, 2, 29), ("2000-02-29", 2000, 2, 29), ("2027-12-31", 2027, 12, 31), ("0001-01-01", 1, 1, 1)
        ])
    func accepts(text: String, y: Int, m: Int, d: Int) throws {
        let date = try #require(LocalDate(iso: text))
        #expect(date.year == y && date.month == m && date.day == d)
        #expect(date.description == text)
    }

    @Test("Day numbers count from 1970-01-01 and round-trip")
    func dayNumbers() {
        #expect(day("1970-01-01").dayNumber == 0)
        #expect(day("2000-03-01").dayNumber - day("2000-02-28").dayNumber == 2)
        #expect(day("2027-03-01").dayNumber - day("2027-02-28").dayNumber == 1)
        for iso in ["1969-12-31", "2024-02-29", "2027-08-31", "2100-03-01"] {
            #expect(LocalDate(dayNumber: day(iso).dayNumber) == day(iso))
        }
        #expect(day("2026-12-01").adding(days: 14) == day("2026-12-15"))
        #expect(day("2026-12-29").adding(days: 14) == day("2027-01-12"))
        #expect(day("2026-12-10").days(until: day("2027-03-10")) == 90)
        #expect(day("2027-03-10").days(until: day("2026-12-10")) == -90)
        #expect(day("2026-12-31") < day("2027-01-01"))
    }

    @Test(
        "Adding calendar months clamps to the month's last day",
        arguments: [
            ("2027-08-31", 1, "2027-09-30"), ("2027-08-31", 3, "2027-11-30"), ("2027-08-31", 6, "2028-02-29"),
            ("2027-01-31", 1, "2027-02-28"), ("2024-01-31", 1, "2024-02-29"), ("2027-12-15", 1, "2028-01-15"),
            ("2027-03-31", -1, "2027-02-28"), ("2027-01-15", -1, "2026-12-15"), ("2026-09-10", 6, "2027-03-10"),
            ("2027-05-05", 12, "2028-05-05"), ("2024-02-29", 12, "2025-02-28")
        ])
    func addingMonths(start: String, months: Int, expected: String) {
        #expect(day(start).adding(months: months).description == expected)
    }

    @Test(
        "Age: completed years, counted on the birthday",
        arguments: [
            ("2009-03-10", "2027-03-10", 18), ("2009-03-11", "2027-03-10", 17), ("2009-03-10", "2027-03-09", 17),
            ("2008-02-29", "2026-02-28", 17), ("2008-02-29", "2026-03-01", 18), ("1990-12-31", "2027-01-01", 36)
        ])
    func age(birth: String, on date: String, years: Int) {
        #expect(day(birth).age(on: day(date)) == years)
    }
}
