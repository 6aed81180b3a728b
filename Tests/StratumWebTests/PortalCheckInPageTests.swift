import Foundation
import StratumCore
import StratumStore
import StratumTestFixtures
@testable import StratumWeb
import Testing
import VaporTesting

extension PublicVisitor {
    /// Posts the portal's check-in form as a browser does (multipart, with the portal session's CSRF token).
    mutating func checkIn(_ fields: [(String, String)], photo: [UInt8]? = nil) async throws -> TestingHTTPResponse {
        let home = try await get("/portal")
        let csrf = try #require(BrowserSession.hidden("_csrf", in: home.text), "signed in to the portal")
        let boundary = "----stratum-portal-boundary"
        var body = ByteBuffer()
        for (k, v) in fields + [("_csrf", csrf)] {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n")
        }
        if let photo {
            body.writeString(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"skin.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n")
            body.writeBytes(photo)
            body.writeString("\r\n")
        }
        body.writeString("--\(boundary)--\r\n")
        var headers = header()
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        let r = try await app.testing().sendRequest(.POST, "/portal/check-in", headers: headers, body: body)
        absorb(r)
        return r
    }
}

/// The clinic's phone on its settings, as the owner sets it.
func setClinicPhone(_ s: TestServer, _ phone: String) async throws {
    let owner = try await BrowserSession.signIn(s, email: "owner@a.example")
    let settings = [
        ("name", "Alder Central"), ("address", ""), ("phone", phone), ("email", ""), ("timezone", "Europe/London"), ("packShelfLifeDays", "")
    ]
    #expect(try await owner.post("/clinic/settings", settings).status == .seeOther)
}

