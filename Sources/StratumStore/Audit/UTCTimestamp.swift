import Foundation
import StratumCore

/// Audit times as fixed-width UTC text with milliseconds: hashed as text, they read back identically on SQLite and
/// PostgreSQL, which a floating-point or driver-converted timestamp would not guarantee.
enum UTCTimestamp {
    static func text(_ date: Date) -> String {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let days = Int(ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000)
        var rest = Int(ms - Int64(days) * 86_400_000)
        let h = rest / 3_600_000; rest %= 3_600_000
        let m = rest / 60_000; rest %= 60_000
        let s = rest / 1000, milli = rest % 1000
        func pad(_ n: Int, _ w: Int) -> String { String(repeating: "0", count: max(0, w - String(n).count)) + String(n) }
        return "\(LocalDate(dayNumber: days))T\(pad(h, 2)):\(pad(m, 2)):\(pad(s, 2)).\(pad(milli, 3))Z"
    }

    static func date(_ text: String) -> Date? {
        // 2026-11-25T10:07:56.123Z
        guard text.count == 24, let day = LocalDate(iso: String(text.prefix(10))) else { return nil }
        let t = Array(text)
        guard let h = Int(String(t[11...12])), let m = Int(String(t[14...15])), let s = Int(String(t[17...18])),
            let ms = Int(String(t[20...22]))
        else { return nil }
        let total = Double(day.dayNumber) * 86_400 + Double(h * 3600 + m * 60 + s) + Double(ms) / 1000
        return Date(timeIntervalSince1970: total)
    }
}
