import NIOPosix
import Vapor

/// Password rules for clinic accounts: long enough to resist guessing, stored only as bcrypt at cost 12.
public enum Passwords {
    public static let minimumLength = 12
    public static let bcryptCost = 12

    /// Why `password` is not acceptable, or nil.
    public static func problem(_ password: String) -> String? {
        if password.count < minimumLength { return "must be at least \(minimumLength) characters" }
        if password.count > 1024 { return "must be at most 1024 characters" }
        if password.allSatisfy({ $0 == password.first }) { return "must not be one character repeated" }
        return nil
    }

    public static func hash(_ password: String) throws -> String {
        try Bcrypt.hash(password, cost: bcryptCost)
    }

    /// Threads that may run bcrypt at once. A cost-12 hash holds a core for about a quarter of a second; run on
    /// Swift's cooperative threads or an event loop, sixteen sign-ins at once froze every other request for seconds.
    /// Half the cores (at least one) keeps the other half serving while a burst of sign-ins waits its turn.
    static let hashingThreads = max(1, System.coreCount / 2)

    /// The process's bcrypt pool, shared by every server in it so the bound holds however many are running.
    static let hashingPool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: hashingThreads)
        pool.start()
        return pool
    }()

    /// Runs `body` (bcrypt work) on the hashing pool and returns its answer to the awaiting request.
    static func onHashingPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await hashingPool.runIfActive(body)
    }
}