@Suite("The portal's daily check-in through its pages, the report on Today, and the patient's own photos")
struct PortalCheckInPageTests {
    @Test(
        "day 3 with pus: refused bad answers change nothing; the patient is told to call now; Today shows the flag; confirmed, it stops the next session"
    )
    func warningSignToReactionUnresolved() async throws {
        try await withServer(clock: .fixed(portalNow)) { s in
            try await setClinicPhone(s, "+44 20 7946 0100")
            let (_, course, _) = try await portalPatientViaAPI(s, given: "Mira", family: "Okafor", email: "mira@example.com")
            var mira = try await portalSignIn(s, email: "mira@example.com")
            let home = try await mira.get("/portal")
            #expect(home.text.contains("How is your skin today?") && home.text.contains("href=\"/portal/check-in\""))
            #expect(home.text.contains("href=\"/portal/photos\""))
            let form = try await mira.get("/portal/check-in")
            #expect(form.status == .ok && form.text.contains("Day 3 after your session of 2026-12-01"))
            #expect(!form.text.contains("id=\"photo\""), "no photo consent: no photo field")

            let before = (try await rowCount(s, "portal_check_ins"), try await rowCount(s, "check_in_flags"))
            let bad = try await mira.checkIn([("swelling", "mild"), ("pain", "11"), ("sign[]", "itchy")])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains("Redness: choose one") && bad.text.contains("Pain: a number from 0 (no pain) to 10"))
            #expect(bad.text.contains("Warning signs: itchy is not one of the listed signs"))
            #expect(bad.text.contains("value=\"mild\" id=\"swelling-mild\" checked"), "the answers come back as typed")
            let photoWithout = try await mira.checkIn(
                [("redness", "mild"), ("swelling", "mild"), ("pain", "2")], photo: PhotoSamples.phoneJPEG)
            #expect(photoWithout.status == .unprocessableEntity && photoWithout.text.contains("Photo: Photos in the portal need your photo consent"))
            #expect((try await rowCount(s, "portal_check_ins"), try await rowCount(s, "check_in_flags")) == before, "nothing written")

            let sent = try await mira.checkIn([("redness", "moderate"), ("swelling", "mild"), ("pain", "4"), ("sign[]", "pus")])
            #expect(sent.status == .seeOther && sent.headers.first(name: .location) == "/portal/check-in")
            let answer = try await mira.get("/portal/check-in")
            #expect(answer.text.contains("Call the clinic now") && answer.text.contains("id=\"call-clinic-phone\" href=\"tel:+44 20 7946 0100\""))
            #expect(answer.text.contains("Pus or yellow crusts") && !answer.text.contains("id=\"check-in-form\""))
            let again = try await mira.checkIn([("redness", "mild"), ("swelling", "mild"), ("pain", "2")])
            #expect(again.status == .conflict && again.text.contains("already sent today"), "one check-in a day: \(again.status)")
            #expect(try await rowCount(s, "portal_check_ins") == 1)

            // The practitioner sees the report on Today and opens the draft.
            let doc = try await BrowserSession.signIn(s, email: "practitioner@a.example")
            let today = try await doc.get("/today")
            let section = try #require(today.text.components(separatedBy: "id=\"patient-reports\"").last?.components(separatedBy: "</section>").first)
            #expect(section.contains("Mira Okafor") && section.contains("day 3 after the session") && section.contains("Pus or yellow crusts"))
            let link = try #require(section.components(separatedBy: "href=\"/patient-reports/").dropFirst().first?.prefix(36))
            let draft = try await doc.get("/patient-reports/\(link)")
            #expect(draft.status == .ok && draft.text.contains("value=\"infection-bacterial\" selected") && draft.text.contains("id=\"grade-2\""))
            let noReason = try await doc.post("/patient-reports/\(link)/dismiss", [("reason", "  ")])
            #expect(noReason.status == .unprocessableEntity && noReason.text.contains("Reason: Must not be blank"))
            let badGrade = try await doc.post("/patient-reports/\(link)/confirm", [("type", "infection-bacterial"), ("grade", "9")])
            #expect(badGrade.status == .unprocessableEntity && badGrade.text.contains("Grade: choose the CTCAE grade"))
            #expect(try await rowCount(s, "adverse_events") == 0)
            let confirmed = try await doc.post("/patient-reports/\(link)/confirm", [("type", "infection-bacterial"), ("grade", "2"), ("notes", "")])
            #expect(confirmed.status == .seeOther && confirmed.headers.first(name: .location)?.hasPrefix("/adverse-events/") == true)
            #expect(try await rowCount(s, "adverse_events") == 1)
            let after = try await doc.get("/today")
            #expect(after.text.contains("No open reports from patients") && after.text.contains("infection-bacterial"))
            #expect(try await doc.post("/patient-reports/\(link)/confirm", [("type", "infection-bacterial"), ("grade", "2")]).status == .conflict)

            // The next session of the course is stopped by REACTION-UNRESOLVED, as for an event the clinic recorded.
            let next = try await s.send(
                .POST, "/api/v1/courses/\(course)/sessions", token: s.token("a", .practitioner), json: sessionJSON(date: "2026-12-04"))
            #expect(next.status == .unprocessableEntity && next.text.contains("REACTION-UNRESOLVED"), "\(next.text)")
        }
    }

    @Test("a front desk sees no reports and may not open a draft; the draft of another organization is not found")
    func roles() async throws {
        try await withServer(clock: .fixed(portalNow)) { s in
            _ = try await portalPatientViaAPI(s, given: "Mira", family: "Okafor", email: "mira@example.com")
            var mira = try await portalSignIn(s, email: "mira@example.com")
            #expect(try await mira.checkIn([("redness", "mild"), ("swelling", "mild"), ("pain", "2"), ("sign[]", "fever")]).status == .seeOther)
            let doc = try await BrowserSession.signIn(s, email: "practitioner@a.example")
            let section = try #require(
                try await doc.get("/today").text.components(separatedBy: "id=\"patient-reports\"").last?.components(separatedBy: "</section>").first)
            let link = String(try #require(section.components(separatedBy: "href=\"/patient-reports/").dropFirst().first?.prefix(36)))
            for email in ["front-desk@a.example", "practitioner@b.example"] {
                guard let other = try? await BrowserSession.signIn(s, email: email) else { continue }
                #expect(!(try await other.get("/today")).text.contains("Mira Okafor"), "\(email) sees the report on Today")
                let r = try await other.get("/patient-reports/\(link)")
                #expect(r.status == .forbidden || r.status == .notFound, "\(email): \(r.status)")
                #expect(!r.text.contains("Mira Okafor"))
            }
        }
    }

    @Test("my photos: none without a photo consent; with one, the check-in photo is shown and served to its patient only")
    func photos() async throws {
        try await withServer(clock: .fixed(portalNow)) { s in
            let (mira, _, _) = try await portalPatientViaAPI(s, given: "Mira", family: "Okafor", email: "mira@example.com")
            let (zoltan, _, _) = try await portalPatientViaAPI(s, given: "Zoltan", family: "Brightwater", email: "zoltan@example.com")
            var m = try await portalSignIn(s, email: "mira@example.com")
            #expect(try await m.get("/portal/photos").text.contains("id=\"photos-not-allowed\""))
            for pid in [mira, zoltan] {
                #expect(
                    try await s.send(
                        .POST, "/api/v1/patients/\(pid)/consents", token: s.token("a", .practitioner),
                        json:
                            #"{"kind": "photo", "photoTier": "record-only", "textVersion": "1", "signedByName": "Signer", "confirmed": true, "signedOn": "2026-11-20"}"#
                    ).status == .created)
            }
            #expect(try await m.get("/portal/check-in").text.contains("id=\"photo\""))
            let gif = try await m.checkIn([("redness", "mild"), ("swelling", "mild"), ("pain", "2")], photo: PhotoSamples.gif)
            #expect(gif.status == .unprocessableEntity && gif.text.contains("Photo: "), "the clinic's reader refuses it, naming the field")
            #expect(try await rowCount(s, "portal_check_ins") == 0)
            let sent = try await m.checkIn(
                [("redness", "mild"), ("swelling", "mild"), ("pain", "2"), ("sign[]", "dark-patches")], photo: PhotoSamples.phoneJPEG)
            #expect(sent.status == .seeOther)
            // The clinic sees the photo on the draft; a role that may not read photos does not.
            let doc = try await BrowserSession.signIn(s, email: "practitioner@a.example")
            let section = try #require(
                try await doc.get("/today").text.components(separatedBy: "id=\"patient-reports\"").last?.components(separatedBy: "</section>").first)
            let flag = String(try #require(section.components(separatedBy: "href=\"/patient-reports/").dropFirst().first?.prefix(36)))
            #expect(try await doc.get("/patient-reports/\(flag)").text.contains("src=\"/patient-reports/\(flag)/photo\""))
            let seen = try await doc.get("/patient-reports/\(flag)/photo")
            #expect(seen.status == .ok && seen.headers.contentType?.description == "image/jpeg")
            let desk = try await BrowserSession.signIn(s, email: "front-desk@a.example")
            #expect(try await desk.get("/patient-reports/\(flag)/photo").status == .forbidden)
            let page = try await m.get("/portal/photos")
            let id = String(try #require(page.text.components(separatedBy: "src=\"/portal/photos/").dropFirst().first?.prefix(36)))
            #expect(page.text.contains("Day 3 after your session"))
            let image = try await m.get("/portal/photos/\(id)")
            #expect(image.status == .ok && image.headers.contentType?.description == "image/jpeg")
            var z = try await portalSignIn(s, email: "zoltan@example.com")
            #expect(try await z.get("/portal/photos/\(id)").status == .notFound, "another patient's photo is not found")
            #expect(!(try await z.get("/portal/photos")).text.contains(id))
        }
    }

    @Test("the check-in closes after day 7: no link on the home page, the page says why, a post is refused naming the day")
    func closedAfterDaySeven() async throws {
        let clock = MovingClock(portalNow)
        try await withServer(clock: WallClock { clock.now }) { s in
            _ = try await portalPatientViaAPI(s, given: "Mira", family: "Okafor", email: "mira@example.com")
            clock.advance(5 * 86_400)
            // Signed in as `portalSignIn` does, the mail read at the server's (moved) clock.
            var mira = PublicVisitor(app: s.app)
            #expect(try await mira.submit("/portal/sign-in", [("email", "mira@example.com")]).status == .ok)
            let due = try await MailOutbox(database: s.state.database).claimDue(now: clock.now.addingTimeInterval(60), limit: 20)
            let body = try #require(due.last { $0.mail.kind == "portal-link" }?.mail.body)
            let start = try #require(body.range(of: "/portal/sign-in/"))
            let token = String(body[start.upperBound...].prefix { !$0.isWhitespace })
            #expect(try await mira.submit("/portal/sign-in/\(token)", [("birthDate", "1988-03-14")]).status == .seeOther)
            #expect(!(try await mira.get("/portal")).text.contains("href=\"/portal/check-in\""), "day 8: no check-in link")
            let page = try await mira.get("/portal/check-in")
            #expect(page.status == .ok && page.text.contains("id=\"check-in-closed\"") && !page.text.contains("id=\"check-in-form\""))
            let late = try await mira.checkIn([("redness", "mild"), ("swelling", "mild"), ("pain", "2")])
            #expect(late.status == .unprocessableEntity && late.text.contains("today is day 8"), "\(late.status)")
            #expect(try await rowCount(s, "portal_check_ins") == 0)
        }
    }

    @Test("a check-in's photo allowance is read only for a portal session: an anonymous 16 MiB post is refused at once, 17 MiB is too large")
    func bodyLimit() async throws {
        try await withServer(clock: .fixed(portalNow)) { s in
            try await s.app.asyncBoot()
            try await s.app.server.start(address: .hostname("127.0.0.1", port: 0))
            do {
                let port = try #require(s.app.http.server.shared.localAddress?.port)
                let head = { (length: Int) in
                    "POST /portal/check-in HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=x\r\n"
                        + "Content-Length: \(length)\r\n\r\n"
                }
                let anonymous = try await PhotoBodyLimitTests.statusLine(port: port, head(16 * 1_048_576 - 1))
                #expect(anonymous == "HTTP/1.1 403 Forbidden", "\(anonymous ?? "no answer within 30 s: the body was being read")")
                let huge = try await PhotoBodyLimitTests.statusLine(port: port, head(17 * 1_048_576))
                #expect(huge?.hasPrefix("HTTP/1.1 413") == true, "\(huge ?? "no answer")")
            } catch {
                await s.app.server.shutdown()
                throw error
            }
            await s.app.server.shutdown()
        }
    }
}
