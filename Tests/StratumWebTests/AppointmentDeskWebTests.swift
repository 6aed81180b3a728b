import Foundation
import StratumCore
import StratumStore
@testable import StratumWeb
import Testing
import Vapor
import VaporTesting

/// The front desk's calendar through the pages and the API: a course booked from its plan (INT-MIN on the row it
/// concerns), moved, checked in on Today, a no-show, rooms on the settings page, and a practitioner's private feed.
@Suite("The front desk's calendar: pages and API")
struct AppointmentDeskWebTests {
    /// 10:20 in London on 2026-12-29, the seeded course's second planned visit (the first is recorded on 2026-12-01).
    static let morning = Date(timeIntervalSince1970: Double(LocalDate(iso: "2026-12-29")!.dayNumber * 86_400 + 10 * 3600 + 20 * 60))

    static func dates(_ s: TestServer, _ course: String) async throws -> [LocalDate] {
        let found = try await s.state.scope(s.orgA.id).courses.get(
            courseID: try #require(UUID(uuidString: course)), AccessContext(actorID: nil, clinicID: nil, requestID: "test"))
        return try #require(found).plannedVisits.map(\.date)
    }

    static func practitionerID(_ s: TestServer) async throws -> String {
        let staff = try await s.send(.GET, "/api/v1/staff", token: s.token("a", .owner))
        let members = try #require(staff.json["members"] as? [[String: Any]])
        return try #require(members.first { $0["email"] as? String == "practitioner@a.example" }?["id"] as? String)
    }

    /// The booking form's fields for visits `numbers`, each on its day at `time`.
    static func bookingFields(_ days: [Int: LocalDate], practitioner: String, time: String = "10:30") -> [(String, String)] {
        days.keys.sorted().flatMap { n -> [(String, String)] in
            [
                ("visit-\(n)-book", "1"), ("visit-\(n)-date", days[n]!.description), ("visit-\(n)-time", time), ("visit-\(n)-minutes", "45"),
                ("visit-\(n)-practitioner", practitioner), ("visit-\(n)-room", "")
            ]
        }
    }

    /// The HTML of the element with `id`, up to the next `</li>`.
    static func fragment(_ html: String, id: String) -> String {
        guard let r = html.range(of: "id=\"\(id)\"") else { return "" }
        let rest = html[r.lowerBound...]
        return String(rest[..<(rest.range(of: "</li>")?.lowerBound ?? rest.endIndex)])
    }

    @Test("the front desk books the plan (INT-MIN on its row, then fixed), sees it on the calendar and checks the patient in on Today")
    func bookFromPlan() async throws {
        try await withServer(clock: .fixed(Self.morning)) { s in
            let seeded = try await PermissionTests.seed(s)
            let dates = try await Self.dates(s, seeded.course)
            #expect(dates.count == 6 && dates[1].description == "2026-12-29", "\(dates)")
            let practitioner = try await Self.practitionerID(s)
            let desk = try await BrowserSession.signIn(s, email: "front-desk@a.example")
            let course = try await desk.get("/courses/\(seeded.course)")
            #expect(course.text.contains("/courses/\(seeded.course)/book"), "the course page offers booking to the front desk")
            let form = try await desk.get("/courses/\(seeded.course)/book")
            #expect(form.status == .ok && form.text.contains("id=\"visit-2\"") && !form.text.contains("id=\"visit-1\""), "visit 1 is recorded")
            #expect(!form.text.contains(" mm"), "no depths on the booking page")
            var days = Dictionary(uniqueKeysWithValues: (2...6).map { ($0, dates[$0 - 1]) })
            // Visit 4 five days after visit 3 at 1.0 mm or more: INT-MIN on visit 4's row, and nothing booked.
            days[4] = dates[2].adding(days: 5)
            let refused = try await desk.post("/courses/\(seeded.course)/book", Self.bookingFields(days, practitioner: practitioner))
            #expect(refused.status == .unprocessableEntity)
            let row = Self.fragment(refused.text, id: "visit-4")
            #expect(row.contains("INT-MIN") && row.contains("days since"), "\(row.prefix(600))")
            #expect(!Self.fragment(refused.text, id: "visit-3").contains("INT-MIN"))
            #expect(try await s.send(.GET, "/api/v1/courses/\(seeded.course)/appointments", token: s.token("a", .owner)).jsonArray.isEmpty)
            days[4] = dates[3]
            let booked = try await desk.post("/courses/\(seeded.course)/book", Self.bookingFields(days, practitioner: practitioner))
            #expect(booked.status == .seeOther, "\(booked.text.prefix(400))")
            #expect(booked.headers.first(name: .location)?.hasPrefix("/calendar?week=2026-12-29") == true)
            let week = try await desk.get("/calendar?week=2026-12-29")
            #expect(week.text.contains("Mira Okafor") && week.text.contains("visit 2 of 6") && week.text.contains("10:30–11:15"))
            #expect(try await desk.get("/calendar?week=2026-12-29&by=room").text.contains("No room"))
            // Today: the appointment with its check-in; after it, checked in.
            let today = try await desk.get("/today")
            #expect(today.text.contains("Appointments today") && today.text.contains("10:30"))
            let list = try await s.send(.GET, "/api/v1/courses/\(seeded.course)/appointments", token: s.token("a", .owner)).jsonArray
            let second = try #require(list.first { $0["visitNumber"] as? Int == 2 }?["id"] as? String)
            let third = try #require(list.first { $0["visitNumber"] as? Int == 3 }?["id"] as? String)
            #expect(today.text.contains("/appointments/\(second)/check-in"))
            #expect(!today.text.contains("/appointments/\(second)/no-show"), "no no-show before the start")
            let checked = try await desk.post("/appointments/\(second)/check-in", [("back", "/today")])
            #expect(checked.status == .seeOther && checked.headers.first(name: .location)?.hasPrefix("/today") == true)
            let after = try await desk.get("/today")
            #expect(after.text.contains("checked in") && after.text.contains("10:20"))
            // Checking in visit 3 (another day) is refused.
            #expect(try await desk.post("/appointments/\(third)/check-in", [("back", "/today")]).status == .conflict)
            // Moving visit 3 to five days after visit 2: INT-MIN beside it on the calendar, and it stays.
            let move = try await desk.post(
                "/appointments/\(third)/reschedule",
                [("date", "2027-01-03"), ("startTime", "10:30"), ("minutes", "45"), ("practitionerId", practitioner), ("back", "/calendar")])
            #expect(move.status == .unprocessableEntity && Self.fragment(move.text, id: "appointment-\(third)").contains("INT-MIN"))
            let moved = try await desk.post(
                "/appointments/\(third)/reschedule",
                [("date", dates[2].adding(days: 2).description), ("startTime", "11:00"), ("practitionerId", practitioner), ("back", "/calendar")])
            #expect(moved.status == .seeOther, "\(moved.text.prefix(400))")
            // Another patient at the same hour with the same practitioner: the row says the time is taken.
            let other = try await PermissionTests.seed(s, given: "Noor", session: false)
            let taken = try await desk.post(
                "/courses/\(other.course)/book", Self.bookingFields([1: dates[1]], practitioner: practitioner, time: "10:45"))
            #expect(taken.status == .conflict && Self.fragment(taken.text, id: "visit-1").contains("already booked"))
            // Earlier this morning, the other patient did not come: a no-show from Today.
            #expect(
                try await desk.post("/courses/\(other.course)/book", Self.bookingFields([1: dates[1]], practitioner: practitioner, time: "08:00"))
                    .status == .seeOther)
            let missed = try #require(
                try await s.send(.GET, "/api/v1/courses/\(other.course)/appointments", token: s.token("a", .owner)).jsonArray.first?["id"] as? String)
            #expect(try await desk.get("/today").text.contains("/appointments/\(missed)/no-show"))
            #expect(try await desk.post("/appointments/\(missed)/no-show", [("back", "/today")]).status == .seeOther)
            #expect(try await desk.get("/calendar?week=2026-12-29").text.contains("no-show"))
            // The assistant has no calendar.
            let assistant = try await BrowserSession.signIn(s, email: "assistant@a.example")
            #expect(try await assistant.get("/calendar").status == .forbidden)
        }
    }

    @Test("a practitioner's private feed: text/calendar with initials and the clinic's times; revoked, the address is 404")
    func feed() async throws {
        try await withServer(clock: .fixed(Self.morning)) { s in
            let seeded = try await PermissionTests.seed(s)
            let dates = try await Self.dates(s, seeded.course)
            let practitioner = try await Self.practitionerID(s)
            let desk = try await BrowserSession.signIn(s, email: "front-desk@a.example")
            let days = Dictionary(uniqueKeysWithValues: (2...3).map { ($0, dates[$0 - 1]) })
            #expect(try await desk.post("/courses/\(seeded.course)/book", Self.bookingFields(days, practitioner: practitioner)).status == .seeOther)
            #expect(try await desk.post("/account/calendar-feed", []).status == .forbidden, "the front desk is not booked")
            let me = try await BrowserSession.signIn(s, email: "practitioner@a.example")
            #expect(try await me.get("/account").text.contains("id=\"issue-feed\""))
            let issued = try await me.post("/account/calendar-feed", [])
            let url = try #require(Self.feedURL(issued.text), "\(issued.text.prefix(300))")
            let path = try #require(URLComponents(string: url)?.path)
            let feed = try await s.app.testing().sendRequest(.GET, path)
            #expect(feed.status == .ok && feed.headers.contentType?.description.hasPrefix("text/calendar") == true)
            #expect(feed.text.contains("DTSTART;TZID=Europe/London:20261229T103000") && feed.text.contains("M.O. · visit 2 of 6"))
            #expect(feed.text.contains("BEGIN:VTIMEZONE") && !feed.text.contains("Okafor") && !feed.text.contains("Mira"))
            #expect(try await me.get("/account").text.contains("id=\"revoke-feed\""))
            #expect(try await me.post("/account/calendar-feed/revoke", []).status == .seeOther)
            #expect(try await s.app.testing().sendRequest(.GET, path).status == .notFound)
        }
    }

    @Test("an INT-SHORT caution on the booking page asks for a reason on its row and books with it")
    func cautionWithReason() async throws {
        try await withServer(clock: .fixed(Self.morning)) { s in
            let seeded = try await PermissionTests.seed(s)
            let found = try await s.state.scope(s.orgA.id).courses.get(
                courseID: try #require(UUID(uuidString: seeded.course)), AccessContext(actorID: nil, clinicID: nil, requestID: "test"))
            let visits = try #require(found).plannedVisits
            // The first visit at 1.5 mm or deeper, booked 10 days after the one before it: at least 7 (no INT-MIN), under 14.
            let deep = try #require(visits.first { v in v.number > 2 && v.zones.allSatisfy { $0.depthMM >= 1.5 } }, "a visit at 1.5 mm")
            let before = visits[deep.number - 2]
            let practitioner = try await Self.practitionerID(s)
            let desk = try await BrowserSession.signIn(s, email: "front-desk@a.example")
            let days = [before.number: before.date, deep.number: before.date.adding(days: 10)]
            let refused = try await desk.post("/courses/\(seeded.course)/book", Self.bookingFields(days, practitioner: practitioner))
            #expect(refused.status == .unprocessableEntity)
            let row = Self.fragment(refused.text, id: "visit-\(deep.number)")
            let field = "ack-\(deep.number)|INT-SHORT|cheek:left"
            #expect(row.contains("INT-SHORT") && row.contains("name=\"\(field)\""), "\(row.prefix(800))")
            let reasons = deep.zones.map {
                ("ack-\(deep.number)|INT-SHORT|\($0.zone.site.rawValue):\($0.zone.side.rawValue)", "Patient travels; discussed")
            }
            let booked = try await desk.post("/courses/\(seeded.course)/book", Self.bookingFields(days, practitioner: practitioner) + reasons)
            #expect(booked.status == .seeOther, "\(booked.text.prefix(600))")
            let list = try await s.send(.GET, "/api/v1/courses/\(seeded.course)/appointments", token: s.token("a", .owner)).jsonArray
            #expect(list.count == 2)
        }
    }

    static func feedURL(_ html: String) -> String? {
        guard let r = html.range(of: "id=\"feed-url\" type=\"text\" readonly value=\"") else { return nil }
        let rest = html[r.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    @Test("owners add, rename and retire rooms on the settings page; a name twice is refused beside the field")
    func rooms() async throws {
        try await withServer { s in
            let owner = try await BrowserSession.signIn(s, email: "owner@a.example")
            #expect(try await owner.post("/clinic/rooms", [("name", "Room 1")]).status == .seeOther)
            let twice = try await owner.post("/clinic/rooms", [("name", "Room 1")])
            #expect(twice.status == .unprocessableEntity && twice.text.contains("already has a room"))
            let rooms = try await s.send(.GET, "/api/v1/clinic/rooms", token: s.token("a", .owner)).jsonArray
            let id = try #require(rooms.first?["id"] as? String)
            #expect(try await owner.post("/clinic/rooms/\(id)/rename", [("name", "Laser room")]).status == .seeOther)
            #expect(try await owner.post("/clinic/rooms/\(id)/retire", []).status == .seeOther)
            let page = try await owner.get("/clinic/settings")
            #expect(page.text.contains("Laser room") && page.text.contains("retired"))
            let desk = try await BrowserSession.signIn(s, email: "front-desk@a.example")
            #expect(try await desk.post("/clinic/rooms", [("name", "Room 2")]).status == .forbidden)
        }
    }

    @Test("the API moves within INT-MIN, refuses a taken hour with 409 and keeps the booking, reads the calendar without clinical detail")
    func api() async throws {
        try await withServer(clock: .fixed(Self.morning)) { s in
            let seeded = try await PermissionTests.seed(s)
            let dates = try await Self.dates(s, seeded.course)
            let practitioner = try await Self.practitionerID(s)
            let desk = s.token("a", .frontDesk)
            let room = try await s.send(.POST, "/api/v1/clinic/rooms", token: s.token("a", .owner), json: #"{"name": "Room 1"}"#)
            #expect(room.status == .created)
            let roomID = try #require(room.json["id"] as? String)
            #expect(
                try await s.send(.POST, "/api/v1/clinic/rooms", token: desk, json: #"{"name": "Room 2"}"#).status == .forbidden, "owners write rooms")
            let visits = (2...3).map { #"{"visitNumber": \#($0), "date": "\#(dates[$0 - 1])", "startTime": "10:30"}"# }.joined(separator: ", ")
            let booked = try await s.send(
                .POST, "/api/v1/courses/\(seeded.course)/appointments", token: desk,
                json: #"{"practitionerId": "\#(practitioner)", "roomId": "\#(roomID)", "minutes": 45, "visits": [\#(visits)]}"#)
            #expect(booked.status == .created, "\(booked.text.prefix(300))")
            let third = try #require(booked.jsonArray.first { $0["visitNumber"] as? Int == 3 }?["id"] as? String)
            let second = try #require(booked.jsonArray.first { $0["visitNumber"] as? Int == 2 }?["id"] as? String)
            let tooSoon = try await s.send(
                .POST, "/api/v1/appointments/\(third)/reschedule", token: desk, json: #"{"date": "2027-01-02", "startTime": "10:30"}"#)
            #expect(tooSoon.status == .unprocessableEntity && tooSoon.text.contains("INT-MIN"))
            // Onto another patient's hour with the same practitioner: 409, and visit 3 stays where it was.
            let other = try await PermissionTests.seed(s, given: "Noor", session: false)
            let theirs = try await s.send(
                .POST, "/api/v1/courses/\(other.course)/appointments", token: desk,
                json:
                    #"{"practitionerId": "\#(practitioner)", "minutes": 45, "visits": [{"visitNumber": 1, "date": "\#(dates[2])", "startTime": "09:00"}]}"#
            )
            #expect(theirs.status == .created, "\(theirs.text.prefix(300))")
            let clash = try await s.send(
                .POST, "/api/v1/appointments/\(third)/reschedule", token: desk, json: #"{"date": "\#(dates[2])", "startTime": "09:15"}"#)
            #expect(clash.status == .conflict && clash.json["conflict"] as? String == "double-booked", "\(clash.text.prefix(300))")
            let kept = try await s.send(.GET, "/api/v1/courses/\(seeded.course)/appointments", token: desk).jsonArray
            #expect(kept.first { $0["id"] as? String == third }?["startTime"] as? String == "10:30", "the refused move kept visit 3")
            let later = dates[2].adding(days: 3).description
            let moved = try await s.send(
                .POST, "/api/v1/appointments/\(third)/reschedule", token: desk, json: #"{"date": "\#(later)", "startTime": "09:00", "minutes": 60}"#)
            #expect(moved.status == .ok && moved.json["date"] as? String == later && moved.json["status"] as? String == "booked")
            let calendar = try await s.send(.GET, "/api/v1/appointments?from=2026-12-28&to=2027-01-03", token: s.token("a", .auditor))
            #expect(calendar.status == .ok && calendar.jsonArray.count == 1, "\(calendar.text.prefix(300))")
            #expect(calendar.jsonArray.first?["patientName"] as? String == "Mira Okafor" && calendar.jsonArray.first?["zones"] == nil)
            #expect(try await s.send(.GET, "/api/v1/appointments?from=2026-12-28&to=2027-03-01", token: desk).status == .unprocessableEntity)
            let movedWeek = try await s.send(.GET, "/api/v1/appointments?from=\(later)&to=\(later)&roomId=\(roomID)", token: desk).jsonArray
            #expect(movedWeek.first?["moves"] as? Int == 1)
            // Check-in only on its day, a no-show only after the start.
            let early = try await s.send(.POST, "/api/v1/appointments/\(third)/check-in", token: desk)
            #expect(early.status == .conflict && early.json["conflict"] as? String == "not-appointment-day")
            let notYet = try await s.send(.POST, "/api/v1/appointments/\(second)/no-show", token: desk)
            #expect(notYet.status == .conflict && notYet.json["conflict"] as? String == "appointment-not-started")
            let checkedIn = try await s.send(.POST, "/api/v1/appointments/\(second)/check-in", token: desk)
            #expect(checkedIn.status == .ok && checkedIn.json["checkedInAt"] != nil)
            #expect(try await s.send(.POST, "/api/v1/clinic/rooms/\(roomID)/retire", token: s.token("a", .owner)).status == .ok)
            let intoRetired = try await s.send(
                .POST, "/api/v1/appointments/\(third)/reschedule", token: desk,
                json: #"{"date": "\#(later)", "startTime": "09:00", "roomId": "\#(roomID)"}"#)
            #expect(intoRetired.status == .unprocessableEntity && intoRetired.text.contains("roomId"))
        }
    }
}
