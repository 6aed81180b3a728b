/// Reactions that follow needling by design and are recorded on the session, not as adverse events (POLICY §6).
public enum ExpectedReaction: String, Sendable, CaseIterable, Codable {
    case erythema
    case oedema
    case pinpointBleeding = "pinpoint-bleeding"
    case tenderness
    case drynessAndFlaking = "dryness-and-flaking"

    /// What to expect after a session whose deepest zone is `depth` mm. Thresholds are a product choice:
    /// pinpoint bleeding is the end point of deeper needling (EVIDENCE §3c), oedema and tenderness follow from 0.5 mm.
    public static func expected(atDepth depth: Double) -> [ExpectedReaction] {
        var out: [ExpectedReaction] = [.erythema]
        if depth >= 0.5 - Depth.epsilon { out += [.oedema, .tenderness] }
        if depth >= 1.0 - Depth.epsilon { out.append(.pinpointBleeding) }
        out.append(.drynessAndFlaking)
        return out
    }

    /// Days within which erythema and oedema usually settle: 3, or up to 7 after deep sessions (Chu 2021).
    public static func settleWithinDays(atDepth depth: Double) -> Int { depth >= 1.5 - Depth.epsilon ? 7 : 3 }
}
