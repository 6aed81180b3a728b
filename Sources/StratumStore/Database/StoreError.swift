/// Errors the store reports to its callers; none carries patient data, so they may be logged.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `DATABASE_URL` is neither a file path nor a `postgres://` URL that can be used.
    case badDatabaseURL(String)
    /// The SQLite file does not run with the settings that make acknowledged writes durable.
    case unsafeSQLiteSettings([String])
    /// A record that does not exist in the caller's organization (another organization's looks the same).
    case notFound(String)
    /// A write that would break a rule of the data: a duplicate, a missing parent.
    case conflict(String)
    /// The audit key is missing, unreadable or malformed.
    case auditKey(String)
    /// A value that names nothing the clinic recorded, or breaks a rule of the record: the field and why.
    case invalid(field: String, problem: String)
    /// The patient's consent does not cover what was asked (a photo without photo consent, or out of the record
    /// without the publication tier).
    case consent(String)
    /// The record's state does not allow the act (a course not active, a signed session), typed for the doors.
    case state(RecordConflict)

    public var description: String {
        switch self {
        case .badDatabaseURL(let s): "DATABASE_URL: \(s)"
        case .unsafeSQLiteSettings(let problems): "SQLite settings are unsafe: \(problems.joined(separator: "; "))"
        case .notFound(let what): "\(what) not found"
        case .conflict(let s): s
        case .auditKey(let s): "STRATUM_AUDIT_KEY: \(s)"
        case .invalid(let field, let problem): "\(field): \(problem)"
        case .consent(let s): "consent: \(s)"
        case .state(let c): c.description
        }
    }
}
