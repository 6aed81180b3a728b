import StratumStore

/// What a request acts on, for the permission table.
public enum Resource: String, Sendable, CaseIterable {
    case patient
    case screening
    case consent
    case course
    case session
    case adverseEvent = "adverse-event"
    case assessment
    /// Clinical photos of a course; exporting one out of the record is a read that also needs the publication tier.
    case photo
    /// The clinic outcome report: aggregate responder and adverse-event figures per indication and practitioner.
    case outcomeReport = "outcome-report"
    /// The whole clinical chart read at once: clinical staff and auditors, not the front desk.
    case chart
    /// Stateless plan and check through the clinical core.
    case clinicalDecision = "clinical-decision"
    /// Devices, lots, sterilization cycles and packs.
    case sterility
    case auditLog = "audit-log"
    /// The clinic's settings (details, time zone, consent texts, policy override): everyone reads them, owners change them.
    case clinic
    /// The clinic's calendar: the front desk books and moves appointments, as do practitioners; assistants do not.
    case appointment
    /// Who changed which clinic setting, with the value before and after: owners and auditors.
    case clinicHistory = "clinic-history"
    /// The organization's staff: invitations, roles per clinic, deactivation, sign-in locks. Owners run it; auditors
    /// read who holds which role.
    case staff
}

/// What a request does to a resource.
public enum Action: String, Sendable, CaseIterable {
    case read, create, update, sign
    /// Ending something before its time: an invitation, a membership, an account (staff only).
    case delete
    /// Merging two charts of one person into one (patients only): it rewrites whose record every entry is, so owners only.
    case merge

    /// The audit trail's name for a refused attempt at this action.
    var audited: AuditAction {
        switch self {
        case .read: .read
        case .create: .create
        case .update: .update
        case .sign: .sign
        case .merge: .merge
        case .delete: .remove
        }
    }
}

/// The one permission table: role × resource × action (issue: "one permission table in one file").
/// Owners run the clinic; practitioners treat; assistants reprocess and stock; front desk registers and books;
/// auditors read everything, the audit log included, and change nothing.
public enum Permissions {
    static let all: Set<Action> = Set(Action.allCases)
    static let readOnly: Set<Action> = [.read]
    static let readWrite: Set<Action> = [.read, .create, .update]
    /// Everything a clinician does to a course or session; merging is an owner's act on patients.
    static let clinical: Set<Action> = [.read, .create, .update, .sign]

    public static let table: [Role: [Resource: Set<Action>]] = [
        .owner: Dictionary(uniqueKeysWithValues: Resource.allCases.map { ($0, all) }),
        .practitioner: [
            .patient: readWrite, .screening: readWrite, .consent: readWrite, .course: clinical, .session: clinical,
            .adverseEvent: readWrite, .assessment: readWrite, .photo: [.read, .create], .chart: readOnly, .appointment: readWrite,
            .clinicalDecision: [.read, .create], .sterility: readOnly, .outcomeReport: readOnly, .clinic: readOnly
        ],
        .assistant: [
            // Documenting a session for the practitioner who treated (issue 12); signing stays with practitioners.
            .sterility: readWrite, .clinicalDecision: [.read], .session: [.create], .clinic: readOnly
        ],
        .frontDesk: [
            .patient: readWrite, .consent: readWrite, .course: readOnly, .clinic: readOnly, .appointment: readWrite
        ],
        .auditor: Dictionary(uniqueKeysWithValues: Resource.allCases.map { ($0, readOnly) })
    ]

    public static func allows(_ role: Role, _ action: Action, _ resource: Resource) -> Bool {
        table[role]?[resource]?.contains(action) ?? false
    }
}
