/// The default rule set, transcribed from docs/policy.md §1–§6. Review this file against the policy, row by row.
public enum RuleCatalogue {
    /// Every rule keyed by ID; a missing key is a programming error caught by the catalogue test.
    public static let byID: [RuleID: Rule] = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })

    public static func rule(_ id: RuleID) -> Rule { byID[id]! }

    /// All rules in policy order.
    public static let all: [Rule] = indication + depth + screening + device + course + adverseEvents

    static let indication: [Rule] = [
        Rule(
            .delReg, "§1", .caution,
            "Transdermal delivery: US aesthetic-microneedling classification excludes delivery devices, and granulomatous reactions have followed topicals not approved for intradermal use",
            evidence: [.regulator, .peerReviewed], source: "21 CFR 878.4430(a); Soltani-Arabshahi 2014; Friedmann 2024"),
        Rule(
            .delLot, "§1", .stop,
            "A substance applied in the session has no recorded product name and lot",
            evidence: [.policy], source: "POLICY (traceability of applied substances)"),
        Rule(
            .delProduct, "§1", .caution,
            "The applied substance is not approved for intradermal use",
            evidence: [.peerReviewed], source: "Soltani-Arabshahi 2014; Friedmann 2024"),
        Rule(
            .outGaisBaseline, "§1", .stop,
            "A GAIS score dated at or before the course's first session: GAIS rates change against the baseline photographs and has no baseline score",
            evidence: [.labelling, .policy], source: "SkinPen IFU Table 7 (GAIS rates improvement from pre-treatment); POLICY §1 outcome scales",
            decidedFromRequest: false)
    ]

    static let depth: [Rule] = [
        Rule(
            .depthRange, "§2", .stop,
            "Depth below 0.2 mm or above 3.0 mm: outside what microneedling devices do",
            evidence: [.seed], source: "Seed article: needle lengths 0.2 to 3 mm"),
        Rule(
            .depthDevice, "§2", .stop,
            "Depth outside the chosen device's range, or not the fixed length of a roller or stamp",
            evidence: [.labelling], source: "Device labelling"),
        Rule(
            .siteEyelid, "§2", .stop,
            "Treatment of the eyelid, inside the orbital rim",
            evidence: [.labelling], source: "SkinPen labelling: not within the orbital rim"),
        Rule(
            .depthSiteStop, "§2", .stop,
            "Depth above the site's stop ceiling",
            evidence: [.web, .policy], source: "Published maximum depths per facial zone; skin thickness (Meng 2022; Gibney 2010)"),
        Rule(
            .depthSiteCaution, "§2", .caution,
            "Depth above the site's caution ceiling",
            evidence: [.web, .labelling], source: "Published depth guides; SkinPen 1.5 mm evaluated maximum"),
        Rule(
            .depthIndication, "§2", .caution,
            "Depth outside the indication's range for the zone's region",
            evidence: [.peerReviewed, .policy], source: "POLICY §1 indication table"),
        Rule(
            .depthPhototype, "§2", .caution,
            "Fitzpatrick IV–VI and a depth above 1.5 mm (above 1.0 mm for pigmentation)",
            evidence: [.peerReviewed], source: "Dogra (PIH 5/30 in FST IV–V); Chu 2021"),
        Rule(
            .indicationSite, "§2", .caution,
            "The indication has no depth range for the zone's region: the site's typical range is used",
            evidence: [.policy], source: "POLICY"),
        Rule(
            .indicationConflict, "§2", .info,
            "Several indications on one zone with ranges that do not overlap: the lower range is used",
            evidence: [.policy], source: "POLICY"),
        Rule(
            .depthStep, "§2", .caution,
            "Depth more than 0.5 mm above the same zone's depth in the previous session of the course",
            evidence: [.labelling], source: "SkinPen labelling: start low, titrate to erythema")
    ]

    static let screening: [Rule] = [
        Rule(
            .scrInfection, "§3", .stop, "Active bacterial, viral (including cold sore) or fungal infection in or near the area",
            evidence: [.peerReviewed], source: "Chu 2021"),
        Rule(
            .scrWound, "§3", .stop, "Open wound, sore or irritated skin in the area",
            evidence: [.labelling], source: "Device labelling"),
        Rule(
            .scrCancer, "§3", .stop, "Active skin cancer, or an undiagnosed changing mole or lesion, in the area",
            evidence: [.labelling, .web], source: "Device labelling"),
        Rule(
            .scrAcneActive, "§3", .stop, "Active inflammatory or cystic acne in the area",
            evidence: [.regulator], source: "NCT02646917 exclusion criteria"),
        Rule(
            .scrIsotretinoin, "§3", .stop, "Taking isotretinoin now",
            evidence: [.labelling], source: "Device labelling"),
        Rule(
            .scrIsotretinoinRecent, "§3", .stop, "Last isotretinoin dose less than 6 months ago",
            evidence: [.labelling], source: "LAB-derived pre-care; ASDS 2017 found evidence insufficient for some procedures",
            relaxableTo: .caution),
        Rule(
            .scrPregnancy, "§3", .stop, "Pregnant or breastfeeding",
            evidence: [.labelling], source: "Device labelling"),
        Rule(
            .scrBleeding, "§3", .stop, "Bleeding disorder (haemophilia, von Willebrand disease and others)",
            evidence: [.labelling], source: "Device labelling"),
        Rule(
            .scrSteelAllergy, "§3", .stop, "Allergy to stainless steel (when the needles are steel) or to the planned anaesthetic",
            evidence: [.labelling], source: "Device labelling"),
        Rule(
            .scrSunburn, "§3", .stop, "Sunburn on the area now",
            evidence: [.labelling], source: "LAB-derived pre-care"),
        Rule(
            .scrAnticoagulant, "§3", .caution, "Anticoagulant or antiplatelet medicine: bruising and bleeding",
            evidence: [.seed], source: "Seed article (bruising, bleeding); trial exclusions"),
        Rule(
            .scrKeloid, "§3", .caution, "History of keloid or hypertrophic scarring",
            evidence: [.peerReviewed], source: "Skin-of-colour chapter"),
        Rule(
            .scrHSV, "§3", .caution, "History of cold sores and a zone on the face: discuss antiviral prophylaxis",
            evidence: [.peerReviewed], source: "Vaghela 2021; King 2017"),
        Rule(
            .scrPhototype, "§3", .caution, "Fitzpatrick IV–VI: risk of post-inflammatory hyperpigmentation; conservative depth, photoprotection",
            evidence: [.peerReviewed], source: "Chu 2021; Dogra"),
        Rule(
            .scrImmuno, "§3", .caution, "Immunosuppression, chemotherapy or high-dose corticosteroids",
            evidence: [.regulator], source: "Trial exclusion criteria"),
        Rule(
            .scrDiabetes, "§3", .caution, "Poorly controlled diabetes",
            evidence: [.labelling], source: "Analogous device manual"),
        Rule(
            .scrAutoimmune, "§3", .caution, "Scleroderma, collagen vascular or autoimmune skin disease",
            evidence: [.web], source: "Web sources"),
        Rule(
            .scrRadiotherapy, "§3", .caution, "Radiotherapy to the area within 12 months",
            evidence: [.web], source: "Web sources"),
        Rule(
            .scrTanning, "§3", .caution, "Tanning or intense sun exposure of the area in the last 2 weeks",
            evidence: [.labelling], source: "Analogous device manual"),
        Rule(
            .scrRetinoid, "§3", .caution, "Topical retinoid, AHA or BHA on the area in the last 2 days",
            evidence: [.labelling], source: "LAB-derived pre-care"),
        Rule(
            .scrRecentProcedure, "§3", .caution,
            "Surgery or trauma in the area under 6 months ago, or a deep peel or dermabrasion under 3 months ago",
            evidence: [.regulator, .labelling], source: "Trial exclusion; device manual"),
        Rule(
            .scrMetalAllergy, "§3", .caution, "Nickel or other metal allergy",
            evidence: [.peerReviewed], source: "Chu 2021"),
        Rule(
            .scrTopicalAllergy, "§3", .caution, "Allergy to skin-care products or to topicals planned for the session",
            evidence: [.regulator], source: "Trial exclusion criteria"),
        Rule(
            .scrMinor, "§3", .caution, "Patient under 18 on the session date: guardian consent required",
            evidence: [.policy], source: "POLICY"),
        Rule(
            .scrIncomplete, "§3", .stop, plan: .caution, "A screening question is not answered",
            evidence: [.policy], source: "POLICY"),
        Rule(
            .scrStale, "§3", .stop, plan: .caution, "The screening was answered more than 90 days before the session: screen again",
            evidence: [.policy], source: "POLICY"),
        Rule(
            .scrConsent, "§3", .stop, "No signed treatment consent for the course",
            evidence: [.policy, .seed], source: "POLICY; seed (choose the clinic and doctor carefully)")
    ]

    static let device: [Rule] = [
        Rule(
            .devNoSterilePart, "§4", .stop, "No single-use sterile part and no sterilization pack recorded for the needles",
            evidence: [.seed, .regulator], source: "Seed article (unsterilized tools); FDA consumer update"),
        Rule(
            .devReuse, "§4", .stop, "A single-use part (same serial or package) already used in another session",
            evidence: [.labelling], source: "Cartridge labelling: not to be resterilized or reused"),
        Rule(
            .devLotExpired, "§4", .stop, "The lot's expiry date is before the session date",
            evidence: [.regulator], source: "Device labelling requirement"),
        Rule(
            .devLotRecalled, "§4", .stop, "The lot is recalled or quarantined",
            evidence: [.policy], source: "POLICY"),
        Rule(
            .devPackNotReleased, "§4", .stop, "The pack's cycle failed or did not complete, or its chemical or biological indicator failed",
            evidence: [.regulator], source: "CDC Guideline for Disinfection and Sterilization 2008"),
        Rule(
            .devPackBIPending, "§4", .caution, "The pack passed physical and chemical checks but its biological indicator is pending",
            evidence: [.regulator], source: "CDC 2008: non-implantable items may be released on physical and chemical monitoring"),
        Rule(
            .devPackExpired, "§4", .stop, "The pack is past its shelf life or its wrap is compromised",
            evidence: [.regulator], source: "CDC 2008, event-related shelf life"),
        Rule(
            .devHandpiece, "§4", .caution, "A pen handpiece without a recorded cleaning and disinfection since its last use",
            evidence: [.labelling], source: "SkinPen labelling (reusable handpiece, barrier sleeve)"),
        Rule(
            .devIncompatible, "§4", .stop,
            "A cartridge whose catalogue model is not listed as fitting the session's handpiece model",
            evidence: [.labelling], source: "Device labelling (cartridges are validated for named handpiece models)",
            decidedFromRequest: false)
    ]

    static let course: [Rule] = [
        Rule(
            .intMin, "§5", .stop, "Less than 7 days since the previous session on the same zone, unless the depth is 0.3 mm or less",
            evidence: [.policy], source: "POLICY"),
        Rule(
            .intShort, "§5", .caution, "Less than 14 days since the previous session on the same zone at a depth of 1.5 mm or more (scalp excepted)",
            evidence: [.peerReviewed], source: "Shortest interval in trials: 2 weeks"),
        Rule(
            .intLong, "§5", .info, "More than twice the indication's interval since the previous session: the course may need re-planning",
            evidence: [.policy], source: "POLICY"),
        Rule(
            .intPlan, "§5", .caution, "A planned interval outside the indication's allowed range",
            evidence: [.peerReviewed, .policy], source: "POLICY §1 indication table"),
        Rule(
            .courseShort, "§5", .info, "Course of fewer than 6 sessions; the seed expects 6 to 10",
            evidence: [.seed], source: "Seed article: often 6 to 10 sessions"),
        Rule(
            .courseLong, "§5", .info, "Course of more than 10 sessions; the seed expects 6 to 10",
            evidence: [.seed], source: "Seed article: often 6 to 10 sessions"),
        Rule(
            .reactionUnresolved, "§5", .stop, "An adverse event from the previous session on the same area is still open",
            evidence: [.policy], source: "POLICY")
    ]

    static let adverseEvents: [Rule] = [
        Rule(
            .aeCluster, "§6", .stop, "Two or more infections within 30 days linked to the same sterilizer, lot or handpiece: stop it until reviewed",
            evidence: [.policy], source: "POLICY",
            decidedFromRequest: false)
    ]
}
