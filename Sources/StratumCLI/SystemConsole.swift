import Foundation

extension Console {
    /// The process's real standard streams.
    public static let system = Console(
        readStandardInput: { Array(FileHandle.standardInput.readDataToEndOfFile()) },
        out: { FileHandle.standardOutput.write(Data($0.utf8)) },
        err: { FileHandle.standardError.write(Data($0.utf8)) },
        environment: ProcessInfo.processInfo.environment
    )
}
