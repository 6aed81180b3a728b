import Foundation

/// The store's part of the application configuration, read from the environment at start.
public struct StoreConfiguration: Sendable, Equatable {
    public var database: DatabaseLocation
    /// Photos, backups and the generated audit key.
    public var dataDirectory: String
    /// Hex audit key from `STRATUM_AUDIT_KEY`; nil means `audit.key` in the data directory.
    public var auditKeyHex: String?

    public init(database: DatabaseLocation, dataDirectory: String, auditKeyHex: String?) {
        self.database = database
        self.dataDirectory = dataDirectory
        self.auditKeyHex = auditKeyHex
    }

    /// Reads `DATABASE_URL` (default `./stratum.sqlite`), `STRATUM_DATA_DIR` (default `./stratum-data`) and
    /// `STRATUM_AUDIT_KEY`, listing every problem at once.
    public static func fromEnvironment(_ env: [String: String]) -> Result<StoreConfiguration, ConfigurationProblems> {
        var problems: [String] = []
        var location = DatabaseLocation.sqlite(path: "./stratum.sqlite")
        if let url = env["DATABASE_URL"] {
            do { location = try DatabaseLocation(url) } catch { problems.append(error.description) }
        }
        let dataDir = env["STRATUM_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "./stratum-data"
        let key = env["STRATUM_AUDIT_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        if let key {
            do { _ = try AuditKey(hex: key) } catch { problems.append(error.description) }
        }
        guard problems.isEmpty else { return .failure(ConfigurationProblems(problems: problems)) }
        return .success(StoreConfiguration(database: location, dataDirectory: dataDir, auditKeyHex: key))
    }

    public func loadAuditKey() throws -> AuditKey {
        try AuditKey.load(environmentValue: auditKeyHex, dataDirectory: dataDirectory)
    }
}

/// Everything missing or malformed in the environment, reported together.
public struct ConfigurationProblems: Error, Sendable, Equatable, CustomStringConvertible {
    public let problems: [String]
    public init(problems: [String]) { self.problems = problems }
    public var description: String { "configuration: " + problems.joined(separator: "; ") }
}
