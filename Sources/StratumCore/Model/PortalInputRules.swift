import Foundation

/// The limits of the patient portal's sign-in: a one-time link mailed to the patient's email, opened with their date
/// of birth. The portal's pages and its store apply these, so a request is refused for the same reason at each door.
public enum PortalInputRules {
    /// A mailed link works for 15 minutes and once (OWASP's guidance for links sent by mail).
    public static let linkLifetime: TimeInterval = 15 * 60
    /// Five wrong dates of birth end a link: a forwarded or stolen link cannot be walked through the calendar.
    public static let linkFailures = 5
    /// Link mails for one email per hour: a patient's mailbox cannot be flooded.
    public static let linksPerEmailPerHour = 3
    /// Link requests from one address per hour: a list of emails cannot be walked to learn who is a patient.
    public static let linksPerAddressPerHour = 10
    /// A portal session ends after 30 minutes without a page, as a staff session does (ASVS 3.3.2).
    public static let sessionIdleTimeout: TimeInterval = 30 * 60
    /// A portal session ends 12 hours after sign-in, however active (ASVS 3.3.2).
    public static let sessionAbsoluteTimeout: TimeInterval = 12 * 60 * 60
    /// The earliest birth date the portal accepts as typed: older is a typing slip, not a patient.
    public static let earliestBirthYear = 1900

    /// The problem of the email a patient types to ask for a link, if any: the same rule as a staff account's email.
    public static func emailProblem(_ email: String) -> InputProblem? {
        AccountInputRules.emailProblem(email)
    }

    /// The problem of a date of birth as typed (`YYYY-MM-DD`, what a date field sends), if any; `today` is the latest
    /// day a person can have been born on.
    public static func birthDateProblem(_ text: String, today: LocalDate) -> InputProblem? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return .missing }
        guard let date = LocalDate(iso: trimmed), date.year >= earliestBirthYear, date <= today else { return .notADate }
        return nil
    }
}
