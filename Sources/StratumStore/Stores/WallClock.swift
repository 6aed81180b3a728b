import Foundation
import StratumCore

/// The server's one source of "now". Every request reads it once (its `AccessContext.now`), and "today" is always that
/// instant's day in the clinic's time zone, so the store, the pages and the API agree on the day; tests set the
/// instant (a clinic in Auckland just after midnight UTC) instead of waiting for it.
public struct WallClock: Sendable {
    private let read: @Sendable () -> Date

    public init(_ read: @escaping @Sendable () -> Date) { self.read = read }

    /// The machine's clock.
    public static let system = WallClock { Date() }

    /// A clock stopped at `instant`.
    public static func fixed(_ instant: Date) -> WallClock { WallClock { instant } }

    public func now() -> Date { read() }

    /// The calendar day now in the clinic's IANA time zone.
    public func today(in timeZone: String) -> LocalDate { LocalDate.clinicDay(at: read(), timeZone: timeZone) }
}
