import Foundation
import NIOCore
import StratumStore
@testable import StratumWeb
import Testing
import Vapor
import VaporTesting

/// A signed-in browser, as the pages see one: the session cookie and the page's CSRF token.
struct BrowserSession: Sendable {
    let app: Application
    let cookie: String
    let csrf: String

    /// Signs in through the login form, exactly as a browser does (pre-login token cookie, form post, redirect).
    static func signIn(_ server: TestServer, email: String, password: String = TestServer.password) async throws -> BrowserSession {
        try await signIn(app: server.app, email: email, password: password)
    }

    /// Signs in to any application (the demo organization's, for one).
    static func signIn(app: Application, email: String, password: String) async throws -> BrowserSession {
        let form = try await app.testing().sendRequest(.GET, "/login")
        let preLogin = try #require(form.headers.setCookie?[WebCookies.preLogin]?.string)
        let token = try #require(Self.hidden("_login", in: form.text))
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .cookie, value: "\(WebCookies.preLogin)=\(preLogin)")
        headers.contentType = .urlEncodedForm
        let posted = try await app.testing().sendRequest(
            .POST, "/login", headers: headers,
            body: ByteBuffer(
                string: Self.encode([
                    "_login": token, "email": email, "password": password, "next": "/today"
                ])))
        #expect(posted.status == .seeOther, "sign-in redirects")
        let session = try #require(posted.headers.setCookie?[WebCookies.session]?.string)
        let today = try await app.testing().sendRequest(.GET, "/today", headers: ["Cookie": "\(WebCookies.session)=\(session)"])
        let csrf = try #require(Self.hidden("_csrf", in: today.text))
        return BrowserSession(app: app, cookie: session, csrf: csrf)
    }

    func get(_ path: String) async throws -> TestingHTTPResponse {
        try await app.testing().sendRequest(.GET, path, headers: ["Cookie": "\(WebCookies.session)=\(cookie)"])
    }

    /// Posts a form; `csrf: nil` leaves the token out, any other value replaces the real one.
    func post(_ path: String, _ fields: [(String, String)], csrf override: String?? = .none) async throws -> TestingHTTPResponse {
        var all = fields
        switch override {
        case .none: all.append(("_csrf", csrf))
        case .some(nil): break
        case .some(let v?): all.append(("_csrf", v))
        }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .cookie, value: "\(WebCookies.session)=\(cookie)")
        headers.contentType = .urlEncodedForm
        return try await app.testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(string: Self.encode(all)))
    }

    static func encode(_ pairs: [String: String]) -> String { encode(pairs.map { ($0.key, $0.value) }) }

    static func encode(_ pairs: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return pairs.map {
            "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)"
        }
        .joined(separator: "&")
    }

    static func hidden(_ name: String, in html: String) -> String? {
        guard let r = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        let rest = html[r.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }
}
