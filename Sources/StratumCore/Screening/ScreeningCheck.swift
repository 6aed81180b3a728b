/// Whether rules judge a course plan or a session about to happen; some screening rules weigh them differently.
public enum CheckContext: Sendable {
    case plan, session
    var isPlan: Bool { self == .plan }
}

/// Screening rules of POLICY §3: answers + patient + date → findings. Date answers count back from `date`.
public enum ScreeningCheck {
    /// Yes/no answers that fire a rule on "yes", with the message shown to the practitioner.
    static let yesRules: [(ScreeningKey, String)] = [
        (.activeInfectionInArea, "Active infection in or near the area: treat only once it has cleared"),
        (.openWoundInArea, "Open wound, sore or irritated skin in the area: wait until it has healed"),
        (.skinCancerOrChangingLesionInArea, "Skin cancer or an unassessed changing lesion in the area: refer for diagnosis first"),
        (.activeAcneInArea, "Active inflammatory or cystic acne in the area: control it first"),
        (.isotretinoinCurrent, "The patient takes isotretinoin now: do not needle"),
        (.pregnantOrBreastfeeding, "Pregnant or breastfeeding: postpone treatment"),
        (.bleedingDisorder, "Bleeding disorder: do not needle"),
        (.sunburnInArea, "Sunburn on the area: postpone until it has healed"),
        (.anticoagulants, "Anticoagulant or antiplatelet medicine: expect more bruising and bleeding"),
        (.keloidHistory, "History of keloid or hypertrophic scarring: needling may provoke new scars"),
        (.immunosuppressed, "Immunosuppressed: higher infection risk and slower healing"),
        (.poorlyControlledDiabetes, "Poorly controlled diabetes: higher infection risk and slower healing"),
        (.autoimmuneSkinDisease, "Scleroderma, collagen vascular or autoimmune skin disease: the skin may react unpredictably"),
        (.recentTanning, "Tanning or strong sun on the area in the last 2 weeks: higher pigmentation risk"),
        (.retinoidOrAcidLast2Days, "Retinoid, AHA or BHA on the area in the last 2 days: more irritation"),
        (.metalAllergy, "Nickel or other metal allergy: check the needle material"),
        (.topicalAllergy, "Allergy to skin-care products or planned topicals: check every product applied")
    ]

    public static func findings(
        patient: PatientFacts, on date: LocalDate, zones: [Zone], device: DeviceSpec,
        context: CheckContext, policy: ClinicalPolicy
    ) -> [Finding] {
        let s = patient.screening
        let plan = context.isPlan
        var out: [Finding] = []
        func add(_ rule: RuleID, _ message: String) { out.append(policy.finding(rule, message, forPlan: plan)) }

        for (key, message) in yesRules where s.yes(key) == true {
            add(key.rule, message)
        }
        if s.yes(.stainlessSteelAllergy) == true && device.needleMaterial == .stainlessSteel {
            add(.scrSteelAllergy, "Allergy to stainless steel and the device's needles are stainless steel")
        }
        if s.yes(.anaestheticAllergy) == true {
            add(.scrSteelAllergy, "Allergy to local anaesthetic: do not use the planned anaesthetic")
        }
        if s.yes(.herpesHistory) == true, zones.contains(where: { policy.site($0.site).region == .face }) {
            add(.scrHSV, "History of cold sores and a facial zone: discuss antiviral prophylaxis")
        }
        if patient.isDarkerPhototype {
            add(
                .scrPhototype,
                "Fitzpatrick \(roman(patient.fitzpatrick)): risk of post-inflammatory hyperpigmentation; keep depth conservative and protect from sun"
            )
        }
        if let last = s.lastDate(.isotretinoinLastDose), last.adding(months: 6) > date {
            add(
                .scrIsotretinoinRecent,
                "Last isotretinoin dose on \(last), less than 6 months before \(date): re-screen from \(last.adding(months: 6))")
        }
        if let last = s.lastDate(.radiotherapyToArea), last.adding(months: 12) > date {
            add(.scrRadiotherapy, "Radiotherapy to the area on \(last), within 12 months of \(date): lifts on \(last.adding(months: 12))")
        }
        if let last = s.lastDate(.surgeryOrTraumaInArea), last.adding(months: 6) > date {
            add(
                .scrRecentProcedure, "Surgery or trauma in the area on \(last), less than 6 months before \(date): lifts on \(last.adding(months: 6))"
            )
        }
        if let last = s.lastDate(.deepPeelOrDermabrasion), last.adding(months: 3) > date {
            add(.scrRecentProcedure, "Deep peel or dermabrasion on \(last), less than 3 months before \(date): lifts on \(last.adding(months: 3))")
        }
        let age = patient.birthDate.age(on: date)
        if age < 18 {
            // A 29 February birthday comes of age on 1 March in a common year, as `age(on:)` counts it.
            var adult = patient.birthDate.adding(months: 18 * 12)
            if patient.birthDate.age(on: adult) < 18 { adult = adult.adding(days: 1) }
            add(.scrMinor, "The patient is \(age) on \(date): a guardian's consent is required until the 18th birthday, \(adult)")
        }
        // An answer of the wrong kind (a date for a yes/no question) fires no rule, so it must count as unanswered.
        let missing = ScreeningKey.allCases.filter { key in
            switch s.answers[key] {
            case .yesNo?: !key.isDate ? false : true
            case .lastDate?: key.isDate ? false : true
            case nil: true
            }
        }
        if !missing.isEmpty {
            // The question as the patient was asked it, so the room can ask it again; the key means nothing to them.
            add(.scrIncomplete, "Screening incomplete: not answered: \(missing.map { "“\($0.question)”" }.joined(separator: "; "))")
        }
        let age_ = s.answeredOn.days(until: date)
        if age_ > policy.screeningValidDays {
            add(
                .scrStale,
                "Screening answered on \(s.answeredOn), \(age_) days before \(date) (more than \(policy.screeningValidDays)): screen again; it lifts once the patient is re-screened"
            )
        }
        return out
    }

    static func roman(_ n: Int) -> String {
        ["I", "II", "III", "IV", "V", "VI"].indices.contains(n - 1) ? ["I", "II", "III", "IV", "V", "VI"][n - 1] : String(n)
    }
}
