import Testing
@testable import StratumCore

/// Depths of one zone across the course.
func ladder(_ result: PlanResult, _ zone: Zone) -> [Double] {
    result.course.sessions.map { s in s.zones.first { $0.zone == zone }?.depthMM ?? -1 }
}

@Suite("Course planner (POLICY §5)")
struct CoursePlannerTests {
    @Test("Acceptance: Fitzpatrick V, pigmentation on both cheeks, 6 sessions every 2 weeks from 2026-12-01")
    func acceptance() {
        let request = PlanRequest(
            patient: Fixture.patient(fitzpatrick: 5, screening: Fixture.allNo(answeredOn: day("2026-11-25"))),
            indications: [.pigmentation], zones: [Fixture.cheekLeft, Fixture.cheekRight],
            device: Fixture.pen, startDate: day("2026-12-01"), sessions: 6, intervalWeeks: 2)
        let result = CoursePlanner.plan(request)
        let sessions = result.course.sessions
        #expect(sessions.count == 6)
        #expect(sessions.map(\.number) == [1, 2, 3, 4, 5, 6])
        #expect(sessions.map(\.date.description) == ["2026-12-01", "2026-12-15", "2026-12-29", "2027-01-12", "2027-01-26", "2027-02-09"])
        for i in 1..<sessions.count { #expect(sessions[i - 1].date.days(until: sessions[i].date) == 14) }
        #expect(ladder(result, Fixture.cheekLeft) == [0.5, 0.75, 1.0, 1.0, 1.0, 1.0])
        #expect(ladder(result, Fixture.cheekRight) == [0.5, 0.75, 1.0, 1.0, 1.0, 1.0])
        #expect(result.decision == .proceedWithCaution)
        #expect(result.findings.has(.scrPhototype))
        #expect(!result.findings.contains { $0.severity == .stop })
        #expect(!result.findings.has(.depthPhototype))
        #expect(result.course.intervalWeeks == 2)
        #expect(result.course.refusedZones.isEmpty)
    }

    @Test(
        "Depths adjusted by hand replace the planned ones and are judged like them: within the limits they stand, above the site's stop ceiling the plan is do-not-treat"
    )
    func depthOverrides() {
        func plan(_ overrides: [Int: [Zone: Double]]) -> PlanResult {
            CoursePlanner.plan(
                PlanRequest(
                    patient: Fixture.patient(fitzpatrick: 2, screening: Fixture.allNo(answeredOn: day("2026-11-25"))),
                    indications: [.acneScars], zones: [Fixture.cheekLeft, Fixture.cheekRight], device: Fixture.pen,
                    startDate: day("2026-12-01"), sessions: 6, intervalWeeks: 4, depthOverrides: overrides))
        }
        let planned = plan([:])
        let gentler = plan([2: [Fixture.cheekLeft: 1.0]])
        #expect(ladder(gentler, Fixture.cheekLeft)[1] == 1.0)
        #expect(ladder(gentler, Fixture.cheekLeft)[0] == ladder(planned, Fixture.cheekLeft)[0])
        #expect(ladder(gentler, Fixture.cheekRight) == ladder(planned, Fixture.cheekRight), "only the adjusted cell changes")
        #expect(gentler.decision == planned.decision)
        let tooDeep = plan([3: [Fixture.cheekRight: 2.75]])
        #expect(tooDeep.decision == .doNotTreat)
        #expect(tooDeep.findings.contains { $0.rule == .depthSiteStop && $0.zone == Fixture.cheekRight })
        let aboveCaution = plan([3: [Fixture.cheekRight: 1.75]])
        #expect(aboveCaution.findings.contains { $0.rule == .depthSiteCaution && $0.zone == Fixture.cheekRight })
        #expect(aboveCaution.decision != .doNotTreat)
    }

    @Test(
        "Default sessions and interval come from the indication",
        arguments: [
            (IndicationID.photoaging, SiteID.cheek, 6, 4), (.handRejuvenation, .dorsalHand, 6, 4), (.acneScars, .cheek, 6, 4),
            (.scars, .abdomen, 6, 4), (.burnScars, .thigh, 6, 6), (.striae, .abdomen, 6, 4), (.cellulite, .thigh, 8, 4),
            (.skinLaxity, .abdomen, 6, 4), (.pigmentation, .cheek, 6, 2), (.enlargedPores, .nose, 6, 4),
            (.transdermalDelivery, .forehead, 6, 2)
        ])
    func defaults(indication: IndicationID, site: SiteID, sessions: Int, weeks: Int) {
        let result = Fixture.planned {
            $0.indications = [indication]
            $0.zones = [Zone(site: site, side: .left)]
            $0.device = Fixture.widePen
        }
        #expect(result.course.sessions.count == sessions)
        #expect(result.course.intervalWeeks == weeks)
        let dates = result.course.sessions.map(\.date)
        #expect(dates.first == Fixture.sessionDate)
        #expect(zip(dates, dates.dropFirst()).allSatisfy { $0.days(until: $1) == weeks * 7 })
        #expect(!result.findings.has(.intPlan))
        #expect(!result.findings.has(.courseShort) && !result.findings.has(.courseLong))
    }

    @Test("Several indications: the longest interval, the most sessions")
    func severalDefaults() {
        let result = Fixture.planned {
            $0.indications = [.pigmentation, .cellulite, .burnScars]; $0.zones = [Zone(site: .thigh, side: .left)]
        }
        #expect(result.course.intervalWeeks == 6)
        #expect(result.course.sessions.count == 8)
    }

    @Test("Several indications on one zone: the intersection of their ranges is planned")
    func intersection() {
        // Photoaging 0.5–1.5 and pigmentation 0.25–1.0 on the cheek: 0.5–1.0.
        let result = Fixture.planned { $0.indications = [.photoaging, .pigmentation] }
        #expect(ladder(result, Fixture.cheekLeft) == [0.5, 0.75, 1.0, 1.0, 1.0, 1.0])
        #expect(!result.findings.has(.indicationConflict))
        #expect(result.course.intervalWeeks == 4)
    }

    @Test("INDICATION-CONFLICT: disjoint ranges are info and the lower range is planned")
    func conflictPlansLower() {
        // Transdermal delivery 0.25–0.5 and acne scars 1.0–2.0 on the forehead (typical 0.25–1.0).
        for order in [[IndicationID.transdermalDelivery, .acneScars], [.acneScars, .transdermalDelivery]] {
            let forehead = Zone(site: .forehead, side: .midline)
            let result = Fixture.planned {
                $0.indications = order; $0.zones = [forehead]; $0.sessions = 4
            }
            #expect(result.findings.severities(of: .indicationConflict) == [.info])
            #expect(ladder(result, forehead) == [0.25, 0.5, 0.5, 0.5])
        }
    }

    @Test(
        "INDICATION-SITE: an indication without a range for the region plans the site's typical range",
        arguments: [
            (IndicationID.striae, SiteID.cheek, [0.5, 0.75, 1.0, 1.25, 1.5, 1.5]),
            (.photoaging, .scalp, [0.5, 0.75, 1.0, 1.25, 1.5, 1.5]),
            (.pigmentation, .scalp, [0.5, 0.75, 1.0, 1.25, 1.5, 1.5]),
            (.enlargedPores, .thigh, [1.0, 1.25, 1.5, 1.75, 2.0, 2.0])
        ])
    func indicationSite(indication: IndicationID, site: SiteID, expected: [Double]) {
        let zone = Zone(site: site, side: .midline)
        let result = Fixture.planned {
            $0.indications = [indication]; $0.zones = [zone]; $0.sessions = 6
        }
        #expect(result.findings.severities(of: .indicationSite) == [.caution])
        #expect(result.findings.first { $0.rule == .indicationSite }?.zone == zone)
        #expect(ladder(result, zone) == expected)
    }

    @Test("INDICATION-SITE does not fire where the indication has a range (neck is face column, décolletage body)")
    func indicationSiteNearMiss() {
        for (ind, site) in [(IndicationID.photoaging, SiteID.neck), (.skinLaxity, .decolletage), (.striae, .buttock)] {
            let result = Fixture.planned {
                $0.indications = [ind]; $0.zones = [Zone(site: site, side: .midline)]
            }
            #expect(!result.findings.has(.indicationSite), "\(ind) on \(site)")
        }
    }

    @Test("Where the indication's range and the site's typical range do not overlap, the typical range is planned")
    func disjointTypical() {
        // Striae 1.5–2.5 on the décolletage (typical 0.25–1.0).
        let zone = Zone(site: .decolletage, side: .midline)
        let result = Fixture.planned {
            $0.indications = [.striae]; $0.zones = [zone]; $0.sessions = 5
        }
        #expect(ladder(result, zone) == [0.25, 0.5, 0.75, 1.0, 1.0])
        #expect(result.findings.severities(of: .depthIndication) == [.caution])
        #expect(!result.findings.has(.depthSiteCaution) && !result.findings.has(.depthSiteStop))
    }

    @Test("The device's range clips the planned depths")
    func deviceClips() {
        let narrow = DeviceSpec(kind: .pen, length: .adjustable(DepthRange(0.25, 1.0)), needleMaterial: .titanium)
        let result = Fixture.planned { $0.device = narrow }
        #expect(ladder(result, Fixture.cheekLeft) == [0.5, 0.75, 1.0, 1.0, 1.0, 1.0])
        #expect(!result.findings.has(.depthDevice))
    }

    @Test("Fitzpatrick IV–VI caps planned depth at 1.5 mm (1.0 mm for pigmentation)")
    func phototypeCap() {
        let abdomen = Zone(site: .abdomen, side: .midline)
        let dark = Fixture.planned {
            $0.patient.fitzpatrick = 4; $0.indications = [.striae]; $0.zones = [abdomen]; $0.device = Fixture.widePen
        }
        #expect(ladder(dark, abdomen).allSatisfy { $0 <= 1.5 })
        #expect(!dark.findings.has(.depthPhototype))
        let light = Fixture.planned {
            $0.patient.fitzpatrick = 3; $0.indications = [.striae]; $0.zones = [abdomen]; $0.device = Fixture.widePen
        }
        #expect(ladder(light, abdomen) == [1.5, 1.75, 2.0, 2.25, 2.5, 2.5])
    }

    @Test("A fixed-length roller plans its length every session")
    func rollerPlansItsLength() {
        let result = Fixture.planned { $0.device = Fixture.roller(1.0) }
        #expect(ladder(result, Fixture.cheekLeft) == Array(repeating: 1.0, count: 6))
        #expect(!result.findings.has(.depthDevice))
        #expect(result.decision == .proceed)
    }

    @Test("DEPTH-SITE-STOP: a 3.0 mm roller on the cheek means do not treat")
    func deepRollerOnCheek() {
        let result = Fixture.planned { $0.device = Fixture.roller(3.0) }
        #expect(ladder(result, Fixture.cheekLeft) == Array(repeating: 3.0, count: 6))
        #expect(result.findings.severities(of: .depthSiteStop) == [.stop])
        #expect(result.findings.first { $0.rule == .depthSiteStop }?.zone == Fixture.cheekLeft)
        #expect(result.decision == .doNotTreat)
    }

    @Test("SITE-EYELID: the eyelid is refused and appears in no session")
    func eyelidRefused() {
        let eyelid = Zone(site: .eyelid, side: .left)
        let result = Fixture.planned { $0.zones = [eyelid, Fixture.cheekLeft] }
        #expect(result.findings.severities(of: .siteEyelid) == [.stop])
        #expect(result.findings.first { $0.rule == .siteEyelid }?.zone == eyelid)
        #expect(result.course.refusedZones == [eyelid])
        #expect(result.course.sessions.allSatisfy { s in s.zones.map(\.zone) == [Fixture.cheekLeft] })
        #expect(result.decision == .doNotTreat)
    }

    @Test("Assessments: baseline, each later visit, then 1, 3 and 6 months after the last session")
    func assessments() {
        let result = Fixture.planned {
            $0.sessions = 3; $0.intervalWeeks = 4
        }
        let a = result.course.assessments
        #expect(a.map(\.kind) == [.baseline, .visit, .visit, .followUp1Month, .followUp3Months, .followUp6Months])
        #expect(a.map(\.session) == [1, 2, 3, nil, nil, nil])
        #expect(a.map(\.date.description) == ["2027-03-10", "2027-04-07", "2027-05-05", "2027-06-05", "2027-08-05", "2027-11-05"])
    }

    @Test("Follow-ups use calendar months, clamped to the month's end: last session 2027-08-31")
    func calendarMonths() {
        // 6 sessions 2 weeks apart ending on 2027-08-31 start 70 days earlier.
        let result = Fixture.planned {
            $0.indications = [.pigmentation]; $0.sessions = 6; $0.intervalWeeks = 2
            $0.startDate = day("2027-06-22"); $0.patient.screening.answeredOn = day("2027-06-20")
        }
        #expect(result.course.sessions.last?.date == day("2027-08-31"))
        let followUps = result.course.assessments.filter { $0.session == nil }
        #expect(followUps.map(\.date.description) == ["2027-09-30", "2027-11-30", "2028-02-29"])
    }

    @Test("Expected reactions grow with depth; deep sessions settle within 7 days")
    func expectedReactions() {
        let shallow = Fixture.planned {
            $0.indications = [.transdermalDelivery]; $0.sessions = 1
        }
        let deep = Fixture.planned {
            $0.indications = [.striae]; $0.zones = [Zone(site: .abdomen, side: .midline)]; $0.sessions = 1
        }
        #expect(shallow.course.sessions[0].reactionsSettleWithinDays == 3)
        #expect(deep.course.sessions[0].reactionsSettleWithinDays == 7)
        #expect(deep.course.sessions[0].expectedReactions.contains(.pinpointBleeding))
        #expect(!shallow.course.sessions[0].expectedReactions.contains(.pinpointBleeding))
    }

    @Test("The planner never raises DEPTH-STEP: it rises 0.25 mm a session", arguments: [1, 6, 12])
    func noStep(sessions: Int) {
        let result = Fixture.planned {
            $0.indications = [.acneScars]; $0.device = Fixture.widePen; $0.sessions = sessions
        }
        let depths = ladder(result, Fixture.cheekLeft)
        #expect(zip(depths, depths.dropFirst()).allSatisfy { $1 - $0 <= 0.25 + 1e-9 && $1 >= $0 })
        #expect(!result.findings.has(.depthStep))
    }
}
