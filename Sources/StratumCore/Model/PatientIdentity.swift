import Foundation

/// What two registrations of one person share, normalised so that the way a desk typed it does not hide a
/// duplicate chart: a second chart splits a patient's contraindications, reactions and consents across two records.
public enum PatientIdentity {
    /// Why a registered patient may be the person being registered.
    public enum Match: String, Sendable, CaseIterable, Codable {
        /// Same family name (ignoring case, accents and spacing) and the same birth date.
        case nameAndBirthDate = "name-and-birth-date"
        /// Same phone number once only its digits are compared.
        case phone
        /// Same email address, ignoring case.
        case email
    }

    /// A family name as a desk would recognise it: case, accents and repeated or surrounding spaces do not count.
    public static func nameKey(_ family: String) -> String {
        family.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// The digits of a phone number, an international "00" prefix read as "+"; nil when too short to tell people
    /// apart (fewer than 6 digits), so a placeholder such as "0" matches nobody.
    public static func phoneKey(_ phone: String?) -> String? {
        guard let phone else { return nil }
        var digits = String(phone.unicodeScalars.filter { CharacterSet.decimalDigits.contains($0) && $0.isASCII })
        if digits.hasPrefix("00") { digits.removeFirst(2) }
        return digits.count >= 6 ? digits : nil
    }

    /// An email address without surrounding spaces and case; nil when it is no address.
    public static func emailKey(_ email: String?) -> String? {
        guard let trimmed = email?.trimmingCharacters(in: .whitespacesAndNewlines).lowercased(), trimmed.contains("@") else { return nil }
        return trimmed
    }
}
