/// Every action an audit row can name: the closed list a reviewer of the trail reads (docs/api.md, "Audit trail").
/// The raw value is what the row stores; a new kind of act adds a case here and a line to the documentation.
public enum AuditAction: String, Sendable, CaseIterable {
    /// A record or view of a patient's record was shown (a page view is one row, whatever it shows).
    case read
    /// A list of records was shown (a patient's screenings, courses, the day sheet).
    case list
    /// A name search matched this patient.
    case search
    /// The register checked a new patient against this one as a possible duplicate.
    case duplicateCheck = "duplicate-check"
    /// A record was created: a patient, screening, consent, course, session, addendum, event, photo, lot.
    case create
    /// An unsigned record was changed.
    case update
    /// A proposed course was accepted and became active.
    case accept
    /// A session was signed and locked.
    case sign
    /// A consent was withdrawn.
    case withdraw
    /// An adverse event or a recall was closed.
    case close
    /// A recall opened in error was closed as such.
    case closeInError = "close-in-error"
    /// Two charts of one person were merged.
    case merge
    /// A sterilization pack was released for use.
    case release
    /// A sterilization pack was quarantined.
    case quarantine
    /// A sterilization pack's shelf life ended early (its wrap was compromised).
    case expire
    /// An `AE-CLUSTER` alert was reviewed.
    case review
    /// A colleague was invited to the organization by mail.
    case invite
    /// An invitation or a credential (a session, an API token) was ended before its time.
    case revoke
    /// A colleague's membership of a clinic was removed.
    case remove
    /// A colleague's account was deactivated: every session and token ended with it.
    case deactivate
    /// An owner lifted the sign-in throttle on a colleague's account.
    case unlock
    /// An invitation was taken up and the account set up, or a password was set from a reset link.
    case activate
    /// Two-factor sign-in was turned on or off, or recovery codes were issued again.
    case enrol
    /// A patient opened their portal with a mailed link and their date of birth (or typed a wrong date with it).
    case signIn = "sign-in"
    /// A patient signed out of their portal.
    case signOut = "sign-out"
    /// A reminder of a booked visit was queued for the patient (by the server, no one signed in).
    case remind
    /// A patient confirmed a booked visit from a reminder's link or their portal.
    case confirm

    /// Whether the act only shows the record: a request's further reads of a patient it has already audited add no
    /// row (`AuditLedger`).
    public var isRead: Bool { self == .read || self == .list || self == .search }
}
