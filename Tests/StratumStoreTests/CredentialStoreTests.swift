import Foundation
import SQLKit
import StratumCore
@testable import StratumStore
import Testing

@Suite("Credentials: hashed API tokens, expiring browser sessions, login throttling")
struct CredentialStoreTests {
    func column(_ db: StratumDatabase, _ table: String, _ column: String) async throws -> [String] {
        try await db.read { database in
            try await (database as! any SQLDatabase).select().column(column).from(table).all().map { try $0.decode(column: column, as: String.self) }
        }
    }

    func hex(_ s: String) -> String { CredentialStore.sha256Hex(s) }

    @Test("token hashes are SHA-256 in lower-case hex (FIPS 180-2 test vector)")
    func hashVector() {
        #expect(hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("an API token is stored only as its SHA-256 and authenticates its user in its organization", arguments: Backend.available)
    func tokenHashing(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let creds = CredentialStore(database: db)
            let issued = try await creds.issue(userID: orgs.userA.id, organizationID: orgs.a.id, name: "Lab import", expiresAt: nil, now: at(0))
            #expect(issued.token.hasPrefix("stm_"))
            #expect(issued.token.count == 4 + 43, "32 bytes in unpadded base64url")
            #expect(issued.token.dropFirst(4).allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
            let second = try await creds.issue(userID: orgs.userA.id, organizationID: orgs.a.id, name: "Backup", expiresAt: nil, now: at(0))
            #expect(second.token != issued.token)

            let hashes = try await column(db, "api_tokens", "token_hash")
            #expect(hashes.contains(hex(issued.token)))
            #expect(!hashes.contains(issued.token))
            #expect(!hashes.contains { $0.contains(issued.token.dropFirst(4)) })
            #expect(try await column(db, "api_tokens", "name").allSatisfy { !$0.contains(issued.token) })

            let who = try #require(try await creds.authenticate(token: issued.token, now: at(10)))
            #expect(
                who
                    == TokenPrincipal(
                        tokenID: issued.id, userID: orgs.userA.id, organizationID: orgs.a.id,
                        memberships: [
                            Membership(
                                organizationID: orgs.a.id, clinicID: orgs.clinicA.id,
                                userID: orgs.userA.id, role: .practitioner)
                        ]))
            #expect(try await creds.tokens(userID: orgs.userA.id).first { $0.id == issued.id }?.lastUsedAt == at(10))
            // The stamp moves at most once a minute: a use 30 s later keeps it, one 61 s later moves it.
            _ = try await creds.authenticate(token: issued.token, now: at(40))
            #expect(try await creds.tokens(userID: orgs.userA.id).first { $0.id == issued.id }?.lastUsedAt == at(10))
            _ = try await creds.authenticate(token: issued.token, now: at(71))
            #expect(try await creds.tokens(userID: orgs.userA.id).first { $0.id == issued.id }?.lastUsedAt == at(71))
            #expect(try await creds.authenticate(token: hex(issued.token), now: at(10)) == nil, "the stored hash is not a token")
            #expect(try await creds.authenticate(token: "stm_" + String(repeating: "A", count: 43), now: at(10)) == nil)
            #expect(try await creds.authenticate(token: "", now: at(10)) == nil)
            // A token is only for an organization the user belongs to.
            await #expect(throws: StoreError.notFound("membership")) {
                _ = try await creds.issue(userID: orgs.userA.id, organizationID: orgs.b.id, name: "x", expiresAt: nil, now: at(0))
            }
        }
    }

    @Test("expired and revoked tokens are refused", arguments: Backend.available)
    func expiredAndRevoked(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let creds = CredentialStore(database: db)
            let expiring = try await creds.issue(userID: orgs.userA.id, organizationID: orgs.a.id, name: "short", expiresAt: at(3600), now: at(0))
            #expect(try await creds.authenticate(token: expiring.token, now: at(3599)) != nil)
            #expect(try await creds.authenticate(token: expiring.token, now: at(3600)) == nil)
            #expect(try await creds.authenticate(token: expiring.token, now: at(90_000)) == nil)

            let revoked = try await creds.issue(userID: orgs.userA.id, organizationID: orgs.a.id, name: "old", expiresAt: nil, now: at(0))
            #expect(try await creds.authenticate(token: revoked.token, now: at(5)) != nil)
            try await creds.revoke(id: revoked.id, now: at(6))
            #expect(try await creds.authenticate(token: revoked.token, now: at(7)) == nil)
            try await creds.revoke(id: revoked.id, now: at(8))
            #expect(try await creds.tokens(userID: orgs.userA.id).first { $0.id == revoked.id }?.revokedAt == at(6))
            await #expect(throws: StoreError.notFound("token")) { try await creds.revoke(id: UUID(), now: at(9)) }
        }
    }

    @Test("a browser session ends after 30 minutes idle, and after 12 hours however active", arguments: Backend.available)
    func sessionExpiry(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let creds = CredentialStore(database: db)
            let minute: TimeInterval = 60

            // Idle: each request within 30 minutes of the last keeps it alive; a 30-minute gap ends it.
            let idle = try await creds.createSession(userID: orgs.userA.id, clinicID: orgs.clinicA.id, now: at(0))
            #expect(idle.expiresAt == at(12 * 3600))
            #expect(!idle.csrfToken.isEmpty && idle.csrfToken != idle.token)
            let s = try #require(try await creds.session(token: idle.token, now: at(29 * minute)))
            #expect(s.userID == orgs.userA.id && s.clinicID == orgs.clinicA.id && s.csrfToken == idle.csrfToken)
            #expect(s.lastSeenAt == at(29 * minute))
            #expect(try await creds.session(token: idle.token, now: at(58 * minute)) != nil, "idle time counts from the last request")
            #expect(try await creds.session(token: idle.token, now: at(88 * minute)) == nil, "30 minutes idle")
            #expect(try await creds.session(token: idle.token, now: at(89 * minute)) == nil, "an ended session stays ended")

            // Absolute: active every 20 minutes, still ended at 12 hours.
            let busy = try await creds.createSession(userID: orgs.userA.id, clinicID: nil, now: at(0))
            var t: TimeInterval = 20 * minute
            while t < 12 * 3600 {
                #expect(try await creds.session(token: busy.token, now: at(t)) != nil, "active at \(t / 60) minutes")
                t += 20 * minute
            }
            #expect(try await creds.session(token: busy.token, now: at(12 * 3600)) == nil)

            // Only hashes are stored; the token and its hash are different things.
            let fresh = try await creds.createSession(userID: orgs.userA.id, clinicID: nil, now: at(0))
            let hashes = try await column(db, "web_sessions", "token_hash")
            #expect(hashes.contains(hex(fresh.token)) && !hashes.contains(fresh.token))
            #expect(try await creds.session(token: hex(fresh.token), now: at(1)) == nil)
        }
    }

    @Test("sign-out ends one session; rotation at sign-in ends all of the user's sessions", arguments: Backend.available)
    func sessionDeletion(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let creds = CredentialStore(database: db)
            let one = try await creds.createSession(userID: orgs.userA.id, clinicID: nil, now: at(0))
            let two = try await creds.createSession(userID: orgs.userA.id, clinicID: nil, now: at(0))
            let other = try await creds.createSession(userID: orgs.userB.id, clinicID: nil, now: at(0))
            try await creds.deleteSession(token: one.token)
            #expect(try await creds.session(token: one.token, now: at(1)) == nil)
            #expect(try await creds.session(token: two.token, now: at(1)) != nil)
            try await creds.deleteSessions(userID: orgs.userA.id)
            #expect(try await creds.session(token: two.token, now: at(2)) == nil)
            #expect(try await creds.session(token: other.token, now: at(2)) != nil, "another user's session is untouched")
        }
    }

    @Test("an account is one account whatever the case of its email; the email is stored only hashed", arguments: Backend.available)
    func throttling(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let creds = CredentialStore(database: db)
            for (i, email) in ["Mira@Alder.example", "mira@alder.example ", "MIRA@alder.example", "mira@ALDER.example", "mira@alder.example"]
                .enumerated()
            {
                guard case .admitted = try await creds.admitLoginAttempt(email: email, address: "203.0.113.7", now: at(Double(i))) else {
                    Issue.record("attempt \(i)")
                    return
                }
            }
            guard case .throttled = try await creds.admitLoginAttempt(email: " MIRA@ALDER.EXAMPLE", address: "203.0.113.7", now: at(5)) else {
                Issue.record("five spellings of one email are five attempts on one account")
                return
            }
            guard case .admitted = try await creds.admitLoginAttempt(email: "jonas@alder.example", address: "203.0.113.7", now: at(6)) else {
                Issue.record("another account")
                return
            }
            let stored = try await column(db, "login_attempts", "email_hash")
            #expect(stored.allSatisfy { !$0.contains("@") && $0.count == 64 })
            #expect(stored.contains(hex("mira@alder.example")))
        }
    }

    @Test(
        "a sign-in is counted before its password is evaluated: of 30 parallel attempts on one account from one address, exactly five are admitted",
        arguments: Backend.available)
    func admissionUnderConcurrency(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let creds = CredentialStore(database: db)
            let admitted = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<30 {
                    group.addTask {
                        if case .admitted = try await creds.admitLoginAttempt(email: "mira@alder.example", address: "203.0.113.7", now: at(0)) {
                            return true
                        }
                        return false
                    }
                }
                var n = 0
                for try await ok in group where ok { n += 1 }
                return n
            }
            #expect(admitted == CredentialStore.LoginThrottle().perAccountAndAddress)
        }
    }

    @Test(
        "the account and the address together are stopped; the colleague at another address is not locked out; the account's wait grows; a success starts afresh",
        arguments: Backend.available)
    func admissionRules(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let creds = CredentialStore(database: db)
            var throttle = CredentialStore.LoginThrottle()
            throttle.delayAfter = 8
            func admit(_ address: String, _ t: Double, email: String = "mira@alder.example") async throws -> CredentialStore.LoginAdmission {
                try await creds.admitLoginAttempt(email: email, address: address, now: at(t), throttle: throttle)
            }
            for i in 0..<5 { guard case .admitted = try await admit("203.0.113.7", Double(i)) else { Issue.record("attempt \(i)"); return } }
            guard case .throttled(let wait) = try await admit("203.0.113.7", 5) else { Issue.record("the guesser's address is not stopped"); return }
            #expect(wait > 800 && wait <= 900, "until the first of the five leaves the 15-minute window")
            // Mira, at the clinic's own address, still signs in: typing her email elsewhere does not lock her out.
            guard case .admitted(let own) = try await admit("198.51.100.2", 6) else { Issue.record("locked out"); return }
            // Three more failures from other addresses make eight for the account: each further attempt waits, doubling.
            for (i, address) in ["192.0.2.1", "192.0.2.2"].enumerated() {
                guard case .admitted = try await admit(address, 7 + Double(i)) else { Issue.record("\(address)"); return }
            }
            guard case .throttled(let first) = try await admit("192.0.2.3", 8.5) else { Issue.record("no wait after eight failures"); return }
            #expect(first > 0 && first <= 2)
            guard case .admitted = try await admit("192.0.2.3", 10.5) else { Issue.record("the wait did not end"); return }
            guard case .throttled(let second) = try await admit("192.0.2.4", 11) else { Issue.record("the wait did not grow"); return }
            #expect(second > 2 && second <= 4)
            // Another account from the same address is untouched by Mira's count.
            guard case .admitted = try await admit("198.51.100.2", 12, email: "jonas@alder.example") else { Issue.record("jonas"); return }
            // A success (her own attempt, admitted above) starts the account afresh.
            try await creds.loginSucceeded(attemptID: own)
            guard case .admitted = try await admit("192.0.2.9", 13) else { Issue.record("not afresh after a success"); return }
        }
    }
}
