import Foundation
import StratumCore
import StratumStore

/// iCalendar (RFC 5545) text for a course's planned visits: all-day events, no patient data beyond the clinic's
/// name and how to reach it, so the file can sit in any calendar service. The visits are the clinic's own days
/// (`DATE` values, which carry no time zone and so land on the same day in any calendar, whatever zone its reader is
/// in); the clinic's IANA zone is named for calendars that read `X-WR-TIMEZONE`.
enum ICalendar {
    /// What the calendar says about the clinic: where the visits happen and how to call it.
    struct ClinicContact {
        var name: String
        var address: String?
        var phone: String?
        var email: String?
        var timezone: String?

        init(name: String, address: String? = nil, phone: String? = nil, email: String? = nil, timezone: String? = nil) {
            self.name = name
            self.address = address
            self.phone = phone
            self.email = email
            self.timezone = timezone
        }

        init(_ c: Clinic) {
            self.init(name: c.name, address: c.address, phone: c.phone, email: c.email, timezone: c.timezone)
        }

        /// LOCATION: the clinic's name and address on one line.
        var location: String {
            ([name] + (address ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) })
                .filter { !$0.isEmpty }.joined(separator: ", ")
        }
    }

    static func visits(courseID: UUID, visits: [PlannedVisit], clinic: ClinicContact, stamp: Date) -> String {
        let dtstamp = timestamp(stamp)
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Stratum//Course visits//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
        if let zone = clinic.timezone { lines.append("X-WR-TIMEZONE:\(escape(zone))") }
        var reach = "Come with clean skin, no make-up. Tell the clinic beforehand about new medicines, pregnancy, infection or sunburn."
        if let phone = clinic.phone { reach += " Clinic phone: \(phone)." }
        if let email = clinic.email { reach += " Email: \(email)." }
        for v in visits {
            let day = v.date.description.replacingOccurrences(of: "-", with: "")
            let next = v.date.adding(days: 1).description.replacingOccurrences(of: "-", with: "")
            lines += [
                "BEGIN:VEVENT",
                "UID:\(courseID.uuidString.lowercased())-\(v.number)@stratum",
                "DTSTAMP:\(dtstamp)",
                "DTSTART;VALUE=DATE:\(day)",
                "DTEND;VALUE=DATE:\(next)",
                "SUMMARY:\(escape("Microneedling session \(v.number) of \(visits.count) at \(clinic.name)"))",
                "LOCATION:\(escape(clinic.location))",
                "DESCRIPTION:\(escape(reach))",
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
