/// The two kinds of outcome scale (POLICY §1), read differently: a change scale rates the change since the start
/// against the baseline photographs and has no baseline score; a severity scale rates the state, and its change is
/// counted from one baseline per course.
public enum OutcomeScaleKind: String, Sendable, Codable, CaseIterable {
    case change
    case severity
}

/// The outcome scales of POLICY §1 (facts in EVIDENCE §6): what a score means, its range, and which way is better,
/// so a result is recorded on a known scale and a chart can say whether the course is working.
public enum OutcomeScale: String, Sendable, CaseIterable, Codable {
    case gais = "GAIS"
    case goodmanBaron = "goodman-baron"
    case posasObserver = "POSAS-observer"
    case posasPatient = "POSAS-patient"
    case vss = "VSS"
    case mmasi = "mMASI"
    case nurnbergerMuller = "nurnberger-muller"
    case celluliteSeverity = "CSS"
    case glogau = "glogau"
    case fitzpatrickWrinkle = "fitzpatrick-wrinkle"
    case satisfaction = "satisfaction"

    /// The scale's name as clinicians write it.
    public var name: String {
        switch self {
        case .gais: "Global Aesthetic Improvement Scale (GAIS)"
        case .goodmanBaron: "Goodman & Baron qualitative acne-scar grade"
        case .posasObserver: "POSAS 2.0 observer scale (total)"
        case .posasPatient: "POSAS 2.0 patient scale (total)"
        case .vss: "Vancouver Scar Scale (total)"
        case .mmasi: "Modified MASI (mMASI)"
        case .nurnbergerMuller: "Nürnberger–Müller cellulite stage"
        case .celluliteSeverity: "Cellulite Severity Scale (total)"
        case .glogau: "Glogau photoaging type"
        case .fitzpatrickWrinkle: "Fitzpatrick wrinkle class"
        case .satisfaction: "Patient satisfaction"
        }
    }

    /// The allowed scores (EVIDENCE §6); anything outside is refused with this range.
    public var range: ClosedRange<Double> {
        switch self {
        case .gais: 1...5
        case .goodmanBaron: 1...4
        case .posasObserver, .posasPatient: 6...60
        case .vss: 0...13
        case .mmasi: 0...24
        case .nurnbergerMuller: 0...3
        case .celluliteSeverity: 0...15
        case .glogau: 1...4
        case .fitzpatrickWrinkle: 1...3
        case .satisfaction: 0...10
        }
    }

    /// Whether a score must be a whole number (grades, stages and item totals) or may carry decimals (mMASI).
    public var integral: Bool { self != .mmasi }

    /// How the scale is read (POLICY §1): GAIS rates the change itself, every other scale the state.
    public var kind: OutcomeScaleKind { self == .gais ? .change : .severity }

    /// True where a lower score is the better result (every scale here except satisfaction).
    public var lowerIsBetter: Bool { self != .satisfaction }

    /// The meaning of each level of an ordinal scale, shown on the form; empty for totals.
    public var levels: [String] {
        switch self {
        case .gais: ["1 very much improved", "2 much improved", "3 improved", "4 no change", "5 worse"]
        case .goodmanBaron:
            [
                "1 macular: flat red, white or brown marks", "2 mild: covered by make-up or facial hair",
                "3 moderate: obvious at social distance, flattens with stretching", "4 severe: does not flatten with stretching"
            ]
        case .nurnbergerMuller: ["0 none", "1 visible only on pinching", "2 visible standing, not lying", "3 visible standing and lying"]
        case .glogau: ["I no wrinkles", "II wrinkles in motion", "III wrinkles at rest", "IV only wrinkles"]
        case .fitzpatrickWrinkle: ["I fine wrinkles", "II fine to moderately deep wrinkles", "III fine to deep wrinkles, numerous lines"]
        default: []
        }
    }

    /// Why a score is not acceptable on this scale, or nil when it is.
    public func problem(with score: Double) -> String? {
        guard score.isFinite, range.contains(score) else {
            return "\(rawValue) scores run from \(Self.text(range.lowerBound)) to \(Self.text(range.upperBound))"
        }
        if integral && score.rounded() != score { return "\(rawValue) scores are whole numbers" }
        return nil
    }

    /// The scale a course's indications are followed on each visit (POLICY §1, the first scale named).
    public static func primary(for indications: [IndicationID]) -> OutcomeScale {
        switch indications.first {
        case .acneScars: .goodmanBaron
        case .scars, .burnScars: .posasObserver
        case .cellulite: .nurnbergerMuller
        default: .gais
        }
    }

    /// A bound or score as written on the scale: whole numbers without decimals.
    public static func text(_ d: Double) -> String { d.rounded() == d ? String(Int(d)) : String(d) }
}
