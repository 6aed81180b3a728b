import Foundation

/// Whether an access was let through; denied attempts are recorded too.
public enum AuditOutcome: String, Sendable, Codable, CaseIterable {
    case allowed, denied
}

/// One access to a patient's record, or another audited act: who, where, what, and with what outcome.
public struct AuditEntry: Sendable, Equatable {
    public var occurredAt: Date
    public var actorID: UUID?
    public var organizationID: UUID?
    public var clinicID: UUID?
    public var patientID: UUID?
    /// What was done: `read`, `create`, `update`, `search`, `sign`, `login`, …
    public var action: String
    /// What it was done to: `patient`, `patient.screening`, `session`, …
    public var resource: String
    public var outcome: AuditOutcome
    /// Correlates the row with the request's log lines (which carry no patient data).
    public var requestID: String

    public init(
        occurredAt: Date, actorID: UUID?, organizationID: UUID?, clinicID: UUID?, patientID: UUID?,
        action: String, resource: String, outcome: AuditOutcome, requestID: String
    ) {
        self.occurredAt = occurredAt
        self.actorID = actorID
        self.organizationID = organizationID
        self.clinicID = clinicID
        self.patientID = patientID
        self.action = action
        self.resource = resource
        self.outcome = outcome
        self.requestID = requestID
    }
}

/// A stored audit row: its seq (the order it is listed in), its own MAC, and its place in the chain once sealed.
public struct AuditRow: Sendable, Equatable {
    public let seq: Int64
    public let entry: AuditEntry
    public let occurredAtText: String
    /// Nil for rows written before rows had their own MAC (they are covered by their chain link alone).
    public let rowID: String?
    public let mac: String?
    /// Nil until the row is sealed into the chain (PostgreSQL: within milliseconds; SQLite: at once).
    public let position: Int64?
    public let prevHash: String?
    public let hash: String?
}
