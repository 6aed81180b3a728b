import FluentKit
import Foundation
import SQLKit
import StratumCore
@testable import StratumStore
import Testing

/// Seals until nothing waits, as the CLI does before it verifies.
func sealAll(_ db: StratumDatabase) async throws {
    while try await db.read({ try await AuditTrail.pendingCount(on: $0) }) > 0 {
        try await AuditTrail.sealPending(key: testAuditKey, database: db)
    }
}

@Suite("Audit sealing: concurrent appends without a shared lock, sealed once each, in one chain")
struct AuditSealerTests {
    @Test(
        "many concurrent transactions append, some roll back; after sealing the chain holds every committed row once",
        arguments: Backend.available)
    func concurrentAppends(_ backend: Backend) async throws {
        struct Refused: Error {}
        try await withStore(backend) { db in
            let committed = try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<60 {
                    group.addTask {
                        let entries = (0..<(1 + i % 3)).map { tamperEntry(i * 10 + $0) }
                        do {
                            // Every seventh transaction fails after writing its rows: on PostgreSQL its seqs are holes.
                            try await db.write { database in
                                try await AuditTrail.appendAll(entries, key: testAuditKey, on: database)
                                if i % 7 == 3 { throw Refused() }
                            }
                            return entries.count
                        } catch is Refused { return 0 }
                    }
                }
                return try await group.reduce(0, +)
            }
            try await sealAll(db)
            #expect(try await db.read { try await AuditTrail.verify(key: testAuditKey, on: $0, pageSize: 17) } == .intact(rows: Int64(committed)))
            let rows = try await allAuditRows(db)
            #expect(rows.count == committed)
            #expect(rows.compactMap(\.position).sorted() == Array(1...Int64(committed)), "every row sealed once, no position skipped")
        }
    }

    @Test(
        "two app servers on one PostgreSQL database append at once, both run a sealer, and the trail is one intact chain",
        .enabled(if: Backend.postgresURL != nil, "needs STRATUM_TEST_POSTGRES_URL"))
    func twoServers() async throws {
        try await withStore(.postgres) { db in
            let other = try await StratumDatabase.open(db.location)
            let sealers = [AuditSealer(database: db, key: testAuditKey), AuditSealer(database: other, key: testAuditKey)]
            for s in sealers { s.start() }
            let orgs = try await TwoOrganizations.make(db)
            let servers = [orgs.scopeA(db), OrganizationScope(organizationID: orgs.a.id, database: other, auditKey: testAuditKey)]
            let started = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<40 {
                    group.addTask {
                        let scope = servers[i % 2]
                        _ = try await scope.patients.create(draft(orgs.clinicA.id, given: "P\(i)"), confirmDuplicate: true, orgs.ctxA)
                    }
                }
                try await group.waitForAll()
            }
            let written = ContinuousClock.now
            // The sealers keep up: what the last transaction committed is sealed within a few rounds.
            while try await db.read({ try await AuditTrail.pendingCount(on: $0) }) > 0 {
                #expect(ContinuousClock.now - written < .seconds(2), "rows still unsealed 2 s after the last commit")
                if ContinuousClock.now - written > .seconds(2) { break }
                try await Task.sleep(for: .milliseconds(2))
            }
            let lag = ContinuousClock.now - written
            for s in sealers { await s.stop() }
            await other.shutdown()
            let rows = try await allAuditRows(db)
            #expect(rows.count >= 40)
            #expect(rows.allSatisfy { $0.position != nil })
            #expect(try await db.read { try await AuditTrail.verify(key: testAuditKey, on: $0) } == .intact(rows: Int64(rows.count)))
            print("two servers: \(rows.count) rows written in \(written - started), all sealed \(lag) after the last commit")
        }
    }

    @Test(
        "a row deleted after the sealer's round is named, though it was written unsealed",
        .enabled(if: Backend.postgresURL != nil, "needs STRATUM_TEST_POSTGRES_URL"))
    func deletedAfterTheDelay() async throws {
        try await withStore(.postgres) { db in
            let sealer = AuditSealer(database: db, key: testAuditKey)
            sealer.start()
            for i in 0..<5 {
                let entry = tamperEntry(i)
                try await db.write { try await AuditTrail.append(entry, key: testAuditKey, on: $0) }
            }
            let written = ContinuousClock.now
            while try await db.read({ try await AuditTrail.pendingCount(on: $0) }) > 0, ContinuousClock.now - written < .seconds(2) {
                try await Task.sleep(for: .milliseconds(1))
            }
            await sealer.stop()
            let shape = try await TrailShape.read(db)
            #expect(shape.sealed.count == 5, "sealed within 2 s of commit")
            try await dropAuditGuards(db)
            try await db.sql.raw("DELETE FROM audit_events WHERE position = 3").run()
            guard case .broken(let seq, _) = try await db.read({ try await AuditTrail.verify(key: testAuditKey, on: $0) }) else {
                Issue.record("a sealed row's deletion went unnoticed"); return
            }
            #expect(seq == shape.seq(at: 4))
        }
    }

    @Test(
        "PostgreSQL itself refuses to change a sealed row, or an unsealed row's fields; the sealer's one update passes",
        .enabled(if: Backend.postgresURL != nil, "needs STRATUM_TEST_POSTGRES_URL"))
    func sealOnlyTrigger() async throws {
        try await withStore(.postgres) { db in
            for i in 0..<2 {
                let entry = tamperEntry(i)
                try await db.write { try await AuditTrail.append(entry, key: testAuditKey, on: $0) }
            }
            try await AuditTrail.sealPending(key: testAuditKey, database: db, limit: 1)
            await #expect(throws: (any Error).self) { try await db.sql.raw("UPDATE audit_events SET position = 9 WHERE seq = 1").run() }
            await #expect(throws: (any Error).self) { try await db.sql.raw("UPDATE audit_events SET action = 'x' WHERE seq = 2").run() }
            await #expect(throws: (any Error).self) {
                try await db.sql.raw("UPDATE audit_events SET position = 2, prev_hash = 'a', hash = 'b', action = 'x' WHERE seq = 2").run()
            }
            await #expect(throws: (any Error).self) { try await db.sql.raw("DELETE FROM audit_events WHERE seq = 2").run() }
            try await sealAll(db)
            #expect(try await db.read { try await AuditTrail.verify(key: testAuditKey, on: $0) } == .intact(rows: 2))
        }
    }

    @Test(
        "rows chained before per-row MACs (M0020) still verify, new rows chain on after them, and an edit of an old row is named",
        arguments: Backend.available)
    func legacyRows(_ backend: Backend) async throws {
        try await withBareDatabase(backend) { db in
            let before = StratumMigrations.all.filter { !($0 is M0020_SealedAuditAndPhotoBlobs) }
            try await runMigrations(before, on: db)
            // Three rows exactly as the chain wrote them before: seq, fields, prev_hash, hash; the head pinned.
            var prev = AuditTrail.genesis
            for seq in Int64(1)...3 {
                let e = tamperEntry(Int(seq))
                let at = UTCTimestamp.text(e.occurredAt)
                let hash = AuditTrail.legacyLink(key: testAuditKey, prev: prev, seq: seq, occurredAt: at, e)
                try await db.sql.insert(into: "audit_events")
                    .columns(
                        "seq", "occurred_at", "actor_id", "organization_id", "clinic_id", "patient_id", "action", "resource", "outcome",
                        "request_id", "prev_hash", "hash"
                    )
                    .values(
                        SQLBind(seq), SQLBind(at), SQLBind(e.actorID), SQLBind(e.organizationID), SQLBind(e.clinicID), SQLBind(e.patientID),
                        SQLBind(e.action), SQLBind(e.resource), SQLBind(e.outcome.rawValue), SQLBind(e.requestID), SQLBind(prev), SQLBind(hash)
                    )
                    .run()
                try await AuditTrail.moveHead(to: seq, hash: hash, existing: seq > 1, key: testAuditKey, on: db.sql)
                prev = hash
            }
            try await runMigrations([M0020_SealedAuditAndPhotoBlobs()], on: db)
            for i in 10..<13 {
                let entry = tamperEntry(i)
                try await db.write { try await AuditTrail.append(entry, key: testAuditKey, on: $0) }
            }
            try await sealAll(db)
            #expect(try await db.read { try await AuditTrail.verify(key: testAuditKey, on: $0) } == .intact(rows: 6))
            #expect(try await allAuditRows(db).map(\.seq) == [1, 2, 3, 4, 5, 6], "new rows number on after the old ones")
            try await dropAuditGuards(db)
            try await db.sql.raw("UPDATE audit_events SET action = 'export' WHERE seq = 2").run()
            guard case .broken(let seq, _) = try await db.read({ try await AuditTrail.verify(key: testAuditKey, on: $0) }) else {
                Issue.record("an edited old row went unnoticed"); return
            }
            #expect(seq == 2)
        }
    }
}

