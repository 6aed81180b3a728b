import FluentKit
import Foundation
import Logging
import SQLKit
import Synchronization

extension AuditTrail {
    /// The advisory lock whose holder seals this round; the others skip it.
    static let sealerLockID = 0x5354_5253  // "STRS"
    /// Rows sealed per transaction at most: a backlog is sealed in rounds that follow each other at once.
    public static let sealBatch = 1000

    /// Seals up to `limit` committed, unsealed rows, in seq order, in one transaction; returns how many. Returns 0
    /// on SQLite (its rows are sealed as they are written) and while another app server's sealer holds the turn.
    @discardableResult
    public static func sealPending(key: AuditKey, database: StratumDatabase, limit: Int = sealBatch) async throws -> Int {
        guard !database.location.isSQLite else { return 0 }
        // An idle round costs one index probe, outside any transaction.
        let probe = try await database.read { db in
            try await (db as! any SQLDatabase).raw("SELECT seq FROM audit_events WHERE position IS NULL LIMIT 1").first()
        }
        guard probe != nil else { return 0 }
        return try await database.write { db in try await sealRound(key: key, limit: limit, on: db as! any SQLDatabase) }
    }

    static func sealRound(key: AuditKey, limit: Int, on sql: any SQLDatabase) async throws -> Int {
        let locked =
            try await sql.raw("SELECT pg_try_advisory_xact_lock(\(unsafeRaw: String(sealerLockID))) AS locked").first()?
            .decode(column: "locked", as: Bool.self) ?? false
        guard locked else { return 0 }
        // Selected by the sealed flag, not by seq ranges: a row whose transaction drew a lower seq but committed later
        // is simply sealed in a later round (seqs have holes and late arrivals; positions have neither).
        let head = try await sql.raw("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE").first()
        let pending = try await sql.raw(
            """
            SELECT seq, mac FROM audit_events WHERE position IS NULL ORDER BY seq LIMIT \(unsafeRaw: String(limit))
            """
        ).all()
        guard !pending.isEmpty else { return 0 }
        var position = try head?.decode(column: "seq", as: Int64.self) ?? 0
        var prevHash = try head?.decode(column: "hash", as: String.self) ?? genesis
        var values: [SQLQueryString] = []
        for row in pending {
            let seq = try row.decode(column: "seq", as: Int64.self)
            // A row without a MAC is sealed all the same: verify names it, and the chain must not stop behind it.
            let mac = try row.decode(column: "mac", as: String?.self) ?? ""
            position += 1
            let hash = link(key: key, prev: prevHash, position: position, seq: seq, mac: mac)
            values.append("(\(bind: seq)::bigint, \(bind: position)::bigint, \(bind: prevHash), \(bind: hash))")
            prevHash = hash
        }
        try await sql.raw(
            """
            UPDATE audit_events AS a SET position = v.position, prev_hash = v.prev_hash, hash = v.hash
            FROM (VALUES \(values.joined(separator: ", "))) AS v(seq, position, prev_hash, hash) WHERE a.seq = v.seq
            """
        ).run()
        try await moveHead(to: position, hash: prevHash, existing: head != nil, key: key, on: sql)
        return pending.count
    }
}

/// The sealer of one app server: every few milliseconds it seals what transactions have committed to the audit trail
/// (PostgreSQL). Any number of app servers may run one; the advisory lock gives each round to one of them.
public final class AuditSealer: Sendable {
    /// The pause between rounds when nothing was left to seal: the longest a committed row waits for its round.
    public static let interval: Duration = .milliseconds(5)

    let database: StratumDatabase
    let key: AuditKey
    let logger: Logger
    private let task = Mutex<Task<Void, Never>?>(nil)

    public init(database: StratumDatabase, key: AuditKey, logger: Logger = Logger(label: "stratum.audit.sealer")) {
        self.database = database
        self.key = key
        self.logger = logger
    }

    /// Starts sealing in the background; does nothing on SQLite, whose rows are sealed as they are written.
    public func start() {
        guard !database.location.isSQLite else { return }
        task.withLock { current in
            guard current == nil else { return }
            current = Task { [database, key, logger] in
                var failing = false
                while !Task.isCancelled {
                    do {
                        let sealed = try await AuditTrail.sealPending(key: key, database: database)
                        failing = false
                        if sealed == AuditTrail.sealBatch { continue }
                    } catch {
                        // Logged once per outage, not every 5 ms; the rows wait and are sealed when the database answers.
                        if !failing { logger.error("audit sealing failed: \(String(describing: error))") }
                        failing = true
                    }
                    try? await Task.sleep(for: failing ? .seconds(1) : Self.interval)
                }
            }
        }
    }

    /// Stops after the round in progress; what is still unsealed waits for another server's sealer or the next start.
    public func stop() async {
        let running = task.withLock { current -> Task<Void, Never>? in
            defer { current = nil }
            return current
        }
        running?.cancel()
        await running?.value
    }
}

extension AuditTrail {
    /// How many committed rows wait for the sealer.
    public static func pendingCount(on db: any Database) async throws -> Int {
        try await (db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM audit_events WHERE position IS NULL").first()?
            .decode(column: "n", as: Int.self) ?? 0
    }
}
