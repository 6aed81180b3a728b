import NIOCore
import NIOPosix

extension StratumServer {
    /// Runs Swift concurrency's tasks on the event loops that serve HTTP and answer the database, so a request that
    /// awaits a query resumes on the thread that received the answer instead of crossing to a second thread pool
    /// (docs/architecture.md, "Where a request's time goes"). Call once, first thing on the main thread, before any
    /// task starts; returns false when the runtime did not let it (the tasks then run on Swift's own pool).
    @discardableResult
    public static func runTasksOnEventLoops() -> Bool {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
