import FluentKit
import Foundation
import SQLKit

/// The hash-chained audit trail. Each row's `hash` is HMAC-SHA256(key, previous hash ‖ the row's fields), so
/// an edited, deleted, inserted or reordered row breaks the chain at that row; `audit_head` pins the newest row.
public enum AuditTrail {
    static let genesis = String(repeating: "0", count: 64)
    static let postgresLockID = 0x5354_5241  // "STRA": serializes appends across app servers.

    static func canonical(seq: Int64, occurredAt: String, _ e: AuditEntry) -> String {
        [String(seq), occurredAt, e.actorID?.uuidString ?? "", e.organizationID?.uuidString ?? "", e.clinicID?.uuidString ?? "",
         e.patientID?.uuidString ?? "", e.action, e.resource, e.outcome.rawValue, e.requestID].joined(separator: "\u{1F}")
    }

    static func rowHash(key: AuditKey, prev: String, seq: Int64, occurredAt: String, _ e: AuditEntry) -> String {
        key.mac(prev + "\u{1E}" + canonical(seq: seq, occurredAt: occurredAt, e))
    }

    static func headMAC(key: AuditKey, seq: Int64, hash: String) -> String {
        key.mac("head\u{1F}\(seq)\u{1F}\(hash)")
    }

    /// Appends `entry` inside the caller's write transaction (`StratumDatabase.write`), so the audit row and the
    /// write it records commit together or not at all. Returns the row's sequence number.
    @discardableResult
    public static func append(_ entry: AuditEntry, key: AuditKey, on db: any Database) async throws -> Int64 {
        let sql = db as! any SQLDatabase
        if sql.dialect.name != "sqlite" {
            try await sql.raw("SELECT pg_advisory_xact_lock(\(unsafeRaw: String(postgresLockID)))").run()
        }
        let head = try await sql.select().columns("seq", "hash").from("audit_head").where("id", .equal, 1).first()
        let prevSeq = try head?.decode(column: "seq", as: Int64.self) ?? 0
        let prevHash = try head?.decode(column: "hash", as: String.self) ?? genesis
        let seq = prevSeq + 1
        let occurredAt = UTCTimestamp.text(entry.occurredAt)
        let hash = rowHash(key: key, prev: prevHash, seq: seq, occurredAt: occurredAt, entry)
        try await sql.insert(into: "audit_events")
            .columns("seq", "occurred_at", "actor_id", "organization_id", "clinic_id", "patient_id", "action", "resource",
                     "outcome", "request_id", "prev_hash", "hash")
            .values(SQLBind(seq), SQLBind(occurredAt), SQLBind(entry.actorID), SQLBind(entry.organizationID),
                    SQLBind(entry.clinicID), SQLBind(entry.patientID), SQLBind(entry.action), SQLBind(entry.resource),
                    SQLBind(entry.outcome.rawValue), SQLBind(entry.requestID), SQLBind(prevHash), SQLBind(hash))
            .run()
        let mac = headMAC(key: key, seq: seq, hash: hash)
        if head == nil {
            try await sql.insert(into: "audit_head").columns("id", "seq", "hash", "mac")
                .values(SQLBind(1), SQLBind(seq), SQLBind(hash), SQLBind(mac)).run()
        } else {
            try await sql.update("audit_head").set("seq", to: seq).set("hash", to: hash).set("mac", to: mac)
                .where("id", .equal, 1).run()
        }
        return seq
    }

    /// Appends `entries` in order inside the caller's write transaction, chained exactly as one `append` each, with
    /// one read of the head and multi-row inserts: a recall listing hundreds of patients audits each of them
    /// without hundreds of round trips. Returns the last row's sequence number (the head's, when `entries` is empty).
    @discardableResult
    public static func appendAll(_ entries: [AuditEntry], key: AuditKey, on db: any Database) async throws -> Int64 {
        guard entries.count > 1 else {
            if let only = entries.first { return try await append(only, key: key, on: db) }
            return 0
        }
        let sql = db as! any SQLDatabase
        if sql.dialect.name != "sqlite" {
            try await sql.raw("SELECT pg_advisory_xact_lock(\(unsafeRaw: String(postgresLockID)))").run()
        }
        let head = try await sql.select().columns("seq", "hash").from("audit_head").where("id", .equal, 1).first()
        var seq = try head?.decode(column: "seq", as: Int64.self) ?? 0
        var prevHash = try head?.decode(column: "hash", as: String.self) ?? genesis
        var rows: [[any Encodable & Sendable]] = []
        for entry in entries {
            seq += 1
            let occurredAt = UTCTimestamp.text(entry.occurredAt)
            let hash = rowHash(key: key, prev: prevHash, seq: seq, occurredAt: occurredAt, entry)
            rows.append([seq, occurredAt, entry.actorID, entry.organizationID, entry.clinicID, entry.patientID, entry.action, entry.resource,
                         entry.outcome.rawValue, entry.requestID, prevHash, hash])
            prevHash = hash
        }
        var start = 0
        while start < rows.count {
            var insert = sql.insert(into: "audit_events")
                .columns("seq", "occurred_at", "actor_id", "organization_id", "clinic_id", "patient_id", "action", "resource",
                         "outcome", "request_id", "prev_hash", "hash")
            for row in rows[start..<min(rows.count, start + 500)] { insert = insert.values(row) }
            try await insert.run()
            start += 500
        }
        let mac = headMAC(key: key, seq: seq, hash: prevHash)
        if head == nil {
            try await sql.insert(into: "audit_head").columns("id", "seq", "hash", "mac")
                .values(SQLBind(1), SQLBind(seq), SQLBind(prevHash), SQLBind(mac)).run()
        } else {
            try await sql.update("audit_head").set("seq", to: seq).set("hash", to: prevHash).set("mac", to: mac)
                .where("id", .equal, 1).run()
        }
        return seq
    }

