import Foundation

/// A consent signed in the patient portal: the patient types their own full name, so it must be the name on their
/// record. Case and spacing do not matter (a phone's keyboard capitalises and spaces as it likes); the letters do.
public enum PortalSignatureRules {
    /// The longest typed name kept: the same limit as a signature taken in the room.
    public static let maxLength = RecordInputRules.consentSignerMaxLength

    /// The problem of the name typed to sign, if any, against the record's given and family name.
    public static func problem(typed: String, givenName: String, familyName: String) -> String? {
        let trimmed = typed.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return InputProblem.missing.description }
        if let p = RecordInputRules.textProblem(trimmed, max: maxLength) { return p.description }
        guard key(trimmed) == key(givenName + familyName) else {
            return "must be your full name as your clinic has it on your record (given name, then family name)"
        }
        return nil
    }

    /// The name as compared: lower case, without any white space.
    static func key(_ name: String) -> String {
        String(name.lowercased().filter { !$0.isWhitespace })
    }
}
