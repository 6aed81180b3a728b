import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Logging
import NIOCore
import NIOPosix

/// The open database: Fluent's connection pools, the migrations, and transactions with the durability rules of
/// docs/architecture.md (SQLite: WAL, synchronous=FULL, foreign keys, busy timeout). On SQLite every write goes through
/// the one writer (group commit, docs/decisions/0006) and reads through a pool of read-only connections.
public final class StratumDatabase: Sendable {
    public let location: DatabaseLocation
    /// The general pool: migrations, tools and tests (`database`). Stores go through write, snapshot and read.
    let databases: Databases
    /// Where `read` and `snapshot` run: on SQLite a pool of its own whose connections refuse writes.
    let readers: Databases
    /// SQLite's one writer; nil on PostgreSQL, whose own WAL flush already groups concurrent commits.
    let writer: SQLiteWriter?
    let readerSettings: SQLiteConnectionSettings?
    let threadPool: NIOThreadPool
    /// The writer's one thread (SQLite only).
    let writerThreadPool: NIOThreadPool?
    let eventLoopGroup: MultiThreadedEventLoopGroup
    let logger: Logger
    let ownsEventLoopGroup: Bool

    /// Milliseconds a SQLite writer waits for the lock before reporting busy.
    public static let busyTimeoutMS = 5_000

    public static func open(
        _ location: DatabaseLocation, logger: Logger = Logger(label: "stratum.store"),
        eventLoopGroup: MultiThreadedEventLoopGroup? = nil
    ) async throws -> StratumDatabase {
        let group = eventLoopGroup ?? MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let pool = NIOThreadPool(numberOfThreads: max(2, System.coreCount))
        pool.start()
        let databases = Databases(threadPool: pool, on: group)
        let readers: Databases
        let writer: SQLiteWriter?
        let readerSettings: SQLiteConnectionSettings?
        var writerThreadPool: NIOThreadPool?
        switch location {
        case .sqlite(let path):
            let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
            if !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            // A unit of work waits for a pooled connection rather than being refused after Fluent's default 10 s.
            let sqlite = DatabaseConfigurationFactory.sqlite(.file(path), connectionPoolTimeout: .seconds(30), sqlLogLevel: .trace)
            databases.use(sqlite, as: .sqlite)
            readers = Databases(threadPool: pool, on: group)
            readers.use(sqlite, as: .sqlite)
            // The writer's statements run on a thread of their own: behind the readers' queries on the shared pool,
            // each of a batch's statements would wait for reads, and the whole batch with it.
            let writerThread = NIOThreadPool(numberOfThreads: 1)
            writerThread.start()
            writerThreadPool = writerThread
            let writerPool = Databases(threadPool: writerThread, on: group)
            writerPool.use(sqlite, as: .sqlite)
            let writerSettings = SQLiteConnectionSettings(statements: sqliteConnectionPragmas)
            writer = SQLiteWriter(
                databases: writerPool, eventLoop: group.next(), logger: logger,
                prepare: { try await writerSettings.prepare($0) })
            // query_only: a read that tried to write would otherwise take the write lock beside the writer.
            readerSettings = SQLiteConnectionSettings(statements: sqliteConnectionPragmas + ["PRAGMA query_only = 1"])
        case .postgres(let url):
            do {
                databases.use(try .postgres(url: url, maxConnectionsPerEventLoop: 4, sqlLogLevel: .trace), as: .psql)
            } catch {
                throw StoreError.badDatabaseURL("cannot use \(location.redacted): \(error)")
            }
            readers = databases
            writer = nil
            readerSettings = nil
        }
        let db = StratumDatabase(
            location: location, databases: databases, readers: readers, writer: writer,
            readerSettings: readerSettings, threadPool: pool, writerThreadPool: writerThreadPool, group: group,
            ownsGroup: eventLoopGroup == nil, logger: logger)
        if location.isSQLite { try await db.applySQLiteSettings() }
        return db
    }

    private init(
        location: DatabaseLocation, databases: Databases, readers: Databases, writer: SQLiteWriter?,
        readerSettings: SQLiteConnectionSettings?, threadPool: NIOThreadPool, writerThreadPool: NIOThreadPool?,
        group: MultiThreadedEventLoopGroup, ownsGroup: Bool, logger: Logger
    ) {
        self.location = location
        self.databases = databases
        self.readers = readers
        self.writer = writer
        self.readerSettings = readerSettings
        self.threadPool = threadPool
        self.writerThreadPool = writerThreadPool
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
        if let writer {
            await writer.close()
            await writer.shutdownPool()
            await readers.shutdownAsync()
        }
        await databases.shutdownAsync()
        try? await threadPool.shutdownGracefully()
        try? await writerThreadPool?.shutdownGracefully()
        if ownsEventLoopGroup { try? await eventLoopGroup.shutdownGracefully() }
    }

    // MARK: Transactions

