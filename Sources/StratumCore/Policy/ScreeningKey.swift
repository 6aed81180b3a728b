/// The screening questionnaire's answer keys (POLICY §3); the same keys in the API, the CLI's JSON and the form.
public enum ScreeningKey: String, Sendable, CaseIterable, Codable {
    case activeInfectionInArea
    case openWoundInArea
    case skinCancerOrChangingLesionInArea
    case activeAcneInArea
    case isotretinoinCurrent
    case isotretinoinLastDose
    case pregnantOrBreastfeeding
    case bleedingDisorder
    case stainlessSteelAllergy
    case anaestheticAllergy
    case sunburnInArea
    case anticoagulants
    case keloidHistory
    case herpesHistory
    case immunosuppressed
    case poorlyControlledDiabetes
    case autoimmuneSkinDisease
    case radiotherapyToArea
    case recentTanning
    case retinoidOrAcidLast2Days
    case surgeryOrTraumaInArea
    case deepPeelOrDermabrasion
    case metalAllergy
    case topicalAllergy

    /// Whether the answer is a yes/no or the date something last happened (null meaning never).
    public var isDate: Bool {
        switch self {
        case .isotretinoinLastDose, .radiotherapyToArea, .surgeryOrTraumaInArea, .deepPeelOrDermabrasion: true
        default: false
        }
    }

    /// The question in plain words, asked about the areas to be treated.
    public var question: String {
        switch self {
        case .activeInfectionInArea: "Is there an infection in or near the area now (including a cold sore, or a fungal infection)?"
        case .openWoundInArea: "Is there an open wound, sore or irritated skin in the area?"
        case .skinCancerOrChangingLesionInArea: "Is there skin cancer, or a mole or spot that is changing and not yet checked, in the area?"
        case .activeAcneInArea: "Is there active inflamed or cystic acne in the area?"
        case .isotretinoinCurrent: "Are you taking isotretinoin (Roaccutane, Accutane) now?"
        case .isotretinoinLastDose: "When did you last take isotretinoin? (leave empty if never)"
        case .pregnantOrBreastfeeding: "Are you pregnant or breastfeeding?"
        case .bleedingDisorder: "Do you have a bleeding disorder (such as haemophilia or von Willebrand disease)?"
        case .stainlessSteelAllergy: "Are you allergic to stainless steel?"
        case .anaestheticAllergy: "Are you allergic to local anaesthetic creams?"
        case .sunburnInArea: "Is the area sunburnt now?"
        case .anticoagulants: "Do you take blood thinners or antiplatelet medicine (such as warfarin, apixaban, aspirin, clopidogrel)?"
        case .keloidHistory: "Have you ever had keloid or raised (hypertrophic) scars?"
        case .herpesHistory: "Have you ever had cold sores?"
        case .immunosuppressed: "Is your immune system weakened (immunosuppressants, chemotherapy, high-dose steroids)?"
        case .poorlyControlledDiabetes: "Do you have diabetes that is not well controlled?"
        case .autoimmuneSkinDisease: "Do you have scleroderma, a collagen vascular or an autoimmune skin disease?"
        case .radiotherapyToArea: "When was the area last treated with radiotherapy? (leave empty if never)"
        case .recentTanning: "Has the area been tanned or in strong sun in the last 2 weeks?"
        case .retinoidOrAcidLast2Days: "Have you used a retinoid, AHA or BHA product on the area in the last 2 days?"
        case .surgeryOrTraumaInArea: "When did the area last have surgery or an injury? (leave empty if never)"
        case .deepPeelOrDermabrasion: "When did the area last have a deep peel or dermabrasion? (leave empty if never)"
        case .metalAllergy: "Are you allergic to nickel or another metal?"
        case .topicalAllergy: "Are you allergic to skin-care products or to products planned for the treatment?"
        }
    }

    /// The rule an answer feeds, so forms can show the rule ID beside the question.
    public var rule: RuleID {
        switch self {
        case .activeInfectionInArea: .scrInfection
        case .openWoundInArea: .scrWound
        case .skinCancerOrChangingLesionInArea: .scrCancer
        case .activeAcneInArea: .scrAcneActive
        case .isotretinoinCurrent: .scrIsotretinoin
        case .isotretinoinLastDose: .scrIsotretinoinRecent
        case .pregnantOrBreastfeeding: .scrPregnancy
        case .bleedingDisorder: .scrBleeding
        case .stainlessSteelAllergy, .anaestheticAllergy: .scrSteelAllergy
        case .sunburnInArea: .scrSunburn
        case .anticoagulants: .scrAnticoagulant
        case .keloidHistory: .scrKeloid
        case .herpesHistory: .scrHSV
        case .immunosuppressed: .scrImmuno
        case .poorlyControlledDiabetes: .scrDiabetes
        case .autoimmuneSkinDisease: .scrAutoimmune
        case .radiotherapyToArea: .scrRadiotherapy
        case .recentTanning: .scrTanning
        case .retinoidOrAcidLast2Days: .scrRetinoid
        case .surgeryOrTraumaInArea, .deepPeelOrDermabrasion: .scrRecentProcedure
        case .metalAllergy: .scrMetalAllergy
        case .topicalAllergy: .scrTopicalAllergy
        }
    }
}

/// One answer: yes/no, or the date something last happened (nil meaning never).
public enum ScreeningAnswer: Hashable, Sendable {
    case yesNo(Bool)
    case lastDate(LocalDate?)
}
