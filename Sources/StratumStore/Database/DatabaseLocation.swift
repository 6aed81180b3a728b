/// Where the records live: the embedded SQLite file of a single clinic, or a chain's PostgreSQL server.
public enum DatabaseLocation: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(url: String)

    /// Reads `DATABASE_URL`: `postgres://…` or `postgresql://…`, otherwise a SQLite file path (`sqlite://` prefix optional).
    public init(_ url: String) throws(StoreError) {
        let trimmed = url.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw .badDatabaseURL("is empty") }
        if trimmed.hasPrefix("postgres://") || trimmed.hasPrefix("postgresql://") {
            self = .postgres(url: trimmed)
        } else if trimmed.hasPrefix("sqlite://") {
            let path = String(trimmed.dropFirst("sqlite://".count))
            guard !path.isEmpty else { throw .badDatabaseURL("sqlite:// needs a file path") }
            self = .sqlite(path: path)
        } else if trimmed.contains("://") {
            throw .badDatabaseURL("unsupported scheme in \"\(trimmed.prefix(20))…\"; use a file path or postgres://")
        } else if trimmed == ":memory:" {
            throw .badDatabaseURL("an in-memory database would lose every record at exit; give a file path")
        } else {
            self = .sqlite(path: trimmed)
        }
    }

    public var isSQLite: Bool { if case .sqlite = self { true } else { false } }

    /// Safe to print: a PostgreSQL password is masked.
    public var redacted: String {
        switch self {
        case .sqlite(let path): return path
        case .postgres(let url):
            guard let at = url.firstIndex(of: "@"), let scheme = url.range(of: "://") else { return url }
            let creds = url[scheme.upperBound..<at]
            let user = creds.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
            return url[..<scheme.upperBound] + user + ":***" + url[at...]
        }
    }
}

import Foundation
