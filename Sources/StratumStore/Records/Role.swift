/// A person's role in one clinic (issue: roles per clinic membership); what each may do is the web layer's
/// permission table.
public enum Role: String, Sendable, CaseIterable, Codable {
    case owner
    case practitioner
    /// Sterilization and stock.
    case assistant
    case frontDesk = "front-desk"
    /// Read-only, including the audit log.
    case auditor
}
