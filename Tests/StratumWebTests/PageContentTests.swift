import Foundation
import StratumCore
@testable import StratumStore
@testable import StratumWeb
import Testing

@Suite("What the pages compute")
struct PageContentTests {
    @Test("the screening form asks every POLICY §3 question exactly once")
    func screeningQuestions() {
        let asked = ScreeningPages.groups.flatMap(\.keys)
        #expect(asked.count == ScreeningKey.allCases.count)
        #expect(Set(asked) == Set(ScreeningKey.allCases))
    }

    @Test("the .ics has one all-day event per planned visit, escaped and folded at 75 octets, with the clinic's address and phone")
    func calendar() {
        let visits = (1...6).map { PlannedVisit(number: $0, date: LocalDate(iso: "2026-12-01")!.adding(days: ($0 - 1) * 28), zones: []) }
        let clinic = ICalendar.ClinicContact(
            name: "Clinic; Main, Room 2", address: "12 Quay Street\nAuckland 1010", phone: "+64 9 555 0100", timezone: "Pacific/Auckland")
        let text = ICalendar.visits(courseID: UUID(), visits: visits, clinic: clinic, stamp: Date(timeIntervalSince1970: 0))
        #expect(text.contains("LOCATION:Clinic\\; Main\\, Room 2\\, 12 Quay Street\\, Auckland 1010\r\n"), "\(text)")
        #expect(text.replacingOccurrences(of: "\r\n ", with: "").contains("Clinic phone: +64 9 555 0100."))
        #expect(text.contains("X-WR-TIMEZONE:Pacific/Auckland\r\n"))
        // No clinic contact entered: no phone sentence, the location is the clinic's name alone.
        let bare = ICalendar.visits(courseID: UUID(), visits: visits, clinic: .init(name: "Alder"), stamp: Date(timeIntervalSince1970: 0))
        #expect(bare.contains("LOCATION:Alder\r\n") && !bare.contains("Clinic phone") && !bare.contains("X-WR-TIMEZONE"))
        #expect(text.hasPrefix("BEGIN:VCALENDAR\r\n") && text.hasSuffix("END:VCALENDAR\r\n"))
        #expect(text.components(separatedBy: "BEGIN:VEVENT").count - 1 == 6)
        #expect(text.contains("DTSTART;VALUE=DATE:20261201\r\nDTEND;VALUE=DATE:20261202"))
        #expect(text.contains("DTSTAMP:19700101T000000Z"))
        #expect(text.contains("Clinic\\; Main\\, Room 2"))
        for line in text.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 75, "\(line)") }
    }

    @Test("the progress chart puts the better end of a lower-is-better scale at the top and draws the goal")
    func chartGeometry() {
        let day = LocalDate(iso: "2026-01-01")!
        func score(_ v: Double, _ d: Int) -> Assessment {
            Assessment(
                id: UUID(), patientID: UUID(), courseID: nil, scale: "goodman-baron", score: v, itemsJSON: nil, kind: .visit,
                assessedOn: day.adding(days: d), assessedBy: UUID(), createdAt: Date())
        }
        let chart = ProgressChart(
            scale: .goodmanBaron, assessments: [score(3, 0), score(2, 56)], sessionDates: [day, day.adding(days: 28)],
            start: day, end: day.adding(days: 180), goal: 1)
        #expect(chart.points.count == 2)
        #expect(chart.points[1].y < chart.points[0].y, "grade 2 is better than 3, so it is drawn higher")
        #expect(chart.goalY == chart.top, "the best grade is the top of the plot")
        #expect(chart.points[0].x == chart.left)
        #expect(chart.sessionXs.count == 2)
        #expect(chart.summary.hasPrefix("Better by 1"))
        let satisfaction = ProgressChart(scale: .satisfaction, assessments: [], sessionDates: [], start: day, end: day.adding(days: 30), goal: 10)
        #expect(satisfaction.goalY == satisfaction.top)
        #expect(satisfaction.summary.contains("No scores"))
    }

    @Test("outcome scales refuse scores outside their range, naming it, and decimals on graded scales")
    func scales() {
        #expect(OutcomeScale.goodmanBaron.problem(with: 5) == "goodman-baron scores run from 1 to 4")
        #expect(OutcomeScale.goodmanBaron.problem(with: 2.5) == "goodman-baron scores are whole numbers")
        #expect(OutcomeScale.goodmanBaron.problem(with: 4) == nil)
        #expect(OutcomeScale.mmasi.problem(with: 12.3) == nil)
        #expect(OutcomeScale.mmasi.problem(with: 24.1) != nil)
        #expect(OutcomeScale.posasObserver.problem(with: 5) != nil)
        #expect(OutcomeScale.primary(for: [.acneScars]) == .goodmanBaron)
        #expect(OutcomeScale.primary(for: [.burnScars]) == .posasObserver)
    }
}
