/// Where a command reads its input and writes its output, so tests run commands in-process.
public struct Console: Sendable {
    public var readStandardInput: @Sendable () -> [UInt8]
    public var out: @Sendable (String) -> Void
    public var err: @Sendable (String) -> Void

    public init(readStandardInput: @escaping @Sendable () -> [UInt8], out: @escaping @Sendable (String) -> Void,
                err: @escaping @Sendable (String) -> Void) {
        self.readStandardInput = readStandardInput
        self.out = out
        self.err = err
    }

    @TaskLocal public static var current = Console.system
}
