/// Plans a course (POLICY §5): dates, per-zone depth progression, expected reactions, outcome scale and assessments.
public enum CoursePlanner {
    /// Sessions a course may have (POLICY §1: the planner allows 1 to 12).
    public static let allowedSessions = 1...12

    /// Session counts outside 1–12 and intervals under a week are refused by `RequestReader` as bad input;
    /// called directly, the planner clamps them rather than trap.
    public static func plan(_ request: PlanRequest, policy: ClinicalPolicy = .standard) -> PlanResult {
        let indications = request.indications
        let sessionCount = min(
            max(request.sessions ?? defaultSessions(indications, policy: policy), allowedSessions.lowerBound),
            allowedSessions.upperBound)
        let interval = max(1, request.intervalWeeks ?? IntervalRules.courseIntervalWeeks(indications, policy: policy))
        var findings = ScreeningCheck.findings(
            patient: request.patient, on: request.startDate, zones: request.zones,
            device: request.device, context: .plan, policy: policy)
        findings += TopicalRules.findings(topical: nil, indications: indications, policy: policy, forPlan: true)
        findings += courseFindings(sessions: sessionCount, intervalWeeks: interval, indications: indications, policy: policy)

        var refused: [Zone] = []
        var ladders: [(Zone, [Double])] = []
        for zone in request.zones {
            guard policy.site(zone.site).typical != nil else {
                refused.append(zone)
                findings.append(
                    policy.finding(
                        .siteEyelid, "The eyelid (inside the orbital rim) is never needled: the zone is left out of the plan",
                        zone: zone, forPlan: true))
                continue
            }
            let resolved = IndicationRange(zone: zone, indications: indications, policy: policy, forPlan: true)
            findings += resolved.findings
            var ladder = depthLadder(zone: zone, indicationRange: resolved.range, request: request, count: sessionCount, policy: policy)
            for i in ladder.indices { if let set = request.depthOverrides[i + 1]?[zone] { ladder[i] = Depth.rounded(set) } }
            ladders.append((zone, ladder))
            var seen = Set<RuleID>()
            for (i, depth) in ladder.enumerated() {
                for f in DepthRules.findings(
                    zone: zone, depth: depth, device: request.device, patient: request.patient,
                    indications: indications, indicationRange: resolved.range, policy: policy,
                    session: i + 1, forPlan: true) where seen.insert(f.rule).inserted
                {
                    findings.append(f)
                }
            }
        }

        var sessions: [PlannedSession] = []
        for i in 0..<sessionCount {
            let zones = ladders.map { PlannedZone(zone: $0.0, depthMM: $0.1[i]) }
            let deepest = zones.map(\.depthMM).max() ?? 0
            sessions.append(
                PlannedSession(
                    number: i + 1, date: request.startDate.adding(days: i * interval * 7), zones: zones,
                    expectedReactions: ExpectedReaction.expected(atDepth: deepest),
                    reactionsSettleWithinDays: ExpectedReaction.settleWithinDays(atDepth: deepest)))
        }
        let course = CoursePlan(
            sessions: sessions, intervalWeeks: interval,
            outcomeScale: indications.map { policy.indication($0).outcomeScale }.uniqued().joined(separator: "; "),
            assessments: assessments(for: sessions, indications: indications), refusedZones: refused)
        return PlanResult(
            decision: Decision(findings: findings), findings: findings.ordered(), course: course,
            policyVersion: policy.version)
    }

    /// The largest default of the indications (POLICY §5).
    public static func defaultSessions(_ indications: [IndicationID], policy: ClinicalPolicy) -> Int {
        indications.map { policy.indication($0).defaultSessions }.max() ?? 6
    }

    /// The planned depths of one zone, session by session. The first session starts at the low end of the indication's
    /// range clipped to the site's typical range (the typical range when they do not overlap), capped for phototype,
    /// then clipped to the device; each following session rises 0.25 mm up to the high end. The plan assumes reactions
    /// settle within 3 days with no adverse event; the session check holds the depth when they do not.
    static func depthLadder(
        zone: Zone, indicationRange: DepthRange, request: PlanRequest, count: Int,
        policy: ClinicalPolicy
    ) -> [Double] {
        if case .fixed(let length) = request.device.length {
            return Array(repeating: length, count: count)
        }
        let typical = policy.site(zone.site).typical!
        var range = indicationRange.intersection(typical) ?? typical
        if let cap = DepthRules.phototypeCap(patient: request.patient, indications: request.indications) {
            range = DepthRange(min(range.lower, cap), min(range.upper, cap))
        }
        range = range.clamped(to: Depth.physicalRange).clamped(to: request.device.length.range)
        return (0..<count).map { Depth.rounded(min(range.lower + Double($0) * Depth.progressionStep, range.upper)) }
    }

    static func courseFindings(sessions: Int, intervalWeeks: Int, indications: [IndicationID], policy: ClinicalPolicy) -> [Finding] {
        var out: [Finding] = []
        for id in indications {
            let allowed = policy.indication(id).allowedIntervalWeeks
            if !allowed.contains(intervalWeeks) {
                out.append(
                    policy.finding(
                        .intPlan,
                        "An interval of \(intervalWeeks) weeks is outside \(allowed.lowerBound)–\(allowed.upperBound) weeks allowed for \(id.rawValue)",
                        forPlan: true))
            }
        }
        if sessions < 6 {
            out.append(policy.finding(.courseShort, "\(sessions) sessions: results usually need 6 to 10", forPlan: true))
        } else if sessions > 10 {
            out.append(policy.finding(.courseLong, "\(sessions) sessions: more than the usual 6 to 10", forPlan: true))
        }
        return out
    }

    /// Baseline at session 1 (the severity scales and the photo set, never GAIS), each later visit, then 1, 3 and 6
    /// months after the last session; the baseline-and-end scales are scored again at the 1-month follow-up.
    static func assessments(for sessions: [PlannedSession], indications: [IndicationID]) -> [PlannedAssessment] {
        guard let first = sessions.first, let last = sessions.last else { return [] }
        let schedule = OutcomeSchedule(indications: indications)
        var out = [PlannedAssessment(date: first.date, kind: .baseline, session: 1, scales: schedule.baseline)]
        out += sessions.dropFirst().map { PlannedAssessment(date: $0.date, kind: .visit, session: $0.number, scales: schedule.visits) }
        out.append(PlannedAssessment(date: last.date.adding(months: 1), kind: .followUp1Month, session: nil, scales: schedule.visits + schedule.end))
        out.append(PlannedAssessment(date: last.date.adding(months: 3), kind: .followUp3Months, session: nil, scales: schedule.visits))
        out.append(PlannedAssessment(date: last.date.adding(months: 6), kind: .followUp6Months, session: nil, scales: schedule.visits))
        return out
    }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
