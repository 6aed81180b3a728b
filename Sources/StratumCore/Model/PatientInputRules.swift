/// The limits every door applies to a patient's identity (the form, the API, an import): the same registration is
/// accepted or refused, naming the same field for the same reason, wherever it comes from.
public enum PatientInputRules {
    /// A name longer than this is a paste error, not a person's name.
    public static let nameMaxLength = 100
    /// Room for an international number with its extension and spacing.
    public static let phoneMaxLength = 50
    /// The longest address a mail system delivers to is 254 characters; anything longer cannot reach the patient.
    public static let emailMaxLength = 254
    /// Fitzpatrick phototypes I to VI: the scale the depth and pigmentation rules read.
    public static let fitzpatrick = 1...6
    /// A name search is a name or its start: longer than a name it can find nobody.
    public static let searchMaxLength = 100

    /// Why a field is refused (kept under this name for the doors that read patients).
    public typealias Problem = InputProblem

    /// The first problem of each field, in the order of the registration form; empty when the registration may be
    /// written. Names are judged as given (the doors trim surrounding spaces before asking).
    public static func problems(
        givenName: String, familyName: String, fitzpatrick type: Int, phone: String?,
        email: String?
    ) -> [(field: String, problem: Problem)] {
        var out: [(field: String, problem: Problem)] = []
        for (field, name) in [("givenName", givenName), ("familyName", familyName)] {
            if name.allSatisfy(\.isWhitespace) {
                out.append((field, .missing))
            } else if let p = textProblem(name, max: nameMaxLength) {
                out.append((field, p))
            }
        }
        if !fitzpatrick.contains(type) { out.append(("fitzpatrick", .outOfRange(fitzpatrick))) }
        if let phone, let p = textProblem(phone, max: phoneMaxLength) { out.append(("phone", p)) }
        if let email {
            if let p = textProblem(email, max: emailMaxLength) {
                out.append(("email", p))
            } else if !email.isEmpty, !email.contains("@") {
                out.append(("email", .notAnEmail))
            }
        }
        return out
    }

    /// The problem of a name search's text, if any (nil: search with it).
    public static func searchProblem(_ name: String) -> Problem? {
        textProblem(name, max: searchMaxLength)
    }

    /// Lengths are counted in code points, as JSON Schema (the API's contract) and the databases count them: a run of
    /// skin-tone modifiers is one grapheme cluster but as many characters as it has code points.
    static func textProblem(_ text: String, max: Int) -> Problem? {
        if text.utf8.count > max, text.unicodeScalars.count > max { return .tooLong(max: max) }
        if let code = RecordText.controlCharacter(in: text) { return .controlCharacter(code) }
        return nil
    }
}

/// Why a field of a record is refused, at any door; `description` is the wording of the API's problem document.
public enum InputProblem: Sendable, Equatable, CustomStringConvertible {
    case missing
    case tooLong(max: Int)
    case controlCharacter(UInt32)
    case outOfRange(ClosedRange<Int>)
    case notAnEmail
    /// Not something a patient could dial: letters, or no digit at all.
    case notAPhoneNumber
    /// Not a day that exists, or not one a person could have been born on (the future, before 1900).
    case notADate

    public var description: String {
        switch self {
        case .missing: "must not be blank"
        case .tooLong(let max): "at most \(max) characters"
        case .controlCharacter(let code): RecordText.describe(code)
        case .outOfRange(let range): "out of range; allowed \(range.lowerBound) to \(range.upperBound)"
        case .notAnEmail: "not an email address (name@example.com)"
        case .notAPhoneNumber: "not a phone number (digits, spaces and + ( ) - . only)"
        case .notADate: "not a date of birth (year-month-day, not in the future)"
        }
    }
}

/// What text a clinical record may hold, on every database: no control characters but tab and line breaks. PostgreSQL
/// cannot store U+0000 at all, and the others are invisible in a chart and on paper, so a record holding one would
/// not read as it was written.
public enum RecordText {
    /// The first control character of `text` other than tab, line feed and carriage return, as its code point.
    public static func controlCharacter(in text: String) -> UInt32? {
        // The control characters (category Cc) are exactly U+0000–U+001F, U+007F and U+0080–U+009F: one byte each in
        // UTF-8 below 0x20 and at 0x7F, and 0xC2 0x80–0x9F above. Read as bytes, every request's text is checked in one
        // pass instead of a Unicode property lookup per scalar.
        var utf8 = text.utf8.makeIterator()
        while let byte = utf8.next() {
            if byte < 0x20 {
                if byte == 0x09 || byte == 0x0A || byte == 0x0D { continue }
                return UInt32(byte)
            }
            if byte == 0x7F { return 0x7F }
            if byte == 0xC2, let next = utf8.next() {
                if (0x80...0x9F).contains(next) { return UInt32(next) }
            }
        }
        return nil
    }

    /// The refusal's wording for a control character.
    public static func describe(_ code: UInt32) -> String {
        let hex = String(code, radix: 16, uppercase: true)
        return "contains the control character U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex); only tab and line breaks are allowed"
    }
}
