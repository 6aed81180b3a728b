import Foundation
import SQLKit
import StratumCore
@testable import StratumStore
import Testing

/// An organization with an owner and the practitioner of `TwoOrganizations`, for the staff doors.
struct StaffFixture: Sendable {
    let orgs: TwoOrganizations
    let owner: User

    static func make(_ db: StratumDatabase) async throws -> StaffFixture {
        let orgs = try await TwoOrganizations.make(db)
        let owner = try await Directory(database: db).createUser(email: "owner@alder.example", displayName: "Olu Owner", passwordHash: "x")
        _ = try await Directory(database: db).addMembership(userID: owner.id, clinicID: orgs.clinicA.id, role: .owner)
        return StaffFixture(orgs: orgs, owner: owner)
    }

    var staff: (StratumDatabase) -> StaffStore { { orgs.scopeA($0).staff } }
    func ctx(_ seconds: TimeInterval = 0, actor: UUID? = nil) -> AccessContext {
        AccessContext(actorID: actor ?? owner.id, clinicID: orgs.clinicA.id, requestID: "req-staff", now: at(seconds))
    }
}

/// A mail whose body is the one-time link's token, so a test can follow it.
func linkMail(_ kind: String, to recipient: String) -> @Sendable (String) -> OutgoingMail {
    { token in OutgoingMail(kind: kind, recipient: recipient, subject: "Link", body: "token=\(token)", idempotencyKey: "\(kind):\(token.prefix(12))")
    }
}

func auditCount(_ db: StratumDatabase, action: String, resource: String) async throws -> Int {
    try await db.read { database in
        try await (database as! any SQLDatabase).raw(
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = \(bind: action) AND resource = \(bind: resource)"
        ).first()?.decode(column: "n", as: Int.self) ?? 0
    }
}

func mailedTokens(_ db: StratumDatabase, kind: String) async throws -> [String] {
    try await MailOutbox(database: db).claimDue(now: at(10 * 86400), limit: 100).filter { $0.mail.kind == kind }
        .map { String($0.mail.body.dropFirst("token=".count)) }
}

