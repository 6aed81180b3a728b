import Foundation
@testable import StratumWeb
import Testing
import Vapor
import VaporTesting

/// Sign-in as probed from outside: a burst of guesses, and the page sign-in sends the browser to afterwards.
@Suite("Sign-in hardening: bursts of guesses, where the browser goes next")
struct SignInHardeningTests {
    @Test("of 30 parallel wrong passwords for one account, five are evaluated; the right password sent into the burst is refused")
    func burst() async throws {
        try await withServer { s in
            let wrong = #"{"email": "owner@a.example", "password": "wrong password!!"}"#
            let right = #"{"email": "owner@a.example", "password": "\#(TestServer.password)"}"#
            let statuses = try await withThrowingTaskGroup(of: (Bool, HTTPStatus).self) { group in
                for _ in 0..<30 { group.addTask { (false, try await s.send(.POST, "/api/v1/auth/tokens", json: wrong).status) } }
                group.addTask {
                    try await Task.sleep(for: .milliseconds(100))
                    return (true, try await s.send(.POST, "/api/v1/auth/tokens", json: right).status)
                }
                var out: [(Bool, HTTPStatus)] = []
                for try await r in group { out.append(r) }
                return out
            }
            let evaluated = statuses.filter { $0.1 != .tooManyRequests }
            #expect(evaluated.count == 5, "\(statuses.map(\.1.code))")
            #expect(statuses.first(where: \.0)?.1 == .tooManyRequests, "the right password inside the burst does not sign in")
        }
    }

    @Test(
        "after sign-in the browser goes only to a path on this server",
        arguments: [
            ("/\t/evil.example", "/today"), ("//evil.example", "/today"), ("/\\evil.example", "/today"),
            ("https://evil.example/", "/today"), ("/\n/evil.example", "/today"), ("/ /x", "/today"), ("/pätients", "/today"),
            ("/patients?page=2", "/patients?page=2"), ("/sessions/abc%2Fdef", "/sessions/abc%2Fdef")
        ])
    func next(_ next: String, _ expected: String) async throws {
        try await withServer { s in
            let form = try await s.app.testing().sendRequest(.GET, "/login")
            let preLogin = try #require(form.headers.setCookie?[WebCookies.preLogin]?.string)
            let token = try #require(BrowserSession.hidden("_login", in: form.text))
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .cookie, value: "\(WebCookies.preLogin)=\(preLogin)")
            headers.contentType = .urlEncodedForm
            let body = BrowserSession.encode([
                ("_login", token), ("email", "practitioner@a.example"), ("password", TestServer.password), ("next", next)
            ])
            let posted = try await s.app.testing().sendRequest(.POST, "/login", headers: headers, body: ByteBuffer(string: body))
            #expect(posted.status == .seeOther)
            #expect(posted.headers.first(name: .location) == expected)
        }
    }
}
