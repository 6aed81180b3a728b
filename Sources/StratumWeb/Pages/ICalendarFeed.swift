import Foundation
import StratumCore
import StratumStore

extension ICalendar {
    /// A practitioner's private feed: one timed event per booked appointment at the clinic's wall-clock time
    /// (`TZID` with a `VTIMEZONE` of the zone's offsets and changes over the feed's span, so daylight saving lands
    /// right in any calendar), the patient only by initials and the visit's number.
    static func feed(_ feed: CalendarFeed, stamp: Date) -> String {
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Stratum//Practitioner appointments//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
            "X-WR-CALNAME:Stratum appointments"
        ]
        let zones = Set(feed.appointments.map(\.clinicTimezone)).sorted()
        if let only = zones.first, zones.count == 1 { lines.append("X-WR-TIMEZONE:\(escape(only))") }
        for zone in zones {
            let starts = feed.appointments.filter { $0.clinicTimezone == zone }.map(\.startsAt)
            lines += timezone(zone, from: starts.min() ?? stamp, to: starts.max() ?? stamp)
        }
        let dtstamp = timestamp(stamp)
        for a in feed.appointments {
            let day = a.date.description.replacingOccurrences(of: "-", with: "")
            let end = a.startMinute + a.minutes
            let place = [a.roomName, a.clinicName].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
            lines += [
                "BEGIN:VEVENT",
                "UID:\(a.id.uuidString.lowercased())@stratum",
                "DTSTAMP:\(dtstamp)",
                "DTSTART;TZID=\(a.clinicTimezone):\(day)T\(String(format: "%02d%02d00", a.startMinute / 60, a.startMinute % 60))",
                "DTEND;TZID=\(a.clinicTimezone):\(day)T\(String(format: "%02d%02d00", end / 60, end % 60))",
                "SUMMARY:\(escape("\(a.initials) · visit \(a.visitNumber) of \(a.visitCount)"))",
                "LOCATION:\(escape(place))",
                "END:VEVENT"
            ]
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// A `VTIMEZONE` for `identifier` over the span: the offset in force a day before `from`, then each change
    /// Foundation knows up to a day after `to`, each as its own one-time observance.
    static func timezone(_ identifier: String, from: Date, to: Date) -> [String] {
        guard let tz = TimeZone(identifier: identifier) else { return [] }
        func offset(_ seconds: Int) -> String {
            let sign = seconds < 0 ? "-" : "+"
            let m = abs(seconds) / 60
            return String(format: "%@%02d%02d", sign, m / 60, m % 60)
        }
        func local(_ d: Date, _ seconds: Int) -> String { UTCText.format(d.addingTimeInterval(Double(seconds)), "yyyyMMdd'T'HHmmss") }
        var out = ["BEGIN:VTIMEZONE", "TZID:\(identifier)"]
        var at = from.addingTimeInterval(-86_400)
        var current = tz.secondsFromGMT(for: at)
        let kind = { (d: Date) in tz.isDaylightSavingTime(for: d) ? "DAYLIGHT" : "STANDARD" }
        out += [
            "BEGIN:\(kind(at))", "DTSTART:\(local(at, current))", "TZOFFSETFROM:\(offset(current))", "TZOFFSETTO:\(offset(current))",
            "END:\(kind(at))"
        ]
        let end = to.addingTimeInterval(86_400)
        while let change = tz.nextDaylightSavingTimeTransition(after: at), change <= end {
            let next = tz.secondsFromGMT(for: change)
            out += [
                "BEGIN:\(kind(change))", "DTSTART:\(local(change, current))", "TZOFFSETFROM:\(offset(current))", "TZOFFSETTO:\(offset(next))",
                "END:\(kind(change))"
            ]
            current = next
            at = change
        }
        out.append("END:VTIMEZONE")
        return out
    }
}
