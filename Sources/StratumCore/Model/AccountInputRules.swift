import Foundation

/// The limits of a clinic's staff accounts (an invitation, the name a colleague signs with, a password, a one-time
/// code): the staff page, the invitation and reset links and the API apply these, so an account is refused for the
/// same reason at every door.
public enum AccountInputRules {
    /// A mail system delivers to addresses of at most 254 characters (RFC 5321 with its erratum).
    public static let emailMaxLength = 254
    /// The name shown on every record a colleague signs.
    public static let displayNameMaxLength = 100
    /// Long enough to resist guessing behind the sign-in throttle (NIST SP 800-63B asks at least 8; clinics get 12).
    public static let passwordMinLength = 12
    /// bcrypt reads 72 bytes; anything far longer is a paste, and hashing it would let a request buy CPU time.
    public static let passwordMaxLength = 1024
    /// A sign-in code as typed: six digits, or a recovery code with its hyphen, spaced as the person likes.
    public static let codeMaxLength = 20
    /// An invitation reaches several clinics of the organization at most this many at once.
    public static let invitationClinicsMax = 50

    /// The problem of an email address typed for an account, if any: it must reach one mailbox.
    public static func emailProblem(_ email: String) -> InputProblem? {
        let trimmed = email.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return .missing }
        if let p = PatientInputRules.textProblem(trimmed, max: emailMaxLength) { return p }
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            !trimmed.contains(where: { $0 == " " || $0 == "<" || $0 == ">" || $0 == "," || $0 == ";" })
        else { return .notAnEmail }
        return nil
    }

    /// The problem of the name a colleague will sign with, if any.
    public static func displayNameProblem(_ name: String) -> InputProblem? {
        if name.allSatisfy(\.isWhitespace) { return .missing }
        return PatientInputRules.textProblem(name, max: displayNameMaxLength)
    }

    /// Why a password is refused, in words for the person choosing it, or nil.
    public static func passwordProblem(_ password: String) -> String? {
        let length = password.unicodeScalars.count
        if length < passwordMinLength { return "must be at least \(passwordMinLength) characters" }
        if length > passwordMaxLength { return "must be at most \(passwordMaxLength) characters" }
        if password.allSatisfy({ $0 == password.first }) { return "must not be one character repeated" }
        return nil
    }
}
