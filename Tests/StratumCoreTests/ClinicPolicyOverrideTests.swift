import Testing
@testable import StratumCore

extension Result where Failure == OverrideRefusals {
    var refusalPaths: [String] {
        if case .failure(let e) = self { return e.refusals.map(\.path) }
        return []
    }
    var policy: Success? { try? get() }
}

@Suite("Clinic policy overrides: stricter always, laxer only where configurable")
struct ClinicPolicyOverrideTests {
    static let std = ClinicalPolicy.standard

    @Test("Narrowing accepted: a lower cheek stop ceiling is used by the session check and the planner")
    func lowerCheekStop() throws {
        let o = ClinicPolicyOverride(sites: [.cheek: .init(cautionAbove: 1.0, stopAbove: 1.2)])
        let policy = try Self.std.applying(o).get()
        #expect(policy.site(.cheek).stopAbove == 1.2)
        #expect(policy.site(.cheek).cautionAbove == 1.0)
        #expect(policy.version != Self.std.version)

        let at125 = Fixture.check({ $0.zones = [dose(.cheek, 1.25)] }, policy: policy)
        #expect(at125.findings.severities(of: .depthSiteStop) == [.stop])
        #expect(at125.decision == .doNotTreat)
        #expect(!Fixture.check({ $0.zones = [dose(.cheek, 1.25)] }).findings.has(.depthSiteStop))

        let at12 = Fixture.check({ $0.zones = [dose(.cheek, 1.2)] }, policy: policy)
        #expect(!at12.findings.has(.depthSiteStop))
        #expect(at12.findings.severities(of: .depthSiteCaution) == [.caution])

        // The planner keeps to the clinic's ceiling.
        let plan = Fixture.planned(policy: policy)
        #expect(ladder(plan, Fixture.cheekLeft).allSatisfy { $0 <= 1.2 })
        #expect(!plan.findings.has(.depthSiteStop))
        #expect(plan.policyVersion == policy.version)
        // A 1.5 mm roller is now stopped on the cheek; under the shipped policy it may proceed.
        let roller = Fixture.planned({ $0.device = Fixture.roller(1.5) }, policy: policy)
        #expect(roller.decision == .doNotTreat)
        #expect(Fixture.planned { $0.device = Fixture.roller(1.5) }.decision == .proceed)
    }

    @Test("A stricter stop ceiling alone is accepted (POLICY: a clinic may make any rule stricter, a lower ceiling)")
    func lowerStopAlone() {
        // The cheek's caution ceiling is 1.5; lowering only the stop ceiling to 1.2 is a pure narrowing.
        let result = Self.std.applying(ClinicPolicyOverride(sites: [.cheek: .init(stopAbove: 1.2)]))
        #expect(result.refusalPaths == [])
        if let p = result.policy {
            #expect(p.site(.cheek).stopAbove == 1.2)
            #expect((p.site(.cheek).cautionAbove ?? 99) <= 1.2)
        }
    }

    @Test("Narrowing accepted: typical ranges, indication ranges, intervals and screening validity")
    func narrowing() throws {
        let o = ClinicPolicyOverride(
            sites: [.forehead: .init(typical: DepthRange(0.25, 0.75))],
            indications: [
                .photoaging: .init(faceDepth: DepthRange(0.5, 1.0), allowedIntervalWeeks: 4...6),
                .striae: .init(bodyDepth: DepthRange(1.5, 2.0))
            ],
            screeningValidDays: 30)
        let p = try Self.std.applying(o).get()
        #expect(p.site(.forehead).typical == DepthRange(0.25, 0.75))
        #expect(p.indication(.photoaging).faceDepth == DepthRange(0.5, 1.0))
        #expect(p.indication(.photoaging).allowedIntervalWeeks == 4...6)
        #expect(p.indication(.striae).bodyDepth == DepthRange(1.5, 2.0))
        #expect(p.screeningValidDays == 30)

        // The check uses them: 31 days is stale now, 1.25 mm is outside photoaging's narrowed range, 3 weeks is INT-PLAN.
        let stale = Fixture.check({ $0.patient.screening.answeredOn = day("2027-02-07") }, policy: p)
        #expect(stale.findings.severities(of: .scrStale) == [.stop])
        #expect(!Fixture.check { $0.patient.screening.answeredOn = day("2027-02-07") }.findings.has(.scrStale))
        #expect(Fixture.check({ $0.zones = [dose(.cheek, 1.25)] }, policy: p).findings.has(.depthIndication))
        #expect(Fixture.planned({ $0.intervalWeeks = 3 }, policy: p).findings.has(.intPlan))
        #expect(ladder(Fixture.planned(policy: p), Fixture.cheekLeft).max() == 1.0)
    }

