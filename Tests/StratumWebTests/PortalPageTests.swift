import Foundation
import SQLKit
import StratumCore
import StratumStore
import StratumTestFixtures
@testable import StratumWeb
import Testing
import VaporTesting

/// A patient of organization A with `email`, an accepted course from 2026-12-01 and its first session at 1.0 mm on
/// that day, through the API as the clinic records them.
func portalPatientViaAPI(_ s: TestServer, given: String, family: String, email: String) async throws -> (
    patient: String, course: String, session: String
) {
    let doc = s.token("a", .practitioner)
    let patient = try await s.send(
        .POST, "/api/v1/patients", token: doc,
        json: patientJSON(clinic: s.clinicA.id, given: given, family: family, extra: #", "email": "\#(email)", "confirmDuplicate": true"#)
            .replacingOccurrences(of: "\"fitzpatrick\": 5", with: "\"fitzpatrick\": 2"))
    let pid = try #require(patient.json["id"] as? String, "\(patient.text)")
    #expect(try await s.send(.POST, "/api/v1/patients/\(pid)/screenings", token: doc, json: cleanScreening).status == .created)
    #expect(
        try await s.send(
            .POST, "/api/v1/patients/\(pid)/consents", token: doc,
            json: #"{"kind": "treatment", "textVersion": "1", "signedByName": "Signer", "confirmed": true, "signedOn": "2026-11-20"}"#
        ).status == .created)
    let course = try await s.send(.POST, "/api/v1/patients/\(pid)/courses", token: doc, json: coursePlan)
    let cid = try #require(course.json["id"] as? String)
    #expect(try await s.acceptCourse(cid, token: doc).status == .ok)
    let session = try await s.send(.POST, "/api/v1/courses/\(cid)/sessions", token: doc, json: sessionJSON(date: "2026-12-01"))
    let sid = try #require(session.json["id"] as? String, "\(session.text)")
    return (pid, cid, sid)
}

/// Signs a patient in to the portal as they would: asks for the link, follows the mailed link, types the birth date.
func portalSignIn(_ s: TestServer, email: String, birthDate: String = "1988-03-14") async throws -> PublicVisitor {
    var visitor = PublicVisitor(app: s.app)
    let asked = try await visitor.submit("/portal/sign-in", [("email", email)])
    #expect(asked.status == .ok && asked.text.contains("id=\"portal-link-sent\""))
    let token = try await mailedLink(s, kind: "portal-link", to: email, path: "/portal/sign-in/")
    let opened = try await visitor.submit("/portal/sign-in/\(token)", [("birthDate", birthDate)])
    #expect(opened.status == .seeOther && opened.headers.first(name: .location) == "/portal")
    #expect(visitor.cookies[PortalCookie.name] != nil)
    return visitor
}

/// A server clock a test moves forward.
final class MovingClock: @unchecked Sendable {
    private let lock = NSLock()
    private var instant: Date
    init(_ start: Date) { instant = start }
    var now: Date { lock.withLock { instant } }
    func advance(_ seconds: TimeInterval) { lock.withLock { instant += seconds } }
}

/// 2026-12-04 at noon UTC: day 3 after the session of 2026-12-01.
let portalNow = Date(timeIntervalSince1970: 1_796_385_600)