@Suite("Staff: invitations, roles, removal, deactivation, locks, and the last owner")
struct StaffStoreTests {
    @Test("an invitation is mailed with the act, taken up once within 72 hours, and grants its roles", arguments: Backend.available)
    func invitation(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let f = try await StaffFixture.make(db)
            let accounts = AccountStore(database: db, auditKey: testAuditKey)
            let invited = try await f.staff(db).invite(
                email: " Nia.New@Alder.example ", grants: [StaffGrant(clinicID: f.orgs.clinicA.id, role: .practitioner)],
                mail: linkMail("invitation", to: "nia.new@alder.example"), f.ctx())
            #expect(invited.email == "nia.new@alder.example")
            #expect(try await f.staff(db).invitations(f.ctx(1)).map(\.id) == [invited.id])
            let token = try #require(try await mailedTokens(db, kind: "invitation").first)
            #expect(try await auditCount(db, action: "invite", resource: "staff.invitation") == 1)

            let link = try #require(try await accounts.invitation(token: token, now: at(3600)))
            #expect(link.organizationName == "Alder Skin Clinic" && link.places.map(\.role) == [.practitioner] && !link.existingAccount)
            #expect(try await accounts.invitation(token: token, now: at(72 * 3600 + 1)) == nil, "expired after 72 hours")
            #expect(try await accounts.invitation(token: token + "x", now: at(3600)) == nil)

            await #expect(throws: StoreError.invalid(field: "displayName", problem: "must not be blank")) {
                try await accounts.acceptInvitation(token: token, .newAccount(displayName: "  ", passwordHash: "h"), now: at(3600), requestID: "r")
            }
            let user = try await accounts.acceptInvitation(
                token: token, .newAccount(displayName: "Nia New", passwordHash: "h"), now: at(3600), requestID: "r")
            #expect(try await Directory(database: db).memberships(userID: user.id).map(\.role) == [.practitioner])
            await #expect(throws: StoreError.notFound("invitation")) {
                try await accounts.acceptInvitation(token: token, .newAccount(displayName: "Again", passwordHash: "h"), now: at(3601), requestID: "r")
            }
            #expect(try await f.staff(db).invitations(f.ctx(3700)).isEmpty)
            #expect(try await auditCount(db, action: "activate", resource: "staff.invitation") == 1)
            let member = try #require(try await f.staff(db).members(f.ctx(3700)).first { $0.id == user.id })
            #expect(member.places.map(\.clinicName) == ["Alder Central"] && member.lastSignInAt == nil)
        }
    }

    @Test("invitations refuse bad input naming the field, other organizations' clinics, and existing members", arguments: Backend.available)
    func invitationRefusals(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let f = try await StaffFixture.make(db)
            let grant = [StaffGrant(clinicID: f.orgs.clinicA.id, role: .assistant)]
            await #expect(throws: StoreError.invalid(field: "email", problem: "not an email address (name@example.com)")) {
                try await f.staff(db).invite(email: "nobody", grants: grant, mail: linkMail("invitation", to: "x"), f.ctx())
            }
            await #expect(throws: StoreError.invalid(field: "grants", problem: "names a clinic that is not in this organization")) {
                try await f.staff(db).invite(
                    email: "x@alder.example", grants: [StaffGrant(clinicID: f.orgs.clinicB.id, role: .owner)],
                    mail: linkMail("invitation", to: "x"), f.ctx())
            }
            await #expect(
                throws: StoreError.invalid(field: "email", problem: "is already a member of every clinic chosen; change the role on the staff page")
            ) {
                try await f.staff(db).invite(email: "a.practitioner@alder.example", grants: grant, mail: linkMail("invitation", to: "x"), f.ctx())
            }
            #expect(try await mailedTokens(db, kind: "invitation").isEmpty, "a refused invitation sends nothing")
            // A revoked invitation's link stops working.
            let inv = try await f.staff(db).invite(email: "z@alder.example", grants: grant, mail: linkMail("invitation", to: "z"), f.ctx())
            let token = try #require(try await mailedTokens(db, kind: "invitation").first)
            try await f.staff(db).revokeInvitation(id: inv.id, f.ctx(5))
            #expect(try await AccountStore(database: db, auditKey: testAuditKey).invitation(token: token, now: at(10)) == nil)
        }
    }

    @Test("the last active owner cannot be demoted, removed or deactivated; a second owner can be", arguments: Backend.available)
    func lastOwner(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let f = try await StaffFixture.make(db)
            let clinic = f.orgs.clinicA.id
            await #expect(throws: StoreError.state(.lastOwner)) {
                try await f.staff(db).setRole(userID: f.owner.id, clinicID: clinic, role: .auditor, f.ctx())
            }
            await #expect(throws: StoreError.state(.lastOwner)) {
                try await f.staff(db).removeMembership(userID: f.owner.id, clinicID: clinic, f.ctx())
            }
            await #expect(throws: StoreError.state(.lastOwner)) { try await f.staff(db).deactivate(userID: f.owner.id, f.ctx()) }
            #expect(try await Directory(database: db).memberships(userID: f.owner.id).map(\.role) == [.owner], "nothing changed")

            try await f.staff(db).setRole(userID: f.orgs.userA.id, clinicID: clinic, role: .owner, f.ctx(1))
            try await f.staff(db).setRole(userID: f.owner.id, clinicID: clinic, role: .practitioner, f.ctx(2))
            #expect(try await db.read { try await StaffStore.activeOwners(f.orgs.a.id, on: $0) } == 1)
            #expect(try await auditCount(db, action: "update", resource: "staff.membership") == 2)
        }
    }

    @Test("two owners demoting each other at once: exactly one change holds", arguments: Backend.available)
    func concurrentDemotion(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let f = try await StaffFixture.make(db)
            let clinic = f.orgs.clinicA.id
            try await f.staff(db).setRole(userID: f.orgs.userA.id, clinicID: clinic, role: .owner, f.ctx())
            let results = await withTaskGroup(of: Bool.self) { group -> [Bool] in
                for (actor, target) in [(f.owner.id, f.orgs.userA.id), (f.orgs.userA.id, f.owner.id)] {
                    group.addTask {
                        (try? await f.staff(db).setRole(userID: target, clinicID: clinic, role: .practitioner, f.ctx(1, actor: actor))) != nil
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 1)
            #expect(try await db.read { try await StaffStore.activeOwners(f.orgs.a.id, on: $0) } == 1)
        }
    }

    @Test("deactivating ends every session and token at once; a lock is lifted by the owner", arguments: Backend.available)
    func deactivateAndUnlock(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let f = try await StaffFixture.make(db)
            let creds = CredentialStore(database: db)
            let user = f.orgs.userA
            let session = try await creds.createSession(userID: user.id, clinicID: f.orgs.clinicA.id, now: at(0))
            let token = try await creds.issue(userID: user.id, organizationID: f.orgs.a.id, name: "t", expiresAt: nil, now: at(0))
            for _ in 0..<5 { _ = try await creds.admitLoginAttempt(email: user.email, address: "10.0.0.9", now: at(10)) }
            guard case .throttled = try await creds.admitLoginAttempt(email: user.email, address: "10.0.0.9", now: at(11)) else {
                Issue.record("five failures hold the address")
                return
            }
            #expect(try await f.staff(db).members(f.ctx(12)).first { $0.id == user.id }?.recentFailures == 5)
            try await f.staff(db).liftLock(userID: user.id, f.ctx(12))
            guard case .admitted = try await creds.admitLoginAttempt(email: user.email, address: "10.0.0.9", now: at(13)) else {
                Issue.record("the owner lifted the lock")
                return
            }
            #expect(try await auditCount(db, action: "unlock", resource: "staff.user") == 1)

            // Another organization's member is not this owner's to deactivate.
            await #expect(throws: StoreError.notFound("colleague")) { try await f.staff(db).deactivate(userID: f.orgs.userB.id, f.ctx(14)) }
            try await f.staff(db).deactivate(userID: user.id, f.ctx(20))
            #expect(try await creds.session(token: session.token, now: at(21)) == nil)
            #expect(try await creds.authenticate(token: token.token, now: at(21)) == nil)
            #expect(try await Directory(database: db).credentials(email: user.email) == nil, "cannot sign in")
            #expect(try await f.staff(db).members(f.ctx(22)).first { $0.id == user.id }?.deactivated == true)
            #expect(try await auditCount(db, action: "deactivate", resource: "staff.user") == 1)
        }
    }
}
