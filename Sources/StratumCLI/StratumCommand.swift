import ArgumentParser
import StratumCore
import StratumWeb

/// The `stratum` command: clinical planning and checking from the shell.
public struct StratumCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "stratum",
        abstract: "Microneedling course planning and safety checks (clinical policy \(ClinicalPolicy.shippedVersion)).",
        discussion: "Exit codes: 0 proceed or proceed-with-caution, 3 do-not-treat, 2 bad input.",
        subcommands: [
            PlanCommand.self, CheckCommand.self, PolicyCommand.self, AftercareCommand.self,
            ServeCommand.self, MigrateCommand.self, AdminCommand.self, AuditCommand.self, TraceCommand.self, DemoCommand.self
        ]
    )

    public init() {}

    /// Lets the process's tasks run on the server's event loops; the executable calls it before anything else, on
    /// the main thread (`StratumServer.runTasksOnEventLoops`).
    public static func prepareProcess() { StratumServer.runTasksOnEventLoops() }

    /// Runs `stratum` with `arguments` (without the program name) and returns the process exit code.
    public static func run(_ arguments: [String], console: Console = .system) async -> Int32 {
        await Console.$current.withValue(console) {
            do {
                var command = try parseAsRoot(arguments)
                if var asyncCommand = command as? any AsyncParsableCommand {
                    try await asyncCommand.run()
                } else {
                    try command.run()
                }
                return StratumExit.ok
            } catch let exit as ExitCode {
                return exit.rawValue
            } catch let bad as BadInput {
                console.err("stratum: bad input: \(bad.message)\n")
                return StratumExit.badInput
            } catch let failure as OperationFailed {
                console.err("stratum: \(failure.message)\n")
                return StratumExit.failed
            } catch {
                let code = exitCode(for: error)
                let message = fullMessage(for: error)
                if code == .success {
                    console.out(message + "\n")
                    return StratumExit.ok
                }
                console.err("stratum: \(message)\n")
                return StratumExit.badInput
            }
        }
    }
}
