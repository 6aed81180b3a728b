/// A zone with the nominal depth used or planned there.
public struct ZoneDepth: Sendable, Equatable {
    public var zone: Zone
    public var depthMM: Double
    public init(zone: Zone, depthMM: Double) {
        self.zone = zone
        self.depthMM = depthMM
    }
}

/// A zone as proposed for treatment today: depth and number of passes.
public struct ZoneDose: Sendable, Equatable {
    public var zone: Zone
    public var depthMM: Double
    public var passes: Int
    public init(zone: Zone, depthMM: Double, passes: Int) {
        self.zone = zone
        self.depthMM = depthMM
        self.passes = passes
    }
}

/// An earlier session of the course, as far as the interval, step and reaction rules need it.
public struct PriorSession: Sendable, Equatable {
    public var date: LocalDate
    public var zones: [ZoneDepth]
    /// Days the expected reactions took to settle; nil when not recorded.
    public var reactionsResolvedWithinDays: Int?
    /// The zones an adverse event following that session still open affects: `REACTION-UNRESOLVED` holds only
    /// skin overlapping these ("on the same area", POLICY §5), so a bruise on one cheek does not stop the forehead.
    public var openAdverseEventZones: [Zone]

    /// Whether an adverse event following that session is still open, on any of its zones.
    public var openAdverseEvent: Bool { !openAdverseEventZones.isEmpty }

    /// An open event given without zones affects every zone of the session (the whole area it treated).
    public init(date: LocalDate, zones: [ZoneDepth], reactionsResolvedWithinDays: Int?, openAdverseEvent: Bool) {
        self.init(
            date: date, zones: zones, reactionsResolvedWithinDays: reactionsResolvedWithinDays,
            openAdverseEventZones: openAdverseEvent ? zones.map(\.zone) : [])
    }

    public init(date: LocalDate, zones: [ZoneDepth], reactionsResolvedWithinDays: Int?, openAdverseEventZones: [Zone]) {
        self.date = date
        self.zones = zones
        self.reactionsResolvedWithinDays = reactionsResolvedWithinDays
        self.openAdverseEventZones = openAdverseEventZones
    }
}

/// A session proposed for today, with everything the guardrails check before needles touch skin.
public struct SessionProposal: Sendable, Equatable {
    public var patient: PatientFacts
    public var indications: [IndicationID]
    public var device: DeviceSpec
    public var date: LocalDate
    public var zones: [ZoneDose]
    public var sterility: SterilityFacts
    /// Nil when no handpiece record was given; a pen then counts as not cleaned (`DEV-HANDPIECE`).
    public var handpiece: HandpieceFacts?
    public var topical: TopicalFacts?
    /// A treatment consent in force on `date` (`ConsentPeriod.inForce`): signed by then and not yet withdrawn.
    public var consentSigned: Bool
    public var previousSessions: [PriorSession]
    /// `AE-CLUSTER` alerts implicating this session's sterilizer, lot or handpiece that are not yet reviewed.
    public var clusterAlerts: [InfectionCluster.Alert]
    /// What the registry says the named parts and handpiece are; when it names parts, they are judged, not `device`.
    public var registered: RegisteredEquipment

    public init(
        patient: PatientFacts, indications: [IndicationID], device: DeviceSpec, date: LocalDate, zones: [ZoneDose],
        sterility: SterilityFacts, handpiece: HandpieceFacts?, topical: TopicalFacts?, consentSigned: Bool,
        previousSessions: [PriorSession], clusterAlerts: [InfectionCluster.Alert] = [],
        registered: RegisteredEquipment = RegisteredEquipment()
    ) {
        self.clusterAlerts = clusterAlerts
        self.registered = registered
        self.patient = patient
        self.indications = indications
        self.device = device
        self.date = date
        self.zones = zones
        self.sterility = sterility
        self.handpiece = handpiece
        self.topical = topical
        self.consentSigned = consentSigned
        self.previousSessions = previousSessions
    }
}

/// A request to plan a course (POLICY §5): sessions and interval default from the indications.
public struct PlanRequest: Sendable, Equatable {
    public var patient: PatientFacts
    public var indications: [IndicationID]
    public var zones: [Zone]
    public var device: DeviceSpec
    public var startDate: LocalDate
    public var sessions: Int?
    public var intervalWeeks: Int?
    /// Depths the practitioner set by hand, by session number and zone; each is judged by the depth rules like a
    /// planned one, so an adjustment outside the limits is a finding, never silently kept.
    public var depthOverrides: [Int: [Zone: Double]]

    public init(
        patient: PatientFacts, indications: [IndicationID], zones: [Zone], device: DeviceSpec, startDate: LocalDate,
        sessions: Int? = nil, intervalWeeks: Int? = nil, depthOverrides: [Int: [Zone: Double]] = [:]
    ) {
        self.patient = patient
        self.indications = indications
        self.zones = zones
        self.device = device
        self.startDate = startDate
        self.sessions = sessions
        self.intervalWeeks = intervalWeeks
        self.depthOverrides = depthOverrides
    }
}
