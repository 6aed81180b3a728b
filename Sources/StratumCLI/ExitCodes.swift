import ArgumentParser
import StratumCore

/// The `stratum` exit codes: scripts in a clinic rely on them.
public enum StratumExit {
    /// `proceed` or `proceed-with-caution`.
    public static let ok: Int32 = 0
    /// Bad input: malformed JSON, unknown values, wrong types, missing fields, bad arguments.
    public static let badInput: Int32 = 2
    /// `do-not-treat`.
    public static let doNotTreat: Int32 = 3
    /// The audit trail failed verification: a row was edited, deleted, inserted or moved.
    public static let auditBroken: Int32 = 4
    /// An operation could not be carried out (database unreachable, unsafe settings).
    public static let failed: Int32 = 1

    static func code(for decision: Decision) -> Int32 {
        decision == .doNotTreat ? doNotTreat : ok
    }
}

/// Output formats shared by the commands.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
