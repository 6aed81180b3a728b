import Testing
@testable import StratumCore

/// POLICY §2 site table, typed from POLICY.md: (site, region, typical, caution above, stop above).
let policySiteTable: [(SiteID, Region, Double, Double, Double, Double)] = [
    (.periorbital, .face, 0.25, 0.5, 0.5, 1.0),
    (.forehead, .face, 0.25, 1.0, 1.0, 1.5),
    (.temple, .face, 0.25, 1.0, 1.0, 1.5),
    (.nose, .face, 0.25, 0.75, 0.75, 1.5),
    (.cheek, .face, 0.5, 1.5, 1.5, 2.5),
    (.perioral, .face, 0.25, 1.0, 1.0, 2.0),
    (.chin, .face, 0.5, 1.5, 1.5, 2.5),
    (.jawline, .face, 0.5, 1.5, 1.5, 2.5),
    (.neck, .neck, 0.25, 1.0, 1.0, 1.5),
    (.decolletage, .trunk, 0.25, 1.0, 1.0, 1.5),
    (.dorsalHand, .limb, 0.25, 0.5, 0.5, 1.0),
    (.scalp, .scalp, 0.5, 1.5, 1.5, 2.0),
    (.upperArm, .limb, 1.0, 2.0, 2.0, 3.0),
    (.abdomen, .trunk, 1.0, 2.5, 2.5, 3.0),
    (.back, .trunk, 1.5, 2.5, 2.5, 3.0),
    (.buttock, .trunk, 1.5, 2.5, 2.5, 3.0),
    (.thigh, .limb, 1.0, 2.0, 2.0, 3.0)
]

/// A session on one zone of `site` at `mm` with the wide pen, for the given indications.
func depthCheck(
    _ site: SiteID, _ mm: Double, indications: [IndicationID] = [.photoaging], fitzpatrick: Int = 2,
    device: DeviceSpec = Fixture.widePen
) -> CheckResult {
    Fixture.check {
        $0.indications = indications
        $0.device = device
        $0.zones = [dose(site, mm)]
        $0.patient.fitzpatrick = fitzpatrick
    }
}

@Suite("Depth rules (POLICY §2)")
struct DepthRuleTests {
    @Test("The site catalogue matches the POLICY §2 table", arguments: policySiteTable)
    func siteCatalogue(site: SiteID, region: Region, lo: Double, hi: Double, caution: Double, stop: Double) {
        let s = ClinicalPolicy.standard.site(site)
        #expect(s.region == region)
        #expect(s.typical == DepthRange(lo, hi))
        #expect(s.cautionAbove == caution)
        #expect(s.stopAbove == stop)
    }

    @Test("The eyelid has no limits: any depth is refused by SITE-EYELID")
    func eyelidCatalogue() {
        let s = ClinicalPolicy.standard.site(.eyelid)
        #expect(s.typical == nil && s.cautionAbove == nil && s.stopAbove == nil)
        #expect(SiteID.allCases.count == policySiteTable.count + 1)
    }

    @Test("DEPTH-SITE-CAUTION / DEPTH-SITE-STOP: exactly at a ceiling is allowed, 0.05 mm above is not", arguments: policySiteTable)
    func ceilings(site: SiteID, region: Region, lo: Double, hi: Double, caution: Double, stop: Double) {
        let atCaution = depthCheck(site, caution).findings
        #expect(!atCaution.has(.depthSiteCaution) && !atCaution.has(.depthSiteStop))
        let overCaution = depthCheck(site, caution + 0.05).findings
        #expect(overCaution.severities(of: .depthSiteCaution) == [.caution])
        #expect(!overCaution.has(.depthSiteStop))
        let atStop = depthCheck(site, stop).findings
        #expect(!atStop.has(.depthSiteStop))
        #expect(atStop.severities(of: .depthSiteCaution) == [.caution])
        let overStop = depthCheck(site, stop + 0.05)
        #expect(overStop.findings.severities(of: .depthSiteStop) == [.stop])
        #expect(overStop.decision == .doNotTreat)
    }

