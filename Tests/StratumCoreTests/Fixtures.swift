import Testing
@testable import StratumCore

/// A calendar day from its ISO form; test literals are always valid dates.
func day(_ iso: String) -> LocalDate {
    guard let d = LocalDate(iso: iso) else { fatalError("bad test date \(iso)") }
    return d
}

/// The four questionnaire keys POLICY §3 marks as dates (typed here, not read from the code under test).
let dateKeys: Set<ScreeningKey> = [.isotretinoinLastDose, .radiotherapyToArea, .surgeryOrTraumaInArea, .deepPeelOrDermabrasion]

/// Clean baselines: a session and a plan that draw no finding at all. Tests change one thing.
enum Fixture {
    static let sessionDate = day("2027-03-10")
    static let answeredOn = day("2027-03-07")
    static let adultBirthDate = day("1990-05-15")
    static let cheekLeft = Zone(site: .cheek, side: .left)
    static let cheekRight = Zone(site: .cheek, side: .right)

    /// Pen 0.25–2.5 mm, stainless steel.
    static let pen = DeviceSpec(kind: .pen, length: .adjustable(DepthRange(0.25, 2.5)), needleMaterial: .stainlessSteel)
    /// A pen that reaches everywhere, so depth tests are not also device tests.
    static let widePen = DeviceSpec(kind: .pen, length: .adjustable(DepthRange(0.1, 3.5)), needleMaterial: .stainlessSteel)

    static func roller(_ mm: Double, material: NeedleMaterial = .stainlessSteel) -> DeviceSpec {
        DeviceSpec(kind: .roller, length: .fixed(mm), needleMaterial: material)
    }

    /// All 24 answers "no" (nil for the date keys).
    static func allNo(answeredOn: LocalDate = answeredOn) -> ScreeningResponse {
        var answers: [ScreeningKey: ScreeningAnswer] = [:]
        for key in ScreeningKey.allCases {
            answers[key] = dateKeys.contains(key) ? .lastDate(nil) : .yesNo(false)
        }
        return ScreeningResponse(answeredOn: answeredOn, answers: answers)
    }

    static func patient(
        fitzpatrick: Int = 2, birthDate: LocalDate = adultBirthDate,
        screening: ScreeningResponse = allNo()
    ) -> PatientFacts {
        PatientFacts(birthDate: birthDate, sex: .female, fitzpatrick: fitzpatrick, screening: screening)
    }

    /// Sterile, unused, unexpired, not recalled.
    static func part(expiry: LocalDate = day("2028-01-31")) -> SingleUsePart {
        SingleUsePart(lot: "LOT-A1", expiry: expiry, serial: "SN-0001", previouslyUsed: false, lotRecalled: false)
    }

    /// A pack whose cycle and every indicator passed, within shelf life, wrap intact.
    static func releasedPack(expiresOn: LocalDate? = day("2027-06-01")) -> SterilizationPackFacts {
        SterilizationPackFacts(
            cycleStatus: .passed, chemicalIndicator: .pass, biologicalIndicator: .pass,
            expiresOn: expiresOn, wrapCompromised: false)
    }

    /// Cheek (left) at 1.0 mm for photoaging, Fitzpatrick II adult, pen, sterile part, cleaned handpiece, consent.
    static func session(_ change: (inout SessionProposal) -> Void = { _ in }) -> SessionProposal {
        var p = SessionProposal(
            patient: patient(), indications: [.photoaging], device: pen, date: sessionDate,
            zones: [ZoneDose(zone: cheekLeft, depthMM: 1.0, passes: 2)],
            sterility: SterilityFacts(singleUsePart: part(), pack: nil),
            handpiece: HandpieceFacts(cleanedSinceLastUse: true), topical: nil, consentSigned: true,
            previousSessions: [])
        change(&p)
        return p
    }

    /// Photoaging on the left cheek with the pen, starting on the session date; defaults for sessions and interval.
    static func plan(_ change: (inout PlanRequest) -> Void = { _ in }) -> PlanRequest {
        var r = PlanRequest(
            patient: patient(), indications: [.photoaging], zones: [cheekLeft], device: pen,
            startDate: sessionDate)
        change(&r)
        return r
    }

