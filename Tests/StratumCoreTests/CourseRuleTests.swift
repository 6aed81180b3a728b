import Testing
@testable import StratumCore

/// The baseline session (cheek left, photoaging, 2027-03-10) at `mm`, after one earlier session `daysBefore` days before.
func after(
    days daysBefore: Int, at mm: Double = 1.0, prevDepth: Double = 1.0, site: SiteID = .cheek,
    prevSide: Side = .left, openAdverseEvent: Bool = false
) -> @Sendable (inout SessionProposal) -> Void {
    { p in
        p.device = Fixture.widePen
        p.zones = [dose(site, mm)]
        p.previousSessions = [
            prior(
                Fixture.sessionDate.adding(days: -daysBefore), [(site, prevSide, prevDepth)],
                openAdverseEvent: openAdverseEvent)
        ]
    }
}

@Suite("Course and scheduling rules (POLICY §5)")
struct CourseRuleTests {
    static let firing: [Firing] = [
        Firing(.intMin, .stop, "6 days after a session on the same zone at 1.0 mm", after(days: 6)),
        Firing(.intMin, .stop, "the same day", after(days: 0)),
        Firing(.intMin, .stop, "6 days at 0.35 mm", after(days: 6, at: 0.35, prevDepth: 0.35)),
        Firing(.intMin, .stop, "6 days after a bilateral session on the cheek", after(days: 6, prevSide: .bilateral)),
        Firing(.intShort, .caution, "13 days at 1.5 mm on the cheek", after(days: 13, at: 1.5, prevDepth: 1.25)),
        Firing(.intShort, .caution, "7 days at 2.0 mm on the abdomen") {
            after(days: 7, at: 2.0, prevDepth: 2.0, site: .abdomen)(&$0); $0.indications = [.striae]
        },
        Firing(.intLong, .info, "57 days after the last photoaging session (4-week interval)", after(days: 57)),
        Firing(.intLong, .info, "29 days with a 2-week pigmentation interval") {
            after(days: 29, at: 0.75, prevDepth: 0.75)(&$0); $0.indications = [.pigmentation]
        },
        Firing(.depthStep, .caution, "1.05 mm after 0.5 mm", after(days: 28, at: 1.05, prevDepth: 0.5)),
        Firing(
            .reactionUnresolved, .stop, "an adverse event from the previous session is still open",
            after(days: 28, openAdverseEvent: true)),
        Firing(
            .reactionUnresolved, .stop, "an open adverse event on a bilateral cheek session",
            after(days: 28, prevSide: .bilateral, openAdverseEvent: true))
    ]

    @Test("Fires", arguments: firing)
    func fires(_ c: Firing) {
        let result = Fixture.check(c.change)
        #expect(!result.findings.severities(of: c.rule).isEmpty, "\(result.findings.map(\.rule.rawValue))")
        #expect(result.findings.severities(of: c.rule).allSatisfy { $0 == c.severity })
    }

    static let nearMisses: [NearMiss] = [
        NearMiss(.intMin, "7 days at 1.0 mm", after(days: 7)),
        NearMiss(.intMin, "3 days at 0.3 mm", after(days: 3, at: 0.3, prevDepth: 0.3)),
        NearMiss(.intMin, "3 days after a session on the other cheek", after(days: 3, prevSide: .right)),
        NearMiss(.intMin, "a later session in the record does not count as previous") {
            $0.previousSessions = [prior(day("2027-03-12"), [(.cheek, .left, 1.0)])]
        },
        NearMiss(.intShort, "14 days at 1.5 mm", after(days: 14, at: 1.5, prevDepth: 1.25)),
        NearMiss(.intShort, "13 days at 1.45 mm", after(days: 13, at: 1.45, prevDepth: 1.25)),
        NearMiss(.intShort, "10 days at 1.5 mm on the scalp (scalp excepted)", after(days: 10, at: 1.5, prevDepth: 1.5, site: .scalp)),
        NearMiss(.intLong, "56 days: exactly twice the 4-week interval", after(days: 56)),
        NearMiss(.intLong, "57 days for burn scars (6-week interval)") {
            after(days: 57, at: 1.5, prevDepth: 1.5)(&$0); $0.indications = [.burnScars]
        },
        NearMiss(.depthStep, "1.0 mm after 0.5 mm: exactly 0.5 mm higher", after(days: 28, at: 1.0, prevDepth: 0.5)),
        NearMiss(.depthStep, "1.05 mm after 0.5 mm on the other cheek", after(days: 28, at: 1.05, prevDepth: 0.5, prevSide: .right)),
        NearMiss(.depthStep, "going down from 1.5 mm to 0.5 mm", after(days: 28, at: 0.5, prevDepth: 1.5)),
        NearMiss(.reactionUnresolved, "the previous session's adverse event is closed", after(days: 28)),
        NearMiss(
            .reactionUnresolved, "an open adverse event after a session on the other cheek",
            after(days: 28, prevSide: .right, openAdverseEvent: true))
    ]

    @Test("Does not fire", arguments: nearMisses)
    func nearMiss(_ c: NearMiss) {
        let result = Fixture.check(c.change)
        #expect(!result.findings.has(c.rule), "\(result.findings.map(\.message))")
    }