    static let firing: [Firing] = [
        Firing(.depthRange, .stop, "0.15 mm is below what devices do") {
            $0.device = Fixture.widePen; $0.zones = [dose(.cheek, 0.15)]
        },
        Firing(.depthRange, .stop, "3.05 mm on the abdomen") {
            $0.device = Fixture.widePen; $0.indications = [.burnScars]; $0.zones = [dose(.abdomen, 3.05)]
        },
        Firing(.depthDevice, .stop, "2.55 mm with a 0.25–2.5 mm pen") {
            $0.indications = [.striae]; $0.zones = [dose(.abdomen, 2.55)]
        },
        Firing(.depthDevice, .stop, "0.2 mm with a 0.25–2.5 mm pen") { $0.zones = [dose(.cheek, 0.2)] },
        Firing(.depthDevice, .stop, "1.5 mm with a 1.0 mm roller") {
            $0.device = Fixture.roller(1.0); $0.zones = [dose(.cheek, 1.5)]
        },
        Firing(.siteEyelid, .stop, "the eyelid at 0.25 mm") { $0.zones = [dose(.eyelid, 0.25)] },
        Firing(.siteEyelid, .stop, "the eyelid beside a cheek zone") { $0.zones = [dose(.cheek, 1.0), dose(.eyelid, 0.5)] },
        Firing(.depthSiteStop, .stop, "2.55 mm on the cheek") { $0.zones = [dose(.cheek, 2.55)] },
        Firing(.depthSiteCaution, .caution, "1.55 mm on the cheek") { $0.zones = [dose(.cheek, 1.55)] },
        Firing(.depthIndication, .caution, "0.45 mm for photoaging on the cheek") { $0.zones = [dose(.cheek, 0.45)] },
        Firing(.depthIndication, .caution, "1.6 mm for photoaging on the cheek") { $0.zones = [dose(.cheek, 1.6)] },
        Firing(.depthIndication, .caution, "1.4 mm for striae on the abdomen") {
            $0.indications = [.striae]; $0.zones = [dose(.abdomen, 1.4)]
        },
        Firing(.depthPhototype, .caution, "Fitzpatrick IV at 1.55 mm on the abdomen") {
            $0.patient.fitzpatrick = 4; $0.indications = [.striae]; $0.zones = [dose(.abdomen, 1.55)]
        },
        Firing(.depthPhototype, .caution, "Fitzpatrick V at 1.05 mm for pigmentation") {
            $0.patient.fitzpatrick = 5; $0.indications = [.pigmentation]; $0.zones = [dose(.cheek, 1.05)]
        },
        Firing(.indicationSite, .caution, "striae on the cheek") {
            $0.indications = [.striae]; $0.zones = [dose(.cheek, 1.0)]
        },
        Firing(.indicationSite, .caution, "photoaging on the abdomen (no body range)") {
            $0.zones = [dose(.abdomen, 1.5, side: .midline)]
        },
        Firing(.indicationSite, .caution, "acne scars on the scalp (scalp has no column)") {
            $0.indications = [.acneScars]; $0.zones = [dose(.scalp, 1.0, side: .midline)]
        },
        Firing(.indicationConflict, .info, "hand rejuvenation and striae on the thigh") {
            $0.indications = [.handRejuvenation, .striae]; $0.zones = [dose(.thigh, 1.0)]
        },
        Firing(.indicationConflict, .info, "transdermal delivery and acne scars on the forehead") {
            $0.indications = [.transdermalDelivery, .acneScars]; $0.zones = [dose(.forehead, 0.5)]
        }
    ]