func runMigrations(_ list: [any Migration], on db: StratumDatabase) async throws {
    let migrations = Migrations()
    migrations.add(list)
    let migrator = Migrator(databases: db.databases, migrations: migrations, logger: db.logger, on: db.eventLoopGroup.any())
    try await migrator.setupIfNeeded().get()
    try await migrator.prepareBatch().get()
}

/// An empty database of `backend`, not migrated, removed afterwards: for tests of a migration itself.
func withBareDatabase(_ backend: Backend, _ body: @Sendable (StratumDatabase) async throws -> Void) async throws {
    switch backend {
    case .sqlite:
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("stratum-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = try await StratumDatabase.open(.sqlite(path: dir.appendingPathComponent("stratum.sqlite").path))
        do { try await body(db) } catch { await db.shutdown(); throw error }
        await db.shutdown()
    case .postgres:
        await postgresSlots.acquire()
        defer { Task { await postgresSlots.release() } }
        let base = try #require(Backend.postgresURL)
        let name = "stratum_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let admin = try await StratumDatabase.open(.postgres(url: base))
        try await admin.sql.raw("CREATE DATABASE \(unsafeRaw: name)").run()
        let db = try await StratumDatabase.open(.postgres(url: replacingDatabase(in: base, with: name)))
        var failure: (any Error)?
        do { try await body(db) } catch { failure = error }
        await db.shutdown()
        try? await admin.sql.raw("DROP DATABASE \(unsafeRaw: name)").run()
        await admin.shutdown()
        if let failure { throw failure }
    }
}
