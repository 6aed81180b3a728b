/// A calendar day with no time zone: clinical dates (sessions, screenings, doses) are days, and the core must not read the clock.
public struct LocalDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Builds a date only when the day exists in the proleptic Gregorian calendar, so a 2027-02-30 never reaches a rule.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...LocalDate.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses the ISO 8601 form `YYYY-MM-DD` that every Stratum document uses for dates.
    public init?(iso: String) {
        // Exactly ten ASCII bytes, digits but for the two dashes: read as bytes, every date of every request is checked
        // without splitting the text.
        var (year, month, day, count) = (0, 0, 0, 0)
        for b in iso.utf8 {
            defer { count += 1 }
            if count == 4 || count == 7 {
                guard b == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard count < 10, b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return nil }
            let digit = Int(b - UInt8(ascii: "0"))
            switch count {
            case 0..<4: year = year * 10 + digit
            case 5, 6: month = month * 10 + digit
            default: day = day * 10 + digit
            }
        }
        guard count == 10 else { return nil }
        self.init(year: year, month: month, day: day)
    }

    public var description: String {
        func pad(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public static func < (a: LocalDate, b: LocalDate) -> Bool { a.dayNumber < b.dayNumber }

    /// Days since 1970-01-01; intervals between sessions are counted in whole days.
    public var dayNumber: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The inverse of `dayNumber`.
    public init(dayNumber z0: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    public func adding(days: Int) -> LocalDate { LocalDate(dayNumber: dayNumber + days) }

    /// Calendar months, clamped to the month's last day: follow-ups "3 months after" 31 August fall on 30 November.
    public func adding(months: Int) -> LocalDate {
        let total = year * 12 + (month - 1) + months
        let y = total / 12
        let m = total % 12 + 1
        let d = min(day, LocalDate.daysIn(month: m, year: y))
        return LocalDate(year: y, month: m, day: d) ?? self
    }

    /// Whole days from `self` to `other` (positive when `other` is later).
    public func days(until other: LocalDate) -> Int { other.dayNumber - dayNumber }

    /// Completed years of age on `date`, for the under-18 guardian-consent rule.
    public func age(on date: LocalDate) -> Int {
        var years = date.year - year
        if (date.month, date.day) < (month, day) { years -= 1 }
        return years
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
