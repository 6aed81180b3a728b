import Foundation
import FluentKit
import SQLKit
import StratumCore
@testable import StratumStore
import Testing

@Suite("Accounts: password reset links, two-factor sign-in, one's own sessions and tokens")
struct AccountStoreTests {
    func resetMail(_ token: String, _ user: User) -> OutgoingMail {
        OutgoingMail(
            kind: "password-reset", recipient: user.email, subject: "Reset", body: "token=\(token)", idempotencyKey: "reset:\(token.prefix(12))")
    }

    @Test("a reset answers alike for known and unknown emails, mails only the known, works once within 15 minutes", arguments: Backend.available)
    func passwordReset(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let f = try await StaffFixture.make(db)
            let accounts = AccountStore(database: db, auditKey: testAuditKey)
            let email = f.orgs.userA.email
            #expect(
                try await accounts.requestPasswordReset(
                    email: "nobody@alder.example", address: "10.0.0.1", now: at(0), requestID: "r", mail: resetMail))
            #expect(
                try await accounts.requestPasswordReset(email: email.uppercased(), address: "10.0.0.1", now: at(1), requestID: "r", mail: resetMail))
            let tokens = try await mailedTokens(db, kind: "password-reset")
            #expect(tokens.count == 1, "only the known email gets a mail")
            let token = try #require(tokens.first)
            let session = try await CredentialStore(database: db).createSession(userID: f.orgs.userA.id, clinicID: nil, now: at(2))
            #expect(try await accounts.resetLinkValid(token: token, now: at(1 + 15 * 60 + 1)) == false, "expired after 15 minutes")
            #expect(try await accounts.resetLinkValid(token: token, now: at(60)))
            _ = try await accounts.resetPassword(token: token, passwordHash: "new-hash", now: at(60), requestID: "r")
            #expect(try await Directory(database: db).credentials(email: email)?.passwordHash == "new-hash")
            #expect(try await CredentialStore(database: db).session(token: session.token, now: at(61)) == nil, "every session ended")
            await #expect(throws: StoreError.notFound("reset link")) {
                try await accounts.resetPassword(token: token, passwordHash: "again", now: at(62), requestID: "r")
            }
            #expect(try await auditCount(db, action: "activate", resource: "account.password") == 1)
        }
    }

    @Test("reset requests are throttled per email and per address, known or not", arguments: Backend.available)
    func resetThrottle(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let f = try await StaffFixture.make(db)
            let accounts = AccountStore(database: db, auditKey: testAuditKey)
            for email in [f.orgs.userA.email, "ghost@alder.example"] {
                for i in 0..<AccountStore.resetsPerEmailPerHour {
                    #expect(
                        try await accounts.requestPasswordReset(
                            email: email, address: "10.0.1.\(i)", now: at(Double(i)), requestID: "r", mail: resetMail))
                }
                #expect(try await !accounts.requestPasswordReset(email: email, address: "10.0.2.1", now: at(10), requestID: "r", mail: resetMail))
                #expect(try await accounts.requestPasswordReset(email: email, address: "10.0.2.1", now: at(3700), requestID: "r", mail: resetMail))
            }
            for i in 0..<AccountStore.resetsPerAddressPerHour {
                _ = try await accounts.requestPasswordReset(
                    email: "walk\(i)@alder.example", address: "10.9.9.9", now: at(5000), requestID: "r", mail: resetMail)
            }
            #expect(
                try await !accounts.requestPasswordReset(
                    email: "walk-last@alder.example", address: "10.9.9.9", now: at(5001), requestID: "r", mail: resetMail))
        }
    }

    @Test(
        "two-factor: enrol with a code, sign in with a code once per step, recovery codes once each, five wrong end the step",
        arguments: Backend.available)
    func twoFactor(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let f = try await StaffFixture.make(db)
            let accounts = AccountStore(database: db, auditKey: testAuditKey)
            let user = f.orgs.userA.id
            let totp = try await accounts.beginEnrolment(userID: user)
            #expect(try await accounts.beginEnrolment(userID: user).secret == totp.secret, "resuming shows the same secret")
            let stored = try await db.read { database in try await UserRow.find(user, on: database)?.totpSecret }
            #expect(stored != nil && !(stored!.contains(totp.base32Secret)), "the secret is sealed")
            await #expect(
                throws: StoreError.invalid(field: "code", problem: "is not the current code of the authenticator app; check the phone's time")
            ) {
                try await accounts.confirmEnrolment(userID: user, code: "000000", organizationID: f.orgs.a.id, now: at(0), requestID: "r")
            }
            #expect(try await accounts.hasTwoFactor(userID: user) == false)
            let codes = try await accounts.confirmEnrolment(
                userID: user, code: totp.code(at: at(0)), organizationID: f.orgs.a.id, now: at(0), requestID: "r")
            #expect(codes.count == 10 && Set(codes).count == 10)
            let hashes = try await db.read { database in try await RecoveryCodeRow.query(on: database).filter(\.$userID == user).all().map(\.codeHash)
            }
            #expect(!hashes.contains(RecoveryCodes.hash(codes[0])!), "keyed, not plain SHA-256")

            // The enrolment's code cannot sign in again; the next step's can, once.
            var challenge = try await accounts.startChallenge(userID: user, now: at(1))
            #expect(try await accounts.answerChallenge(token: challenge, code: totp.code(at: at(0)), now: at(1)) == .wrongCode)
            let next = totp.code(at: at(31))
            guard case .passed(_, false) = try await accounts.answerChallenge(token: challenge, code: next, now: at(31)) else {
                Issue.record("the next step's code signs in")
                return
            }
            #expect(try await accounts.answerChallenge(token: challenge, code: next, now: at(32)) == .ended, "a step is answered once")
            challenge = try await accounts.startChallenge(userID: user, now: at(40))
            #expect(try await accounts.answerChallenge(token: challenge, code: next, now: at(41)) == .wrongCode, "a code works once")
            guard case .passed(_, true) = try await accounts.answerChallenge(token: challenge, code: codes[3].uppercased(), now: at(42)) else {
                Issue.record("a recovery code signs in")
                return
            }
            challenge = try await accounts.startChallenge(userID: user, now: at(50))
            #expect(try await accounts.answerChallenge(token: challenge, code: codes[3], now: at(51)) == .wrongCode, "a recovery code works once")
            for _ in 0..<3 { #expect(try await accounts.answerChallenge(token: challenge, code: "123456", now: at(52)) == .wrongCode) }
            #expect(try await accounts.answerChallenge(token: challenge, code: "123456", now: at(53)) == .ended, "five wrong end the step")
            #expect(try await accounts.twoFactorStatus(userID: user) == TwoFactorStatus(enabled: true, recoveryCodesLeft: 9, required: false))

            // Required by the organization: it cannot be turned off.
            try await f.orgs.scopeA(db).staff.requireTwoFactor(true, f.ctx(60))
            await #expect(throws: StoreError.invalid(field: "code", problem: "your organization requires two-factor sign-in for your role")) {
                try await accounts.disableTwoFactor(
                    userID: user, code: totp.code(at: at(90)), organizationID: f.orgs.a.id, now: at(90), requestID: "r")
            }
            #expect(try await accounts.mustEnrolTwoFactor(userID: f.owner.id), "the owner has not enrolled")
            try await f.orgs.scopeA(db).staff.requireTwoFactor(false, f.ctx(100))
            try await accounts.disableTwoFactor(userID: user, code: totp.code(at: at(120)), organizationID: f.orgs.a.id, now: at(120), requestID: "r")
            #expect(try await accounts.twoFactorStatus(userID: user) == TwoFactorStatus(enabled: false, recoveryCodesLeft: 0, required: false))
            #expect(try await auditCount(db, action: "enrol", resource: "account.two-factor") == 2)

            // A phone and its recovery codes lost: the owner resets the colleague's second factor, who enrols again.
            let again = try await accounts.beginEnrolment(userID: user)
            _ = try await accounts.confirmEnrolment(
                userID: user, code: again.code(at: at(200)), organizationID: f.orgs.a.id, now: at(200), requestID: "r")
            try await f.orgs.scopeA(db).staff.resetTwoFactor(userID: user, f.ctx(210))
            #expect(try await accounts.twoFactorStatus(userID: user) == TwoFactorStatus(enabled: false, recoveryCodesLeft: 0, required: false))
            #expect(try await auditCount(db, action: "enrol", resource: "staff.two-factor") == 1)
        }
    }

    @Test("a user lists and ends their own sessions and tokens, never a colleague's", arguments: Backend.available)
    func ownCredentials(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let f = try await StaffFixture.make(db)
            let accounts = AccountStore(database: db, auditKey: testAuditKey)
            let creds = CredentialStore(database: db)
            let mine = try await creds.createSession(userID: f.orgs.userA.id, clinicID: nil, now: at(0))
            _ = try await creds.createSession(userID: f.orgs.userA.id, clinicID: nil, now: at(1))
            let theirs = try await creds.createSession(userID: f.owner.id, clinicID: nil, now: at(1))
            let listed = try await accounts.sessions(userID: f.orgs.userA.id, now: at(2))
            #expect(listed.count == 2)
            let ownerSession = try #require(try await accounts.sessions(userID: f.owner.id, now: at(2)).first)
            await #expect(throws: StoreError.notFound("session")) {
                try await accounts.revokeSession(
                    id: ownerSession.id, userID: f.orgs.userA.id, organizationID: f.orgs.a.id, now: at(3), requestID: "r")
            }
            #expect(try await creds.session(token: theirs.token, now: at(3)) != nil)
            try await accounts.revokeSession(id: listed[1].id, userID: f.orgs.userA.id, organizationID: f.orgs.a.id, now: at(3), requestID: "r")
            #expect(try await creds.session(token: mine.token, now: at(4)) == nil, "the older session was ended")

            let token = try await creds.issue(userID: f.owner.id, organizationID: f.orgs.a.id, name: "t", expiresAt: nil, now: at(0))
            await #expect(throws: StoreError.notFound("token")) {
                try await accounts.revokeToken(id: token.id, userID: f.orgs.userA.id, organizationID: f.orgs.a.id, now: at(5), requestID: "r")
            }
            try await accounts.revokeToken(id: token.id, userID: f.owner.id, organizationID: f.orgs.a.id, now: at(5), requestID: "r")
            #expect(try await creds.authenticate(token: token.token, now: at(6)) == nil)
            #expect(try await auditCount(db, action: "revoke", resource: "account.session") == 1)
            #expect(try await auditCount(db, action: "revoke", resource: "account.token") == 1)
        }
    }
}
