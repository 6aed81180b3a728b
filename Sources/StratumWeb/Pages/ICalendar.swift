import Foundation
import StratumCore
import StratumStore

/// iCalendar (RFC 5545) text for a course's planned visits: all-day events, no patient data beyond the clinic's
/// name, so the file can sit in any calendar service.
enum ICalendar {
    static func visits(courseID: UUID, visits: [PlannedVisit], clinicName: String, stamp: Date) -> String {
        let dtstamp = timestamp(stamp)
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Stratum//Course visits//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
        for v in visits {
            let day = v.date.description.replacingOccurrences(of: "-", with: "")
            let next = v.date.adding(days: 1).description.replacingOccurrences(of: "-", with: "")
            lines += [
                "BEGIN:VEVENT",
                "UID:\(courseID.uuidString.lowercased())-\(v.number)@stratum",
                "DTSTAMP:\(dtstamp)",
                "DTSTART;VALUE=DATE:\(day)",
                "DTEND;VALUE=DATE:\(next)",
                "SUMMARY:\(escape("Microneedling session \(v.number) of \(visits.count) at \(clinicName)"))",
                "DESCRIPTION:\(escape("Come with clean skin, no make-up. Tell the clinic beforehand about new medicines, pregnancy, infection or sunburn."))",
                "END:VEVENT"
            ]
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// Escapes text values (RFC 5545 §3.3.11).
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ";", with: "\\;")
            .replacingOccurrences(of: ",", with: "\\,").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Folds a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 sequence.
    static func fold(_ line: String) -> String {
        var out = "", count = 0
        for ch in line {
            let n = String(ch).utf8.count
            if count + n > 75 { out += "\r\n "; count = 1 }
            out.append(ch)
            count += n
        }
        return out
    }

    static func timestamp(_ d: Date) -> String { UTCText.format(d, "yyyyMMdd'T'HHmmss'Z'") }
}
