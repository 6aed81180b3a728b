/// Adverse event types (POLICY §6); the first four are the complications the seed names.
public enum AdverseEventType: String, Sendable, CaseIterable, Codable {
    case bruising
    case bleeding
    case pigmentation
    case infectionBacterial = "infection-bacterial"
    case infectionHerpetic = "infection-herpetic"
    case prolongedErythema = "prolonged-erythema"
    case granulomatousReaction = "granulomatous-reaction"
    case contactDermatitis = "contact-dermatitis"
    case acneiformEruption = "acneiform-eruption"
    case milia
    case tramTrackScarring = "tram-track-scarring"
    case scarring
    case other

    /// Plain-language name for forms and reports.
    public var label: String {
        switch self {
        case .bruising: "Bruising"
        case .bleeding: "Bleeding beyond pinpoint"
        case .pigmentation: "Post-inflammatory hyper- or hypopigmentation"
        case .infectionBacterial: "Bacterial infection"
        case .infectionHerpetic: "Herpetic infection (cold sores)"
        case .prolongedErythema: "Redness lasting more than 7 days"
        case .granulomatousReaction: "Granulomatous reaction"
        case .contactDermatitis: "Contact dermatitis"
        case .acneiformEruption: "Acneiform eruption"
        case .milia: "Milia"
        case .tramTrackScarring: "Tram-track scarring"
        case .scarring: "Scarring"
        case .other: "Other"
        }
    }

    /// Named by the seed among the rare complications (bruising, pigmentation, bleeding, infection).
    public var namedBySeed: Bool { [.bruising, .bleeding, .pigmentation, .infectionBacterial].contains(self) }

    /// Infections count towards `AE-CLUSTER`.
    public var isInfection: Bool { self == .infectionBacterial || self == .infectionHerpetic }
}

/// What the practitioner suspects caused an event: the seed's three causes, plus the applied product (POLICY §6).
public enum SuspectedCause: String, Sendable, CaseIterable, Codable {
    case needleTechnique = "needle-technique"
    case needleLength = "needle-length"
    case toolSterility = "tool-sterility"
    case topicalProduct = "topical-product"

    public var label: String {
        switch self {
        case .needleTechnique: "Needle use and technique"
        case .needleLength: "Needle length for the site"
        case .toolSterility: "Sterility of tools"
        case .topicalProduct: "Topical product"
        }
    }
}

/// NCI CTCAE v5.0 general severity grades, used for every adverse event (POLICY §6; EVIDENCE §5c).
public enum CTCAEGrade: Int, Sendable, CaseIterable, Codable, Comparable {
    case mild = 1, moderate, severe, lifeThreatening, death

    public static func < (a: CTCAEGrade, b: CTCAEGrade) -> Bool { a.rawValue < b.rawValue }

    /// The grade's definition, shown on the adverse-event form.
    public var definition: String {
        switch self {
        case .mild: "Mild; asymptomatic or mild symptoms; clinical or diagnostic observations only; intervention not indicated"
        case .moderate: "Moderate; minimal, local or noninvasive intervention indicated; limiting age-appropriate instrumental ADL"
        case .severe:
            "Severe or medically significant but not immediately life-threatening; hospitalisation or prolongation of hospitalisation indicated; disabling; limiting self-care ADL"
        case .lifeThreatening: "Life-threatening consequences; urgent intervention indicated"
        case .death: "Death related to the adverse event"
        }
    }

    public static let source = "NCI CTCAE v5.0 (27 Nov 2017)"
}

/// Expected reactions still present after this many days become a `prolonged-erythema` adverse event (POLICY §6).
public let prolongedReactionDays = 7
