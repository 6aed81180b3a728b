import Testing
@testable import StratumCore

/// POLICY §3: one answer changed from the clean baseline fires exactly the rule it feeds, at its severity.
@Suite("Screening rules (POLICY §3)")
struct ScreeningRuleTests {
    static let yesAnswers: [(ScreeningKey, RuleID, Severity)] = [
        (.activeInfectionInArea, .scrInfection, .stop),
        (.openWoundInArea, .scrWound, .stop),
        (.skinCancerOrChangingLesionInArea, .scrCancer, .stop),
        (.activeAcneInArea, .scrAcneActive, .stop),
        (.isotretinoinCurrent, .scrIsotretinoin, .stop),
        (.pregnantOrBreastfeeding, .scrPregnancy, .stop),
        (.bleedingDisorder, .scrBleeding, .stop),
        (.stainlessSteelAllergy, .scrSteelAllergy, .stop),
        (.anaestheticAllergy, .scrSteelAllergy, .stop),
        (.sunburnInArea, .scrSunburn, .stop),
        (.anticoagulants, .scrAnticoagulant, .caution),
        (.keloidHistory, .scrKeloid, .caution),
        (.herpesHistory, .scrHSV, .caution),
        (.immunosuppressed, .scrImmuno, .caution),
        (.poorlyControlledDiabetes, .scrDiabetes, .caution),
        (.autoimmuneSkinDisease, .scrAutoimmune, .caution),
        (.recentTanning, .scrTanning, .caution),
        (.retinoidOrAcidLast2Days, .scrRetinoid, .caution),
        (.metalAllergy, .scrMetalAllergy, .caution),
        (.topicalAllergy, .scrTopicalAllergy, .caution)
    ]

    @Test("A 'yes' fires its rule at the POLICY severity, and only that rule", arguments: yesAnswers)
    func yesFires(key: ScreeningKey, rule: RuleID, severity: Severity) {
        let result = Fixture.check(answer(key, .yesNo(true)))
        #expect(result.findings.severities(of: rule) == [severity])
        #expect(result.findings.rules == [rule])
        #expect(result.decision == (severity == .stop ? .doNotTreat : .proceedWithCaution))
    }

    @Test("A 'no' fires nothing", arguments: yesAnswers)
    func noIsQuiet(key: ScreeningKey, rule: RuleID, severity: Severity) {
        let result = Fixture.check(answer(key, .yesNo(false)))
        #expect(!result.findings.has(rule))
    }

    @Test("The same answers fire the same rules in a plan (the plan is judged on the start date)", arguments: yesAnswers)
    func yesFiresInPlan(key: ScreeningKey, rule: RuleID, severity: Severity) {
        let result = Fixture.planned { $0.patient.screening.answers[key] = .yesNo(true) }
        #expect(result.findings.severities(of: rule) == [severity])
    }

    static let firing: [Firing] = [
        Firing(.scrSteelAllergy, .stop, "steel allergy with stainless-steel needles", answer(.stainlessSteelAllergy, .yesNo(true))),
        Firing(.scrSteelAllergy, .stop, "anaesthetic allergy with titanium needles") {
            $0.patient.screening.answers[.anaestheticAllergy] = .yesNo(true)
            $0.device.needleMaterial = .titanium
        },
        Firing(.scrHSV, .caution, "cold-sore history and a cheek zone", answer(.herpesHistory, .yesNo(true))),
        Firing(.scrHSV, .caution, "cold-sore history, an abdomen zone and a forehead zone") {
            $0.patient.screening.answers[.herpesHistory] = .yesNo(true)
            $0.indications = [.skinLaxity]
            $0.zones = [dose(.abdomen, 1.5, side: .midline), dose(.forehead, 0.75, side: .midline)]
        },
        Firing(.scrPhototype, .caution, "Fitzpatrick IV") { $0.patient.fitzpatrick = 4 },
        Firing(.scrPhototype, .caution, "Fitzpatrick VI") { $0.patient.fitzpatrick = 6 },
        Firing(
            .scrIsotretinoinRecent, .stop, "last isotretinoin dose 6 months less a day ago (2026-09-11)",
            answer(.isotretinoinLastDose, .lastDate(day("2026-09-11")))),
        Firing(
            .scrIsotretinoinRecent, .stop, "last isotretinoin dose yesterday",
            answer(.isotretinoinLastDose, .lastDate(day("2027-03-09")))),
        Firing(
            .scrRadiotherapy, .caution, "radiotherapy 12 months less a day ago",
            answer(.radiotherapyToArea, .lastDate(day("2026-03-11")))),
        Firing(
            .scrRecentProcedure, .caution, "surgery 6 months less a day ago",
            answer(.surgeryOrTraumaInArea, .lastDate(day("2026-09-11")))),
        Firing(
            .scrRecentProcedure, .caution, "deep peel 3 months less a day ago",
            answer(.deepPeelOrDermabrasion, .lastDate(day("2026-12-11")))),
        Firing(.scrMinor, .caution, "17 on the session date (18th birthday tomorrow)") { $0.patient.birthDate = day("2009-03-11") },
        Firing(.scrIncomplete, .stop, "herpes history not answered") { $0.patient.screening.answers[.herpesHistory] = nil },
        Firing(.scrIncomplete, .stop, "a date key not answered (nil answer, not 'never')") {
            $0.patient.screening.answers[.radiotherapyToArea] = nil
        },
        Firing(.scrIncomplete, .stop, "nothing answered") { $0.patient.screening.answers = [:] },
        Firing(.scrStale, .stop, "screening 91 days old") { $0.patient.screening.answeredOn = day("2026-12-09") },
        Firing(.scrConsent, .stop, "no signed consent") { $0.consentSigned = false }
    ]