    @Test("Fires", arguments: firing)
    func fires(_ c: Firing) {
        let result = Fixture.check(c.change)
        #expect(!result.findings.severities(of: c.rule).isEmpty)
        #expect(result.findings.severities(of: c.rule).allSatisfy { $0 == c.severity })
        if c.severity == .stop { #expect(result.decision == .doNotTreat) }
    }

    static let nearMisses: [NearMiss] = [
        NearMiss(.depthRange, "exactly 0.2 mm") {
            $0.device = Fixture.widePen; $0.zones = [dose(.cheek, 0.2)]
        },
        NearMiss(.depthRange, "exactly 3.0 mm on the abdomen") {
            $0.device = Fixture.widePen; $0.indications = [.burnScars]; $0.zones = [dose(.abdomen, 3.0)]
        },
        NearMiss(.depthDevice, "2.5 mm, the top of a 0.25–2.5 mm pen") {
            $0.indications = [.striae]; $0.zones = [dose(.abdomen, 2.5)]
        },
        NearMiss(.depthDevice, "0.25 mm, the bottom of a 0.25–2.5 mm pen") { $0.zones = [dose(.cheek, 0.25)] },
        NearMiss(.depthDevice, "1.0 mm with a 1.0 mm roller") {
            $0.device = Fixture.roller(1.0); $0.handpiece = nil
        },
        NearMiss(.siteEyelid, "the periorbital area at 0.5 mm") { $0.zones = [dose(.periorbital, 0.5)] },
        NearMiss(.depthSiteStop, "2.5 mm on the cheek, at its stop ceiling") { $0.zones = [dose(.cheek, 2.5)] },
        NearMiss(.depthSiteCaution, "1.5 mm on the cheek, at its caution ceiling") { $0.zones = [dose(.cheek, 1.5)] },
        NearMiss(.depthIndication, "0.5 mm for photoaging on the cheek") { $0.zones = [dose(.cheek, 0.5)] },
        NearMiss(.depthIndication, "1.5 mm for photoaging on the cheek") { $0.zones = [dose(.cheek, 1.5)] },
        NearMiss(.depthPhototype, "Fitzpatrick IV at 1.5 mm on the abdomen") {
            $0.patient.fitzpatrick = 4; $0.indications = [.striae]; $0.zones = [dose(.abdomen, 1.5)]
        },
        NearMiss(.depthPhototype, "Fitzpatrick III at 2.0 mm on the abdomen") {
            $0.patient.fitzpatrick = 3; $0.indications = [.striae]; $0.zones = [dose(.abdomen, 2.0)]
        },
        NearMiss(.depthPhototype, "Fitzpatrick V at 1.0 mm for pigmentation") {
            $0.patient.fitzpatrick = 5; $0.indications = [.pigmentation]; $0.zones = [dose(.cheek, 1.0)]
        },
        NearMiss(.depthPhototype, "Fitzpatrick V at 1.25 mm for photoaging (the 1.0 mm cap is pigmentation's)") {
            $0.patient.fitzpatrick = 5; $0.zones = [dose(.cheek, 1.25)]
        },
        NearMiss(.indicationSite, "striae on the abdomen") {
            $0.indications = [.striae]; $0.zones = [dose(.abdomen, 2.0)]
        },
        NearMiss(.indicationSite, "photoaging on the neck (the face column covers the neck)") { $0.zones = [dose(.neck, 0.75)] },
        NearMiss(.indicationSite, "skin laxity on the décolletage (trunk, body column)") {
            $0.indications = [.skinLaxity]; $0.device = Fixture.widePen; $0.zones = [dose(.decolletage, 1.0)]
        },
        NearMiss(.indicationConflict, "photoaging and pigmentation on the cheek overlap") {
            $0.indications = [.photoaging, .pigmentation]; $0.zones = [dose(.cheek, 0.75)]
        },
        NearMiss(.indicationConflict, "pigmentation and acne scars touch at 1.0 mm") {
            $0.indications = [.pigmentation, .acneScars]; $0.zones = [dose(.cheek, 1.0)]
        }
    ]

    @Test("Does not fire", arguments: nearMisses)
    func nearMiss(_ c: NearMiss) {
        let result = Fixture.check(c.change)
        #expect(!result.findings.has(c.rule), "\(result.findings.map(\.message))")
    }

    @Test("DEPTH-INDICATION on a site without a range judges against the site's typical range")
    func indicationSiteUsesTypical() {
        // Striae has no face range, so the cheek's typical 0.5–1.5 mm applies.
        #expect(!depthCheck(.cheek, 1.5, indications: [.striae]).findings.has(.depthIndication))
        #expect(depthCheck(.cheek, 1.75, indications: [.striae]).findings.has(.depthIndication))
    }

    @Test("INDICATION-CONFLICT uses the lower range whatever the order of the indications")
    func conflictUsesLowerRange() {
        let zone = Zone(site: .thigh, side: .left)
        for order in [[IndicationID.handRejuvenation, .striae], [.striae, .handRejuvenation]] {
            let r = IndicationRange(zone: zone, indications: order, policy: .standard, forPlan: false)
            #expect(r.range == DepthRange(0.25, 0.5))
            #expect(r.findings.map(\.rule) == [.indicationConflict])
        }
        let both = IndicationRange(zone: Fixture.cheekLeft, indications: [.photoaging, .pigmentation], policy: .standard, forPlan: false)
        #expect(both.range == DepthRange(0.5, 1.0))
        #expect(both.findings.isEmpty)
    }

    @Test("The eyelid draws only SITE-EYELID, never INDICATION-SITE or ceiling findings")
    func eyelidOnly() {
        let result = Fixture.check {
            $0.zones = [dose(.eyelid, 0.5)]; $0.indications = [.striae]
        }
        let zoneRules = Set(result.findings.filter { $0.zone?.site == .eyelid }.map(\.rule))
        #expect(zoneRules == [.siteEyelid])
    }
}

/// POLICY §1 indication table, typed from POLICY.md.
let policyIndicationTable: [(IndicationID, DepthRange?, DepthRange?, Int, Int, ClosedRange<Int>)] = [
    (.photoaging, DepthRange(0.5, 1.5), nil, 6, 4, 2...6),
    (.handRejuvenation, nil, DepthRange(0.25, 0.5), 6, 4, 2...6),
    (.acneScars, DepthRange(1.0, 2.0), DepthRange(1.5, 2.5), 6, 4, 2...6),
    (.scars, DepthRange(1.0, 2.0), DepthRange(1.5, 2.5), 6, 4, 4...8),
    (.burnScars, DepthRange(1.0, 2.0), DepthRange(1.5, 3.0), 6, 6, 4...8),
    (.striae, nil, DepthRange(1.5, 2.5), 6, 4, 2...6),
    (.cellulite, nil, DepthRange(1.5, 2.5), 8, 4, 2...6),
    (.skinLaxity, DepthRange(0.5, 1.5), DepthRange(1.5, 2.5), 6, 4, 2...6),
    (.pigmentation, DepthRange(0.25, 1.0), DepthRange(0.5, 1.0), 6, 2, 1...4),
    (.enlargedPores, DepthRange(0.5, 1.0), nil, 6, 4, 2...6),
    (.transdermalDelivery, DepthRange(0.25, 0.5), DepthRange(0.25, 0.5), 6, 2, 1...4)
]

@Suite("Catalogues match POLICY.md")
struct CatalogueTests {
    @Test("The indication catalogue matches the POLICY §1 table", arguments: policyIndicationTable)
    func indications(id: IndicationID, face: DepthRange?, body: DepthRange?, sessions: Int, interval: Int, allowed: ClosedRange<Int>) {
        let i = ClinicalPolicy.standard.indication(id)
        #expect(i.faceDepth == face)
        #expect(i.bodyDepth == body)
        #expect(i.defaultSessions == sessions)
        #expect(i.defaultIntervalWeeks == interval)
        #expect(i.allowedIntervalWeeks == allowed)
    }

