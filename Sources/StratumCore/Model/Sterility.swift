/// A sterile single-use needle part (cartridge, roller, stamp head) as traced by lot and serial (POLICY §4).
public struct SingleUsePart: Sendable, Equatable {
    public var lot: String
    public var expiry: LocalDate
    public var serial: String?
    /// True when this serial or package was already bound to another session (`DEV-REUSE`).
    public var previouslyUsed: Bool
    public var lotRecalled: Bool
    public var lotQuarantined: Bool

    public init(lot: String, expiry: LocalDate, serial: String?, previouslyUsed: Bool, lotRecalled: Bool, lotQuarantined: Bool = false) {
        self.lot = lot
        self.expiry = expiry
        self.serial = serial
        self.previouslyUsed = previouslyUsed
        self.lotRecalled = lotRecalled
        self.lotQuarantined = lotQuarantined
    }
}

/// Outcome of a sterilizer cycle's physical parameters.
public enum CycleStatus: String, Sendable, CaseIterable, Codable {
    case passed, failed, incomplete
}

/// Chemical indicator reading on the pack.
public enum IndicatorResult: String, Sendable, CaseIterable, Codable {
    case pass, fail
}

/// Biological indicator reading for the load; results arrive a day or more after the cycle.
public enum BiologicalIndicatorResult: String, Sendable, CaseIterable, Codable {
    case pass, fail, pending
}

/// A sterilization pack holding reusable needle parts, with its cycle's monitoring results (POLICY §4, CDC 2008).
public struct SterilizationPackFacts: Sendable, Equatable {
    public var cycleStatus: CycleStatus
    public var chemicalIndicator: IndicatorResult
    public var biologicalIndicator: BiologicalIndicatorResult
    /// Time-related shelf life; nil where the clinic uses event-related shelf life only.
    public var expiresOn: LocalDate?
    public var wrapCompromised: Bool
    /// The pack's state in the clinic's registry; nil when the facts were typed for a stateless check.
    public var state: PackState?

    public init(
        cycleStatus: CycleStatus, chemicalIndicator: IndicatorResult, biologicalIndicator: BiologicalIndicatorResult,
        expiresOn: LocalDate?, wrapCompromised: Bool, state: PackState? = nil
    ) {
        self.cycleStatus = cycleStatus
        self.chemicalIndicator = chemicalIndicator
        self.biologicalIndicator = biologicalIndicator
        self.expiresOn = expiresOn
        self.wrapCompromised = wrapCompromised
        self.state = state
    }
}

/// What touched the patient's skin: a single-use part, a pack, both, or (refused) neither.
public struct SterilityFacts: Sendable, Equatable {
    public var singleUsePart: SingleUsePart?
    public var pack: SterilizationPackFacts?

    public init(singleUsePart: SingleUsePart?, pack: SterilizationPackFacts?) {
        self.singleUsePart = singleUsePart
        self.pack = pack
    }
}

/// The reusable pen handpiece's reprocessing state between patients (`DEV-HANDPIECE`).
public struct HandpieceFacts: Sendable, Equatable {
    public var cleanedSinceLastUse: Bool
    public init(cleanedSinceLastUse: Bool) { self.cleanedSinceLastUse = cleanedSinceLastUse }
}

/// A substance applied to the needled skin (seed use 6; `DEL-*`).
public struct TopicalFacts: Sendable, Equatable {
    /// Nil or blank when not recorded (`DEL-LOT`).
    public var product: String?
    /// Nil or blank when not recorded (`DEL-LOT`).
    public var lot: String?
    public var approvedForIntradermal: Bool

    public init(product: String?, lot: String?, approvedForIntradermal: Bool) {
        self.product = product
        self.lot = lot
        self.approvedForIntradermal = approvedForIntradermal
    }
}
