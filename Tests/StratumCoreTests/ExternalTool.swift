import Foundation

/// Runs one of the independent tools the label tests read our drawings back with (rsvg-convert, zbarimg): its exit
/// status and what it printed. The output is read before waiting, so a tool that prints much cannot block on its pipe.
func runTool(_ tool: String, _ args: [String]) throws -> (status: Int32, output: Data) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: tool)
    p.arguments = args
    let out = Pipe()
    p.standardOutput = out
    p.standardError = Pipe()
    try p.run()
    let output = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, output)
}