    static func check(_ change: (inout SessionProposal) -> Void = { _ in }, policy: ClinicalPolicy = .standard) -> CheckResult {
        SessionCheck.check(session(change), policy: policy)
    }

    static func planned(_ change: (inout PlanRequest) -> Void = { _ in }, policy: ClinicalPolicy = .standard) -> PlanResult {
        CoursePlanner.plan(plan(change), policy: policy)
    }
}

/// One zone at one depth, two passes.
func dose(_ site: SiteID, _ mm: Double, side: Side = .left) -> ZoneDose {
    ZoneDose(zone: Zone(site: site, side: side), depthMM: mm, passes: 2)
}

/// An earlier session on the given zones, reactions settled in 2 days, no open adverse event.
func prior(_ date: LocalDate, _ zones: [(SiteID, Side, Double)], openAdverseEvent: Bool = false) -> PriorSession {
    PriorSession(
        date: date, zones: zones.map { ZoneDepth(zone: Zone(site: $0.0, side: $0.1), depthMM: $0.2) },
        reactionsResolvedWithinDays: 2, openAdverseEvent: openAdverseEvent)
}

extension Array where Element == Finding {
    /// The severities with which `rule` was found (empty when it was not).
    func severities(of rule: RuleID) -> [Severity] { filter { $0.rule == rule }.map(\.severity) }
    func has(_ rule: RuleID) -> Bool { contains { $0.rule == rule } }
    var rules: Set<RuleID> { Set(map(\.rule)) }
}

/// A named change to the baseline session, for table-driven tests.
struct SessionCase: Sendable, CustomTestStringConvertible {
    let name: String
    let change: @Sendable (inout SessionProposal) -> Void
    init(_ name: String, _ change: @escaping @Sendable (inout SessionProposal) -> Void) {
        self.name = name
        self.change = change
    }
    var testDescription: String { name }
}

/// A rule expected from a change, with the severity POLICY gives it.
struct Firing: Sendable, CustomTestStringConvertible {
    let rule: RuleID
    let severity: Severity
    let name: String
    let change: @Sendable (inout SessionProposal) -> Void
    init(_ rule: RuleID, _ severity: Severity, _ name: String, _ change: @escaping @Sendable (inout SessionProposal) -> Void) {
        self.rule = rule
        self.severity = severity
        self.name = name
        self.change = change
    }
    var testDescription: String { "\(rule.rawValue): \(name)" }
}

/// A change that must not fire `rule` (a near miss).
struct NearMiss: Sendable, CustomTestStringConvertible {
    let rule: RuleID
    let name: String
    let change: @Sendable (inout SessionProposal) -> Void
    init(_ rule: RuleID, _ name: String, _ change: @escaping @Sendable (inout SessionProposal) -> Void) {
        self.rule = rule
        self.name = name
        self.change = change
    }
    var testDescription: String { "\(rule.rawValue) not: \(name)" }
}

/// Sets one yes/no or date answer on the session's screening.
func answer(_ key: ScreeningKey, _ value: ScreeningAnswer) -> @Sendable (inout SessionProposal) -> Void {
    { $0.patient.screening.answers[key] = value }
}

@Suite("Baselines")
struct BaselineTests {
    @Test("The clean baseline session draws no finding at all and may proceed")
    func cleanSession() {
        let result = Fixture.check()
        #expect(result.findings.isEmpty, "unexpected: \(result.findings.map(\.rule.rawValue))")
        #expect(result.decision == .proceed)
        #expect(result.policyVersion == ClinicalPolicy.shippedVersion)
    }

    @Test("The clean baseline plan draws no finding and proposes 6 sessions 4 weeks apart")
    func cleanPlan() {
        let result = Fixture.planned()
        #expect(result.findings.isEmpty, "unexpected: \(result.findings.map(\.rule.rawValue))")
        #expect(result.decision == .proceed)
        #expect(result.course.sessions.count == 6)
        #expect(result.course.intervalWeeks == 4)
    }

    @Test("The questionnaire has the 24 answer keys of POLICY §3, four of them dates")
    func questionnaireKeys() {
        #expect(ScreeningKey.allCases.count == 24)
        #expect(Set(ScreeningKey.allCases.filter(\.isDate)) == dateKeys)
        #expect(Fixture.allNo().answers.count == 24)
    }
}
