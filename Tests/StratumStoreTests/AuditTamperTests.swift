import Foundation
import PropertyBased
import SQLKit
import StratumCore
@testable import StratumStore
import Testing

/// One way someone with direct database access could tamper with the trail.
enum Tampering: CaseIterable, Sendable {
    case edit, delete, insert, reorder
}

@Suite("audit verify names the first tampered row")
struct AuditTamperTests {
    /// Someone with the database file (not the key) removes the append-only triggers first.
    func dropTriggers(_ db: StratumDatabase) async throws {
        if db.location.isSQLite {
            try await db.sql.raw("DROP TRIGGER audit_events_no_update").run()
            try await db.sql.raw("DROP TRIGGER audit_events_no_delete").run()
        } else {
            try await db.sql.raw("DROP TRIGGER audit_events_no_update_delete ON audit_events").run()
        }
    }

    /// Applies one tampering to row `target` of a chain of `count` rows; returns the row verify must name.
    func tamper(_ kind: Tampering, target: Int64, count: Int64, db: StratumDatabase) async throws -> Int64 {
        let sql = db.sql
        switch kind {
        case .edit:
            try await sql.raw("UPDATE audit_events SET outcome = 'allowed', action = 'export' WHERE seq = \(unsafeRaw: String(target))").run()
            return target
        case .delete:
            try await sql.raw("DELETE FROM audit_events WHERE seq = \(unsafeRaw: String(target))").run()
            // A deleted middle row shows at the next row; a deleted last row shows against the head.
            return target
        case .insert:
            // A forged row after `target`, with the following rows renumbered up; the forger lacks the key.
            try await sql.raw("UPDATE audit_events SET seq = seq + 1000000 WHERE seq > \(unsafeRaw: String(target))").run()
            try await sql.raw("UPDATE audit_events SET seq = seq - 1000000 + 1 WHERE seq > 1000000").run()
            let prev = try await sql.raw("SELECT hash FROM audit_events WHERE seq = \(unsafeRaw: String(target))").first()?
                .decode(column: "hash", as: String.self) ?? ""
            try await sql.raw("""
                INSERT INTO audit_events (seq, occurred_at, action, resource, outcome, request_id, prev_hash, hash)
                VALUES (\(unsafeRaw: String(target + 1)), '2026-11-25T10:00:00.000Z', 'read', 'patient', 'allowed', 'forged',
                        \(bind: prev), \(bind: String(repeating: "f", count: 64)))
                """).run()
            return target + 1
        case .reorder:
            // Rows `target` and `target + 1` swap places.
            let other = target == count ? target - 1 : target + 1
            let (lo, hi) = (min(target, other), max(target, other))
            try await sql.raw("UPDATE audit_events SET seq = -1 WHERE seq = \(unsafeRaw: String(lo))").run()
            try await sql.raw("UPDATE audit_events SET seq = \(unsafeRaw: String(lo)) WHERE seq = \(unsafeRaw: String(hi))").run()
            try await sql.raw("UPDATE audit_events SET seq = \(unsafeRaw: String(hi)) WHERE seq = -1").run()
            return lo
        }
    }

    func check(_ backend: Backend, kind: Tampering, rows count: Int, targetSeed: Int) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let scope = orgs.scopeA(db)
            for i in 0..<count {
                _ = try await scope.patients.create(draft(orgs.clinicA.id, given: "P\(i)"), confirmDuplicate: true, orgs.ctxA)
            }
            #expect(try await db.read { try await AuditTrail.verify(key: testAuditKey, on: $0) } == .intact(rows: Int64(count)))
            try await dropTriggers(db)
            let target = Int64(targetSeed % count) + 1
            let expected = try await tamper(kind, target: target, count: Int64(count), db: db)
            let result = try await db.read { try await AuditTrail.verify(key: testAuditKey, on: $0, pageSize: 7) }
            guard case .broken(let seq, let problem) = result else {
                Issue.record("\(kind) of row \(target) of \(count) was not detected")
                return
            }
            #expect(seq == expected, "\(kind) of row \(target) of \(count): named row \(seq) (\(problem))")
        }
    }

    @Test("property: any single edit, deletion, insertion or reordering is caught at its row (SQLite)")
    func sqliteProperty() async {
        await propertyCheck(count: 60, input: Gen.int(in: 0..<4), Gen.int(in: 2...20), Gen.int(in: 0...1000)) { kind, count, target in
            try await check(.sqlite, kind: Tampering.allCases[kind], rows: count, targetSeed: target)
        }
    }

    @Test("property: the same on PostgreSQL", .enabled(if: Backend.postgresURL != nil, "needs STRATUM_TEST_POSTGRES_URL"))
    func postgresProperty() async {
        await propertyCheck(count: 16, input: Gen.int(in: 0..<4), Gen.int(in: 2...12), Gen.int(in: 0...1000)) { kind, count, target in
            try await check(.postgres, kind: Tampering.allCases[kind], rows: count, targetSeed: target)
        }
    }

    @Test("every kind of tampering at the first, a middle and the last row", arguments: Tampering.allCases)
    func corners(_ kind: Tampering) async throws {
        for target in [0, 4, 9] { try await check(.sqlite, kind: kind, rows: 10, targetSeed: target) }
    }
}
