import Foundation
import StratumCore
import StratumStore
import Vapor

/// How the calendar, the booking page and Today show appointments and read their forms: times in the clinic's day,
/// the rule and its reason beside the appointment a refusal concerns, and nothing clinical.
enum AppointmentViews {
    /// "09:05".
    static func clock(_ minute: Int) -> String { String(format: "%02d:%02d", minute / 60, minute % 60) }

    /// "09:05" as minutes after midnight, or nil; the grid is the store's to judge.
    static func minute(_ text: String?) -> Int? {
        guard let text else { return nil }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m) else { return nil }
        return h * 60 + m
    }

    /// An instant as the clinic's clock shows it: "09:52".
    static func clinicClock(_ d: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: PageClinic.timeZone) ?? TimeZone(identifier: "UTC")
        f.dateFormat = "HH:mm"
        return f.string(from: d)
    }

    /// "Mon 7 Dec".
    static func dayLabel(_ d: LocalDate) -> String {
        let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(names[weekday(d)]) \(d.day) \(months[d.month - 1])"
    }

    /// Monday is 0 (1970-01-01 was a Thursday).
    static func weekday(_ d: LocalDate) -> Int { ((d.dayNumber + 3) % 7 + 7) % 7 }

    /// The Monday of the week `d` falls in.
    static func monday(_ d: LocalDate) -> LocalDate { d.adding(days: -weekday(d)) }

    static func statusLabel(_ a: CalendarAppointment) -> String {
        switch a.status {
        case .booked: a.checkedInAt == nil ? "booked" : "checked in"
        case .cancelled: "cancelled"
        case .noShow: "no-show"
        }
    }

    static func statusBadge(_ a: CalendarAppointment) -> String {
        switch a.status {
        case .booked: a.checkedInAt == nil ? "badge-muted" : "badge-ok"
        case .cancelled: "badge-muted"
        case .noShow: "badge-caution"
        }
    }

    /// Acknowledgements typed beside a refused appointment: fields named `ack|RULE|site:side`.
    static func acknowledgements(_ f: FormFields, prefix: String = "ack|") -> (drafts: [AcknowledgementDraft], reasons: [String: String]) {
        var drafts: [AcknowledgementDraft] = []
        var reasons: [String: String] = [:]
        for (name, values) in f.values where name.hasPrefix(prefix) {
            let key = String(name.dropFirst(prefix.count))
            let reason = (values.first ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            reasons[key] = reason
            let parts = key.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let rule = RuleID(rawValue: String(parts[0])), !reason.isEmpty else { continue }
            drafts.append(AcknowledgementDraft(rule: rule, zone: parts[1].isEmpty ? nil : PageValues.zone(key: String(parts[1])), reason: reason))
        }
        return (drafts, reasons)
    }

    /// A refusal's findings with the acknowledgement field each caution needs, named with `prefix`.
    static func findings(_ r: ClinicalRefusal, reasons: [String: String], prefix: String = "ack|") -> [CheckedFinding] {
        CheckedFinding.list(r.findings.filter { BookingRules.rules.contains($0.rule) }, reasons: reasons).map {
            CheckedFinding(
                rule: $0.rule, severity: $0.severity, message: $0.message, zone: $0.zone, evidence: $0.evidence,
                ackField: $0.ackField.map { prefix + $0.dropFirst(4) }, reason: $0.reason)
        }
    }

    /// The message for a time already taken.
    static let doubleBooked = "The practitioner or the room is already booked at that time: choose another time, practitioner or room."

    /// Where a form returns to: one of the calendar's or Today's own addresses, never another site.
    static func back(_ f: FormFields, fallback: String = "/calendar") -> String {
        guard let b = f["back"], b.hasPrefix("/calendar") || b.hasPrefix("/today"), !b.hasPrefix("//"), !b.contains("\\") else {
            return fallback
        }
        return b
    }
}
