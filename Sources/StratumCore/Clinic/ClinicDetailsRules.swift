/// The limits every door applies to a clinic's own details (the settings page, the API): they are printed on the
/// aftercare sheet, the calendar file and the recall list, where a patient reads them to call the clinic back.
public enum ClinicDetailsRules {
    /// A clinic's name as it stands on its sign and letterhead.
    public static let nameMaxLength = 120
    /// A postal address over a few lines; more is a pasted document, not an address.
    public static let addressMaxLength = 300
    /// Room for an international number with its extension and spacing, as for a patient's phone.
    public static let phoneMaxLength = PatientInputRules.phoneMaxLength
    /// The longest address a mail system delivers to.
    public static let emailMaxLength = PatientInputRules.emailMaxLength
    /// A pack shelf life in days after the cycle (the rest is event-related shelf life, CDC 2008).
    public static let packShelfLifeDays = RecordInputRules.sterileDays

    /// The problem of a clinic's name: it must be there, since every document names the clinic.
    public static func nameProblem(_ name: String) -> InputProblem? {
        if name.allSatisfy(\.isWhitespace) { return .missing }
        return PatientInputRules.textProblem(name, max: nameMaxLength)
    }

    /// The problem of an address: line breaks are allowed (it is printed over lines), other control characters not.
    public static func addressProblem(_ address: String) -> InputProblem? {
        PatientInputRules.textProblem(address, max: addressMaxLength)
    }

    /// The problem of a phone number a patient will dial: digits with the usual spacing and punctuation, and a digit
    /// at least, so "call the clinic" never prints a word where a number should be.
    public static func phoneProblem(_ phone: String) -> InputProblem? {
        if let p = PatientInputRules.textProblem(phone, max: phoneMaxLength) { return p }
        let allowed = Set("0123456789 +()-.")
        guard phone.allSatisfy(allowed.contains), phone.contains(where: \.isNumber) else { return .notAPhoneNumber }
        return nil
    }

    /// The problem of an email address: one `@` with something on both sides and a dot in the domain, no spaces.
    public static func emailProblem(_ email: String) -> InputProblem? {
        if let p = PatientInputRules.textProblem(email, max: emailMaxLength) { return p }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !email.contains(where: \.isWhitespace) else { return .notAnEmail }
        let domain = parts[1]
        guard domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix(".") else { return .notAnEmail }
        return nil
    }
}