    @Test("Intervals and steps count from the most recent earlier session on the zone")
    func mostRecentPrior() {
        let result = Fixture.check {
            $0.device = Fixture.widePen
            $0.zones = [dose(.cheek, 1.25)]
            $0.previousSessions = [
                prior(day("2027-02-10"), [(.cheek, .left, 1.0)]),
                prior(day("2027-03-05"), [(.cheek, .left, 0.5)]),
                prior(day("2027-01-10"), [(.cheek, .left, 1.25)])
            ]
        }
        #expect(result.findings.severities(of: .intMin) == [.stop])  // 5 days after 2027-03-05
        #expect(result.findings.severities(of: .depthStep) == [.caution])  // 1.25 after 0.5
        #expect(!result.findings.has(.intLong))
    }

    @Test("INT-MIN and INT-SHORT say from which day the zone may be needled again")
    func intervalsSayWhenTheyLift() throws {
        let short = Fixture.check(after(days: 5))  // previous session 2027-03-05
        let intMin = try #require(short.findings.first { $0.rule == .intMin })
        #expect(intMin.message.contains("from 2027-03-12"))
        let deep = Fixture.check(after(days: 13, at: 1.5, prevDepth: 1.25))
        let intShort = try #require(deep.findings.first { $0.rule == .intShort })
        #expect(intShort.message.contains("from 2027-03-11"))
    }

    @Test("SCR-CONSENT names the session date and says it lifts once a consent is signed")
    func consentSaysWhenItLifts() throws {
        let f = try #require(Fixture.check { $0.consentSigned = false }.findings.first { $0.rule == .scrConsent })
        #expect(f.message.contains("2027-03-10") && f.message.contains("lifts once the patient signs"))
    }

    @Test("A consent is in force from its signing day until the day it is withdrawn (POLICY SCR-CONSENT)")
    func consentPeriod() {
        let c = ConsentPeriod(signedOn: day("2027-01-10"), withdrawnOn: day("2027-03-01"))
        #expect(!c.inForce(on: day("2027-01-09")))
        #expect(c.inForce(on: day("2027-01-10")))
        #expect(c.inForce(on: day("2027-02-28")))
        #expect(!c.inForce(on: day("2027-03-01")))
        #expect(ConsentPeriod(signedOn: day("2027-01-10"), withdrawnOn: nil).inForce(on: day("2030-01-01")))
        #expect(ConsentPeriod.withdrawalProblem(day("2027-01-09"), signedOn: day("2027-01-10"), today: day("2027-03-10")) != nil)
        #expect(ConsentPeriod.withdrawalProblem(day("2027-03-11"), signedOn: day("2027-01-10"), today: day("2027-03-10")) != nil)
        #expect(ConsentPeriod.withdrawalProblem(day("2027-03-10"), signedOn: day("2027-01-10"), today: day("2027-03-10")) == nil)
    }

    // Plan-level course rules.

    @Test(
        "INT-PLAN: a planned interval outside the indication's allowed weeks is a caution",
        arguments: [(IndicationID.photoaging, 7), (.photoaging, 1), (.pigmentation, 5), (.scars, 3), (.burnScars, 9)])
    func intPlanFires(indication: IndicationID, weeks: Int) {
        let result = Fixture.planned {
            $0.indications = [indication]; $0.intervalWeeks = weeks
        }
        #expect(result.findings.severities(of: .intPlan) == [.caution])
        #expect(result.decision == .proceedWithCaution)
    }

    @Test(
        "INT-PLAN: the ends of the allowed range are fine",
        arguments: [(IndicationID.photoaging, 2), (.photoaging, 6), (.pigmentation, 1), (.pigmentation, 4), (.scars, 8)])
    func intPlanNearMiss(indication: IndicationID, weeks: Int) {
        let result = Fixture.planned {
            $0.indications = [indication]; $0.intervalWeeks = weeks
        }
        #expect(!result.findings.has(.intPlan))
    }

    @Test("INT-PLAN: with several indications the interval must suit each of them")
    func intPlanSeveral() {
        // Pigmentation allows 1–4 weeks, scars 4–8: 5 weeks suits scars only.
        let five = Fixture.planned {
            $0.indications = [.pigmentation, .scars]; $0.intervalWeeks = 5
        }
        #expect(five.findings.severities(of: .intPlan) == [.caution])
        let four = Fixture.planned {
            $0.indications = [.pigmentation, .scars]; $0.intervalWeeks = 4
        }
        #expect(!four.findings.has(.intPlan))
    }

    @Test(
        "COURSE-SHORT below 6 sessions and COURSE-LONG above 10 are info",
        arguments: [
            (1, RuleID?.some(.courseShort)), (5, .courseShort), (6, nil), (10, nil), (11, .courseLong), (12, .courseLong)
        ])
    func courseLength(sessions: Int, expected: RuleID?) {
        let result = Fixture.planned { $0.sessions = sessions }
        let found = result.findings.filter { [.courseShort, .courseLong].contains($0.rule) }
        #expect(found.map(\.rule) == (expected.map { [$0] } ?? []))
        #expect(found.allSatisfy { $0.severity == .info })
        #expect(result.decision == .proceed)
        #expect(result.course.sessions.count == sessions)
    }
}
