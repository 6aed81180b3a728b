import Foundation

/// Reads a command's `--input`: a file path, or `-` for standard input.
enum InputSource {
    static func read(_ path: String) throws(BadInput) -> [UInt8] {
        if path == "-" { return Console.current.readStandardInput() }
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDir: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
            throw BadInput("--input: cannot read \(path): \(exists ? (isDir.boolValue ? "it is a folder" : "permission denied") : "no such file")")
        }
        return Array(data)
    }
}

/// A bad-input error with its message, reported with exit code 2.
struct BadInput: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// An operation that could not be carried out for a reason outside the input, reported with exit code 1.
struct OperationFailed: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
