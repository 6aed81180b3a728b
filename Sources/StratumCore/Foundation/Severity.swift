/// How strongly a rule speaks (POLICY "Decision vocabulary"): ordered so the worst finding decides.
public enum Severity: String, Sendable, CaseIterable, Comparable, Codable {
    case info
    case caution
    case stop

    var rank: Int {
        switch self {
        case .info: 0
        case .caution: 1
        case .stop: 2
        }
    }

    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// The overall answer for a plan or a session: the worst finding (POLICY "Decision vocabulary").
public enum Decision: String, Sendable, CaseIterable, Codable {
    case proceed
    case proceedWithCaution = "proceed-with-caution"
    case doNotTreat = "do-not-treat"

    /// `do-not-treat` if any stop, `proceed-with-caution` if any caution, else `proceed`.
    public init(findings: [Finding]) {
        let worst = findings.map(\.severity).max() ?? .info
        switch worst {
        case .stop: self = .doNotTreat
        case .caution: self = .proceedWithCaution
        case .info: self = .proceed
        }
    }
}

/// Where a rule's authority comes from, so a clinician can weigh it (POLICY "Evidence levels").
public enum EvidenceLevel: String, Sendable, CaseIterable, Codable {
    case peerReviewed = "PR"
    case regulator = "REG"
    case labelling = "LAB"
    case web = "WEB"
    case seed = "SEED"
    case policy = "POLICY"
}
