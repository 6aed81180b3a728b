import NIOPosix
import StratumCore
import Vapor

/// Password rules for clinic accounts: long enough to resist guessing, stored only as bcrypt at cost 12.
public enum Passwords {
    public static let minimumLength = AccountInputRules.passwordMinLength
    public static let bcryptCost = 12

    /// Why `password` is not acceptable, or nil (the core's rule, the same at every door).
    public static func problem(_ password: String) -> String? { AccountInputRules.passwordProblem(password) }

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
