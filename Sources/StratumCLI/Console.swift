/// Where a command reads its input and writes its output, so tests run commands in-process.
public struct Console: Sendable {
    public var readStandardInput: @Sendable () -> [UInt8]
    public var out: @Sendable (String) -> Void
    public var err: @Sendable (String) -> Void
    /// The process environment (configuration such as `DATABASE_URL`).
    public var environment: [String: String]

    public init(
        readStandardInput: @escaping @Sendable () -> [UInt8], out: @escaping @Sendable (String) -> Void,
        err: @escaping @Sendable (String) -> Void, environment: [String: String] = [:]
    ) {
        self.readStandardInput = readStandardInput
        self.out = out
        self.err = err
        self.environment = environment
    }

    @TaskLocal public static var current = Console.system
}
