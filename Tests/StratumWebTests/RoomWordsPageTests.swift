import Foundation
import StratumCore
import StratumStore
@testable import StratumWeb
import Testing
import Vapor
import VaporTesting

/// Issue 12: Today and the chart speak plainly, and a wrong address still looks like Stratum.
@Suite("Today's adverse events, the chart's Do not treat, and unknown addresses")
struct RoomWordsPageTests {
    static var yesterday: String { LocalDate.clinicDay(at: Date(), timeZone: "UTC").adding(days: -1).description }

    @Test("Today's adverse-event card names the patient and lists only the clinic in use (reproduction 8)")
    func todayEventsPerClinic() async throws {
        try await withServer { s in
            let owner = s.token("a", .owner), doc = s.token("a", .practitioner)
            var ids: [String] = []
            for (clinic, given, family) in [(s.clinicA.id, "Mira", "Okafor"), (s.clinicA2.id, "Ines", "Duarte")] {
                let p = try await s.send(.POST, "/api/v1/patients", token: owner, json: patientJSON(clinic: clinic, given: given, family: family))
                let pid = try #require(p.json["id"] as? String, "\(p.text)")
                let e = try await s.send(
                    .POST, "/api/v1/patients/\(pid)/adverse-events", token: doc,
                    json: #"{"type": "bruising", "onset": "\#(Self.yesterday)", "grade": 1}"#)
                #expect(e.status == .created, "\(e.text)")
                ids.append(pid)
            }
            let central = try await BrowserSession.signIn(s, email: "practitioner@a.example")
            let today = try await central.get("/today").text
            #expect(today.contains("<a href=\"/patients/\(ids[0])\">Mira Okafor</a>"), "the card names the patient")
            #expect(!today.contains(ids[1]) && !today.contains("Duarte"), "Alder East's patient is not on Alder Central's Today")

            let ownerUser = try #require(try await s.state.directory.credentials(email: "owner@a.example")).0
            _ = try await s.state.directory.addMembership(userID: ownerUser.id, clinicID: s.clinicA2.id, role: .owner)
            let browser = try await BrowserSession.signIn(s, email: "owner@a.example")
            #expect(try await browser.post("/clinic", [("clinicId", s.clinicA2.id.uuidString.lowercased())]).status == .seeOther)
            let east = try await browser.get("/today").text
            #expect(east.contains("Ines Duarte") && !east.contains("Okafor"))
        }
    }

    @Test("a stop in the latest screening turns the chart red, Do not treat, naming the rule and its message")
    func chartDoNotTreat() async throws {
        try await withServer { s in
            let owner = s.token("a", .owner)
            var charts: [String] = []
            for (stop, family) in [(false, "Lindqvist"), (true, "Moreau")] {
                let p = try await s.send(
                    .POST, "/api/v1/patients", token: owner, json: patientJSON(clinic: s.clinicA.id, given: "Ana", family: family))
                let pid = try #require(p.json["id"] as? String)
                let answers = cleanScreening.replacingOccurrences(
                    of: "\"pregnantOrBreastfeeding\": false", with: "\"pregnantOrBreastfeeding\": \(stop)")
                let screening = try await s.send(.POST, "/api/v1/patients/\(pid)/screenings", token: owner, json: answers)
                #expect(screening.status == .created, "\(screening.text)")
                let stops = (screening.json["findings"] as? [[String: Any]] ?? []).filter { $0["severity"] as? String == "stop" }
                #expect(stops.isEmpty != stop)
                let practitioner = try await BrowserSession.signIn(s, email: "practitioner@a.example")
                let chart = try await practitioner.get("/patients/\(pid)").text
                #expect(chart.contains("id=\"do-not-treat\"") == stop)
                #expect(chart.contains("class=\"banner do-not-treat\"") == stop)
                for f in stops {
                    let rule = try #require(f["rule"] as? String)
                    #expect(chart.contains(">\(rule)</span>"), "the banner names \(rule)")
                    let message = try #require(f["message"] as? String)
                    #expect(
                        chart.contains(message.replacingOccurrences(of: "'", with: "&#39;").replacingOccurrences(of: "\"", with: "&quot;")),
                        "and its message")
                }
                charts.append(pid)
            }
            // The front desk's chart holds no clinical record, so no clinical stop either.
            let desk = try await BrowserSession.signIn(s, email: "front-desk@a.example")
            #expect(try await desk.get("/patients/\(charts[1])").text.contains("do-not-treat") == false)
        }
    }

    @Test("an unknown address gets the styled error page in the site's layout; the API keeps problem JSON; a favicon exists")
    func unknownAddresses() async throws {
        try await withServer { s in
            let browser = try await BrowserSession.signIn(s, email: "front-desk@a.example")
            let page = try await browser.get("/no-such-page/at-all")
            #expect(page.status == .notFound)
            #expect(page.headers.contentType == .html)
            #expect(page.text.contains("Page not found") && page.text.contains("/css/stratum.css"))
            #expect(page.text.contains("class=\"nav\"") && page.text.contains("href=\"/patients\""), "signed in: the navigation is there")
            let anonymous = try await s.app.testing().sendRequest(.GET, "/no-such-page")
            #expect(anonymous.status == .notFound && anonymous.text.contains("Page not found") && !anonymous.text.contains("class=\"nav\""))
            for path in ["/api/v1/no-such-thing", "/api/nothing"] {
                let api = try await s.send(.GET, path, token: s.token("a", .owner))
                #expect(api.status == .notFound)
                #expect(
                    api.headers.contentType?.description.hasPrefix("application/problem+json") == true,
                    "\(path): \(api.headers.contentType?.description ?? "")")
            }
            let icon = try await s.app.testing().sendRequest(.GET, "/favicon.ico")
            #expect(icon.status == .ok && icon.body.readableBytes > 100)
        }
    }
}
