/// The seed's six uses, refined into the indications a course is planned for (POLICY §1).
public enum IndicationID: String, Sendable, CaseIterable, Codable {
    case photoaging
    case handRejuvenation = "hand-rejuvenation"
    case acneScars = "acne-scars"
    case scars
    case burnScars = "burn-scars"
    case striae
    case cellulite
    case skinLaxity = "skin-laxity"
    case pigmentation
    case enlargedPores = "enlarged-pores"
    case transdermalDelivery = "transdermal-delivery"
}

/// An indication's default protocol: depth per region, course length, interval and outcome scale (POLICY §1).
public struct Indication: Sendable, Identifiable {
    public let id: IndicationID
    /// Which of the seed's six numbered uses this refines.
    public let seedUse: Int
    public let name: String
    /// Nominal depth for face and neck sites; nil where the policy gives none ("—").
    public let faceDepth: DepthRange?
    /// Nominal depth for trunk and limb sites; nil where the policy gives none.
    public let bodyDepth: DepthRange?
    public let defaultSessions: Int
    public let defaultIntervalWeeks: Int
    public let allowedIntervalWeeks: ClosedRange<Int>
    public let outcomeScale: String
    public let evidence: [EvidenceLevel]
    public let source: String

    /// The depth column for a region; scalp has none for any indication.
    public func depth(for region: Region) -> DepthRange? {
        switch region.indicationColumn {
        case .face: faceDepth
        case .body: bodyDepth
        case nil: nil
        }
    }
}

/// The indication table as data, transcribed from POLICY §1.
public enum IndicationCatalogue {
    public static let all: [Indication] = [
        Indication(
            id: .photoaging, seedUse: 1, name: "Wrinkles and ageing skin of the face and neck",
            faceDepth: DepthRange(0.5, 1.5), bodyDepth: nil, defaultSessions: 6, defaultIntervalWeeks: 4,
            allowedIntervalWeeks: 2...6,
            outcomeScale: "GAIS each visit; Fitzpatrick wrinkle class I–III and Glogau I–IV at baseline and end",
            evidence: [.peerReviewed], source: "Ablon 2018; El-Domyati 2015"),
        Indication(
            id: .handRejuvenation, seedUse: 1, name: "Wrinkles of the back of the hands",
            faceDepth: nil, bodyDepth: DepthRange(0.25, 0.5), defaultSessions: 6, defaultIntervalWeeks: 4,
            allowedIntervalWeeks: 2...6, outcomeScale: "GAIS",
            evidence: [.policy], source: "POLICY (no mechanical trial found)"),
        Indication(
            id: .acneScars, seedUse: 2, name: "Atrophic acne scars",
            faceDepth: DepthRange(1.0, 2.0), bodyDepth: DepthRange(1.5, 2.5), defaultSessions: 6, defaultIntervalWeeks: 4,
            allowedIntervalWeeks: 2...6, outcomeScale: "Goodman & Baron qualitative grade 1–4 (baseline, each visit)",
            evidence: [.peerReviewed], source: "Harris 2015 (median 1.5 mm); Alam 2014; Dogra"),
        Indication(
            id: .scars, seedUse: 2, name: "Surgical and traumatic scars, healed wounds",
            faceDepth: DepthRange(1.0, 2.0), bodyDepth: DepthRange(1.5, 2.5), defaultSessions: 6, defaultIntervalWeeks: 4,
            allowedIntervalWeeks: 4...8, outcomeScale: "POSAS 2.0 observer and patient (6–60 each); VSS 0–13",
            evidence: [.peerReviewed], source: "Alster & Li 2020"),
        Indication(
            id: .burnScars, seedUse: 2, name: "Mature burn scars",
            faceDepth: DepthRange(1.0, 2.0), bodyDepth: DepthRange(1.5, 3.0), defaultSessions: 6, defaultIntervalWeeks: 6,
            allowedIntervalWeeks: 4...8, outcomeScale: "POSAS 2.0; VSS",
            evidence: [.peerReviewed], source: "Aust 2010, 2017"),
        Indication(
            id: .striae, seedUse: 3, name: "Stretch marks (abdomen after pregnancy, thighs, buttocks)",
            faceDepth: nil, bodyDepth: DepthRange(1.5, 2.5), defaultSessions: 6, defaultIntervalWeeks: 4,
            allowedIntervalWeeks: 2...6, outcomeScale: "GAIS",
            evidence: [.peerReviewed], source: "Mohamed Ali 2017; striae alba RCT"),
        Indication(
            id: .cellulite, seedUse: 3, name: "Cellulite",
            faceDepth: nil, bodyDepth: DepthRange(1.5, 2.5), defaultSessions: 8, defaultIntervalWeeks: 4,
            allowedIntervalWeeks: 2...6, outcomeScale: "Nürnberger–Müller 0–3; Cellulite Severity Scale 0–15",
            evidence: [.policy], source: "POLICY (no mechanical trial found)"),
        Indication(
            id: .skinLaxity, seedUse: 3, name: "Loose skin, especially the abdomen after pregnancy",
            faceDepth: DepthRange(0.5, 1.5), bodyDepth: DepthRange(1.5, 2.5), defaultSessions: 6, defaultIntervalWeeks: 4,
            allowedIntervalWeeks: 2...6, outcomeScale: "GAIS",
            evidence: [.policy], source: "POLICY"),
        Indication(
            id: .pigmentation, seedUse: 4, name: "Sun damage, dark spots, melasma, post-inflammatory hyperpigmentation",
            faceDepth: DepthRange(0.25, 1.0), bodyDepth: DepthRange(0.5, 1.0), defaultSessions: 6, defaultIntervalWeeks: 2,
            allowedIntervalWeeks: 1...4, outcomeScale: "mMASI 0–24 for melasma; GAIS otherwise",
            evidence: [.peerReviewed], source: "Lima 2017; Budamakuntla 2013; Ismail 2019"),
        Indication(
            id: .enlargedPores, seedUse: 5, name: "Large pores, rough texture",
            faceDepth: DepthRange(0.5, 1.0), bodyDepth: nil, defaultSessions: 6, defaultIntervalWeeks: 4,
            allowedIntervalWeeks: 2...6, outcomeScale: "GAIS",
            evidence: [.policy], source: "POLICY (listed as an indication only)"),
        Indication(
            id: .transdermalDelivery, seedUse: 6, name: "Enhanced uptake of an applied substance",
            faceDepth: DepthRange(0.25, 0.5), bodyDepth: DepthRange(0.25, 0.5), defaultSessions: 6, defaultIntervalWeeks: 2,
            allowedIntervalWeeks: 1...4, outcomeScale: "GAIS",
            evidence: [.policy, .regulator], source: "POLICY; 21 CFR 878.4430(a) (rule DEL-REG)")
    ]

    public static let byID: [IndicationID: Indication] = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })
}
