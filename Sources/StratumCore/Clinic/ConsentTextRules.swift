import Foundation

/// A clinic's own consent wording: what a patient reads before signing, kept by version so every signature names the
/// exact text it agreed to.
public enum ConsentTextRules {
    /// A version label such as "photo-2027.1": short, since it is printed beside every signature.
    public static let versionMaxLength = 40
    /// A consent text of a few pages; longer is a pasted document, not a consent a patient reads in the room.
    public static let textMaxLength = 20_000

    /// The problem of a version label: present, short, on one line.
    public static func versionProblem(_ label: String) -> InputProblem? {
        if label.allSatisfy(\.isWhitespace) { return .missing }
        if label.contains(where: \.isNewline) { return .controlCharacter(0x0A) }
        return PatientInputRules.textProblem(label, max: versionMaxLength)
    }

    /// The problem of a consent text: present, within its length, no invisible control characters.
    public static func textProblem(_ text: String) -> InputProblem? {
        if text.allSatisfy(\.isWhitespace) { return .missing }
        return PatientInputRules.textProblem(text, max: textMaxLength)
    }

    /// The paragraphs a text is shown in: separated by blank lines (or single line breaks), trimmed, none empty.
    public static func paragraphs(_ text: String) -> [String] {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