    @Test("Fires", arguments: firing)
    func fires(_ c: Firing) {
        let result = Fixture.check(c.change)
        #expect(!result.findings.severities(of: c.rule).isEmpty)
        #expect(result.findings.severities(of: c.rule).allSatisfy { $0 == c.severity })
    }

    static let nearMisses: [NearMiss] = [
        NearMiss(.scrSteelAllergy, "steel allergy with titanium needles") {
            $0.patient.screening.answers[.stainlessSteelAllergy] = .yesNo(true)
            $0.device.needleMaterial = .titanium
        },
        NearMiss(.scrSteelAllergy, "steel allergy with gold-plated needles") {
            $0.patient.screening.answers[.stainlessSteelAllergy] = .yesNo(true)
            $0.device.needleMaterial = .goldPlated
        },
        NearMiss(.scrHSV, "cold-sore history with only body zones") {
            $0.patient.screening.answers[.herpesHistory] = .yesNo(true)
            $0.indications = [.striae]
            $0.zones = [dose(.abdomen, 2.0, side: .midline), dose(.thigh, 1.5, side: .left)]
        },
        NearMiss(.scrPhototype, "Fitzpatrick III") { $0.patient.fitzpatrick = 3 },
        NearMiss(
            .scrIsotretinoinRecent, "last isotretinoin dose 6 months and a day ago (2026-09-09)",
            answer(.isotretinoinLastDose, .lastDate(day("2026-09-09")))),
        NearMiss(
            .scrIsotretinoinRecent, "last isotretinoin dose exactly 6 months ago (2026-09-10)",
            answer(.isotretinoinLastDose, .lastDate(day("2026-09-10")))),
        NearMiss(.scrIsotretinoinRecent, "never took isotretinoin", answer(.isotretinoinLastDose, .lastDate(nil))),
        NearMiss(
            .scrRadiotherapy, "radiotherapy 12 months and a day ago",
            answer(.radiotherapyToArea, .lastDate(day("2026-03-09")))),
        NearMiss(
            .scrRecentProcedure, "surgery 6 months and a day ago",
            answer(.surgeryOrTraumaInArea, .lastDate(day("2026-09-09")))),
        NearMiss(
            .scrRecentProcedure, "deep peel 3 months and a day ago",
            answer(.deepPeelOrDermabrasion, .lastDate(day("2026-12-09")))),
        NearMiss(.scrMinor, "18 on the session date (birthday today)") { $0.patient.birthDate = day("2009-03-10") },
        NearMiss(.scrStale, "screening exactly 90 days old") { $0.patient.screening.answeredOn = day("2026-12-10") },
        NearMiss(.scrStale, "screening answered on the session date") { $0.patient.screening.answeredOn = Fixture.sessionDate },
        NearMiss(.scrIncomplete, "every key answered, some 'yes'") {
            $0.patient.screening.answers[.keloidHistory] = .yesNo(true)
            $0.patient.screening.answers[.isotretinoinLastDose] = .lastDate(day("2020-01-01"))
        }
    ]

    @Test("Does not fire", arguments: nearMisses)
    func nearMiss(_ c: NearMiss) {
        let result = Fixture.check(c.change)
        #expect(!result.findings.has(c.rule), "\(result.findings.map(\.message))")
    }

    @Test("SCR-INCOMPLETE names every missing question as the patient was asked it, not the internal key")
    func incompleteNamesQuestions() throws {
        let result = Fixture.check {
            $0.patient.screening.answers[.keloidHistory] = nil
            $0.patient.screening.answers[.deepPeelOrDermabrasion] = nil
        }
        let f = try #require(result.findings.first { $0.rule == .scrIncomplete })
        #expect(f.message.contains(ScreeningKey.keloidHistory.question))
        #expect(f.message.contains(ScreeningKey.deepPeelOrDermabrasion.question))
        #expect(!f.message.contains("keloidHistory") && !f.message.contains("deepPeelOrDermabrasion"))
        #expect(!f.message.contains(ScreeningKey.herpesHistory.question))
    }

