/// Course rules of POLICY §5 that compare a session with the earlier sessions on the same zone.
public enum IntervalRules {
    /// The most recent earlier session (on or before `date`) that treated skin overlapping `zone`, with that zone's depth.
    public static func previous(for zone: Zone, before date: LocalDate, in sessions: [PriorSession]) -> (PriorSession, Double)? {
        var best: (PriorSession, Double)?
        for s in sessions where s.date <= date {
            guard let z = s.zones.first(where: { $0.zone.overlaps(zone) }) else { continue }
            if best == nil || s.date > best!.0.date { best = (s, z.depthMM) }
        }
        return best
    }

    /// The latest earlier session with an open adverse event on skin overlapping `zone`; events on other zones do not
    /// count (`REACTION-UNRESOLVED` is "on the same area", POLICY §5).
    public static func openEvent(on zone: Zone, before date: LocalDate, in sessions: [PriorSession]) -> PriorSession? {
        sessions.filter { $0.date <= date && $0.openAdverseEventZones.contains { $0.overlaps(zone) } }.max { $0.date < $1.date }
    }

    /// The interval the course is planned at: the longest default of its indications (POLICY §5).
    public static func courseIntervalWeeks(_ indications: [IndicationID], policy: ClinicalPolicy) -> Int {
        indications.map { policy.indication($0).defaultIntervalWeeks }.max() ?? 4
    }

    public static func findings(
        dose: ZoneDose, date: LocalDate, indications: [IndicationID],
        previousSessions: [PriorSession], policy: ClinicalPolicy
    ) -> [Finding] {
        guard let (prev, prevDepth) = previous(for: dose.zone, before: date, in: previousSessions) else { return [] }
        var out: [Finding] = []
        func add(_ rule: RuleID, _ message: String) { out.append(policy.finding(rule, message, zone: dose.zone)) }
        let days = prev.date.days(until: date)
        let depth = dose.depthMM
        if days < 7 && depth > 0.3 + Depth.epsilon {
            add(
                .intMin,
                "\(days) days since the session on \(prev.date) on this zone; at least 7 are needed above 0.3 mm: from \(prev.date.adding(days: 7))")
        } else if days < 14 && depth >= 1.5 - Depth.epsilon && dose.zone.site != .scalp {
            add(
                .intShort,
                "\(days) days since the session on \(prev.date) at \(Depth.format(depth)) mm; trials used at least 14 days at 1.5 mm or more: from \(prev.date.adding(days: 14))"
            )
        }
        let weeks = courseIntervalWeeks(indications, policy: policy)
        if days > 2 * weeks * 7 {
            add(
                .intLong,
                "\(days) days since the session on \(prev.date), more than twice the \(weeks)-week interval: the course may need re-planning")
        }
        if depth - prevDepth > 0.5 + Depth.epsilon {
            add(
                .depthStep,
                "\(Depth.format(depth)) mm is \(Depth.format(depth - prevDepth)) mm above the \(Depth.format(prevDepth)) mm of the previous session; rise by at most 0.5 mm"
            )
        }
        if let held = openEvent(on: dose.zone, before: date, in: previousSessions) {
            add(
                .reactionUnresolved,
                "An adverse event on \(dose.zone) after the session on \(held.date) is still open: it lifts when the event is closed")
        }
        return out
    }
}
