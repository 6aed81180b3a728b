import Foundation
import StratumCore
import StratumStore
@testable import StratumWeb
import Testing
import Vapor
import VaporTesting

@Suite("A course of care through the pages, without JavaScript")
struct PageFlowTests {
    static func answers(isotretinoin: Bool) -> [(String, String)] {
        ScreeningKey.allCases.map { k in
            if k.isDate { return (k.rawValue, "never") }
            return (k.rawValue, k == .isotretinoinCurrent && isotretinoin ? "yes" : "no")
        }
    }

    static func id(after prefix: String, in location: String?) throws -> String {
        let loc = try #require(location)
        let rest = try #require(loc.range(of: prefix)).upperBound
        return String(loc[rest...].prefix(36))
    }

    @Test("register, screen (a stop blocks planning), consent, plan, accept, document with an acknowledged caution, sign, addend")
    func courseOfCare() async throws {
        try await withServer { s in
            let b = try await BrowserSession.signIn(s, email: "practitioner@a.example")
            let bad = try await b.post("/patients", [("givenName", "Amara"), ("familyName", ""), ("birthDate", "1990-02-30"), ("fitzpatrick", "4")])
            #expect(bad.status == .badRequest)
            #expect(bad.text.contains("Enter the family name.") && bad.text.contains("Enter the birth date as YYYY-MM-DD."))
            #expect(bad.text.contains("value=\"Amara\""), "what was typed comes back")
            let created = try await b.post(
                "/patients",
                [
                    ("givenName", "Amara"), ("familyName", "Osei"), ("birthDate", "1990-02-03"),
                    ("sex", "female"), ("fitzpatrick", "3")
                ])
            let pid = try Self.id(after: "/patients/", in: created.headers.first(name: .location))

            let day = PageRoutes.today(in: "UTC").description
            let screened = try await b.post("/patients/\(pid)/screening", [("answeredOn", day)] + Self.answers(isotretinoin: true))
            #expect(screened.status == .seeOther)
            let findings = try await b.get("/patients/\(pid)/screening")
            #expect(findings.text.contains("data-rule=\"SCR-ISOTRETINOIN\"") && findings.text.contains("id=\"screening-blocks\""))
            let blocked = try await b.get("/patients/\(pid)/courses/new")
            #expect(blocked.text.contains("id=\"planning-blocked\"") && !blocked.text.contains("id=\"preview-plan\""))
            _ = try await b.post("/patients/\(pid)/screening", [("answeredOn", day)] + Self.answers(isotretinoin: false))
            #expect(try await b.get("/patients/\(pid)/courses/new").text.contains("id=\"preview-plan\""))

            let unsigned = try await b.post("/patients/\(pid)/consents", [("kind", "treatment"), ("signedByName", "Amara")])
            #expect(unsigned.status == .badRequest && unsigned.text.contains("must confirm"))
            let consent = try await b.post("/patients/\(pid)/consents", [("kind", "treatment"), ("signedByName", "Amara Osei"), ("confirmed", "yes")])
            #expect(consent.status == .seeOther)

            let plan: [(String, String)] = [
                ("indication", "acne-scars"), ("zone", "cheek:left"), ("zone", "cheek:right"), ("deviceKind", "pen"),
                ("depthMin", "0.25"), ("depthMax", "2.5"), ("material", "stainless-steel"), ("startDate", day),
                ("sessions", ""), ("intervalWeeks", ""), ("goal", "Smoother cheeks"), ("goalScore", "2")
            ]
            let preview = try await b.post("/patients/\(pid)/courses/preview", plan)
            #expect(preview.status == .ok && preview.text.contains("id=\"propose-course\""))
            #expect(preview.text.contains("name=\"depth-6-cheek:right\""), "six sessions, each zone's depth adjustable")
            let tooDeep = try await b.post("/patients/\(pid)/courses", plan + [("depth-2-cheek:left", "2.75")])
            #expect(
                tooDeep.status == .unprocessableEntity && tooDeep.text.contains("DEPTH-SITE-STOP"), "an adjusted depth above the ceiling is refused")
            let proposed = try await b.post("/patients/\(pid)/courses", plan)
            let cid = try Self.id(after: "/courses/", in: proposed.headers.first(name: .location))
            #expect(
                try await b.post("/courses/\(cid)/accept", (0..<6).map { ("ack-\($0)", "Phototype discussed; conservative depth") }).status
                    == .seeOther)
            let form = try await b.get("/courses/\(cid)/sessions/new")
            #expect(form.text.contains("data-depth-for=\"cheek:left\"") && form.text.contains("value=\"1\""), "pre-filled from the plan")

