import Foundation
import StratumCore
import StratumStore
@testable import StratumWeb
import Testing
import Vapor
import VaporTesting

/// Issue 12's dates through both doors: what the API refuses with a problem naming the field, the page shows on it.
@Suite("A record that admits only what happened, through the API and the pages")
struct RecordDateTests {
    /// Alder Central's today (Europe/London), as the store counts it.
    static var today: LocalDate { PageRoutes.today(in: "Europe/London") }

    /// A screened, consented patient of clinic A with an accepted course; the screening and consent dated 3 days ago.
    static func readyCourse(_ s: TestServer, token: String) async throws -> (pid: String, cid: String, consentID: String) {
        let created = try await s.send(.POST, "/api/v1/patients", token: token, json: patientJSON(clinic: s.clinicA.id))
        let pid = try #require(created.json["id"] as? String)
        let screenedOn = today.adding(days: -3).description
        let screening = try await s.send(
            .POST, "/api/v1/patients/\(pid)/screenings", token: token,
            json: cleanScreening.replacingOccurrences(of: "2026-11-20", with: screenedOn))
        #expect(screening.status == .created, "\(screening.text)")
        let consent = try await s.send(
            .POST, "/api/v1/patients/\(pid)/consents", token: token,
            json: """
                {"kind": "treatment", "textVersion": "2026-11", "signedByName": "Mira Okafor", "confirmed": true, "signedOn": "\(screenedOn)"}
                """)
        #expect(consent.status == .created && consent.json["signedOn"] as? String == screenedOn, "\(consent.text)")
        let course = try await s.send(
            .POST, "/api/v1/patients/\(pid)/courses", token: token,
            json: coursePlan.replacingOccurrences(of: "2026-12-01", with: screenedOn))
        let cid = try #require(course.json["id"] as? String, "\(course.text)")
        #expect(try await s.acceptCourse(cid, token: token).status == .ok)
        return (pid, cid, try #require(consent.json["id"] as? String))
    }

    /// Records a session on `date` through the API, acknowledging whatever cautions the server finds.
    static func session(_ s: TestServer, _ cid: String, token: String, date: LocalDate) async throws -> TestingHTTPResponse {
        let first = try await s.send(.POST, "/api/v1/courses/\(cid)/sessions", token: token, json: sessionJSON(date: date.description))
        guard first.status == .unprocessableEntity, first.json["rules"] != nil else { return first }
        let findings = (first.json["findings"] as? [[String: Any]]) ?? []
        guard !findings.contains(where: { $0["severity"] as? String == "stop" }) else { return first }
        let acks = findings.filter { $0["severity"] as? String == "caution" }.map { f -> [String: Any] in
            var a: [String: Any] = ["rule": f["rule"] as? String ?? "", "reason": "Discussed with the patient"]
            if let zone = f["zone"] as? [String: Any] { a["zone"] = zone }
            return a
        }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: acks), as: UTF8.self)
        return try await s.send(
            .POST, "/api/v1/courses/\(cid)/sessions", token: token, json: sessionJSON(acknowledgements: json, date: date.description))
    }

    @Test("Reproduction 1 (API): a session dated 9 days ahead is refused with 422 naming date; nothing is recorded")
    func futureSessionAPI() async throws {
        try await withServer { s in
            let doc = s.token("a", .practitioner)
            let (_, cid, _) = try await Self.readyCourse(s, token: doc)
            let ahead = try await s.send(
                .POST, "/api/v1/courses/\(cid)/sessions", token: doc,
                json: sessionJSON(date: Self.today.adding(days: 9).description))
            #expect(ahead.status == .unprocessableEntity)
            let errors = ahead.json["errors"] as? [[String: Any]]
            #expect(errors?.first?["path"] as? String == "date", "\(ahead.text)")
            #expect((errors?.first?["problem"] as? String)?.contains("after the clinic's today") == true)
            #expect((try await s.send(.GET, "/api/v1/courses/\(cid)/sessions", token: doc).json["items"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("Reproduction 1 (page): the session form dated 9 days ahead comes back with the error on the date field")
    func futureSessionPage() async throws {
        try await withServer { s in
            let (_, cid, _) = try await Self.readyCourse(s, token: s.token("a", .practitioner))
            let b = try await BrowserSession.signIn(s, email: "practitioner@a.example")
            let ahead = Self.today.adding(days: 9).description
            let fields: [(String, String)] = [
                ("date", ahead), ("treat-cheek:left", "yes"), ("depth-cheek:left", "1"), ("passes-cheek:left", "2"),
                ("endpoint-cheek:left", "erythema"), ("sterilityKind", "single-use"), ("scan", testScan),
                ("lotChoice", ""), ("handpiece", testHandpiece), ("reaction", "erythema"),
                ("ack|SCR-PHOTOTYPE|", "Discussed"), ("ack|DEPTH-PHOTOTYPE|cheek:left", "Discussed")
            ]
            let refused = try await b.post("/courses/\(cid)/sessions", fields)
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.text.contains("\(ahead) is after the clinic"), "the store's sentence on the date field")
            #expect(refused.text.contains("value=\"\(ahead)\""), "what was typed comes back")
            #expect(
                (try await s.send(.GET, "/api/v1/courses/\(cid)/sessions", token: s.token("a", .practitioner)).json["items"] as? [Any])?.isEmpty
                    == true)
        }
    }

    @Test("a session recorded for an earlier day is a late entry with the time written, in the API and on the session page")
    func lateEntry() async throws {
        try await withServer { s in
            let doc = s.token("a", .practitioner)
            let (_, cid, _) = try await Self.readyCourse(s, token: doc)
            let recorded = try await Self.session(s, cid, token: doc, date: Self.today.adding(days: -1))
            #expect(recorded.status == .created, "\(recorded.text)")
            #expect(recorded.json["lateEntry"] as? Bool == true && recorded.json["writtenAt"] is String)
            let sid = try #require(recorded.json["id"] as? String)
            let b = try await BrowserSession.signIn(s, email: "practitioner@a.example")
            let page = try await b.get("/sessions/\(sid)")
            #expect(page.text.contains("id=\"late-entry\"") && page.text.contains("for the session on \(Self.today.adding(days: -1))"))
        }
    }

    @Test("SCR-CONSENT: withdrawal from the chart (API and page) stops later sessions; a future or pre-signing day is refused naming withdrawnOn")
    func withdrawal() async throws {
        try await withServer { s in
            let doc = s.token("a", .practitioner)
            let (pid, cid, consentID) = try await Self.readyCourse(s, token: doc)
            let path = "/api/v1/patients/\(pid)/consents/\(consentID)/withdraw"
            let future = try await s.send(.POST, path, token: doc, json: #"{"withdrawnOn": "\#(Self.today.adding(days: 1))"}"#)
            #expect(future.status == .unprocessableEntity && (future.json["errors"] as? [[String: Any]])?.first?["path"] as? String == "withdrawnOn")
            let early = try await s.send(.POST, path, token: doc, json: #"{"withdrawnOn": "\#(Self.today.adding(days: -4))"}"#)
            #expect(early.status == .unprocessableEntity, "before the signing day")
            #expect(try await s.send(.POST, path, token: s.token("a", .assistant), json: "{}").status == .forbidden)
            // A session the day before the withdrawal still counted.
            #expect(try await Self.session(s, cid, token: doc, date: Self.today.adding(days: -2)).status == .created)
            let withdrawn = try await s.send(.POST, path, token: doc, json: #"{"withdrawnOn": "\#(Self.today.adding(days: -1))"}"#)
            #expect(withdrawn.status == .ok && withdrawn.json["withdrawnOn"] as? String == Self.today.adding(days: -1).description)
            let after = try await s.send(.POST, "/api/v1/courses/\(cid)/sessions", token: doc, json: sessionJSON(date: Self.today.description))
            #expect(after.status == .unprocessableEntity && (after.json["rules"] as? [String])?.contains("SCR-CONSENT") == true)
            #expect(try await s.send(.POST, path, token: doc, json: "{}").status == .conflict, "withdrawn once")

            // The page: a second consent, withdrawn from the chart.
            let b = try await BrowserSession.signIn(s, email: "practitioner@a.example")
            #expect(
                try await b.post("/patients/\(pid)/consents", [("kind", "treatment"), ("signedByName", "Mira Okafor"), ("confirmed", "yes")]).status
                    == .seeOther)
            let chart = try await b.get("/patients/\(pid)")
            let second = try #require(
                ((try await s.send(.GET, "/api/v1/patients/\(pid)/consents", token: doc)).json["items"] as? [[String: Any]])?
                    .first { $0["withdrawnOn"] is NSNull }?["id"] as? String)
            #expect(chart.text.contains("action=\"/patients/\(pid)/consents/\(second)/withdraw\""))
            let refused = try await b.post("/patients/\(pid)/consents/\(second)/withdraw", [("withdrawnOn", Self.today.adding(days: 3).description)])
            #expect(refused.status == .unprocessableEntity && refused.text.contains("Withdrawn on"))
            #expect(try await b.post("/patients/\(pid)/consents/\(second)/withdraw", [("withdrawnOn", Self.today.description)]).status == .seeOther)
            #expect(try await b.get("/patients/\(pid)").text.contains("withdrawn from \(Self.today)"))
        }
    }

    @Test("Reproduction 5: a birth date in 2030 or 1800 is refused naming birthDate, through the API (create and update) and the page")
    func birthDates() async throws {
        try await withServer { s in
            let desk = s.token("a", .frontDesk)
            for bad in ["2030-01-05", "1800-06-01"] {
                let r = try await s.send(
                    .POST, "/api/v1/patients", token: desk,
                    json: patientJSON(clinic: s.clinicA.id).replacingOccurrences(of: "1988-03-14", with: bad))
                #expect(r.status == .unprocessableEntity)
                #expect((r.json["errors"] as? [[String: Any]])?.first?["path"] as? String == "birthDate", "\(r.text)")
            }
            let created = try await s.send(.POST, "/api/v1/patients", token: desk, json: patientJSON(clinic: s.clinicA.id))
            let pid = try #require(created.json["id"] as? String)
            let update = try await s.send(
                .PUT, "/api/v1/patients/\(pid)", token: desk,
                json: patientJSON(clinic: s.clinicA.id).replacingOccurrences(of: "1988-03-14", with: "2030-01-05"))
            #expect(update.status == .unprocessableEntity && (update.json["errors"] as? [[String: Any]])?.first?["path"] as? String == "birthDate")

            let b = try await BrowserSession.signIn(s, email: "\(Role.frontDesk.rawValue)@a.example")
            let page = try await b.post(
                "/patients",
                [
                    ("givenName", "Rosa"), ("familyName", "Rossi"), ("birthDate", "2030-04-09"),
                    ("sex", "female"), ("fitzpatrick", "3")
                ])
            #expect(page.status == .unprocessableEntity && page.text.contains("a birth date cannot be in the future"))
            let old = try await b.post(
                "/patients/\(pid)",
                [
                    ("givenName", "Mira"), ("familyName", "Okafor"), ("birthDate", "1800-06-01"),
                    ("sex", "female"), ("fitzpatrick", "5")
                ])
            #expect(old.status == .unprocessableEntity && old.text.contains("more than 120 years ago"))
        }
    }

    @Test("screening, assessment and adverse-event pages show the store's future-date refusal on the field")
    func futureDatesOnPages() async throws {
        try await withServer { s in
            let (pid, cid, _) = try await Self.readyCourse(s, token: s.token("a", .practitioner))
            let b = try await BrowserSession.signIn(s, email: "practitioner@a.example")
            let tomorrow = Self.today.adding(days: 1).description
            let screening = try await b.post("/patients/\(pid)/screening", [("answeredOn", tomorrow)] + PageFlowTests.answers(isotretinoin: false))
            #expect(screening.status == .unprocessableEntity && screening.text.contains("\(tomorrow) is after the clinic"))
            let score = try await b.post(
                "/patients/\(pid)/assessments",
                [
                    ("courseId", cid), ("scale", "goodman-baron"), ("score", "3"),
                    ("kind", "baseline"), ("date", tomorrow)
                ])
            #expect(score.status == .unprocessableEntity && score.text.contains("\(tomorrow) is after the clinic"))
            let event = try await b.post("/patients/\(pid)/adverse-events", [("type", "bruising"), ("onset", tomorrow), ("grade", "1")])
            #expect(event.status == .unprocessableEntity && event.text.contains("\(tomorrow) is after the clinic"))
        }
    }
}
