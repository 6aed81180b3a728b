import Foundation
import PropertyBased
import SQLKit
import StratumCore
@testable import StratumStore
import Testing

@Suite("Audit trail: every access recorded, append-only, tamper-evident")
struct AuditTrailTests {
    func rows(_ db: StratumDatabase) async throws -> [AuditRow] {
        try await db.read { database in
            try await (database as! any SQLDatabase).select().column("*").from("audit_events").orderBy("seq").all()
                .map(AuditTrail.decode)
        }
    }

    @Test(
        "reads and writes of a patient's record are audited, allowed and denied, with who, where and which request",
        arguments: Backend.available)
    func accessesAreAudited(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let p = try await orgs.scopeA(db).patients.create(draft(orgs.clinicA.id), orgs.ctxA)
            _ = try await orgs.scopeA(db).patients.get(p.id, orgs.ctxA)
            _ = try await orgs.scopeB(db).patients.get(p.id, orgs.ctxB)
            try await orgs.scopeA(db).recordDenied(orgs.ctxA, patientID: p.id, action: .read, resource: "patient.audit")
            let all = try await rows(db)
            #expect(all.map(\.entry.action) == ["create", "read", "read", "read"])
            #expect(all.map(\.entry.outcome) == [.allowed, .allowed, .denied, .denied])
            #expect(all[0].entry.actorID == orgs.userA.id)
            #expect(all[0].entry.clinicID == orgs.clinicA.id)
            #expect(all[0].entry.patientID == p.id)
            #expect(all[0].entry.requestID == "req-a")
            #expect(all[2].entry.organizationID == orgs.b.id)
            #expect(all.map(\.seq) == [1, 2, 3, 4])
            #expect(all[0].occurredAtText.hasSuffix("Z"))
            let byPatient = try await db.read { try await AuditTrail.rows(patientID: p.id, organizationID: orgs.a.id, on: $0) }
            #expect(byPatient.map(\.seq) == [4, 2, 1])
            #expect(try await db.read { try await AuditTrail.verify(key: testAuditKey, on: $0) } == .intact(rows: 4))
        }
    }

    @Test("a batch of entries chains exactly like one append each, between single appends", arguments: Backend.available)
    func batchAppend(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            func entry(_ action: String) -> AuditEntry {
                AuditEntry(
                    occurredAt: Date(timeIntervalSince1970: 1_796_000_000), actorID: nil, organizationID: nil, clinicID: nil,
                    patientID: UUID(), action: action, resource: "recall", outcome: .allowed, requestID: "batch")
            }
            let firstEntry = entry("first"), batch = (1...700).map { entry("read-\($0)") }, afterEntry = entry("after")
            try await db.write { try await AuditTrail.append(firstEntry, key: testAuditKey, on: $0) }
            let last = try await db.write { try await AuditTrail.appendAll(batch, key: testAuditKey, on: $0) }
            #expect(last == 701, "700 rows after the first, across two INSERT statements")
            try await db.write { try await AuditTrail.append(afterEntry, key: testAuditKey, on: $0) }
            let all = try await rows(db)
            #expect(all.map(\.seq) == Array(1...702))
            #expect(all[1].entry.action == "read-1" && all[700].entry.action == "read-700" && all[701].entry.action == "after")
            #expect(try await db.read { try await AuditTrail.verify(key: testAuditKey, on: $0) } == .intact(rows: 702))
        }
    }

    @Test("the database itself refuses UPDATE and DELETE on audit rows", arguments: Backend.available)
    func appendOnly(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            _ = try await orgs.scopeA(db).patients.create(draft(orgs.clinicA.id), orgs.ctxA)
            await #expect(throws: (any Error).self) {
                try await db.sql.raw("UPDATE audit_events SET action = 'read' WHERE seq = 1").run()
            }
            await #expect(throws: (any Error).self) {
                try await db.sql.raw("DELETE FROM audit_events WHERE seq = 1").run()
            }
            #expect(try await rows(db).first?.entry.action == "create")
        }
    }

    @Test("a chain verified with the wrong key fails at its first row")
    func wrongKey() async throws {
        try await withStore(.sqlite) { db in
            let orgs = try await TwoOrganizations.make(db)
            _ = try await orgs.scopeA(db).patients.create(draft(orgs.clinicA.id), orgs.ctxA)
            let other = try AuditKey(hex: String(repeating: "a5", count: 32))
            guard case .broken(let seq, _) = try await db.read({ try await AuditTrail.verify(key: other, on: $0) }) else {
                Issue.record("verified with the wrong key"); return
            }
            #expect(seq == 1)
        }
    }

    @Test("UTC timestamps round-trip through their text form")
    func timestamps() {
        let d = Date(timeIntervalSince1970: 1_795_000_000.123)
        let text = UTCTimestamp.text(d)
        #expect(text == "2026-11-18T11:06:40.123Z")
        #expect(UTCTimestamp.date(text).map { abs($0.timeIntervalSince(d)) < 0.001 } == true)
    }
}