    @Test("An empty override changes nothing, not even the version")
    func emptyOverride() throws {
        let p = try Self.std.applying(ClinicPolicyOverride()).get()
        #expect(p.version == Self.std.version)
        #expect(p.screeningValidDays == 90)
    }

    static let widening: [(String, ClinicPolicyOverride, String)] = [
        ("raise the cheek stop ceiling", ClinicPolicyOverride(sites: [.cheek: .init(stopAbove: 3.0)]), "sites.cheek.stopAboveMM"),
        ("raise the nose caution ceiling", ClinicPolicyOverride(sites: [.nose: .init(cautionAbove: 1.0)]), "sites.nose.cautionAboveMM"),
        (
            "widen the forehead typical range", ClinicPolicyOverride(sites: [.forehead: .init(typical: DepthRange(0.25, 1.25))]),
            "sites.forehead.typicalMM"
        ),
        (
            "lower the neck typical range below the policy's", ClinicPolicyOverride(sites: [.neck: .init(typical: DepthRange(0.1, 0.5))]),
            "sites.neck.typicalMM"
        ),
        ("give the eyelid limits", ClinicPolicyOverride(sites: [.eyelid: .init(stopAbove: 0.25)]), "sites.eyelid"),
        (
            "widen photoaging's face range", ClinicPolicyOverride(indications: [.photoaging: .init(faceDepth: DepthRange(0.5, 2.0))]),
            "indications.photoaging.faceMM"
        ),
        (
            "add a face range to striae", ClinicPolicyOverride(indications: [.striae: .init(faceDepth: DepthRange(0.5, 1.0))]),
            "indications.striae.faceMM"
        ),
        (
            "add a body range to photoaging", ClinicPolicyOverride(indications: [.photoaging: .init(bodyDepth: DepthRange(1.0, 1.5))]),
            "indications.photoaging.bodyMM"
        ),
        (
            "widen pigmentation's intervals", ClinicPolicyOverride(indications: [.pigmentation: .init(allowedIntervalWeeks: 1...6)]),
            "indications.pigmentation.intervalWeeks"
        ),
        (
            "shorten scars' minimum interval", ClinicPolicyOverride(indications: [.scars: .init(allowedIntervalWeeks: 2...8)]),
            "indications.scars.intervalWeeks"
        ),
        ("lower SCR-ANTICOAGULANT to info", ClinicPolicyOverride(severities: [.scrAnticoagulant: .info]), "severities.SCR-ANTICOAGULANT"),
        ("lower SCR-PREGNANCY to caution", ClinicPolicyOverride(severities: [.scrPregnancy: .caution]), "severities.SCR-PREGNANCY"),
        (
            "lower SCR-ISOTRETINOIN-RECENT to info", ClinicPolicyOverride(severities: [.scrIsotretinoinRecent: .info]),
            "severities.SCR-ISOTRETINOIN-RECENT"
        ),
        ("lower SCR-INCOMPLETE to caution", ClinicPolicyOverride(severities: [.scrIncomplete: .caution]), "severities.SCR-INCOMPLETE"),
        ("lengthen screening validity to 120 days", ClinicPolicyOverride(screeningValidDays: 120), "screeningValidDays"),
        ("screening validity of 0 days", ClinicPolicyOverride(screeningValidDays: 0), "screeningValidDays")
    ]

    @Test("Widening is refused with a reason naming the path", arguments: widening)
    func wideningRefused(name: String, o: ClinicPolicyOverride, path: String) throws {
        let result = Self.std.applying(o)
        #expect(result.refusalPaths == [path])
        if case .failure(let e) = result {
            #expect(e.refusals.allSatisfy { !$0.reason.isEmpty })
            #expect(e.refusals.first?.description.hasPrefix(path + ": ") == true)
        }
    }

    @Test("One widening spoils the whole override: nothing is applied, every refusal is listed")
    func allOrNothing() {
        let o = ClinicPolicyOverride(
            severities: [.scrKeloid: .stop, .scrAnticoagulant: .info],
            sites: [.cheek: .init(stopAbove: 2.0), .nose: .init(stopAbove: 2.0)],
            screeningValidDays: 365)
        let result = Self.std.applying(o)
        #expect(result.policy == nil)
        #expect(Set(result.refusalPaths) == ["severities.SCR-ANTICOAGULANT", "sites.nose.stopAboveMM", "screeningValidDays"])
    }

