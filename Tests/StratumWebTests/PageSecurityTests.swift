import Foundation
import NIOCore
import SQLKit
import StratumStore
@testable import StratumWeb
import Testing
import Vapor
import VaporTesting

@Suite("Browser sessions and page security")
struct PageSecurityTests {
    @Test("sign-in sets an HttpOnly, SameSite=Strict session cookie, Secure only behind TLS, and a new id at every sign-in")
    func sessionCookie() async throws {
        try await withServer { s in
            let form = try await s.app.testing().sendRequest(.GET, "/login")
            let pre = try #require(form.headers.setCookie?[WebCookies.preLogin])
            #expect(pre.isHTTPOnly && pre.sameSite == .strict && !pre.isSecure)
            let first = try await BrowserSession.signIn(s, email: "practitioner@a.example")
            let second = try await BrowserSession.signIn(s, email: "practitioner@a.example")
            #expect(first.cookie != second.cookie, "the session id changes at sign-in")
            // Signing in on another computer leaves the first session working; the user sees both on the account page.
            #expect(try await first.get("/today").status == .ok)
            #expect(try await second.get("/today").status == .ok)
            #expect(try await second.get("/account").text.components(separatedBy: "data-session=").count == 3)
        }
        try await withServer(behindTLS: true) { s in
            let form = try await s.app.testing().sendRequest(.GET, "/login")
            #expect(form.headers.setCookie?[WebCookies.preLogin]?.isSecure == true)
            #expect(form.headers.first(name: "Strict-Transport-Security")?.contains("max-age=") == true)
        }
    }

    @Test("a wrong password, an unknown email and a forged sign-in form are refused on the page, with no session")
    func signInRefusals() async throws {
        try await withServer { s in
            let form = try await s.app.testing().sendRequest(.GET, "/login")
            let pre = try #require(form.headers.setCookie?[WebCookies.preLogin]?.string)
            let token = try #require(BrowserSession.hidden("_login", in: form.text))
            func post(_ fields: [String: String], cookie: String?) async throws -> TestingHTTPResponse {
                var h = HTTPHeaders()
                if let cookie { h.replaceOrAdd(name: .cookie, value: "\(WebCookies.preLogin)=\(cookie)") }
                h.contentType = .urlEncodedForm
                return try await s.app.testing().sendRequest(.POST, "/login", headers: h, body: ByteBuffer(string: BrowserSession.encode(fields)))
            }
            let wrong = try await post(["_login": token, "email": "practitioner@a.example", "password": "not the password"], cookie: pre)
            #expect(wrong.status == .unauthorized && wrong.text.contains("The email or password is wrong"))
            #expect(wrong.headers.setCookie?[WebCookies.session] == nil)
            let unknown = try await post(["_login": token, "email": "nobody@a.example", "password": TestServer.password], cookie: pre)
            #expect(unknown.status == .unauthorized)
            let forged = try await post(["_login": "forged", "email": "practitioner@a.example", "password": TestServer.password], cookie: pre)
            #expect(forged.status == .forbidden && forged.headers.setCookie?[WebCookies.session] == nil)
            let noCookie = try await post(["_login": token, "email": "practitioner@a.example", "password": TestServer.password], cookie: nil)
            #expect(noCookie.status == .forbidden)
        }
    }

    @Test("a session idle for 30 minutes, or past its 12-hour end, sends the browser back to sign in")
    func expiredSession() async throws {
        try await withServer { s in
            let idle = try await BrowserSession.signIn(s, email: "practitioner@a.example")
            let sql = s.state.database.database as! any SQLDatabase
            try await sql.raw("UPDATE web_sessions SET last_seen_at = \(bind: Date().addingTimeInterval(-31 * 60))").run()
            let r = try await idle.get("/patients")
            #expect(r.status == .seeOther)
            #expect(r.headers.first(name: .location) == "/login?next=%2Fpatients")
            let posted = try await idle.post("/patients", [("givenName", "A")])
            #expect(posted.status == .unauthorized, "a form posted after the session ended is refused, not saved")

            let old = try await BrowserSession.signIn(s, email: "owner@a.example")
            try await sql.raw("UPDATE web_sessions SET expires_at = \(bind: Date().addingTimeInterval(-1))").run()
            #expect(try await old.get("/today").status == .seeOther)
        }
    }

