import FluentKit
import Foundation
import Logging
import SQLKit
import StratumCore
@testable import StratumStore
import Testing

/// A second connection pool on the same database, as a second app server would hold, whose statements are logged.
func withCountedDatabase<T: Sendable>(_ db: StratumDatabase, _ body: (StratumDatabase, StatementLog) async throws -> T) async throws -> T {
    let log = StatementLog()
    var logger = Logger(label: "stratum.test.statements") { _ in log }
    logger.logLevel = .trace
    let counted = try await StratumDatabase.open(db.location, logger: logger)
    do {
        let result = try await body(counted, log)
        await counted.shutdown()
        return result
    } catch {
        await counted.shutdown()
        throw error
    }
}

/// Changes a membership's role the way an administrator's statement would: no store door changes roles yet.
func setRole(_ db: StratumDatabase, userID: UUID, clinicID: UUID, _ role: Role) async throws {
    try await db.write { database in
        try await MembershipRow.query(on: database).filter(\.$userID == userID).filter(\.$clinicID == clinicID)
            .set(\.$role, to: role.rawValue).update()
    }
}

@Suite("Principal resolution: one statement per request, revocations and role changes seen at once")
struct PrincipalResolutionTests {
    @Test("a bearer token resolves to its user, organization and memberships in one SELECT", arguments: Backend.available)
    func tokenInOneStatement(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let second = try await Directory(database: db).createClinic(organizationID: orgs.a.id, name: "Alder East", timezone: "Europe/London")
            _ = try await Directory(database: db).addMembership(userID: orgs.userA.id, clinicID: second.id, role: .assistant)
            let issued = try await CredentialStore(database: db).issue(
                userID: orgs.userA.id, organizationID: orgs.a.id, name: "t",
                expiresAt: nil, now: at(0))
            try await withCountedDatabase(db) { counted, log in
                let creds = CredentialStore(database: counted)
                // The first use stamps last_used_at (a write at most once a minute); the next request only reads.
                _ = try await creds.authenticate(token: issued.token, now: at(10))
                var found: TokenPrincipal?
                let queries = try await log.queries { found = try await creds.authenticate(token: issued.token, now: at(20)) }
                #expect(queries.count == 1, "\(queries)")
                #expect(queries.first?.uppercased().hasPrefix("SELECT") == true)
                let who = try #require(found)
                #expect(who.memberships.map(\.clinicID) == [orgs.clinicA.id, second.id], "oldest membership first")
                #expect(who.memberships.map(\.role) == [.practitioner, .assistant])
            }
        }
    }

    @Test("a browser session resolves to its user, memberships and clinic names in one SELECT", arguments: Backend.available)
    func sessionInOneStatement(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let started = try await CredentialStore(database: db).createSession(userID: orgs.userA.id, clinicID: orgs.clinicA.id, now: at(0))
            try await withCountedDatabase(db) { counted, log in
                let creds = CredentialStore(database: counted)
                var found: WebSession?
                // 30 s after sign-in: last_seen_at is fresh enough that the request writes nothing.
                let queries = try await log.queries { found = try await creds.session(token: started.token, now: at(30)) }
                #expect(queries.count == 1, "\(queries)")
                #expect(queries.first?.uppercased().hasPrefix("SELECT") == true)
                let session = try #require(found)
                #expect(session.displayName == "A. Practitioner")
                #expect(
                    session.memberships == [
                        SessionMembership(
                            membership: Membership(organizationID: orgs.a.id, clinicID: orgs.clinicA.id, userID: orgs.userA.id, role: .practitioner),
                            clinicName: "Alder Central")
                    ])
                #expect(session.lastSeenAt == at(0))
                // Past the stamp's resolution the request records the activity: one SELECT and one UPDATE.
                let later = try await log.queries { found = try await creds.session(token: started.token, now: at(90)) }
                #expect(later.count == 2, "\(later)")
                #expect(found?.lastSeenAt == at(90))
            }
        }
    }

    @Test("a token revoked or a role changed on one app server counts on another from the next request", arguments: Backend.available)
    func revocationAndRoleChangeAcrossServers(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let issued = try await CredentialStore(database: db).issue(
                userID: orgs.userA.id, organizationID: orgs.a.id, name: "t",
                expiresAt: nil, now: at(0))
            let session = try await CredentialStore(database: db).createSession(userID: orgs.userA.id, clinicID: orgs.clinicA.id, now: at(0))
            try await withCountedDatabase(db) { other, _ in
                let there = CredentialStore(database: other)
                #expect(try await there.authenticate(token: issued.token, now: at(1))?.memberships.first?.role == .practitioner)
                #expect(try await there.session(token: session.token, now: at(1))?.memberships.first?.membership.role == .practitioner)

                try await setRole(db, userID: orgs.userA.id, clinicID: orgs.clinicA.id, .frontDesk)
                #expect(try await there.authenticate(token: issued.token, now: at(2))?.memberships.first?.role == .frontDesk)
                #expect(try await there.session(token: session.token, now: at(2))?.memberships.first?.membership.role == .frontDesk)

                try await CredentialStore(database: db).revoke(id: issued.id, now: at(3))
                #expect(try await there.authenticate(token: issued.token, now: at(3)) == nil)
                try await CredentialStore(database: db).deleteSession(token: session.token)
                #expect(try await there.session(token: session.token, now: at(3)) == nil)
            }
        }
    }

    @Test(
        "a disabled user's token and session stop at once; a token outside the user's memberships resolves to nothing",
        arguments: Backend.available)
    func disabledAndRemoved(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let creds = CredentialStore(database: db)
            let issued = try await creds.issue(userID: orgs.userA.id, organizationID: orgs.a.id, name: "t", expiresAt: nil, now: at(0))
            let session = try await creds.createSession(userID: orgs.userA.id, clinicID: nil, now: at(0))
            let other = try await creds.issue(userID: orgs.userB.id, organizationID: orgs.b.id, name: "t", expiresAt: nil, now: at(0))
            try await db.write { database in
                try await MembershipRow.query(on: database).filter(\.$userID == orgs.userB.id).delete()
                try await UserRow.query(on: database).filter(\.$id == orgs.userA.id).set(\.$disabledAt, to: at(1)).update()
            }
            #expect(try await creds.authenticate(token: issued.token, now: at(2)) == nil)
            #expect(try await creds.session(token: session.token, now: at(2)) == nil)
            #expect(try await creds.authenticate(token: other.token, now: at(2)) == nil, "no longer a member of the organization")
        }
    }
}