    @Test("SCR-ISOTRETINOIN-RECENT may be relaxed to caution (configurable), and the check then cautions")
    func isotretinoinRelaxed() throws {
        let p = try Self.std.applying(ClinicPolicyOverride(severities: [.scrIsotretinoinRecent: .caution])).get()
        #expect(p.severity(of: .scrIsotretinoinRecent) == .caution)
        let result = Fixture.check({ $0.patient.screening.answers[.isotretinoinLastDose] = .lastDate(day("2027-01-01")) }, policy: p)
        #expect(result.findings.severities(of: .scrIsotretinoinRecent) == [.caution])
        #expect(result.decision == .proceedWithCaution)
        // Taking it now still stops.
        let current = Fixture.check({ $0.patient.screening.answers[.isotretinoinCurrent] = .yesNo(true) }, policy: p)
        #expect(current.decision == .doNotTreat)
    }

    static let raisable: [RuleID] = RuleID.allCases.filter { RuleCatalogue.rule($0).severity != .stop }

    @Test("Raising any rule's severity to stop is accepted and used", arguments: raisable)
    func raiseToStop(rule: RuleID) throws {
        let p = try Self.std.applying(ClinicPolicyOverride(severities: [rule: .stop])).get()
        #expect(p.severity(of: rule) == .stop)
        #expect(p.severity(of: rule, forPlan: true) == .stop)
    }

    @Test("Raising info rules to caution is accepted", arguments: [RuleID.indicationConflict, .intLong, .courseShort, .courseLong])
    func raiseInfoToCaution(rule: RuleID) throws {
        let p = try Self.std.applying(ClinicPolicyOverride(severities: [rule: .caution])).get()
        #expect(p.severity(of: rule) == .caution)
    }

    @Test("A raised severity reaches findings: SCR-KELOID as stop, COURSE-SHORT as caution")
    func raisedSeverityUsed() throws {
        let p = try Self.std.applying(ClinicPolicyOverride(severities: [.scrKeloid: .stop, .courseShort: .caution])).get()
        let session = Fixture.check({ $0.patient.screening.answers[.keloidHistory] = .yesNo(true) }, policy: p)
        #expect(session.findings.severities(of: .scrKeloid) == [.stop])
        #expect(session.decision == .doNotTreat)
        let plan = Fixture.planned({ $0.sessions = 3 }, policy: p)
        #expect(plan.findings.severities(of: .courseShort) == [.caution])
        #expect(plan.decision == .proceedWithCaution)
    }

    @Test("Keeping a severity as shipped is accepted", arguments: [RuleID.scrStale, .scrAnticoagulant, .intLong])
    func sameSeverity(rule: RuleID) {
        let same = RuleCatalogue.rule(rule).severity
        #expect(Self.std.applying(ClinicPolicyOverride(severities: [rule: same])).policy != nil)
    }
}

@Suite("A stored clinic override against a later shipped policy")
struct StoredOverrideTests {
    @Test("what no longer narrows is left out with its reason; the rest still applies")
    func leftOut() throws {
        let stored = ClinicPolicyOverride(
            severities: [.intShort: .stop], sites: [.forehead: .init(stopAbove: 1.2), .cheek: .init(stopAbove: 3.0)])
        let (policy, leftOut) = ClinicalPolicy.standard.applyingWhatNarrows(stored)
        #expect(leftOut.map(\.path) == ["sites.cheek.stopAboveMM"])
        #expect(policy.site(.cheek).stopAbove == ClinicalPolicy.standard.site(.cheek).stopAbove)
        #expect(policy.site(.forehead).stopAbove == 1.2)
        #expect(policy.severity(of: .intShort) == .stop)
        #expect(ClinicalPolicy.standard.applyingWhatNarrows(ClinicPolicyOverride()).leftOut.isEmpty)
    }

    @Test("an override written as a document reads back as the same override")
    func roundTrip() throws {
        let o = ClinicPolicyOverride(
            severities: [.intShort: .stop, .scrKeloid: .stop],
            sites: [.forehead: .init(typical: DepthRange(0.25, 0.75), cautionAbove: 0.5, stopAbove: 1.0)],
            indications: [.photoaging: .init(faceDepth: DepthRange(0.5, 1.0), allowedIntervalWeeks: 5...8)], screeningValidDays: 60)
        let text = JSONWriter.write(ClinicPolicyWriter.document(o))
        #expect(try RequestReader.clinicPolicyOverride(text) == o)
        #expect(try RequestReader.clinicPolicyOverride("{}") == ClinicPolicyOverride())
        #expect(o.changes().map(\.path).first == "severities.SCR-KELOID")
    }
}
