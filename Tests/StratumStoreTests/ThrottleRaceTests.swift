import Foundation
import StratumCore
@testable import StratumStore
import Testing

private func mailed(_ token: String, _ user: User) -> OutgoingMail {
    OutgoingMail(kind: "password-reset", recipient: user.email, subject: "Reset", body: "token=\(token)", idempotencyKey: "reset:\(token.prefix(16))")
}

@Suite("Hourly throttles hold under a burst: requests arriving at once are counted as they arrive")
struct ThrottleRaceTests {
    /// Runs `attempts` requests at once and counts those let through.
    static func burst(_ attempts: Int, _ request: @escaping @Sendable (Int) async throws -> Bool) async -> Int {
        await withTaskGroup(of: Bool.self) { group -> Int in
            for i in 0..<attempts { group.addTask { (try? await request(i)) ?? false } }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
    }

    @Test("ten password-reset requests for one email at once: exactly the hourly limit pass", arguments: Backend.available)
    func resetBurst(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let f = try await StaffFixture.make(db)
            let accounts = AccountStore(database: db, auditKey: testAuditKey)
            let email = f.orgs.userA.email
            let passed = await Self.burst(10) { i in
                try await accounts.requestPasswordReset(email: email, address: "10.0.3.\(i)", now: at(0), requestID: "r", mail: mailed)
            }
            #expect(passed == AccountStore.resetsPerEmailPerHour)
        }
    }

    @Test("twenty portal link requests from one address at once: exactly the hourly limit pass", arguments: Backend.available)
    func portalLinkBurst(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let portal = PortalStore(database: db, auditKey: testAuditKey)
            let passed = await Self.burst(20) { i in
                try await portal.requestLink(email: "walk\(i)@example.com", address: "10.0.4.1", now: at(0), requestID: "r", mail: portalMail)
            }
            #expect(passed == PortalInputRules.linksPerAddressPerHour)
        }
    }
}