    @Test("the clinic switcher moves a user between their own clinics only")
    func clinicSwitcher() async throws {
        try await withServer { s in
            let owner = try #require(try await s.state.directory.credentials(email: "owner@a.example")).0
            _ = try await s.state.directory.addMembership(userID: owner.id, clinicID: s.clinicA2.id, role: .practitioner)
            let browser = try await BrowserSession.signIn(s, email: "owner@a.example")
            let today = try await browser.get("/today")
            #expect(today.text.contains("Alder East (practitioner)") && today.text.contains("id=\"clinic-switch\""))
            let moved = try await browser.post("/clinic", [("clinicId", s.clinicA2.id.uuidString.lowercased())])
            #expect(moved.status == .seeOther && moved.headers.first(name: .location) == "/today?done=clinic-switched")
            let after = try await browser.get("/today")
            #expect(after.text.contains("<option value=\"\(s.clinicA2.id.uuidString.lowercased())\" selected>"))
            // In Alder East the owner is a practitioner: the role of the clinic in use is what the pages judge.
            #expect(after.text.contains("owner · practitioner"))
            let foreign = try await browser.post("/clinic", [("clinicId", s.clinicB.id.uuidString.lowercased())])
            #expect(foreign.status == .forbidden)
            let single = try await BrowserSession.signIn(s, email: "auditor@a.example")
            #expect(try await single.get("/today").text.contains("id=\"clinic-switch\"") == false)
        }
    }

    @Test("every state-changing page route refuses a missing or wrong CSRF token and changes nothing")
    func csrfOnEveryRoute() async throws {
        try await withServer { s in
            let browser = try await BrowserSession.signIn(s, email: "owner@a.example")
            let routes = s.app.routes.all.filter { $0.method != .GET && $0.method != .HEAD }
                .map { r in
                    "/"
                        + r.path.map { c -> String in
                            if case .parameter = c { return UUID().uuidString.lowercased() }
                            return c.description
                        }.joined(separator: "/")
                }
                .filter { !$0.hasPrefix("/api/") && $0 != "/login" }
            #expect(routes.count >= 15, "the page routes are enumerated from the route table (\(routes.count) found)")
            let auditBefore = try await rowCount(s, "audit_events")
            for path in routes {
                for token in [String?.none, "wrong-\(browser.csrf)"] {
                    let r = try await browser.post(path, [("givenName", "Eve"), ("familyName", "Forged")], csrf: .some(token))
                    #expect(r.status == .forbidden, "POST \(path) with \(token == nil ? "no" : "a wrong") CSRF token")
                    #expect(r.text.contains("CSRF"))
                }
            }
            #expect(try await rowCount(s, "audit_events") == auditBefore, "nothing was read or written")
            #expect(try await rowCount(s, "patients") == 0)
        }
    }

    @Test("every route's responses carry the security headers; pages are never cached")
    func securityHeaders() async throws {
        try await withServer { s in
            let browser = try await BrowserSession.signIn(s, email: "owner@a.example")
            let patient = try await s.send(.POST, "/api/v1/patients", token: s.token("a", .owner), json: patientJSON(clinic: s.clinicA.id))
            let pid = try #require(patient.json["id"] as? String)
            var paths = s.app.routes.all.filter { $0.method == .GET }
                .map { r in
                    "/"
                        + r.path.map { c -> String in
                            if case .parameter(let name) = c { return name == "patientId" ? pid : UUID().uuidString.lowercased() }
                            return c.description
                        }.joined(separator: "/")
                }
            paths += ["/css/stratum.css", "/js/pages.js", "/js/map.js", "/no-such-page"]
            for path in paths {
                let r = try await browser.get(path)
                let csp = r.headers.first(name: "Content-Security-Policy") ?? ""
                #expect(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "\(path)")
                #expect(r.headers.first(name: "X-Content-Type-Options") == "nosniff", "\(path)")
                #expect(r.headers.first(name: "Referrer-Policy") == "no-referrer", "\(path)")
                #expect(r.status.code < 500, "\(path) answered \(r.status.code)")
                let isPage =
                    !path.hasPrefix("/css/") && !path.hasPrefix("/js/") && !["/health", "/ready", "/metrics", "/openapi.yaml", "/docs"].contains(path)
                if isPage && r.status != .notFound {
                    #expect(r.headers.first(name: .cacheControl) == "no-store", "\(path) must not be cached")
                }
            }
            #expect(try await browser.get("/patients/\(pid)").text.contains("Okafor"))
        }
    }

    @Test("templates hold no inline script or style, which the CSP would block")
    func noInlineScript() throws {
        let views = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/StratumWeb/Views").standardized
        let files = try #require(FileManager.default.enumerator(atPath: views.path)).compactMap { $0 as? String }.filter { $0.hasSuffix(".leaf") }
        #expect(files.count >= 15)
        for f in files {
            let text = try String(contentsOf: views.appendingPathComponent(f), encoding: .utf8)
            #expect(!text.contains("style=\""), "\(f) has an inline style")
            #expect(text.range(of: #"\son[a-z]+=""#, options: .regularExpression) == nil, "\(f) has an inline handler")
            for tag in text.components(separatedBy: "<script").dropFirst() {
                #expect(tag.hasPrefix(" src="), "\(f) has an inline script")
            }
        }
    }
}

/// Rows in a table, read behind the stores' back to prove a refused request wrote nothing.
func rowCount(_ s: TestServer, _ table: String) async throws -> Int {
    let sql = s.state.database.database as! any SQLDatabase
    let row = try await sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first()
    return try row?.decode(column: "n", as: Int.self) ?? -1
}
