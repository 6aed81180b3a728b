import Foundation
import NIOCore
import StratumStore
@testable import StratumWeb
import Testing
import Vapor
import VaporTesting

/// A person without a session filling in a public form: the page's `_login` token and its cookie, then the post.
struct PublicVisitor: Sendable {
    let app: Application
    var cookies: [String: String] = [:]

    func header() -> HTTPHeaders {
        var h = HTTPHeaders()
        if !cookies.isEmpty { h.replaceOrAdd(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")) }
        return h
    }

    mutating func get(_ path: String) async throws -> TestingHTTPResponse {
        let r = try await app.testing().sendRequest(.GET, path, headers: header())
        absorb(r)
        return r
    }

    /// GETs `page`, then posts `fields` with its token to `action` (the page itself when nil).
    mutating func submit(_ page: String, _ fields: [(String, String)], to action: String? = nil) async throws -> TestingHTTPResponse {
        let form = try await get(page)
        let token = try #require(BrowserSession.hidden("_login", in: form.text), "\(page) has a form")
        var headers = header()
        headers.contentType = .urlEncodedForm
        let r = try await app.testing().sendRequest(
            .POST, action ?? page, headers: headers, body: ByteBuffer(string: BrowserSession.encode([("_login", token)] + fields)))
        absorb(r)
        return r
    }

    mutating func absorb(_ r: TestingHTTPResponse) {
        for (name, value) in r.headers.setCookie?.all ?? [:] {
            if value.string.isEmpty { cookies[name] = nil } else { cookies[name] = value.string }
        }
    }
}

/// The one-time link's token in the newest mail of `kind` to `recipient`.
func mailedLink(_ s: TestServer, kind: String, to recipient: String, path: String) async throws -> String {
    let due = try await MailOutbox(database: s.state.database).claimDue(now: Date().addingTimeInterval(86400), limit: 100)
    let mail = try #require(due.last { $0.mail.kind == kind && $0.mail.recipient == recipient }, "a \(kind) mail to \(recipient)")
    let range = try #require(mail.mail.body.range(of: path), "the mail holds a link")
    return String(mail.mail.body[range.upperBound...].prefix { !$0.isWhitespace })
}

@Suite("Staff and accounts through the pages and the API")
struct StaffAccountPageTests {
    @Test("an owner invites on the staff page; the link sets a password once; the staff page shows the colleague's sign-in")
    func invitation() async throws {
        try await withServer { s in
            let owner = try await BrowserSession.signIn(s, email: "owner@a.example")
            let clinic = s.clinicA.id.uuidString.lowercased()
            let bad = try await owner.post("/staff/invitations", [("email", "not-an-email"), ("role-\(clinic)", "practitioner")])
            #expect(bad.status == .unprocessableEntity && bad.text.contains("Not an email address"))
            let sent = try await owner.post("/staff/invitations", [("email", "Nia.New@a.example"), ("role-\(clinic)", "practitioner")])
            #expect(sent.status == .seeOther)
            #expect(try await owner.get("/staff").text.contains("nia.new@a.example"))
            let token = try await mailedLink(s, kind: "invitation", to: "nia.new@a.example", path: "/invitations/")

            var visitor = PublicVisitor(app: s.app)
            let page = try await visitor.get("/invitations/\(token)")
            #expect(page.status == .ok && page.text.contains("Join Alder") && page.text.contains("Alder Central (practitioner)"))
            let short = try await visitor.submit(
                "/invitations/\(token)", [("displayName", "Nia New"), ("password", "short"), ("confirm", "short")])
            #expect(short.status == .unprocessableEntity && short.text.contains("at least 12 characters"))
            let accepted = try await visitor.submit(
                "/invitations/\(token)", [("displayName", "Nia New"), ("password", "a long new password"), ("confirm", "a long new password")])
            #expect(accepted.status == .seeOther)
            let again = try await visitor.get("/invitations/\(token)")
            #expect(again.status == .notFound && again.text.contains("This link no longer works"))

            _ = try await BrowserSession.signIn(s, email: "nia.new@a.example", password: "a long new password")
            let staff = try await owner.get("/staff").text
            let row = try #require(staff.components(separatedBy: "data-email=\"nia.new@a.example\"").last?.components(separatedBy: "</tr>").first)
            #expect(!row.contains("never"), "the last sign-in is shown")
            // Without the page's token the public form is refused like any forged form.
            var headers = HTTPHeaders()
            headers.contentType = .urlEncodedForm
            let forged = try await s.app.testing().sendRequest(
                .POST, "/password/forgot", headers: headers, body: ByteBuffer(string: "email=x%40a.example"))
            #expect(forged.status == .forbidden && forged.text.contains("CSRF"))
        }
    }

    @Test("forgot password: one answer for known and unknown emails, a mail only for the known, a link that works once")
    func passwordReset() async throws {
        try await withServer { s in
            var visitor = PublicVisitor(app: s.app)
            let unknown = try await visitor.submit("/password/forgot", [("email", "ghost@a.example")])
            let known = try await visitor.submit("/password/forgot", [("email", "practitioner@a.example")])
            #expect(unknown.status == .ok && known.status == .ok)
            let answer = { (t: String) in t.components(separatedBy: "id=\"reset-sent\"").last?.components(separatedBy: "</p>").first }
            #expect(answer(unknown.text) == answer(known.text) && answer(known.text) != nil)
            let token = try await mailedLink(s, kind: "password-reset", to: "practitioner@a.example", path: "/password/reset/")
            let mismatch = try await visitor.submit("/password/reset/\(token)", [("password", "another long one"), ("confirm", "not the same")])
            #expect(mismatch.status == .unprocessableEntity && mismatch.text.contains("The two passwords differ"))
            let done = try await visitor.submit("/password/reset/\(token)", [("password", "another long one"), ("confirm", "another long one")])
            #expect(done.status == .seeOther)
            #expect(try await visitor.get("/password/reset/\(token)").status == .notFound, "the link works once")
            _ = try await BrowserSession.signIn(s, email: "practitioner@a.example", password: "another long one")
            let old = try await s.send(
                .POST, "/api/v1/auth/tokens", json: #"{"email": "practitioner@a.example", "password": "\#(TestServer.password)"}"#)
            #expect(old.status == .unauthorized)
            let api = try await s.send(.POST, "/api/v1/auth/password-resets", json: #"{"email": "ghost@a.example"}"#)
            #expect(api.status == .accepted)
        }
    }

    @Test("two-factor: enrol from the page's key, the sign-in asks for a code, the API for code or a recovery code")
    func twoFactor() async throws {
        try await withServer { s in
            let browser = try await BrowserSession.signIn(s, email: "practitioner@a.example")
            let enrol = try await browser.get("/account/two-factor")
            #expect(enrol.status == .ok && enrol.text.contains("<svg") && enrol.text.contains("class=\"qrcode\""))
            let key = try #require(enrol.text.components(separatedBy: "id=\"totp-secret\">").last?.components(separatedBy: "</code>").first)
            let totp = TOTP(secret: try #require(Base32.decode(key.replacingOccurrences(of: " ", with: ""))))
            #expect(try await browser.post("/account/two-factor", [("code", "000000")]).status == .unprocessableEntity)
            let codes = try await browser.post("/account/two-factor", [("code", totp.code(at: Date()))])
            #expect(codes.status == .ok)
            let recovery = codes.text.components(separatedBy: "<li>").dropFirst().compactMap { $0.components(separatedBy: "</li>").first }
            #expect(recovery.count == 10)

            // A password alone no longer signs in: the code step follows, and a wrong code is refused.
            var visitor = PublicVisitor(app: s.app)
            let password = try await visitor.submit(
                "/login", [("email", "practitioner@a.example"), ("password", TestServer.password), ("next", "/today")])
            #expect(password.status == .seeOther && password.headers.first(name: .location)?.hasPrefix("/login/code") == true)
            #expect(visitor.cookies[WebCookies.session] == nil && visitor.cookies[WebCookies.challenge] != nil)
            #expect(try await visitor.submit("/login/code", [("code", "123456"), ("next", "/today")]).status == .unauthorized)
            let signedIn = try await visitor.submit("/login/code", [("code", totp.code(at: Date().addingTimeInterval(30))), ("next", "/today")])
            #expect(signedIn.status == .seeOther && visitor.cookies[WebCookies.session] != nil)

            let login = #"{"email": "practitioner@a.example", "password": "\#(TestServer.password)""#
            #expect(try await s.send(.POST, "/api/v1/auth/tokens", json: login + "}").status == .unauthorized)
            let token = try await s.send(.POST, "/api/v1/auth/tokens", json: login + #", "code": "\#(recovery[0])"}"#)
            #expect(token.status == .created)
            #expect(try await s.send(.POST, "/api/v1/auth/tokens", json: login + #", "code": "\#(recovery[0])"}"#).status == .unauthorized)
        }
    }

    @Test("required two-factor sends the unenrolled to enrol, ends their tokens, and refuses them new ones")
    func requiredTwoFactor() async throws {
        try await withServer { s in
            let practitioner = try await BrowserSession.signIn(s, email: "practitioner@a.example")
            let required = try await s.send(.PUT, "/api/v1/staff/two-factor", token: s.token("a", .owner), json: #"{"required": true}"#)
            #expect(required.status == .noContent)
            let today = try await practitioner.get("/today")
            #expect(today.status == .seeOther && today.headers.first(name: .location) == "/account/two-factor")
            #expect(try await practitioner.get("/account/two-factor").text.contains("id=\"must-enrol\""))
            #expect(try await s.send(.GET, "/api/v1/patients?name=a", token: s.token("a", .practitioner)).status == .unauthorized)
            let login = #"{"email": "practitioner@a.example", "password": "\#(TestServer.password)"}"#
            #expect(try await s.send(.POST, "/api/v1/auth/tokens", json: login).status == .forbidden)
            // The assistant's role is not bound by the rule.
            #expect(try await s.send(.GET, "/api/v1/lots", token: s.token("a", .assistant)).status == .ok)
        }
    }

    @Test("the staff API: the last owner is kept (409 last-owner), deactivation ends access, a colleague's token is not yours")
    func staffAPI() async throws {
        try await withServer { s in
            let owner = s.token("a", .owner)
            let list = try await s.send(.GET, "/api/v1/staff", token: owner)
            #expect(list.status == .ok)
            let members = try #require(list.json["members"] as? [[String: Any]])
            func id(_ email: String) throws -> String { try #require(members.first { $0["email"] as? String == email }?["id"] as? String) }
            let clinic = s.clinicA.id.uuidString.lowercased()
            let demote = try await s.send(
                .PUT, "/api/v1/staff/\(try id("owner@a.example"))/clinics/\(clinic)", token: owner, json: #"{"role": "auditor"}"#)
            #expect(demote.status == .conflict && demote.json["conflict"] as? String == "last-owner")
            let off = try await s.send(.POST, "/api/v1/staff/\(try id("front-desk@a.example"))/deactivate", token: owner)
            #expect(off.status == .noContent)
            #expect(try await s.send(.GET, "/api/v1/patients?name=a", token: s.token("a", .frontDesk)).status == .unauthorized)
            let foreign = try await s.send(.POST, "/api/v1/staff/\(UUID().uuidString)/unlock", token: owner)
            #expect(foreign.status == .notFound)

            let mine = try await s.send(.GET, "/api/v1/account/tokens", token: s.token("a", .auditor))
            let tokenID = try #require((mine.jsonArray.first)?["id"] as? String)
            #expect(try await s.send(.DELETE, "/api/v1/account/tokens/\(tokenID)", token: owner).status == .notFound)
            #expect(try await s.send(.DELETE, "/api/v1/account/tokens/\(tokenID)", token: s.token("a", .auditor)).status == .noContent)
            #expect(try await s.send(.GET, "/api/v1/staff", token: s.token("a", .auditor)).status == .unauthorized)
        }
    }

    @Test("one's own account is every role's: each lists its own tokens and its account page, and sees no one else's")
    func ownAccountEveryRole() async throws {
        try await withServer { s in
            for role in Role.allCases {
                let mine = try await s.send(.GET, "/api/v1/account/tokens", token: s.token("a", role))
                #expect(mine.status == .ok, "\(role.rawValue): \(mine.status)")
                #expect(mine.jsonArray.count == 1, "\(role.rawValue) sees only their own token")
                let page = try await BrowserSession.signIn(s, email: "\(role.rawValue)@a.example").get("/account")
                #expect(page.status == .ok && page.text.contains("id=\"two-factor\""), "\(role.rawValue): \(page.status)")
            }
            #expect(try await s.send(.GET, "/api/v1/account/tokens").status == .unauthorized)
        }
    }
}

extension TestingHTTPResponse {
    var jsonArray: [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [[String: Any]] ?? []
    }
}
