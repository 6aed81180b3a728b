import Foundation
@testable import StratumStore
import Testing

@Suite("Database: location, settings, migrations, transactions")
struct DatabaseTests {
    @Test(
        "DATABASE_URL: a file path or postgres URL; nonsense and in-memory databases are refused",
        arguments: [
            ("./stratum.sqlite", "sqlite"), ("sqlite:///var/lib/stratum/db.sqlite", "sqlite"),
            ("postgres://u:p@localhost:5432/stratum", "postgres"), ("postgresql://localhost/stratum", "postgres"),
            ("mysql://localhost/x", "error"), ("", "error"), (":memory:", "error"), ("sqlite://", "error")
        ])
    func location(_ url: String, _ kind: String) {
        switch Result(catching: { try DatabaseLocation(url) }) {
        case .success(.sqlite): #expect(kind == "sqlite")
        case .success(.postgres): #expect(kind == "postgres")
        case .failure: #expect(kind == "error")
        }
    }

    @Test("a PostgreSQL password never appears in what is printed")
    func redaction() throws {
        let loc = try DatabaseLocation("postgres://stratum:s3cret@db.internal:5432/stratum")
        #expect(!loc.redacted.contains("s3cret"))
        #expect(loc.redacted.contains("stratum:***@db.internal"))
    }

    @Test("configuration lists every problem at once")
    func configuration() {
        let bad = StoreConfiguration.fromEnvironment(["DATABASE_URL": "mysql://x", "STRATUM_AUDIT_KEY": "abc"])
        guard case .failure(let p) = bad else { Issue.record("accepted"); return }
        #expect(p.problems.count == 2)
        let good = StoreConfiguration.fromEnvironment([:])
        #expect((try? good.get())?.database == .sqlite(path: "./stratum.sqlite"))
    }

    @Test("the SQLite file runs in WAL with synchronous=FULL, foreign keys and a busy timeout")
    func sqliteSettings() async throws {
        try await withStore(.sqlite) { db in
            #expect(try await db.unsafeSettings() == [])
            try await db.requireSafeSettings()
        }
    }

    @Test("migrations run on each database and a second run changes nothing", arguments: Backend.available)
    func migrateTwice(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            try await db.migrate()
            #expect(try await Directory(database: db).organizationCount() == 0)
            if backend == .postgres { #expect(try await db.unsafeSettings() == []) }
        }
    }

    @Test("a write that fails leaves nothing behind: no record and no audit row", arguments: Backend.available)
    func rollback(_ backend: Backend) async throws {
        struct Boom: Error {}
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let scope = orgs.scopeA(db)
            await #expect(throws: Boom.self) {
                try await db.write { database in
                    try await AuditTrail.append(
                        AuditEntry(
                            occurredAt: Date(), actorID: nil, organizationID: orgs.a.id, clinicID: nil,
                            patientID: nil, action: "create", resource: "patient", outcome: .allowed,
                            requestID: "r"), key: testAuditKey, on: database)
                    throw Boom()
                }
            }
            #expect(try await scope.patients.search(name: nil, birthDate: nil, orgs.ctxA).isEmpty)
            let verification = try await db.read { try await AuditTrail.verify(key: testAuditKey, on: $0) }
            #expect(verification == .intact(rows: 0))
        }
    }

    @Test("40 concurrent writers all succeed and the audit chain stays whole", arguments: Backend.available)
    func concurrentWriters(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let scope = orgs.scopeA(db)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<40 {
                    group.addTask { _ = try await scope.patients.create(draft(orgs.clinicA.id, given: "P\(i)"), confirmDuplicate: true, orgs.ctxA) }
                }
                try await group.waitForAll()
            }
            #expect(try await scope.patients.search(name: "okafor", birthDate: nil, limit: 100, orgs.ctxA).count == 40)
            let verification = try await db.read { try await AuditTrail.verify(key: testAuditKey, on: $0) }
            #expect(verification == .intact(rows: 80))  // 40 creates + 40 search hits
        }
    }
}
