/// The interval rules of POLICY §5 applied to a booking: an appointment is a session planned for a day, so it must
/// keep `INT-MIN` (a stop) and `INT-SHORT` (a caution) with every session of the course on the same skin, booked or
/// recorded, before it and after it. The other session rules (depth steps, open reactions) are judged in the room.
public enum BookingRules {
    /// The rules a booking is judged by: the two that only a calendar can break.
    public static let rules: Set<RuleID> = [.intMin, .intShort]

    /// The findings of booking `visit` (its zones at their planned depths) on `date`, against `others` (the course's
    /// other appointments and its recorded sessions, each with its zones and depths). A neighbour after the booking
    /// is judged as the later session it is, at its own depth.
    public static func findings(
        visit: [ZoneDepth], on date: LocalDate, indications: [IndicationID], others: [PriorSession], policy: ClinicalPolicy
    ) -> [Finding] {
        var out: [Finding] = []
        let doses = visit.map { ZoneDose(zone: $0.zone, depthMM: $0.depthMM, passes: 1) }
        // Earlier neighbours: this booking is the later session.
        for dose in doses {
            out += IntervalRules.findings(
                dose: dose, date: date, indications: indications, previousSessions: others.filter { $0.date <= date }, policy: policy
            )
            .filter { rules.contains($0.rule) }
        }
        // Later neighbours: each is judged as a session after this one, at its own depth.
        let asPrior = PriorSession(date: date, zones: visit, reactionsResolvedWithinDays: nil, openAdverseEventZones: [])
        for later in others where later.date > date {
            for zone in later.zones where visit.contains(where: { $0.zone.overlaps(zone.zone) }) {
                let nearer = others.contains { $0.date > date && $0.date < later.date && $0.zones.contains { $0.zone.overlaps(zone.zone) } }
                guard !nearer else { continue }
                out += IntervalRules.findings(
                    dose: ZoneDose(zone: zone.zone, depthMM: zone.depthMM, passes: 1), date: later.date, indications: indications,
                    previousSessions: [asPrior], policy: policy
                ).filter { rules.contains($0.rule) }
            }
        }
        var seen = Set<Finding>()
        return out.filter { seen.insert($0).inserted }
    }

    /// Appointments start and last in steps of this many minutes: the calendar's grid, and the unit the database uses
    /// to refuse two bookings of one practitioner or room at once.
    public static let slotMinutes = 5
    /// Visits booked in one step: a whole course (the planner plans at most 12 sessions) at once.
    public static let maxVisitsAtOnce = 12
    /// The longest appointment: a full-face and body session with numbing.
    public static let maxMinutes = 240
    /// Why a start (minutes after midnight, in the clinic's day) and a length cannot be booked, or nil.
    public static func timeProblem(startMinute: Int, minutes: Int) -> String? {
        if !(0..<(24 * 60)).contains(startMinute) { return "must be a time of day" }
        if startMinute % slotMinutes != 0 { return "must start on a \(slotMinutes)-minute step" }
        if minutes < slotMinutes || minutes > maxMinutes || minutes % slotMinutes != 0 {
            return "must last \(slotMinutes) to \(maxMinutes) minutes in steps of \(slotMinutes)"
        }
        if startMinute + minutes > 24 * 60 { return "must end on the same day" }
        return nil
    }
}

extension BookingRules {
    /// The longest stretch one calendar read covers: a month's view with its edges, so one read stays small.
    public static let calendarMaxDays = 42
}
