import Foundation
import StratumCLI

/// Runs `stratum` in-process and captures what it printed.
struct CLIRun {
    let exit: Int32
    let out: String
    let err: String
}

final class Capture: @unchecked Sendable {
    private let lock = NSLock()
    private var out = ""
    private var err = ""
    func write(out s: String) { lock.withLock { out += s } }
    func write(err s: String) { lock.withLock { err += s } }
    var texts: (String, String) { lock.withLock { (out, err) } }
}

func stratum(_ args: [String], stdin: String = "", environment: [String: String] = [:]) async -> CLIRun {
    await stratum(args, stdinBytes: Array(stdin.utf8), environment: environment)
}

func stratum(_ args: [String], stdinBytes: [UInt8], environment: [String: String] = [:]) async -> CLIRun {
    let capture = Capture()
    let console = Console(
        readStandardInput: { stdinBytes },
        out: { capture.write(out: $0) },
        err: { capture.write(err: $0) }, environment: environment)
    let code = await StratumCommand.run(args, console: console)
    let (o, e) = capture.texts
    return CLIRun(exit: code, out: o, err: e)
}

/// The repository's examples folder, where the documented request documents live.
let examplesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples")

func example(_ name: String) throws -> String {
    try String(contentsOf: examplesDirectory.appendingPathComponent(name), encoding: .utf8)
}

/// Replaces the first occurrence of `what` in a document, failing loudly if the fixture drifted.
func replacing(_ doc: String, _ what: String, with: String) -> String {
    precondition(doc.contains(what), "fixture does not contain \(what)")
    guard let r = doc.range(of: what) else { return doc }
    return doc.replacingCharacters(in: r, with: with)
}
