import FluentKit
import Foundation
import SQLKit

/// The tamper-evident audit trail (docs/decisions/0007). Every row carries its own MAC, HMAC-SHA256(key, its id ‖ its
/// fields), written in the caller's transaction with no shared state; every row is then sealed into one chain: a
/// `position`, and `hash` = HMAC(key, previous hash ‖ position ‖ seq ‖ MAC), with `audit_head` pinning the newest
/// sealed row. On SQLite the one writer seals each row as it appends it; on PostgreSQL the sealer (`AuditSealer`)
/// seals committed rows in batches, so concurrent transactions on several app servers never wait for each other.
/// An edited or forged row fails its MAC at once; a deleted, inserted or reordered sealed row breaks the chain.
public enum AuditTrail {
    static let genesis = String(repeating: "0", count: 64)

    static let columns: [String] = [
        "row_id", "mac", "occurred_at", "actor_id", "organization_id", "clinic_id", "patient_id",
        "action", "resource", "outcome", "request_id"
    ]

    static func fields(occurredAt: String, _ e: AuditEntry) -> String {
        [
            occurredAt, e.actorID?.uuidString ?? "", e.organizationID?.uuidString ?? "", e.clinicID?.uuidString ?? "",
            e.patientID?.uuidString ?? "", e.action, e.resource, e.outcome.rawValue, e.requestID
        ].joined(separator: "\u{1F}")
    }

    /// The row's own MAC. The random row id makes every row's MAC unique, so a copied row is seen as a copy.
    static func rowMAC(key: AuditKey, rowID: String, occurredAt: String, _ e: AuditEntry) -> String {
        key.mac("row\u{1F}" + rowID + "\u{1F}" + fields(occurredAt: occurredAt, e))
    }

    /// The chain link of a sealed row: binds its place, its seq (the order readers see) and its MAC to the row before.
    static func link(key: AuditKey, prev: String, position: Int64, seq: Int64, mac: String) -> String {
        key.mac(prev + "\u{1E}link\u{1F}\(position)\u{1F}\(seq)\u{1F}" + mac)
    }

    /// The chain link of a row written before rows had their own MAC (M0020): its position is its seq and the link
    /// covers its fields directly.
    static func legacyLink(key: AuditKey, prev: String, seq: Int64, occurredAt: String, _ e: AuditEntry) -> String {
        key.mac(prev + "\u{1E}" + String(seq) + "\u{1F}" + fields(occurredAt: occurredAt, e))
    }

    static func headMAC(key: AuditKey, position: Int64, hash: String) -> String {
        key.mac("head\u{1F}\(position)\u{1F}\(hash)")
    }

    /// Appends `entry` inside the caller's write transaction (`StratumDatabase.write`), so the audit row and the
    /// write it records commit together or not at all. Returns the row's seq.
    @discardableResult
    public static func append(_ entry: AuditEntry, key: AuditKey, on db: any Database) async throws -> Int64 {
        try await appendAll([entry], key: key, on: db)
    }

    /// Appends `entries` in order inside the caller's write transaction with multi-row inserts: a recall listing
    /// hundreds of patients audits each of them without hundreds of round trips. Returns the last row's seq (0 when
    /// `entries` is empty).
    @discardableResult
    public static func appendAll(_ entries: [AuditEntry], key: AuditKey, on db: any Database) async throws -> Int64 {
        guard !entries.isEmpty else { return 0 }
        let sql = db as! any SQLDatabase
        var rows: [[any Encodable & Sendable]] = entries.map { entry in
            let rowID = UUID().uuidString
            let occurredAt = UTCTimestamp.text(entry.occurredAt)
            return [
                rowID, rowMAC(key: key, rowID: rowID, occurredAt: occurredAt, entry), occurredAt, entry.actorID, entry.organizationID,
                entry.clinicID, entry.patientID, entry.action, entry.resource, entry.outcome.rawValue, entry.requestID
            ]
        }
        if sql.dialect.name != "sqlite" {
            // PostgreSQL: the sequence numbers the rows and the sealer chains them later; nothing here is shared.
            var last: Int64 = 0
            for start in stride(from: 0, to: rows.count, by: 500) {
                var insert = sql.insert(into: "audit_events").columns(columns)
                for row in rows[start..<min(rows.count, start + 500)] { insert = insert.values(row) }
                for row in try await insert.returning("seq").all() { last = max(last, try row.decode(column: "seq", as: Int64.self)) }
            }
            return last
        }
        // SQLite: this is the one writer, so the row is sealed as it is written (its seq is its position).
        let head = try await sql.select().columns("seq", "hash").from("audit_head").where("id", .equal, 1).first()
        var position = try head?.decode(column: "seq", as: Int64.self) ?? 0
        var prevHash = try head?.decode(column: "hash", as: String.self) ?? genesis
        for i in rows.indices {
            position += 1
            let hash = link(key: key, prev: prevHash, position: position, seq: position, mac: rows[i][1] as! String)
            rows[i] += [position, position, prevHash, hash]
            prevHash = hash
        }
        for start in stride(from: 0, to: rows.count, by: 500) {
            var insert = sql.insert(into: "audit_events").columns(columns + ["seq", "position", "prev_hash", "hash"])
            for row in rows[start..<min(rows.count, start + 500)] { insert = insert.values(row) }
            try await insert.run()
        }
        try await moveHead(to: position, hash: prevHash, existing: head != nil, key: key, on: sql)
        return position
    }

    static func moveHead(to position: Int64, hash: String, existing: Bool, key: AuditKey, on sql: any SQLDatabase) async throws {
        let mac = headMAC(key: key, position: position, hash: hash)
        if existing {
            try await sql.update("audit_head").set("seq", to: position).set("hash", to: hash).set("mac", to: mac)
                .where("id", .equal, 1).run()
        } else {
            try await sql.insert(into: "audit_head").columns("id", "seq", "hash", "mac")
                .values(SQLBind(1), SQLBind(position), SQLBind(hash), SQLBind(mac)).run()
        }
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
        return AuditRow(
            seq: try row.decode(column: "seq", as: Int64.self), entry: entry, occurredAtText: occurred,
            rowID: try row.decode(column: "row_id", as: String?.self), mac: try row.decode(column: "mac", as: String?.self),
            position: try row.decode(column: "position", as: Int64?.self),
            prevHash: try row.decode(column: "prev_hash", as: String?.self),
            hash: try row.decode(column: "hash", as: String?.self))
    }
}