    @Test(
        "Each date-based screening finding says when it lifts",
        arguments: [
            (ScreeningKey.isotretinoinLastDose, "2026-11-20", RuleID.scrIsotretinoinRecent, "re-screen from 2027-05-20"),
            (.radiotherapyToArea, "2026-04-02", .scrRadiotherapy, "lifts on 2027-04-02"),
            (.surgeryOrTraumaInArea, "2026-10-31", .scrRecentProcedure, "lifts on 2027-04-30"),
            (.deepPeelOrDermabrasion, "2026-12-31", .scrRecentProcedure, "lifts on 2027-03-31")
        ])
    func liftDates(_ key: ScreeningKey, _ last: String, _ rule: RuleID, _ says: String) throws {
        let result = Fixture.check { $0.patient.screening.answers[key] = .lastDate(day(last)) }
        let f = try #require(result.findings.first { $0.rule == rule })
        #expect(f.message.contains(says), "\(f.message)")
    }

    @Test("SCR-STALE says it lifts on re-screening; SCR-MINOR names the 18th birthday (1 March for a leap-day birth)")
    func staleAndMinorLift() throws {
        let stale = Fixture.check { $0.patient.screening.answeredOn = day("2026-12-09") }
        let staleFinding = try #require(stale.findings.first { $0.rule == .scrStale })
        #expect(staleFinding.message.contains("lifts once the patient is re-screened"))
        let minor = Fixture.check {
            $0.patient.birthDate = day("2008-02-29"); $0.date = day("2026-02-28"); $0.patient.screening.answeredOn = day("2026-02-27")
        }
        let minorFinding = try #require(minor.findings.first { $0.rule == .scrMinor })
        #expect(minorFinding.message.contains("2026-03-01"))
    }

    @Test("SCR-INCOMPLETE and SCR-STALE stop a session but are a caution for a plan")
    func planSeverities() {
        let incomplete: (inout ScreeningResponse) -> Void = { $0.answers[.metalAllergy] = nil }
        let stale: (inout ScreeningResponse) -> Void = { $0.answeredOn = day("2026-12-09") }
        for (rule, change) in [(RuleID.scrIncomplete, incomplete), (.scrStale, stale)] {
            let session = Fixture.check { change(&$0.patient.screening) }
            #expect(session.findings.severities(of: rule) == [.stop])
            #expect(session.decision == .doNotTreat)
            let plan = Fixture.planned { change(&$0.patient.screening) }
            #expect(plan.findings.severities(of: rule) == [.caution])
            #expect(plan.decision == .proceedWithCaution)
        }
    }

    @Test("SCR-STALE in a plan counts from the course's start date: 90 days is fresh, 91 stale")
    func staleCountsFromStart() {
        let fresh = Fixture.planned { $0.patient.screening.answeredOn = day("2026-12-10") }
        #expect(!fresh.findings.has(.scrStale))
        let stale = Fixture.planned {
            $0.startDate = day("2027-03-11"); $0.patient.screening.answeredOn = day("2026-12-10")
        }
        #expect(stale.findings.severities(of: .scrStale) == [.caution])
    }

    @Test("SCR-ISOTRETINOIN-RECENT in a plan counts back from the start date")
    func isotretinoinCountsFromStart() {
        let r: (inout PlanRequest) -> Void = { $0.patient.screening.answers[.isotretinoinLastDose] = .lastDate(day("2026-09-11")) }
        #expect(Fixture.planned(r).findings.severities(of: .scrIsotretinoinRecent) == [.stop])
        let later = Fixture.planned {
            r(&$0); $0.startDate = day("2027-03-11")
        }
        #expect(!later.findings.has(.scrIsotretinoinRecent))
    }

    @Test("SCR-MINOR: a leap-day birthday is not 18 until 1 March in a common year")
    func leapDayMinor() {
        let before = Fixture.check {
            $0.patient.birthDate = day("2008-02-29"); $0.date = day("2026-02-28"); $0.patient.screening.answeredOn = day("2026-02-27")
        }
        #expect(before.findings.has(.scrMinor))
        let after = Fixture.check {
            $0.patient.birthDate = day("2008-02-29"); $0.date = day("2026-03-01"); $0.patient.screening.answeredOn = day("2026-02-27")
        }
        #expect(!after.findings.has(.scrMinor))
    }

    @Test("SCR-CONSENT is a session rule only: a plan never raises it")
    func consentSessionOnly() {
        #expect(!Fixture.planned().findings.has(.scrConsent))
        #expect(Fixture.check { $0.consentSigned = false }.decision == .doNotTreat)
    }
}

@Suite("Screening answers of the wrong kind")
struct ScreeningAnswerKindTests {
    @Test("SCR-INCOMPLETE: a date given for a yes/no question (or the reverse) counts as not answered")
    func wrongKind() {
        var p = Fixture.session()
        p.patient.screening.answers[.pregnantOrBreastfeeding] = .lastDate(LocalDate(iso: "2026-01-01"))
        p.patient.screening.answers[.radiotherapyToArea] = .yesNo(false)
        let f = SessionCheck.check(p).findings.first { $0.rule == .scrIncomplete }
        #expect(f?.severity == .stop)
        #expect(f?.message.contains(ScreeningKey.pregnantOrBreastfeeding.question) == true)
        #expect(f?.message.contains(ScreeningKey.radiotherapyToArea.question) == true)
    }
}