    static let severities: [(RuleID, Severity)] = [
        (.delReg, .caution), (.delLot, .stop), (.delProduct, .caution), (.outGaisBaseline, .stop),
        (.depthRange, .stop), (.depthDevice, .stop), (.siteEyelid, .stop), (.depthSiteStop, .stop),
        (.depthSiteCaution, .caution), (.depthIndication, .caution), (.depthPhototype, .caution),
        (.indicationSite, .caution), (.indicationConflict, .info), (.depthStep, .caution),
        (.scrInfection, .stop), (.scrWound, .stop), (.scrCancer, .stop), (.scrAcneActive, .stop),
        (.scrIsotretinoin, .stop), (.scrIsotretinoinRecent, .stop), (.scrPregnancy, .stop), (.scrBleeding, .stop),
        (.scrSteelAllergy, .stop), (.scrSunburn, .stop), (.scrAnticoagulant, .caution), (.scrKeloid, .caution),
        (.scrHSV, .caution), (.scrPhototype, .caution), (.scrImmuno, .caution), (.scrDiabetes, .caution),
        (.scrAutoimmune, .caution), (.scrRadiotherapy, .caution), (.scrTanning, .caution), (.scrRetinoid, .caution),
        (.scrRecentProcedure, .caution), (.scrMetalAllergy, .caution), (.scrTopicalAllergy, .caution),
        (.scrMinor, .caution), (.scrIncomplete, .stop), (.scrStale, .stop), (.scrConsent, .stop),
        (.devNoSterilePart, .stop), (.devReuse, .stop), (.devLotExpired, .stop), (.devLotRecalled, .stop),
        (.devPackNotReleased, .stop), (.devPackBIPending, .caution), (.devPackExpired, .stop), (.devHandpiece, .caution), (.devIncompatible, .stop),
        (.intMin, .stop), (.intShort, .caution), (.intLong, .info), (.intPlan, .caution),
        (.courseShort, .info), (.courseLong, .info), (.reactionUnresolved, .stop), (.aeCluster, .stop)
    ]

    @Test("Every rule ships at its POLICY severity")
    func ruleSeverities() {
        #expect(Set(Self.severities.map(\.0)) == Set(RuleID.allCases))
        for (id, severity) in Self.severities {
            #expect(RuleCatalogue.rule(id).severity == severity, "\(id.rawValue)")
            #expect(ClinicalPolicy.standard.severity(of: id) == severity, "\(id.rawValue)")
        }
    }

    @Test("Only SCR-INCOMPLETE and SCR-STALE weigh differently for a plan; only SCR-ISOTRETINOIN-RECENT may be relaxed")
    func planAndRelaxable() {
        for rule in RuleCatalogue.all {
            let expectedPlan: Severity? = [.scrIncomplete, .scrStale].contains(rule.id) ? .caution : nil
            #expect(rule.planSeverity == expectedPlan, "\(rule.id.rawValue)")
            #expect(rule.relaxableTo == (rule.id == .scrIsotretinoinRecent ? .caution : nil), "\(rule.id.rawValue)")
            // AE-CLUSTER needs the clinic's event history and OUT-GAIS-BASELINE the course's first session: the stores judge them.
            // DEV-INCOMPATIBLE needs the clinic's device registry, which a request does not carry.
            #expect(rule.decidedFromRequest == ![.aeCluster, .outGaisBaseline, .devIncompatible].contains(rule.id), "\(rule.id.rawValue)")
        }
    }
}
