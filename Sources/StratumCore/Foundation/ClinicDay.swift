import Foundation

extension LocalDate {
    /// The calendar day at `instant` in the clinic's IANA time zone: "today" for every date rule is the clinic's,
    /// not the server's. An unknown zone falls back to UTC. The instant is a parameter: the core reads no clock.
    public static func clinicDay(at instant: Date, timeZone identifier: String) -> LocalDate {
        let offset = TimeZone(identifier: identifier)?.secondsFromGMT(for: instant) ?? 0
        return LocalDate(dayNumber: Int(((instant.timeIntervalSince1970 + Double(offset)) / 86_400).rounded(.down)))
    }
}

/// The record admits only what has happened: a clinical date after the clinic's today is refused, naming the field.
public enum RecordDate {
    /// Nil when `date` is on or before `today`; otherwise the refusal sentence for the field.
    public static func futureProblem(_ date: LocalDate, today: LocalDate) -> String? {
        date > today ? "\(date) is after the clinic's today (\(today)): only what has happened is recorded" : nil
    }

    /// Birth dates run from 120 years before today to today: an age of -4 or 226 years is a typing error.
    public static func birthDateProblem(_ date: LocalDate, today: LocalDate) -> String? {
        if date > today { return "\(date) is after today (\(today)): a birth date cannot be in the future" }
        if date < today.adding(months: -120 * 12) { return "\(date) is more than 120 years ago: check the year" }
        return nil
    }
}

/// A clinic's time zone is an IANA identifier the system knows: "today" for every date rule is computed in it, so an
/// unknown name (which would silently count in UTC) is refused where it is set.
public enum ClinicTimeZone {
    /// Nil when `identifier` names a known IANA zone (Pacific/Auckland, America/Los_Angeles, UTC…); else the refusal.
    public static func problem(_ identifier: String) -> String? {
        if identifier.isEmpty { return "must not be blank" }
        if identifier.count > 64 || !known.contains(identifier) {
            return "\"\(identifier.prefix(64))\" is not an IANA time zone (like Europe/London or Pacific/Auckland)"
        }
        return nil
    }

    /// Every zone a clinic may choose, sorted.
    public static var choices: [String] { known.sorted() }

    private static let known: Set<String> = Set(TimeZone.knownTimeZoneIdentifiers).union(["UTC"])
}