@Suite("The patient portal through its pages: the mailed link, the date of birth, the home page, and its walls")
struct PortalPageTests {
    @Test("the mailed link and the date of birth open the home page: the name, the planned visits, day 3's aftercare and the clinic's phone")
    func signInAndHome() async throws {
        try await withServer(clock: .fixed(portalNow)) { s in
            let owner = try await BrowserSession.signIn(s, email: "owner@a.example")
            let settings = [
                ("name", "Alder Central"), ("address", ""), ("phone", "+44 20 7946 0100"), ("email", ""), ("timezone", "Europe/London"),
                ("packShelfLifeDays", "")
            ]
            #expect(try await owner.post("/clinic/settings", settings).status == .seeOther)
            let (patient, _, _) = try await portalPatientViaAPI(s, given: "Mira", family: "Okafor", email: "mira@example.com")

            var visitor = PublicVisitor(app: s.app)
            #expect(try await visitor.get("/portal").headers.first(name: .location) == "/portal/sign-in", "no session: to the sign-in")
            let bad = try await visitor.submit("/portal/sign-in", [("email", "not an email")])
            #expect(bad.status == .unprocessableEntity && bad.text.contains("Email: not an email address"))
            let known = try await visitor.submit("/portal/sign-in", [("email", "Mira@Example.com")])
            let unknown = try await visitor.submit("/portal/sign-in", [("email", "ghost@example.com")])
            let answer = { (t: String) in t.components(separatedBy: "id=\"portal-link-sent\"").last?.components(separatedBy: "</p>").first }
            #expect(known.status == unknown.status && answer(known.text) == answer(unknown.text) && answer(known.text) != nil)

            let due = try await MailOutbox(database: s.state.database).claimDue(now: portalNow.addingTimeInterval(60), limit: 20)
            let mail = try #require(due.first { $0.mail.kind == "portal-link" })
            #expect(mail.mail.recipient == "mira@example.com" && mail.mail.body.contains("http://127.0.0.1:8080/portal/sign-in/"))
            for clinical in ["Okafor", "Mira", "1988", "acne", "1.0", "cheek"] {
                #expect(!mail.mail.body.contains(clinical) && !mail.mail.subject.contains(clinical), "the mail holds no clinical data: \(clinical)")
            }
            let token = try await mailedLink(s, kind: "portal-link", to: "mira@example.com", path: "/portal/sign-in/")
            let typo = try await visitor.submit("/portal/sign-in/\(token)", [("birthDate", "14/03/1988")])
            #expect(typo.status == .unprocessableEntity && typo.text.contains("Date of birth: not a date of birth"))
            let wrong = try await visitor.submit("/portal/sign-in/\(token)", [("birthDate", "1988-03-15")])
            #expect(wrong.status == .unauthorized && wrong.text.contains("This link has ended, or the date of birth does not match it"))
            let opened = try await visitor.submit("/portal/sign-in/\(token)", [("birthDate", "1988-03-14")])
            #expect(opened.status == .seeOther)
            let cookie = try #require(opened.headers.setCookie?[PortalCookie.name])
            #expect(cookie.isHTTPOnly && cookie.sameSite == .strict && cookie.path == "/portal")

            let home = try await visitor.get("/portal")
            #expect(home.status == .ok && home.headers.first(name: .cacheControl) == "no-store")
            let page = home.text
            #expect(page.contains("<span id=\"portal-name\">Mira Okafor</span>"))
            #expect(page.contains("Caring for your skin after your session of 2026-12-01") && page.contains("Today is day 3 after your session"))
            #expect(page.contains("aria-current=\"step\""), "today's step is marked")
            #expect(page.contains("id=\"call-clinic\"") && page.contains("href=\"tel:+44 20 7946 0100\""))
            #expect(!page.contains("<script>") && !page.contains("class=\"topbar\""), "no staff chrome")
            let visits = try #require(page.components(separatedBy: "id=\"portal-visits\"").last?.components(separatedBy: "</section>").first)
            #expect(!visits.contains("2026-12-01") && visits.contains("<li>2026-"), "the planned visits from today on: \(visits)")

            let sql = s.state.database.database as! any SQLDatabase
            let rows = try await sql.raw(
                "SELECT actor_id, patient_id, action FROM audit_events WHERE resource IN ('portal.sign-in', 'portal.home') ORDER BY seq"
            ).all()
            let pid = try #require(UUID(uuidString: patient))
            #expect(
                try rows.map { try $0.decode(column: "action", as: String.self) } == ["sign-in", "sign-in", "read"],
                "a wrong date, the sign-in, one page")
            for row in rows {
                #expect(try row.decode(column: "actor_id", as: UUID.self) == pid && row.decode(column: "patient_id", as: UUID.self) == pid)
            }
        }
    }

    @Test(
        "id substitution: patient A's portal session reads nothing of patient B on any portal route, and opens no staff page or API route")
    func idSubstitution() async throws {
        try await withServer(clock: .fixed(portalNow)) { s in
            _ = try await portalPatientViaAPI(s, given: "Mira", family: "Okafor", email: "mira@example.com")
            let b = try await portalPatientViaAPI(s, given: "Zoltan", family: "Brightwater", email: "zoltan@example.com")
            // B's own check-in (with a warning sign and a photo under B's photo consent): ids of B's a path could name.
            #expect(
                try await s.send(
                    .POST, "/api/v1/patients/\(b.patient)/consents", token: s.token("a", .practitioner),
                    json:
                        #"{"kind": "photo", "photoTier": "record-only", "textVersion": "1", "signedByName": "Signer", "confirmed": true, "signedOn": "2026-11-20"}"#
                ).status == .created)
            var zoltan = try await portalSignIn(s, email: "zoltan@example.com")
            #expect(
                try await zoltan.checkIn([("redness", "mild"), ("swelling", "mild"), ("pain", "3"), ("sign[]", "pus")], photo: PhotoSamples.jpeg(7))
                    .status == .seeOther)
            let sql = s.state.database.database as! any SQLDatabase
            let bCheckIn = try #require(try await sql.raw("SELECT id FROM portal_check_ins").first()?.decode(column: "id", as: UUID.self))
            let bFlag = try #require(try await sql.raw("SELECT id FROM check_in_flags").first()?.decode(column: "id", as: UUID.self))
            var mira = try await portalSignIn(s, email: "mira@example.com")
            let portalToken = try #require(mira.cookies[PortalCookie.name])
            let bIDs = [b.patient, b.course, b.session, bCheckIn.uuidString.lowercased(), bFlag.uuidString.lowercased()]
            // Every portal route, with B's ids in every place a path or a query could carry one.
            var portalPaths = [
                "/portal", "/portal/sign-in", "/portal/appointments", "/portal/check-in", "/portal/photos", "/portal/screening", "/portal/consent"
            ]
            for id in bIDs {
                portalPaths += [
                    "/portal/screening?patientId=\(id)", "/portal/consent?patientId=\(id)", "/portal/screening/\(id)",
                    "/portal/consent/\(id)", "/portal/screening?patient=\(id)&homeScreeningId=\(id)",
                    "/portal?patientId=\(id)", "/portal?patient=\(id)&course=\(id)&session=\(id)", "/portal/patients/\(id)",
                    "/portal/sessions/\(id)", "/portal/courses/\(id)", "/portal/sessions/\(id)/aftercare", "/portal/\(id)",
                    "/portal/sign-in/\(id)", "/portal/appointments?patientId=\(id)", "/portal/check-in?patientId=\(id)&session=\(id)",
                    "/portal/check-ins/\(id)", "/portal/photos/\(id)", "/portal/photos?patientId=\(id)", "/portal/check-in/\(id)"
                ]
            }
            #expect(try await mira.get("/portal/photos/\(bCheckIn.uuidString.lowercased())").status == .notFound, "B's check-in photo")
            let own = try await mira.get("/portal/check-in")
            #expect(own.text.contains("id=\"check-in-form\"") && !own.text.contains("id=\"call-now\""), "B's answer is not Mira's")
            // Mira's check-in with B's ids in the form is Mira's, and leaves B's untouched.
            #expect(
                try await mira.checkIn([
                    ("redness", "mild"), ("swelling", "mild"), ("pain", "1"), ("patientId", b.patient), ("sessionId", b.session),
                    ("checkInId", bCheckIn.uuidString)
                ]).status == .seeOther)
            let owners = try await sql.raw("SELECT patient_id FROM portal_check_ins").all().map { try $0.decode(column: "patient_id", as: UUID.self) }
            #expect(owners.filter { $0 == UUID(uuidString: b.patient) }.count == 1 && owners.count == 2)
            for path in portalPaths {
                let r = try await mira.get(path)
                #expect(!r.text.contains("Brightwater") && !r.text.contains("Zoltan"), "\(path) shows patient B")
                #expect(r.status == .ok || r.status == .notFound || r.status == .seeOther, "\(path): \(r.status)")
            }
            #expect(
                try await mira.get("/portal?patientId=\(b.patient)").text.contains("Mira Okafor"), "the session's own patient, whatever the query")
            // Posting B's ids to the portal's forms changes nothing of B's and signs nobody in as B.
            let home = try await mira.get("/portal")
            let csrf = try #require(BrowserSession.hidden("_csrf", in: home.text))
            var headers = mira.header()
            headers.contentType = .urlEncodedForm
            let forged = try await s.app.testing().sendRequest(
                .POST, "/portal/sign-in/\(b.session)", headers: headers,
                body: ByteBuffer(string: BrowserSession.encode([("_csrf", csrf), ("birthDate", "1988-03-14"), ("patientId", b.patient)])))
            #expect(forged.status == .forbidden, "the sign-in form takes its own token, not the session's")

            // Every staff page and API route, with the portal's token as the staff cookie, the portal cookie, or a bearer.
            let staffPaths = s.app.routes.all.filter { $0.method == .GET }
                .map { r in
                    "/"
                        + r.path.map { c -> String in
                            if case .parameter(let name) = c {
                                return name.hasPrefix("course") ? b.course : name.hasPrefix("session") ? b.session : b.patient
                            }
                            return c.description
                        }.joined(separator: "/")
                }
                .filter { !$0.hasPrefix("/portal") }
            #expect(staffPaths.count > 40, "the routes are enumerated from the route table (\(staffPaths.count))")
            let open: Set<String> = ["/health", "/ready", "/metrics", "/openapi.yaml", "/docs", "/login", "/password/forgot", "/login/code"]
            for path in staffPaths {
                for cookie in ["\(WebCookies.session)=\(portalToken)", "\(PortalCookie.name)=\(portalToken)"] {
                    var h = HTTPHeaders()
                    h.replaceOrAdd(name: .cookie, value: cookie)
                    let r = try await s.app.testing().sendRequest(.GET, path, headers: h)
                    #expect(!r.text.contains("Brightwater") && !r.text.contains("Okafor"), "\(path) with \(cookie.prefix(16)) shows a patient")
                    if !open.contains(path) && !path.hasPrefix("/invitations/") && !path.hasPrefix("/password/reset/") && !path.hasPrefix("/css") {
                        #expect(
                            r.status == .unauthorized || r.status == .seeOther || r.status == .notFound || r.status == .methodNotAllowed,
                            "\(path) answered \(r.status) to a portal session")
                        if r.status == .seeOther { #expect(r.headers.first(name: .location)?.hasPrefix("/login") == true, "\(path)") }
                    }
                }
                if path.hasPrefix("/api/") {
                    var h = HTTPHeaders()
                    h.bearerAuthorization = BearerAuthorization(token: portalToken)
                    let r = try await s.app.testing().sendRequest(.GET, path, headers: h)
                    #expect(r.status == .unauthorized || r.status == .notFound, "\(path) with the portal token as bearer: \(r.status)")
                    #expect(!r.text.contains("Brightwater") && !r.text.contains("Okafor"))
                }
            }
            // And the other way: a staff session opens no portal page.
            let owner = try await BrowserSession.signIn(s, email: "owner@a.example")
            var staff = PublicVisitor(app: s.app)
            staff.cookies[WebCookies.session] = owner.cookie
            staff.cookies[PortalCookie.name] = owner.cookie
            let r = try await staff.get("/portal")
            #expect(r.status == .seeOther && r.headers.first(name: .location) == "/portal/sign-in")
        }
    }

    @Test("every portal form refuses a missing or wrong CSRF token before it reads or writes anything")
    func csrf() async throws {
        try await withServer(clock: .fixed(portalNow)) { s in
            _ = try await portalPatientViaAPI(s, given: "Mira", family: "Okafor", email: "mira@example.com")
            let mira = try await portalSignIn(s, email: "mira@example.com")
            let posts = s.app.routes.all.filter { $0.method == .POST }
                .map {
                    "/"
                        + $0.path.map { c -> String in if case .parameter = c { return "some-token" } else { return c.description } }.joined(
                            separator: "/")
                }
                .filter { $0.hasPrefix("/portal") }
            #expect(
                Set(posts) == [
                    "/portal/sign-in", "/portal/sign-in/some-token", "/portal/sign-out", "/portal/appointments/some-token", "/portal/check-in",
                    "/portal/screening", "/portal/consent"
                ])
            let audit = try await rowCount(s, "audit_events")
            let outbox = try await rowCount(s, "mail_outbox")
            for path in posts {
                for token in [nil, "wrong"] as [String?] {
                    var headers = mira.header()
                    headers.contentType = .urlEncodedForm
                    var fields = [("email", "mira@example.com"), ("birthDate", "1988-03-14")]
                    if let token { fields += [("_csrf", token), ("_login", token)] }
                    let r = try await s.app.testing().sendRequest(
                        .POST, path, headers: headers, body: ByteBuffer(string: BrowserSession.encode(fields)))
                    #expect(r.status == .forbidden && r.text.contains("CSRF"), "POST \(path) with \(token ?? "no") token: \(r.status)")
                }
            }
            let (auditAfter, outboxAfter) = (try await rowCount(s, "audit_events"), try await rowCount(s, "mail_outbox"))
            #expect(auditAfter == audit && outboxAfter == outbox, "nothing was read or written")
            var still = mira
            #expect(try await still.get("/portal").status == .ok, "the forged sign-out ended nothing")
            let home = try await still.get("/portal")
            let csrf = try #require(BrowserSession.hidden("_csrf", in: home.text))
            var headers = still.header()
            headers.contentType = .urlEncodedForm
            let out = try await s.app.testing().sendRequest(
                .POST, "/portal/sign-out", headers: headers, body: ByteBuffer(string: BrowserSession.encode([("_csrf", csrf)])))
            #expect(out.status == .seeOther)
            still.absorb(out)
            #expect(try await still.get("/portal").headers.first(name: .location) == "/portal/sign-in", "signed out")
        }
    }

    @Test("a link used twice, expired or unknown gets the same answer as a wrong date of birth")
    func neutralRefusals() async throws {
        let clock = MovingClock(portalNow)
        try await withServer(clock: WallClock { clock.now }) { s in
            _ = try await portalPatientViaAPI(s, given: "Mira", family: "Okafor", email: "mira@example.com")
            var visitor = PublicVisitor(app: s.app)
            _ = try await visitor.submit("/portal/sign-in", [("email", "mira@example.com")])
            let token = try await mailedLink(s, kind: "portal-link", to: "mira@example.com", path: "/portal/sign-in/")
            let refusal = { (r: TestingHTTPResponse) in
                "\(r.status.code) "
                    + (r.text.components(separatedBy: "id=\"portal-sign-in-error\">").last?.components(separatedBy: "</p>").first ?? "")
            }
            let wrongDate = refusal(try await visitor.submit("/portal/sign-in/\(token)", [("birthDate", "1970-01-01")]))
            let unknown = refusal(try await visitor.submit("/portal/sign-in/unknown-link", [("birthDate", "1988-03-14")]))
            #expect(try await visitor.submit("/portal/sign-in/\(token)", [("birthDate", "1988-03-14")]).status == .seeOther)
            let usedTwice = refusal(try await visitor.submit("/portal/sign-in/\(token)", [("birthDate", "1988-03-14")]))
            _ = try await visitor.submit("/portal/sign-in", [("email", "mira@example.com")])
            let late = try await mailedLink(s, kind: "portal-link", to: "mira@example.com", path: "/portal/sign-in/")
            #expect(late != token)
            clock.advance(PortalInputRules.linkLifetime + 1)
            let expired = refusal(try await visitor.submit("/portal/sign-in/\(late)", [("birthDate", "1988-03-14")]))
            #expect(wrongDate.hasPrefix("401 This link has ended"))
            #expect(unknown == wrongDate && usedTwice == wrongDate && expired == wrongDate)
            // The form itself looks the same for a live and a dead link: the page tells nobody which links work.
            let live = try await visitor.get("/portal/sign-in/unknown-link")
            #expect(live.status == .ok && live.text.contains("id=\"birthDate\""))
        }
    }
}
