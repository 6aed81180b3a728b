import Foundation
import SQLKit
import StratumCore
import StratumStore
@testable import StratumWeb
import Testing
import VaporTesting

/// One clock and the clinic's time zone decide "today": a clinic in Auckland and one in Los Angeles, each a minute
/// either side of its own midnight, which falls at 11:00 and 08:00 UTC.
@Suite("Today is the clinic's day: Pacific/Auckland and America/Los_Angeles across midnight UTC")
struct ClinicTimeZoneTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let zone: String
        let instant: String
        let today: String
        var testDescription: String { "\(instant) in \(zone) is \(today)" }
    }

    // Auckland is UTC+13 in December (daylight time), Los Angeles UTC−8.
    static let cases: [Case] = [
        Case(zone: "Pacific/Auckland", instant: "2026-12-07T10:59:00Z", today: "2026-12-07"),
        Case(zone: "Pacific/Auckland", instant: "2026-12-07T11:01:00Z", today: "2026-12-08"),
        Case(zone: "America/Los_Angeles", instant: "2026-12-07T11:01:00Z", today: "2026-12-07"),
        Case(zone: "America/Los_Angeles", instant: "2026-12-08T07:59:00Z", today: "2026-12-07"),
        Case(zone: "America/Los_Angeles", instant: "2026-12-08T08:01:00Z", today: "2026-12-08"),
        Case(zone: "Pacific/Auckland", instant: "2026-12-08T08:01:00Z", today: "2026-12-08")
    ]

    static func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test("the owner sets the zone; the store, the API and the pages count today in it", arguments: cases)
    func today(_ c: Case) async throws {
        let now = Self.instant(c.instant)
        try await withServer(clock: .fixed(now)) { s in
            let set = try await s.send(.PATCH, "/api/v1/clinic", token: s.token("a", .owner), json: #"{"timezone": "\#(c.zone)"}"#)
            #expect(set.status == .ok, "\(set.text)")
            #expect(set.json["timezone"] as? String == c.zone)
            let today = try #require(LocalDate(iso: c.today))
            let tomorrow = today.adding(days: 1)

            // The pages: the clinic settings page and the day sheet show the clinic's day.
            let owner = try await BrowserSession.signIn(s, email: "owner@a.example")
            let settings = try await owner.get("/clinic/settings")
            #expect(settings.text.contains("<strong id=\"clinic-today\">\(c.today)</strong>"), "\(settings.text.prefix(2000))")
            let sheet = try await BrowserSession.signIn(s, email: "practitioner@a.example").get("/today")
            #expect(sheet.text.contains("Today <span class=\"muted small\">\(c.today)</span>"))

            // The store: a session on the clinic's today is recorded, one on its tomorrow refused on its date.
            let doc = s.token("a", .practitioner)
            let (pid, cid) = try await activeCourseViaAPI(s, given: "Zone")
            let recorded = try await s.send(.POST, "/api/v1/courses/\(cid)/sessions", token: doc, json: sessionJSON(date: c.today))
            #expect(recorded.status == .created, "\(recorded.text)")
            let (_, cid2) = try await activeCourseViaAPI(s, given: "Zone2")
            let future = try await s.send(.POST, "/api/v1/courses/\(cid2)/sessions", token: doc, json: sessionJSON(date: tomorrow.description))
            #expect(future.status == .unprocessableEntity, "\(future.text)")
            #expect(((future.json["errors"] as? [[String: Any]]) ?? []).compactMap { $0["path"] as? String } == ["date"])

            // A screening answered on the clinic's tomorrow is refused the same way.
            let screening = cleanScreening.replacingOccurrences(of: "2026-11-20", with: tomorrow.description)
            let refused = try await s.send(.POST, "/api/v1/patients/\(pid)/screenings", token: doc, json: screening)
            #expect(refused.status == .unprocessableEntity, "\(refused.text)")

            // Lot expiry: a lot that expires on the clinic's yesterday is expired; one that expires today is not yet.
            let assistant = s.token("a", .assistant)
            for (expiry, status) in [(today.adding(days: -1), "expired"), (today, "nearing")] {
                let lot = try await s.send(
                    .POST, "/api/v1/lots", token: assistant,
                    json: """
                        {"product": "Zone cartridge \(expiry)", "quantity": 5, "gtin": "09506000134352", "lot": "Z\(expiry.description.suffix(5).replacingOccurrences(of: "-", with: ""))", "expiry": "\(expiry)"}
                        """)
                #expect(lot.status == .created, "\(lot.text)")
                let lots = try await s.send(.GET, "/api/v1/lots", token: assistant)
                let items = (lots.json["items"] as? [[String: Any]]) ?? []
                let listed = items.first { $0["expiry"] as? String == expiry.description }
                #expect(listed?["expiryStatus"] as? String == status, "\(expiry) on \(c.today): \(String(describing: listed))")
            }

            // The visits calendar is stamped with the clock's instant.
            let ics = try await BrowserSession.signIn(s, email: "practitioner@a.example").get("/courses/\(cid)/visits.ics")
            let stamp = c.instant.replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
            #expect(ics.text.contains("DTSTAMP:\(stamp)"), "\(ics.text.prefix(400))")
        }
    }

    @Test("only the owner changes the zone; an unknown zone is refused naming the field, through the API and the page")
    func ownerOnly() async throws {
        try await withServer { s in
            let practitioner = try await s.send(.PATCH, "/api/v1/clinic", token: s.token("a", .practitioner), json: #"{"timezone": "UTC"}"#)
            #expect(practitioner.status == .forbidden)
            let read = try await s.send(.GET, "/api/v1/clinic", token: s.token("a", .frontDesk))
            #expect(read.status == .ok && read.json["timezone"] as? String == "Europe/London", "\(read.text)")
            let bad = try await s.send(.PATCH, "/api/v1/clinic", token: s.token("a", .owner), json: #"{"timezone": "Mars/Olympus_Mons"}"#)
            #expect(bad.status == .unprocessableEntity, "\(bad.text)")
            #expect(((bad.json["errors"] as? [[String: Any]]) ?? []).compactMap { $0["path"] as? String } == ["timezone"])

            let owner = try await BrowserSession.signIn(s, email: "owner@a.example")
            let refused = try await owner.post("/clinic/settings", [("timezone", "Mars/Olympus_Mons")])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.text.contains("<a href=\"#timezone\">"))
            let saved = try await owner.post("/clinic/settings", [("timezone", "Pacific/Auckland")])
            #expect(saved.status == .seeOther)
            let after = try await s.send(.GET, "/api/v1/clinic", token: s.token("a", .owner))
            #expect(after.json["timezone"] as? String == "Pacific/Auckland")
            // The practitioner's navigation does not offer the page; the page refuses the change.
            let doc = try await BrowserSession.signIn(s, email: "practitioner@a.example")
            #expect(try await doc.post("/clinic/settings", [("timezone", "UTC")]).status == .forbidden)
            // The change is one audit row without a patient; each refused practitioner (API and page) one denied row;
            // the unknown zones, refused before anything was read, none.
            let sql = s.state.database.database as! any SQLDatabase
            let rows = try await sql.raw("SELECT outcome FROM audit_events WHERE resource = 'clinic' AND action = 'update' AND patient_id IS NULL")
                .all()
            let outcomes = try rows.map { try $0.decode(column: "outcome", as: String.self) }.sorted()
            #expect(outcomes == ["allowed", "denied", "denied"], "\(outcomes)")
        }
    }
}
