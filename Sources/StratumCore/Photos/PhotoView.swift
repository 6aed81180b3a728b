/// The standard photographic views: a fixed pose makes a baseline and a later photo comparable.
public enum PhotoView: String, Sendable, CaseIterable, Codable {
    case front
    case left45 = "left-45"
    case right45 = "right-45"
    case left90 = "left-90"
    case right90 = "right-90"
    case closeUp = "close-up"

    /// The view as a photographer names it.
    public var label: String {
        switch self {
        case .front: "Front"
        case .left45: "Left 45°"
        case .right45: "Right 45°"
        case .left90: "Left 90° (profile)"
        case .right90: "Right 90° (profile)"
        case .closeUp: "Zone close-up"
        }
    }

    /// A close-up documents one zone and must name it; the overview views show the whole face or area.
    public var needsZone: Bool { self == .closeUp }
}

/// When in a course a photo was taken: before the first session, at a session's visit, or at a follow-up.
public enum PhotoVisit: Sendable, Hashable, Comparable, CustomStringConvertible {
    case baseline
    case session(Int)
    case followUp(months: Int)

    /// The follow-up visits of the assessment schedule (POLICY §1: 1, 3 and 6 months after the last session).
    public static let followUpMonths = [1, 3, 6]

    /// Reads "baseline", "session-3" or "follow-up-3-months"; nil for anything else.
    public init?(_ text: String) {
        if text == "baseline" { self = .baseline; return }
        if text.hasPrefix("session-"), let n = Int(text.dropFirst(8)), n >= 1, n <= 20, String(n) == text.dropFirst(8) { self = .session(n); return }
        for m in Self.followUpMonths where text == "follow-up-\(m)-month\(m == 1 ? "" : "s")" { self = .followUp(months: m); return }
        return nil
    }

    public var description: String {
        switch self {
        case .baseline: "baseline"
        case .session(let n): "session-\(n)"
        case .followUp(let m): "follow-up-\(m)-month\(m == 1 ? "" : "s")"
        }
    }

    /// The visit as the page names it.
    public var label: String {
        switch self {
        case .baseline: "Baseline"
        case .session(let n): "Session \(n)"
        case .followUp(let m): "\(m)-month follow-up"
        }
    }

    var order: Int {
        switch self {
        case .baseline: 0
        case .session(let n): n
        case .followUp(let m): 100 + m
        }
    }

    public static func < (a: Self, b: Self) -> Bool { a.order < b.order }
}

/// One photo a visit's standard set asks for: a view, and for a close-up the zone.
public struct PhotoSlot: Sendable, Hashable {
    public let view: PhotoView
    public let zone: Zone?

    public init(view: PhotoView, zone: Zone?) {
        self.view = view
        self.zone = view.needsZone ? zone : nil
    }
}

/// The standard set of a course: the five facial views when any zone is on the face or neck, and a close-up of
/// every treated zone, so each visit is photographed the same way.
public enum StandardPhotoSet {
    /// The slots of a course treating `zones`, overview views first.
    public static func slots(for zones: [Zone]) -> [PhotoSlot] {
        let facial = zones.contains { z in
            let region = SiteCatalogue.all.first { $0.id == z.site }?.region
            return region == .face || region == .neck
        }
        var out: [PhotoSlot] = facial ? [.front, .left45, .right45, .left90, .right90].map { PhotoSlot(view: $0, zone: nil) } : []
        for z in zones where !out.contains(PhotoSlot(view: .closeUp, zone: z)) { out.append(PhotoSlot(view: .closeUp, zone: z)) }
        return out
    }

    /// The slots of the set no photo of the visit fills yet.
    public static func missing(for zones: [Zone], taken: [PhotoSlot]) -> [PhotoSlot] {
        let have = Set(taken)
        return slots(for: zones).filter { !have.contains($0) }
    }
}
