import Foundation
import SQLKit
import StratumStore
@testable import StratumWeb
import Testing
import Vapor
import VaporTesting

@Suite("Authentication: tokens, sign-in, throttling")
struct AuthenticationTests {
    @Test("no token, a malformed token and a revoked token are all 401 problem documents")
    func unauthenticated() async throws {
        try await withServer { s in
            for token in [nil, "stm_nonsense", "not-even-a-token"] {
                let r = try await s.send(.GET, "/api/v1/patients", token: token)
                #expect(r.status == .unauthorized)
                #expect(r.headers.contentType?.description.contains("problem+json") == true)
                #expect(r.json["status"] as? Int == 401)
            }
        }
    }

    @Test("sign-in issues a working token; a wrong password is 401; five failures in a row are throttled with 429")
    func signIn() async throws {
        try await withServer { s in
            let ok = try await s.send(
                .POST, "/api/v1/auth/tokens",
                json: #"{"email": "practitioner@a.example", "password": "\#(TestServer.password)"}"#)
            #expect(ok.status == .created)
            let token = try #require(ok.json["token"] as? String)
            #expect(token.hasPrefix("stm_"))
            #expect(try await s.send(.GET, "/api/v1/patients", token: token).status == .ok)

            for _ in 0..<5 {
                let bad = try await s.send(.POST, "/api/v1/auth/tokens", json: #"{"email": "owner@a.example", "password": "wrong password!!"}"#)
                #expect(bad.status == .unauthorized)
            }
            let throttled = try await s.send(
                .POST, "/api/v1/auth/tokens",
                json: #"{"email": "owner@a.example", "password": "\#(TestServer.password)"}"#)
            #expect(throttled.status == .tooManyRequests)
            let unknown = try await s.send(.POST, "/api/v1/auth/tokens", json: #"{"email": "nobody@a.example", "password": "whatever password"}"#)
            #expect(unknown.status == .unauthorized)
        }
    }

    @Test("production password hashes use bcrypt cost 12 and passwords need 12 characters")
    func passwordPolicy() throws {
        #expect(try Passwords.hash("a long enough passphrase").hasPrefix("$2b$12$"))
        #expect(Passwords.problem("short") != nil)
        #expect(Passwords.problem("aaaaaaaaaaaaaaa") != nil)
        #expect(Passwords.problem("twelve chars") == nil)
    }

    @Test("a user may choose one of their clinics with X-Stratum-Clinic, not another's")
    func clinicHeader() async throws {
        try await withServer { s in
            let owner = s.token("a", .owner)
            let mine = try await s.send(.GET, "/api/v1/patients", token: owner, headers: [("X-Stratum-Clinic", s.clinicA.id.uuidString)])
            #expect(mine.status == .ok)
            let notMine = try await s.send(.GET, "/api/v1/patients", token: owner, headers: [("X-Stratum-Clinic", s.clinicB.id.uuidString)])
            #expect(notMine.status == .forbidden)
            let garbage = try await s.send(.GET, "/api/v1/patients", token: owner, headers: [("X-Stratum-Clinic", "x")])
            #expect(garbage.status == .badRequest)
        }
    }

    /// Sets a membership's role directly in the database, as an administrator's statement would (no role door yet).
    static func setRole(_ s: TestServer, email: String, _ role: Role) async throws {
        let user = try #require(try await s.state.directory.credentials(email: email)?.0)
        try await (s.state.database.database as! any SQLDatabase).update("memberships")
            .set("role", to: role.rawValue).where("user_id", .equal, user.id).run()
    }

    @Test("a revoked token is 401 from the very next request; a changed role counts from the next request")
    func revocationAndRoleChange() async throws {
        try await withServer { s in
            let user = try #require(try await s.state.directory.credentials(email: "practitioner@a.example")?.0)
            let credentials = CredentialStore(database: s.state.database)
            let issued = try await credentials.issue(userID: user.id, organizationID: s.orgA.id, name: "revocable", expiresAt: nil)
            let create = { try await s.send(.POST, "/api/v1/patients", token: issued.token, json: patientJSON(clinic: s.clinicA.id, given: "Ines")) }
            #expect(try await create().status == .created)

            try await Self.setRole(s, email: "practitioner@a.example", .auditor)
            #expect(try await create().status == .forbidden, "an auditor may not register patients")
            #expect(try await s.send(.GET, "/api/v1/patients", token: issued.token).status == .ok, "an auditor still reads")

            try await credentials.revoke(id: issued.id)
            let refused = try await s.send(.GET, "/api/v1/patients", token: issued.token)
            #expect(refused.status == .unauthorized)
            #expect(try await s.send(.GET, "/api/v1/patients", token: s.token("a", .owner)).status == .ok, "other tokens unaffected")
        }
    }

    @Test("a browser session sees a changed role on its next page and ends at once when its user is signed out elsewhere")
    func sessionSeesRoleChange() async throws {
        try await withServer { s in
            let browser = try await BrowserSession.signIn(s, email: "practitioner@a.example")
            #expect(try await browser.get("/today").text.contains("href=\"/patients/new\""))
            try await Self.setRole(s, email: "practitioner@a.example", .auditor)
            let today = try await browser.get("/today")
            #expect(today.status == .ok)
            #expect(!today.text.contains("href=\"/patients/new\""), "the auditor is offered no New patient")

            let user = try #require(try await s.state.directory.credentials(email: "practitioner@a.example")?.0)
            try await CredentialStore(database: s.state.database).deleteSessions(userID: user.id)
            let after = try await browser.get("/today")
            #expect(after.status == .seeOther, "sent to sign in")
        }
    }
}
