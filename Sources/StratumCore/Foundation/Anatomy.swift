/// Laterality of a treated zone; `bilateral` covers both sides at once.
public enum Side: String, Sendable, CaseIterable, Codable {
    case left, right, midline, bilateral

    /// Whether two records touch the same skin: bilateral overlaps either side, so interval rules see it.
    public func overlaps(_ other: Side) -> Bool {
        self == other || self == .bilateral || other == .bilateral
    }
}

/// The body region that decides which depth column of an indication applies (POLICY §2 `INDICATION-SITE`).
public enum Region: String, Sendable, CaseIterable, Codable {
    case face, neck, trunk, limb, scalp

    /// Face column covers face and neck sites; body column covers trunk and limb; scalp has none.
    public var indicationColumn: IndicationColumn? {
        switch self {
        case .face, .neck: .face
        case .trunk, .limb: .body
        case .scalp: nil
        }
    }
}

/// The two depth columns of the indication table (POLICY §1).
public enum IndicationColumn: String, Sendable, Codable {
    case face, body
}

/// A treated area: an anatomical site with its side. Sessions are documented zone by zone.
public struct Zone: Hashable, Sendable, CustomStringConvertible {
    public var site: SiteID
    public var side: Side

    public init(site: SiteID, side: Side) {
        self.site = site
        self.side = side
    }

    /// Whether a previous session on `other` counts for this zone's interval and step rules.
    public func overlaps(_ other: Zone) -> Bool { site == other.site && side.overlaps(other.side) }

    public var description: String { "\(site.rawValue) (\(side.rawValue))" }
}
