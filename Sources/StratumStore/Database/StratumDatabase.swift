import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Logging
import NIOCore
import NIOPosix

/// The open database: Fluent's connection pools, the migrations, and transactions with the durability rules of
/// ARCHITECTURE (SQLite: WAL, synchronous=FULL, foreign keys, busy timeout, immediate write transactions).
public final class StratumDatabase: Sendable {
    public let location: DatabaseLocation
    let databases: Databases
    let threadPool: NIOThreadPool
    let eventLoopGroup: MultiThreadedEventLoopGroup
    let logger: Logger
    let ownsEventLoopGroup: Bool

    /// Milliseconds a SQLite writer waits for the lock before reporting busy.
    public static let busyTimeoutMS = 5_000

    public static func open(_ location: DatabaseLocation, logger: Logger = Logger(label: "stratum.store"),
                            eventLoopGroup: MultiThreadedEventLoopGroup? = nil) async throws -> StratumDatabase {
        let group = eventLoopGroup ?? MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let pool = NIOThreadPool(numberOfThreads: max(2, System.coreCount))
        pool.start()
        let databases = Databases(threadPool: pool, on: group)
        switch location {
        case .sqlite(let path):
            let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
            if !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            // SQLite has one writer at a time; a burst of durable (fsync'd) writes queues for the connection, and a
            // write that waits is better than one refused after Fluent's default 10 s.
            databases.use(.sqlite(.file(path), connectionPoolTimeout: .seconds(30), sqlLogLevel: .trace), as: .sqlite)
        case .postgres(let url):
            do {
                databases.use(try .postgres(url: url, maxConnectionsPerEventLoop: 4, sqlLogLevel: .trace), as: .psql)
            } catch {
                throw StoreError.badDatabaseURL("cannot use \(location.redacted): \(error)")
            }
        }
        let db = StratumDatabase(location: location, databases: databases, threadPool: pool, group: group,
                                 ownsGroup: eventLoopGroup == nil, logger: logger)
        if location.isSQLite { try await db.applySQLiteSettings() }
        return db
    }

    private init(location: DatabaseLocation, databases: Databases, threadPool: NIOThreadPool,
                 group: MultiThreadedEventLoopGroup, ownsGroup: Bool, logger: Logger) {
        self.location = location
        self.databases = databases
        self.threadPool = threadPool
        self.eventLoopGroup = group
        self.ownsEventLoopGroup = ownsGroup
        self.logger = logger
    }

    /// A database handle for one unit of work.
    public var database: any Database {
        databases.database(logger: logger, on: eventLoopGroup.any())!
    }

    var sql: any SQLDatabase { database as! any SQLDatabase }

    public func shutdown() async {
        await databases.shutdownAsync()
        try? await threadPool.shutdownGracefully()
        if ownsEventLoopGroup { try? await eventLoopGroup.shutdownGracefully() }
    }

    // MARK: Transactions

    /// Runs `body` in a write transaction. On SQLite the transaction begins IMMEDIATE, so two writers never
    /// deadlock upgrading read locks, and waits up to the busy timeout for the lock; on PostgreSQL it is Fluent's.
    /// When this returns, the transaction is committed and durable; when it throws, nothing of it remains.
    public func write<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        switch location {
        case .postgres:
            return try await database.transaction { try await body($0) }
        case .sqlite:
            return try await sqliteTransaction("BEGIN IMMEDIATE TRANSACTION", body)
        }
    }

    /// Runs `body` as one read-only snapshot: every query in it sees the database as of the same moment. On SQLite a
    /// deferred transaction in WAL mode reads without taking the writer's lock, so snapshots run beside writes.
    public func snapshot<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        switch location {
        case .postgres:
            return try await database.transaction { try await body($0) }
        case .sqlite:
            return try await sqliteTransaction("BEGIN DEFERRED TRANSACTION", body)
        }
    }

    /// One SQLite transaction opened with `begin` on one connection with its safety settings: committed when
    /// `body` returns, rolled back when it throws.
    private func sqliteTransaction<T: Sendable>(_ begin: SQLQueryString,
                                                _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await database.withConnection { conn in
            let sql = conn as! any SQLDatabase
            try await Self.applyConnectionPragmas(sql)
            try await sql.raw(begin).run()
            do {
                let result = try await body(conn)
                try await sql.raw("COMMIT TRANSACTION").run()
                return result
            } catch {
                try? await sql.raw("ROLLBACK TRANSACTION").run()
                throw error
            }
        }
    }

    /// Runs `body` for reading, on one connection with the connection's safety settings applied.
    public func read<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await database.withConnection { conn in
            if self.location.isSQLite { try await Self.applyConnectionPragmas(conn as! any SQLDatabase) }
            return try await body(conn)
        }
    }

    // MARK: SQLite settings

    static func applyConnectionPragmas(_ sql: any SQLDatabase) async throws {
        // Per-connection settings: the driver opens connections lazily, so they are set on every unit of work.
        try await sql.raw("PRAGMA busy_timeout = \(unsafeRaw: String(busyTimeoutMS))").run()
        try await sql.raw("PRAGMA synchronous = FULL").run()
        // 32 MiB of page cache per connection (the default is 2 MiB): a recall or a chart touches a few thousand
        // pages, and re-reading them through the OS for every query costs more than the memory.
        try await sql.raw("PRAGMA cache_size = -32768").run()
        try await sql.raw("PRAGMA foreign_keys = ON").run()
    }

    func applySQLiteSettings() async throws {
        try await database.withConnection { conn in
            let sql = conn as! any SQLDatabase
            // WAL is a property of the file: set once, kept by every later connection.
            try await sql.raw("PRAGMA journal_mode = WAL").run()
            try await Self.applyConnectionPragmas(sql)
        }
    }

    /// The settings the server refuses to start without; empty when all hold. On PostgreSQL it checks fsync.
    public func unsafeSettings() async throws -> [String] {
        try await read { db in
            let sql = db as! any SQLDatabase
            var problems: [String] = []
            switch self.location {
            case .sqlite:
                func pragma(_ name: String) async throws -> String {
                    let row = try await sql.raw("PRAGMA \(unsafeRaw: name)").first()
                    guard let row, let column = row.allColumns.first else { return "" }
                    if let s = try? row.decode(column: column, as: String.self) { return s.lowercased() }
                    if let i = try? row.decode(column: column, as: Int.self) { return String(i) }
                    return ""
                }
                let journal = try await pragma("journal_mode")
                if journal != "wal" { problems.append("journal_mode is \(journal), not wal") }
                let sync = try await pragma("synchronous")
                if sync != "2" { problems.append("synchronous is \(sync), not FULL (2)") }
                let fk = try await pragma("foreign_keys")
                if fk != "1" { problems.append("foreign_keys is off") }
                let busy = try await pragma("busy_timeout")
                if (Int(busy) ?? 0) < 1000 { problems.append("busy_timeout is \(busy) ms, below 1000") }
            case .postgres:
                let row = try await sql.raw("SHOW fsync").first()
                let fsync = (try? row?.decode(column: "fsync", as: String.self)) ?? "unknown"
                if fsync != "on" { problems.append("fsync is \(fsync), not on") }
            }
            return problems
        }
    }

    /// Refuses to go on unless the settings hold (ARCHITECTURE: "the server checks these at start").
    public func requireSafeSettings() async throws {
        let problems = try await unsafeSettings()
        guard problems.isEmpty else { throw StoreError.unsafeSQLiteSettings(problems) }
    }
}
