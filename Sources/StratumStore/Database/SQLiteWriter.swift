import FluentKit
import FluentSQLiteDriver
import Foundation
import NIOCore

/// The one SQLite writer (docs/decisions/0006): write jobs queue here and run one at a time on one connection, a
/// batch of them in one transaction, each in its own savepoint; every caller of a batch is answered after its COMMIT.
actor SQLiteWriter {
    /// Jobs that queued while a batch ran go into the next one, at most this many: a batch holds its callers until
    /// the last job of it has run, so an unbounded batch would trade latency for nothing once the fsync is shared.
    static let maxBatch = 64

    private let databases: Databases
    private let eventLoop: any EventLoop
    private let logger: Logger
    private let prepare: @Sendable (any Database) async throws -> Void
    private var queue: [WriteJob] = []
    private var draining = false
    private var closed = false
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []
    private var statistics = WriteBatchStatistics()
    /// Runs after the last job of a batch, before its COMMIT; a throw stands for a crash at that point (tests).
    private var beforeCommit: (@Sendable () async throws -> Void)?

    /// `databases` must hold the writer's pool; only the pool of `eventLoop` is ever asked, and a Fluent SQLite
    /// pool keeps one connection per event loop, so every batch runs on the same single connection.
    init(
        databases: Databases, eventLoop: any EventLoop, logger: Logger,
        prepare: @escaping @Sendable (any Database) async throws -> Void
    ) {
        self.databases = databases
        self.eventLoop = eventLoop
        self.logger = logger
        self.prepare = prepare
    }

    /// The job in whose savepoint the current task runs, if any: a `write` from inside a job joins it instead of
    /// queueing behind the batch that is waiting for it.
    @TaskLocal static var activeJob: ActiveJob?

    struct ActiveJob: Sendable {
        let writer: ObjectIdentifier
        let database: any Database
        let depth: Int
    }

    /// Runs `body` in its own savepoint of the next batch; returns once that batch is committed (durable).
    /// A job that throws is rolled back alone and its caller gets its error; a batch that fails to commit fails
    /// every caller in it, and none of its jobs remains.
    nonisolated func submit<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        if let active = Self.activeJob, active.writer == ObjectIdentifier(self) {
            return try await Self.runNested(body, in: active)
        }
        let box = try await enqueueAndWait { database in try await body(database) }
        return box as! T
    }

    private func enqueueAndWait(_ body: @escaping @Sendable (any Database) async throws -> any Sendable) async throws -> any Sendable {
        try await withCheckedThrowingContinuation { continuation in
            guard !closed else { return continuation.resume(throwing: WriterClosed()) }
            queue.append(WriteJob(body: body, continuation: continuation))
            if !draining {
                draining = true
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !queue.isEmpty {
            let count = min(queue.count, Self.maxBatch)
            let batch = Array(queue.prefix(count))
            queue.removeFirst(count)
            await run(batch)
        }
        draining = false
        for waiter in idleWaiters { waiter.resume() }
        idleWaiters = []
    }

    /// Refuses new jobs and returns once every queued job has been answered, so shutdown never cuts a batch.
    func close() async {
        closed = true
        guard draining else { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    private func run(_ batch: [WriteJob]) async {
        let hook = beforeCommit
        let writer = ObjectIdentifier(self)
        let prepare = self.prepare
        let committed: Result<[Result<any Sendable, any Error>], any Error>
        do {
            committed = .success(
                try await databases.database(logger: logger, on: eventLoop)!.withConnection { database in
                    let sql = database as! any SQLDatabase
                    try await prepare(database)
                    try await sql.raw("BEGIN IMMEDIATE TRANSACTION").run()
                    do {
                        var outcomes: [Result<any Sendable, any Error>] = []
                        outcomes.reserveCapacity(batch.count)
                        for job in batch {
                            let active = ActiveJob(writer: writer, database: database, depth: 0)
                            outcomes.append(try await Self.inSavepoint(active) { try await job.body(database) })
                        }
                        try await hook?()
                        try await sql.raw("COMMIT TRANSACTION").run()
                        return outcomes
                    } catch {
                        try? await sql.raw("ROLLBACK TRANSACTION").run()
                        throw error
                    }
                })
        } catch {
            committed = .failure(error)
        }
        statistics.batches += 1
        statistics.jobs += batch.count
        statistics.largestBatch = max(statistics.largestBatch, batch.count)
        switch committed {
        case .success(let outcomes):
            statistics.commits += 1
            for (job, outcome) in zip(batch, outcomes) { job.continuation.resume(with: outcome) }
        case .failure(let error):
            // Nothing of the batch remains, so no caller may hear that its write happened.
            for job in batch { job.continuation.resume(throwing: error) }
        }
    }

    /// Runs `body` between SAVEPOINT and RELEASE. When `body` throws, its changes are rolled back to the savepoint
    /// and its error becomes the result; when the savepoint itself cannot be rolled back or released (SQLite ended
    /// the transaction), that error is thrown, since no job of the batch can be committed any more.
    private static func inSavepoint(
        _ active: ActiveJob,
        _ body: @escaping @Sendable () async throws -> any Sendable
    ) async throws -> Result<any Sendable, any Error> {
        let sql = active.database as! any SQLDatabase
        let name = "stratum_job_\(active.depth)"
        try await sql.raw("SAVEPOINT \(unsafeRaw: name)").run()
        let outcome: Result<any Sendable, any Error>
        do {
            outcome = .success(try await $activeJob.withValue(active) { try await body() })
        } catch {
            outcome = .failure(error)
        }
        if case .failure = outcome {
            try await sql.raw("ROLLBACK TO SAVEPOINT \(unsafeRaw: name)").run()
        }
        try await sql.raw("RELEASE SAVEPOINT \(unsafeRaw: name)").run()
        return outcome
    }

    /// A write from inside a job: a nested savepoint of that job, committed with its batch.
    private static func runNested<T: Sendable>(
        _ body: @escaping @Sendable (any Database) async throws -> T,
        in active: ActiveJob
    ) async throws -> T {
        let nested = ActiveJob(writer: active.writer, database: active.database, depth: active.depth + 1)
        let outcome = try await inSavepoint(nested) { try await body(nested.database) }
        return try outcome.get() as! T
    }

    func shutdownPool() async { await databases.shutdownAsync() }

    // MARK: Tests and metrics

    var currentStatistics: WriteBatchStatistics { statistics }

    /// Jobs waiting for the next batch.
    var pending: Int { queue.count }

    func setBeforeCommit(_ hook: (@Sendable () async throws -> Void)?) { beforeCommit = hook }
}

/// What the writer did since the database opened: `jobs / commits` is the mean number of writes one fsync carried.
public struct WriteBatchStatistics: Sendable, Equatable {
    public var batches = 0
    public var commits = 0
    public var jobs = 0
    public var largestBatch = 0
}

/// A write asked of a database that is shutting down.
struct WriterClosed: Error, CustomStringConvertible {
    var description: String { "the database is shutting down" }
}

struct WriteJob: Sendable {
    let body: @Sendable (any Database) async throws -> any Sendable
    let continuation: CheckedContinuation<any Sendable, any Error>
}
