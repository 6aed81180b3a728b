import Foundation

/// A date as text in UTC with a fixed, locale-free pattern: what wire formats (`.ics` stamps, mail `Date:` headers)
/// need whatever the server's locale and zone.
enum UTCText {
    static func format(_ date: Date, _ pattern: String) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = pattern
        return f.string(from: date)
    }
}