            var session: [(String, String)] = [
                ("date", day), ("treat-cheek:left", "yes"), ("depth-cheek:left", "1"), ("passes-cheek:left", "2"),
                ("endpoint-cheek:left", "uniform erythema"), ("treat-cheek:right", "yes"), ("depth-cheek:right", "1"),
                ("passes-cheek:right", "2"), ("endpoint-cheek:right", "erythema"), ("sterilityKind", "single-use"),
                ("scan", ""), ("lotChoice", ""), ("reaction", "erythema")
            ]
            let noLot = try await b.post("/courses/\(cid)/sessions", session)
            #expect(noLot.status == .badRequest && noLot.text.contains("Scan the cartridge"))
            #expect(noLot.text.contains("value=\"uniform erythema\""), "nothing typed is lost")
            session[10] = ("scan", testScan)
            let unacknowledged = try await b.post("/courses/\(cid)/sessions", session)
            #expect(unacknowledged.status == .unprocessableEntity)
            #expect(unacknowledged.text.contains("data-rule=\"DEV-HANDPIECE\"") && unacknowledged.text.contains("name=\"ack|DEV-HANDPIECE|\""))
            #expect(unacknowledged.text.contains("value=\"\(testScan)\"") && unacknowledged.text.contains("value=\"uniform erythema\""))
            let live = try await s.app.testing().sendRequest(
                .POST, "/courses/\(cid)/sessions/check",
                headers: [
                    "Cookie": "\(WebCookies.session)=\(b.cookie)", "Content-Type": "application/x-www-form-urlencoded",
                    "X-Requested-With": "stratum-check", "X-CSRF-Token": b.csrf
                ], body: ByteBuffer(string: BrowserSession.encode(session)))
            #expect(live.status == .ok && live.headers.contentType == .json)
            #expect(
                (live.json["findings"] as? [[String: Any]])?.contains {
                    $0["rule"] as? String == "DEV-HANDPIECE" && $0["ackField"] as? String == "ack|DEV-HANDPIECE|"
                } == true)
            let recorded = try await b.post(
                "/courses/\(cid)/sessions", session + [("ack|DEV-HANDPIECE|", "Handpiece wiped with 70% alcohol, log entry missed")])
            #expect(recorded.status == .seeOther)
            let sid = try Self.id(after: "/sessions/", in: recorded.headers.first(name: .location))
            let page = try await b.get("/sessions/\(sid)")
            #expect(page.text.contains("Handpiece wiped with 70% alcohol") && page.text.contains("id=\"sign-session\""))
            #expect(try await b.post("/sessions/\(sid)/sign", []).status == .seeOther)
            #expect(try await b.post("/sessions/\(sid)/addenda", [("text", "Patient called on day 2: redness settled.")]).status == .seeOther)
            let signed = try await b.get("/sessions/\(sid)")
            #expect(signed.text.contains("redness settled") && !signed.text.contains("id=\"sign-session\""))
            let again = try await b.post("/sessions/\(sid)/sign", [])
            #expect(again.status == .conflict, "a signed session cannot be signed again")

            let score = try await b.post(
                "/patients/\(pid)/assessments", [("courseId", cid), ("scale", "goodman-baron"), ("score", "5"), ("kind", "baseline"), ("date", day)])
            #expect(score.status == .badRequest && score.text.contains("goodman-baron scores run from 1 to 4"))
            #expect(
                try await b.post(
                    "/patients/\(pid)/assessments",
                    [("courseId", cid), ("scale", "goodman-baron"), ("score", "3"), ("kind", "baseline"), ("date", day)]
                ).status == .seeOther)
            let progress = try await b.get("/courses/\(cid)/progress")
            #expect(progress.text.contains("class=\"chart-point\"") && progress.text.contains("class=\"chart-goal\""))
            let ics = try await b.get("/courses/\(cid)/visits.ics")
            #expect(ics.text.components(separatedBy: "BEGIN:VEVENT").count - 1 == 6)
            let aftercare = try await b.get("/sessions/\(sid)/aftercare")
            #expect(aftercare.text.contains("id=\"call-clinic\"") && aftercare.text.contains("Day 7"))

            let event = try await b.post(
                "/patients/\(pid)/adverse-events",
                [
                    ("type", "prolonged-erythema"), ("onset", day), ("grade", "1"),
                    ("cause", "needle-length"), ("sessionId", sid)
                ])
            let eid = try Self.id(after: "/adverse-events/", in: event.headers.first(name: .location))
            #expect(
                try await b.post("/adverse-events/\(eid)/follow-ups", [("notedOn", day), ("grade", "1"), ("text", "Settling")]).status == .seeOther)
            #expect(try await b.post("/adverse-events/\(eid)/close", []).status == .seeOther)
            #expect(try await b.get("/adverse-events/\(eid)").text.contains("Settling"))

            // The front desk may register patients but never sees the clinical record.
            let desk = try await BrowserSession.signIn(s, email: "front-desk@a.example")
            let chart = try await desk.get("/patients/\(pid)")
            #expect(chart.status == .ok && !chart.text.contains("id=\"screening\"") && !chart.text.contains("id=\"sessions\""))
            #expect(try await desk.get("/sessions/\(sid)").status == .forbidden)
        }
    }
}
