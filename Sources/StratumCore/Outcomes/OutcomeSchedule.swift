/// Which scales a course is scored on and when (POLICY §1 indication table and "Outcome scales"): the severity scales
/// once before session 1 as the course's reference, the visit scales at each visit after session 1 and at follow-ups,
/// and the baseline-and-end scales again at the end (the follow-up a month after the last session). GAIS is never a
/// baseline scale: the baseline of a GAIS course is its standard photo set.
public struct OutcomeSchedule: Sendable, Equatable {
    /// Severity scales scored once per course, on or before the first session.
    public let baseline: [OutcomeScale]
    /// Scales scored at each visit after the first session and at each follow-up.
    public let visits: [OutcomeScale]
    /// Severity scales scored only at baseline and at the end of the course (photoaging's Glogau and Fitzpatrick class).
    public let end: [OutcomeScale]

    /// The schedule of a course's indications: each scale once, in the order POLICY names them.
    public init(indications: [IndicationID]) {
        var visits: [OutcomeScale] = [], end: [OutcomeScale] = []
        for id in indications {
            let (v, e) = Self.scales(id)
            for s in v where !visits.contains(s) { visits.append(s) }
            for s in e where !end.contains(s) && !visits.contains(s) { end.append(s) }
        }
        end.removeAll { visits.contains($0) }
        self.visits = visits
        self.end = end
        baseline = (visits + end).filter { $0.kind == .severity }
    }

    /// The visit scales and the baseline-and-end scales of one indication (POLICY §1). `pigmentation` follows GAIS:
    /// mMASI is for melasma only, which the indication alone does not say; the practitioner adds it for melasma.
    static func scales(_ id: IndicationID) -> (visits: [OutcomeScale], end: [OutcomeScale]) {
        switch id {
        case .photoaging: ([.gais], [.glogau, .fitzpatrickWrinkle])
        case .acneScars: ([.goodmanBaron], [])
        case .scars, .burnScars: ([.posasObserver, .posasPatient, .vss], [])
        case .cellulite: ([.nurnbergerMuller, .celluliteSeverity], [])
        case .handRejuvenation, .striae, .skinLaxity, .pigmentation, .enlargedPores, .transdermalDelivery: ([.gais], [])
        }
    }
}