    /// The result of checking the whole chain.
    public enum Verification: Sendable, Equatable {
        case intact(rows: Int64)
        /// The first bad row and what is wrong with it.
        case broken(seq: Int64, problem: String)
    }

    /// Walks the chain from the first row and names the first row that does not hold.
    public static func verify(key: AuditKey, on db: any Database, pageSize: Int = 2000) async throws -> Verification {
        let sql = db as! any SQLDatabase
        var expected: Int64 = 1
        var prevHash = genesis
        while true {
            let rows = try await sql.select().column("*").from("audit_events")
                .where("seq", .greaterThanOrEqual, expected).orderBy("seq").limit(pageSize).all()
            if rows.isEmpty { break }
            for row in rows {
                let r = try decode(row)
                if r.seq != expected {
                    return .broken(seq: expected, problem: "row \(expected) is missing (the next row is \(r.seq)): it was deleted, or rows were renumbered")
                }
                if r.prevHash != prevHash {
                    return .broken(seq: r.seq, problem: "does not follow the row before it: a row was deleted, inserted or moved")
                }
                let recomputed = rowHash(key: key, prev: r.prevHash, seq: r.seq, occurredAt: r.occurredAtText, r.entry)
                if recomputed != r.hash {
                    return .broken(seq: r.seq, problem: "its contents do not match its HMAC: the row was edited or forged")
                }
                prevHash = r.hash
                expected += 1
            }
        }
        let last = expected - 1
        let head = try await sql.select().columns("seq", "hash", "mac").from("audit_head").where("id", .equal, 1).first()
        if let head {
            let seq = try head.decode(column: "seq", as: Int64.self)
            let hash = try head.decode(column: "hash", as: String.self)
            let mac = try head.decode(column: "mac", as: String.self)
            if mac != headMAC(key: key, seq: seq, hash: hash) {
                return .broken(seq: seq, problem: "the chain's head record was edited")
            }
            if seq != last || hash != prevHash {
                return .broken(seq: last + 1, problem: "the chain ends at row \(last) but its head says row \(seq): rows at the end were deleted")
            }
        } else if last > 0 {
            return .broken(seq: last, problem: "the chain's head record is missing")
        }
        return .intact(rows: last)
    }

    /// Rows of one patient's record, newest first, for the audit log view.
    public static func rows(patientID: UUID, organizationID: UUID, on db: any Database, limit: Int = 200) async throws -> [AuditRow] {
        let sql = db as! any SQLDatabase
        return try await sql.select().column("*").from("audit_events")
            .where("patient_id", .equal, patientID).where("organization_id", .equal, organizationID)
            .orderBy("seq", .descending).limit(limit).all().map(decode)
    }

    static func decode(_ row: any SQLRow) throws -> AuditRow {
        let occurred = try row.decode(column: "occurred_at", as: String.self)
        let entry = AuditEntry(
            occurredAt: UTCTimestamp.date(occurred) ?? Date(timeIntervalSince1970: 0),
            actorID: try row.decode(column: "actor_id", as: UUID?.self),
            organizationID: try row.decode(column: "organization_id", as: UUID?.self),
            clinicID: try row.decode(column: "clinic_id", as: UUID?.self),
            patientID: try row.decode(column: "patient_id", as: UUID?.self),
            action: try row.decode(column: "action", as: String.self),
            resource: try row.decode(column: "resource", as: String.self),
            outcome: AuditOutcome(rawValue: try row.decode(column: "outcome", as: String.self)) ?? .denied,
            requestID: try row.decode(column: "request_id", as: String.self))
        return AuditRow(seq: try row.decode(column: "seq", as: Int64.self), entry: entry, occurredAtText: occurred,
                        prevHash: try row.decode(column: "prev_hash", as: String.self),
                        hash: try row.decode(column: "hash", as: String.self))
    }
}
