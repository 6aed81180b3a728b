/// Where a sterilization pack is in its life (POLICY §4): assembled, sterilized in a cycle, released for use, used
/// in exactly one session; or taken out of use as quarantined or expired.
public enum PackState: String, Sendable, CaseIterable, Codable {
    case assembled, sterilized, released, used, quarantined, expired

    /// True once the pack can no longer reach a patient.
    public var isFinal: Bool { self == .used || self == .quarantined || self == .expired }
}

/// What happens to a pack; each is one audited change.
public enum PackEvent: Sendable, Equatable {
    /// Loaded into a cycle whose physical parameters were read.
    case sterilize(CycleStatus)
    /// Released for use on the cycle's monitoring results (CDC 2008).
    case release(cycle: CycleStatus, chemical: IndicatorResult, biological: BiologicalIndicatorResult)
    /// Bound to a session.
    case use
    /// Withdrawn: a failed indicator, a recall, a compromised wrap.
    case quarantine
    /// Shelf life over, by time or by event.
    case expire
}

/// A change a pack's state does not allow; the message says which and why.
public struct PackTransitionError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

extension PackState {
    /// The state after `event`, or why the event is refused. Release follows §4: the cycle passed and the chemical
    /// indicator passed; a failed biological indicator never releases; a pending one may (`DEV-PACK-BI-PENDING`).
    public func after(_ event: PackEvent) throws(PackTransitionError) -> PackState {
        func refuse(_ why: String) -> PackTransitionError { PackTransitionError(message: why) }
        switch (self, event) {
        case (.assembled, .sterilize(let cycle)):
            return cycle == .passed ? .sterilized : .quarantined
        case (.sterilized, .release(let cycle, let chemical, let biological)):
            guard cycle == .passed else { throw refuse("DEV-PACK-NOT-RELEASED: the cycle \(cycle.rawValue); the pack is reprocessed, not released") }
            guard chemical == .pass else { throw refuse("DEV-PACK-NOT-RELEASED: the chemical indicator failed") }
            guard biological != .fail else { throw refuse("DEV-PACK-NOT-RELEASED: the biological indicator failed") }
            return .released
        case (.released, .use):
            return .used
        case (.used, .use):
            throw refuse("DEV-REUSE: the pack is already bound to a session")
        case (_, .use):
            throw refuse("DEV-PACK-NOT-RELEASED: a pack is used only once released; it is \(rawValue)")
        case (.assembled, .quarantine), (.sterilized, .quarantine), (.released, .quarantine):
            return .quarantined
        case (.assembled, .expire), (.sterilized, .expire), (.released, .expire):
            return .expired
        default:
            throw refuse("a \(rawValue) pack cannot be \(event.verb)")
        }
    }
}

extension PackEvent {
    var verb: String {
        switch self {
        case .sterilize: "sterilized"
        case .release: "released"
        case .use: "used"
        case .quarantine: "quarantined"
        case .expire: "expired"
        }
    }
}
