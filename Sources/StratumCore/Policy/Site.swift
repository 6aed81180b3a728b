/// Anatomical sites a zone can name (POLICY §2).
public enum SiteID: String, Sendable, CaseIterable, Codable {
    case eyelid, periorbital, forehead, temple, nose, cheek, perioral, chin, jawline, neck, decolletage
    case dorsalHand = "dorsal-hand"
    case scalp
    case upperArm = "upper-arm"
    case abdomen, back, buttock, thigh
}

/// A site's depth limits and skin facts: the ceilings every planned or recorded depth is judged against (POLICY §2).
public struct Site: Sendable, Identifiable {
    public let id: SiteID
    public let region: Region
    /// Typical nominal depth; nil for the eyelid, which is never treated.
    public let typical: DepthRange?
    /// Above this depth `DEPTH-SITE-CAUTION`; nil for the eyelid.
    public let cautionAbove: Double?
    /// Above this depth `DEPTH-SITE-STOP`; nil for the eyelid (any depth stops: `SITE-EYELID`).
    public let stopAbove: Double?
    /// Epidermis + dermis, as the evidence reports it.
    public let skinThickness: String
    /// SNOMED CT body-site code where one is verified in the standards reference, else nil (a local code is used).
    public let snomedCode: String?
    public let evidence: [EvidenceLevel]
    public let source: String
}

/// The site table as data, transcribed from POLICY §2.
public enum SiteCatalogue {
    public static let all: [Site] = [
        Site(
            id: .eyelid, region: .face, typical: nil, cautionAbove: nil, stopAbove: nil, skinThickness: "0.58–0.85",
            snomedCode: nil, evidence: [.labelling], source: "SkinPen: not within the orbital rim"),
        Site(
            id: .periorbital, region: .face, typical: DepthRange(0.25, 0.5), cautionAbove: 0.5, stopAbove: 1.0,
            skinThickness: "≈0.75–0.85 (eyelid)", snomedCode: "1711002", evidence: [.web], source: "Web depth guides"),
        Site(
            id: .forehead, region: .face, typical: DepthRange(0.25, 1.0), cautionAbove: 1.0, stopAbove: 1.5,
            skinThickness: "1.06 F / 1.39 M", snomedCode: "52795006", evidence: [.web, .peerReviewed],
            source: "Web depth guides; Meng 2022 (thickness)"),
        Site(
            id: .temple, region: .face, typical: DepthRange(0.25, 1.0), cautionAbove: 1.0, stopAbove: 1.5,
            skinThickness: "0.98 F / 1.25 M", snomedCode: nil, evidence: [.web, .peerReviewed], source: "Web depth guides; Meng 2022 (thickness)"),
        Site(
            id: .nose, region: .face, typical: DepthRange(0.25, 0.75), cautionAbove: 0.75, stopAbove: 1.5,
            skinThickness: "1.12 F / 1.23 M", snomedCode: "45206002", evidence: [.web, .peerReviewed],
            source: "Web depth guides; Meng 2022 (thickness)"),
        Site(
            id: .cheek, region: .face, typical: DepthRange(0.5, 1.5), cautionAbove: 1.5, stopAbove: 2.5,
            skinThickness: "1.07 F / 1.33 M", snomedCode: "60819002", evidence: [.labelling, .web],
            source: "SkinPen 1.5 mm evaluated maximum; web depth guides"),
        Site(
            id: .perioral, region: .face, typical: DepthRange(0.25, 1.0), cautionAbove: 1.0, stopAbove: 2.0,
            skinThickness: "upper lip: thickest epidermis", snomedCode: nil, evidence: [.web], source: "Web depth guides"),
        Site(
            id: .chin, region: .face, typical: DepthRange(0.5, 1.5), cautionAbove: 1.5, stopAbove: 2.5,
            skinThickness: "—", snomedCode: "30291003", evidence: [.web], source: "Web depth guides"),
        Site(
            id: .jawline, region: .face, typical: DepthRange(0.5, 1.5), cautionAbove: 1.5, stopAbove: 2.5,
            skinThickness: "1.09 F / 1.23 M (submandibular)", snomedCode: nil, evidence: [.web], source: "Web depth guides"),
        Site(
            id: .neck, region: .neck, typical: DepthRange(0.25, 1.0), cautionAbove: 1.0, stopAbove: 1.5,
            skinThickness: "1.16 F / 1.17 M", snomedCode: "45048000", evidence: [.regulator, .web],
            source: "K202243 (neck wrinkles cleared); web depth guides"),
        Site(
            id: .decolletage, region: .trunk, typical: DepthRange(0.25, 1.0), cautionAbove: 1.0, stopAbove: 1.5,
            skinThickness: "—", snomedCode: nil, evidence: [.policy], source: "POLICY"),
        Site(
            id: .dorsalHand, region: .limb, typical: DepthRange(0.25, 0.5), cautionAbove: 0.5, stopAbove: 1.0,
            skinThickness: "—", snomedCode: nil, evidence: [.policy], source: "POLICY"),
        Site(
            id: .scalp, region: .scalp, typical: DepthRange(0.5, 1.5), cautionAbove: 1.5, stopAbove: 2.0,
            skinThickness: "—", snomedCode: "41695006", evidence: [.peerReviewed], source: "Alopecia trials at 1.5 mm"),
        Site(
            id: .upperArm, region: .limb, typical: DepthRange(1.0, 2.0), cautionAbove: 2.0, stopAbove: 3.0,
            skinThickness: "2.2", snomedCode: "40983000", evidence: [.peerReviewed], source: "Gibney 2010 (thickness)"),
        Site(
            id: .abdomen, region: .trunk, typical: DepthRange(1.0, 2.5), cautionAbove: 2.5, stopAbove: 3.0,
            skinThickness: "2.2", snomedCode: "818983003", evidence: [.peerReviewed], source: "Skin thickness studies"),
        Site(
            id: .back, region: .trunk, typical: DepthRange(1.5, 2.5), cautionAbove: 2.5, stopAbove: 3.0,
            skinThickness: "≈2.0", snomedCode: "77568009", evidence: [.peerReviewed], source: "Lee & Hwang 2002 (thickness)"),
        Site(
            id: .buttock, region: .trunk, typical: DepthRange(1.5, 2.5), cautionAbove: 2.5, stopAbove: 3.0,
            skinThickness: "2.4", snomedCode: nil, evidence: [.peerReviewed], source: "Skin thickness studies"),
        Site(
            id: .thigh, region: .limb, typical: DepthRange(1.0, 2.0), cautionAbove: 2.0, stopAbove: 3.0,
            skinThickness: "1.9", snomedCode: "68367000", evidence: [.peerReviewed], source: "Skin thickness studies")
    ]

    public static let byID: [SiteID: Site] = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })
}
