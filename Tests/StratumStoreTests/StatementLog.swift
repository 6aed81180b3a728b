import Foundation
import Logging
@testable import StratumStore

/// Collects the SQL every query of a database sends (the drivers log each statement as "Executing query").
final class StatementLog: LogHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var sent: [String] = []
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Every statement sent so far, in order.
    var statements: [String] { lock.withLock { sent } }
    var count: Int { lock.withLock { sent.count } }

    func log(event: LogEvent) {
        guard event.message.description == "Executing query", case .string(let sql)? = event.metadata?["sql"] else { return }
        lock.withLock { sent.append(sql) }
    }

    /// The statements sent while `body` ran that touch data: connection settings (PRAGMA) and transaction framing
    /// are not queries of the record.
    func queries(during body: () async throws -> Void) async rethrows -> [String] {
        lock.withLock { sent.removeAll() }
        try await body()
        return lock.withLock { sent }.filter { sql in
            let head = sql.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
            return !["PRAGMA", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"].contains { head.hasPrefix($0) }
        }
    }
}

/// A migrated SQLite store in a fresh directory whose every statement lands in the log `body` receives.
func withLoggedSQLiteStore(_ body: (StratumDatabase, StatementLog) async throws -> Void) async throws {
    let log = StatementLog()
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("stratum-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    var logger = Logger(label: "stratum.test.statements") { _ in log }
    logger.logLevel = .trace
    let db = try await StratumDatabase.open(.sqlite(path: dir.appendingPathComponent("stratum.sqlite").path), logger: logger)
    do {
        try await db.migrate()
        try await body(db, log)
        await db.shutdown()
    } catch {
        await db.shutdown()
        throw error
    }
}