    /// Runs `body` in a write transaction. When this returns, the transaction is committed and durable; when it
    /// throws, nothing of it remains. On SQLite `body` is one job of the writer's next batch, in its own savepoint
    /// (docs/decisions/0006); a `write` inside a `write` joins the outer job. On PostgreSQL it is Fluent's.
    public func write<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        if let writer { return try await writer.submit(body) }
        return try await database.transaction { try await body($0) }
    }

    /// Runs `body` as one read-only snapshot: every query in it sees the database as of the same moment. On SQLite a
    /// deferred transaction in WAL mode reads without taking the writer's lock, so snapshots run beside writes.
    public func snapshot<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        guard writer != nil else { return try await database.transaction { try await body($0) } }
        return try await reader().withConnection { conn in
            try await self.readerSettings?.prepare(conn)
            let sql = conn as! any SQLDatabase
            try await sql.raw("BEGIN DEFERRED TRANSACTION").run()
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

    /// Runs `body` for reading on one connection (on SQLite a read-only one with the safety settings).
    public func read<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await reader().withConnection { conn in
            try await self.readerSettings?.prepare(conn)
            return try await body(conn)
        }
    }

    /// What the SQLite writer did since the database opened (nil on PostgreSQL): writes per commit, for metrics.
    public func writeBatchStatistics() async -> WriteBatchStatistics? {
        await writer?.currentStatistics
    }

    /// A read that arrives after `shutdown` (a request still running as the server stops) fails with this instead of
    /// taking the process down.
    public struct Closed: Error, CustomStringConvertible {
        public var description: String { "the database is closed (the server is shutting down)" }
    }

    private func reader() throws -> any Database {
        guard let database = readers.database(logger: logger, on: eventLoopGroup.any()) else { throw Closed() }
        return database
    }

    // MARK: SQLite settings

    /// Settings of every SQLite connection, applied once when a pool first hands it out. The busy timeout covers a
    /// second process (the CLI) on the same file: in this one the writer is the only writer, so nothing waits.
    static let sqliteConnectionPragmas = [
        "PRAGMA busy_timeout = \(busyTimeoutMS)",
        "PRAGMA synchronous = FULL",
        // 32 MiB of page cache per connection (the default is 2 MiB): a recall or a chart touches a few thousand
        // pages, and re-reading them through the OS for every query costs more than the memory.
        "PRAGMA cache_size = -32768",
        "PRAGMA foreign_keys = ON"
    ]

    func applySQLiteSettings() async throws {
        try await database.withConnection { conn in
            let sql = conn as! any SQLDatabase
            // WAL is a property of the file: set once, kept by every later connection.
            try await sql.raw("PRAGMA journal_mode = WAL").run()
            for statement in Self.sqliteConnectionPragmas { try await sql.raw("\(unsafeRaw: statement)").run() }
        }
    }

    /// The settings the server refuses to start without; empty when all hold. On SQLite it asks the writer's
    /// connection and a reader's, each of which carries its own per-connection settings; on PostgreSQL it checks
    /// fsync.
    public func unsafeSettings() async throws -> [String] {
        guard writer != nil else {
            return try await read { db in
                let row = try await (db as! any SQLDatabase).raw("SHOW fsync").first()
                let fsync = (try? row?.decode(column: "fsync", as: String.self)) ?? "unknown"
                return fsync == "on" ? [] : ["fsync is \(fsync), not on"]
            }
        }
        let onWriter = try await write { try await Self.sqliteSettingProblems($0 as! any SQLDatabase) }
        let onReader = try await read { try await Self.sqliteSettingProblems($0 as! any SQLDatabase) }
        return onWriter.map { "writer: \($0)" } + onReader.map { "reader: \($0)" }
    }

    private static func sqliteSettingProblems(_ sql: any SQLDatabase) async throws -> [String] {
        func pragma(_ name: String) async throws -> String {
            let row = try await sql.raw("PRAGMA \(unsafeRaw: name)").first()
            guard let row, let column = row.allColumns.first else { return "" }
            if let s = try? row.decode(column: column, as: String.self) { return s.lowercased() }
            if let i = try? row.decode(column: column, as: Int.self) { return String(i) }
            return ""
        }
        var problems: [String] = []
        let journal = try await pragma("journal_mode")
        if journal != "wal" { problems.append("journal_mode is \(journal), not wal") }
        let sync = try await pragma("synchronous")
        if sync != "2" { problems.append("synchronous is \(sync), not FULL (2)") }
        let fk = try await pragma("foreign_keys")
        if fk != "1" { problems.append("foreign_keys is off") }
        let busy = try await pragma("busy_timeout")
        if (Int(busy) ?? 0) < 1000 { problems.append("busy_timeout is \(busy) ms, below 1000") }
        return problems
    }

    /// Refuses to go on unless the settings hold (docs/architecture.md: "the server checks these at start").
    public func requireSafeSettings() async throws {
        let problems = try await unsafeSettings()
        guard problems.isEmpty else { throw StoreError.unsafeSQLiteSettings(problems) }
    }
}
