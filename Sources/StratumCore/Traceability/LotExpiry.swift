/// How near a lot is to its expiry on the clinic's today: an expired lot stops a session (`DEV-LOT-EXPIRED`); one
/// nearing expiry is marked on the stock pages so it is used first or not ordered again.
public enum LotExpiry: String, Sendable, Equatable, Codable, CaseIterable {
    case expired, nearing, ok

    /// Days before expiry from which a lot counts as nearing it.
    public static let nearingWithinDays = 30

    /// The lot's state on `today`: expired after its expiry date, nearing within 30 days of it (the expiry day itself
    /// included), else ok.
    public static func on(_ today: LocalDate, expiry: LocalDate) -> LotExpiry {
        if expiry < today { return .expired }
        return expiry <= today.adding(days: nearingWithinDays) ? .nearing : .ok
    }
}
