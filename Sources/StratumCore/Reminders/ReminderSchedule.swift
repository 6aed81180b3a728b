import Foundation

/// When a patient is reminded of a booked visit: two days before, with the pre-care that must start then, and two
/// hours before. Times are instants; the wording shows them in the clinic's time zone.
public enum ReminderSchedule {
    /// Which reminder of a visit.
    public enum Kind: String, Sendable, CaseIterable, Codable {
        /// 48 hours before: the retinoid and acid pause of POLICY §3 (`SCR-RETINOID`) starts then.
        case twoDays = "48h"
        /// 2 hours before: the visit is near; the confirm and cancel link still works.
        case twoHours = "2h"

        /// How long before the visit the reminder is due.
        public var lead: TimeInterval {
            switch self {
            case .twoDays: 48 * 3600
            case .twoHours: 2 * 3600
            }
        }
    }

    /// The reminder of `kind` to send at `now` for a visit starting at `start`, if one is due: from its due time until
    /// the next reminder's (a 48-hour reminder not sent before the 2-hour one is due is dropped, not sent late beside
    /// it), and never once the visit has started.
    public static func due(_ kind: Kind, visitStart start: Date, now: Date) -> Bool {
        guard now < start, now >= start.addingTimeInterval(-kind.lead) else { return false }
        switch kind {
        case .twoDays: return now < start.addingTimeInterval(-Kind.twoHours.lead)
        case .twoHours: return true
        }
    }

    /// The reminders to send now for a visit, those already sent left out.
    public static func dueKinds(visitStart start: Date, now: Date, sent: Set<Kind>) -> [Kind] {
        Kind.allCases.filter { !sent.contains($0) && due($0, visitStart: start, now: now) }
    }

    /// How far ahead a worker must look for visits with a reminder due: the longest lead.
    public static var horizon: TimeInterval { Kind.allCases.map(\.lead).max() ?? 0 }

    /// The visit's start as the patient reads it: the clinic's weekday, day, time and zone
    /// ("Thursday 10 December 2026 at 14:30 (Pacific/Auckland)").
    public static func wording(_ start: Date, timeZone identifier: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = TimeZone(identifier: identifier) ?? TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEEE d MMMM yyyy 'at' HH:mm"
        return "\(formatter.string(from: start)) (\(formatter.timeZone.identifier))"
    }
}
