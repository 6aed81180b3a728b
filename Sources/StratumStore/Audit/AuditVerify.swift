import FluentKit
import Foundation
import SQLKit

extension AuditTrail {
    /// The result of checking the whole trail.
    public enum Verification: Sendable, Equatable {
        /// Every row holds: the sealed chain from position 1 to (at least) the head, and every unsealed row's MAC.
        case intact(rows: Int64)
        /// The row at fault, named by its seq, and what is wrong. A deleted sealed row is named by the sealed row
        /// after it (which no longer follows its predecessor); rows deleted at the end, by the last sealed row left.
        case broken(seq: Int64, problem: String)
    }

    /// Checks every row: the head's MAC, the sealed chain by position from 1 through the head, each row's own MAC, and
    /// that no row id appears twice. Safe while the sealer runs: the head is read first, and rows sealed during the
    /// check extend the chain beyond it.
    public static func verify(key: AuditKey, on db: any Database, pageSize: Int = 2000) async throws -> Verification {
        let sql = db as! any SQLDatabase
        var headPosition: Int64 = 0
        var headHash = genesis
        if let head = try await sql.select().columns("seq", "hash", "mac").from("audit_head").where("id", .equal, 1).first() {
            headPosition = try head.decode(column: "seq", as: Int64.self)
            headHash = try head.decode(column: "hash", as: String.self)
            if try head.decode(column: "mac", as: String.self) != headMAC(key: key, position: headPosition, hash: headHash) {
                return .broken(seq: try await lastSealedSeq(sql), problem: "the chain's head record was edited")
            }
        } else if try await lastSealedSeq(sql) > 0 {
            return .broken(seq: try await lastSealedSeq(sql), problem: "the chain's head record is missing")
        }

        var expected: Int64 = 1
        var prevHash = genesis
        var lastSeq: Int64 = 0
        var headMatched = headPosition == 0
        while true {
            let rows = try await sql.select().column("*").from("audit_events")
                .where("position", .greaterThanOrEqual, expected).orderBy("position").limit(pageSize).all()
            if rows.isEmpty { break }
            for row in rows {
                let r = try decode(row)
                guard r.position == expected else {
                    return .broken(
                        seq: r.seq,
                        problem:
                            "the chain skips from position \(expected - 1) to \(r.position ?? 0): the sealed rows between were deleted or renumbered")
                }
                guard r.prevHash == prevHash, let hash = r.hash else {
                    return .broken(seq: r.seq, problem: "does not follow the row before it in the chain: a row was deleted, inserted or moved")
                }
                if let problem = sealedProblem(r, position: expected, key: key) { return .broken(seq: r.seq, problem: problem) }
                if expected == headPosition { headMatched = hash == headHash }
                prevHash = hash
                lastSeq = r.seq
                expected += 1
            }
        }
        let last = expected - 1
        if last < headPosition {
            return .broken(
                seq: lastSeq, problem: "the chain ends at position \(last) but its head says \(headPosition): sealed rows at the end were deleted")
        }
        if !headMatched {
            return .broken(seq: lastSeq, problem: "the row at the head's position \(headPosition) is not the one the head pinned: rows were replaced")
        }

        var unsealed: Int64 = 0
        var after: Int64 = .min
        while true {
            let rows = try await sql.select().column("*").from("audit_events").where(SQLColumn("position"), .is, SQLLiteral.null)
                .where("seq", .greaterThan, after).orderBy("seq").limit(pageSize).all()
            if rows.isEmpty { break }
            for row in rows {
                let r = try decode(row)
                guard let rowID = r.rowID, let mac = r.mac, r.prevHash == nil, r.hash == nil,
                    mac == rowMAC(key: key, rowID: rowID, occurredAt: r.occurredAtText, r.entry)
                else {
                    return .broken(seq: r.seq, problem: "this row, not yet sealed, does not match its MAC: it was edited or forged")
                }
                unsealed += 1
                after = r.seq
            }
        }

        if let copy = try await sql.raw(
            """
            SELECT MAX(seq) AS seq FROM audit_events WHERE row_id IS NOT NULL GROUP BY row_id HAVING COUNT(*) > 1 ORDER BY 1 LIMIT 1
            """
        ).first() {
            return .broken(
                seq: try copy.decode(column: "seq", as: Int64.self), problem: "repeats the row id of another row: a copy of a row was inserted")
        }
        return .intact(rows: last + unsealed)
    }

    /// What is wrong with a sealed row at `position`, judged by its own MAC and its chain link; nil when it holds.
    static func sealedProblem(_ r: AuditRow, position: Int64, key: AuditKey) -> String? {
        guard let hash = r.hash, let prev = r.prevHash else { return "has no chain link" }
        guard let mac = r.mac else {
            // Written before rows had their own MAC: the link covers the fields, and the position is the seq.
            guard r.rowID == nil, r.seq == position else { return "its chain link does not match: the row was moved, renumbered or forged" }
            return hash == legacyLink(key: key, prev: prev, seq: r.seq, occurredAt: r.occurredAtText, r.entry)
                ? nil : "its contents do not match its HMAC: the row was edited or forged"
        }
        guard let rowID = r.rowID, mac == rowMAC(key: key, rowID: rowID, occurredAt: r.occurredAtText, r.entry) else {
            return "its contents do not match its MAC: the row was edited or forged"
        }
        return hash == link(key: key, prev: prev, position: position, seq: r.seq, mac: mac)
            ? nil : "its chain link does not match: the row was moved, renumbered or forged"
    }

    static func lastSealedSeq(_ sql: any SQLDatabase) async throws -> Int64 {
        try await sql.raw("SELECT seq FROM audit_events WHERE position IS NOT NULL ORDER BY position DESC LIMIT 1").first()?
            .decode(column: "seq", as: Int64.self) ?? 0
    }
}
