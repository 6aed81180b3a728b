/// Stable identifiers of the clinical rules (docs/policy.md); code, tests, messages and the API name rules by these.
public enum RuleID: String, Sendable, CaseIterable, Codable, Comparable {
    // §1 indications
    case delReg = "DEL-REG"
    case delLot = "DEL-LOT"
    case delProduct = "DEL-PRODUCT"
    case outGaisBaseline = "OUT-GAIS-BASELINE"
    // §2 depth
    case depthRange = "DEPTH-RANGE"
    case depthDevice = "DEPTH-DEVICE"
    case siteEyelid = "SITE-EYELID"
    case depthSiteStop = "DEPTH-SITE-STOP"
    case depthSiteCaution = "DEPTH-SITE-CAUTION"
    case depthIndication = "DEPTH-INDICATION"
    case depthPhototype = "DEPTH-PHOTOTYPE"
    case indicationSite = "INDICATION-SITE"
    case indicationConflict = "INDICATION-CONFLICT"
    case depthStep = "DEPTH-STEP"
    // §3 screening
    case scrInfection = "SCR-INFECTION"
    case scrWound = "SCR-WOUND"
    case scrCancer = "SCR-CANCER"
    case scrAcneActive = "SCR-ACNE-ACTIVE"
    case scrIsotretinoin = "SCR-ISOTRETINOIN"
    case scrIsotretinoinRecent = "SCR-ISOTRETINOIN-RECENT"
    case scrPregnancy = "SCR-PREGNANCY"
    case scrBleeding = "SCR-BLEEDING"
    case scrSteelAllergy = "SCR-STEEL-ALLERGY"
    case scrSunburn = "SCR-SUNBURN"
    case scrAnticoagulant = "SCR-ANTICOAGULANT"
    case scrKeloid = "SCR-KELOID"
    case scrHSV = "SCR-HSV"
    case scrPhototype = "SCR-PHOTOTYPE"
    case scrImmuno = "SCR-IMMUNO"
    case scrDiabetes = "SCR-DIABETES"
    case scrAutoimmune = "SCR-AUTOIMMUNE"
    case scrRadiotherapy = "SCR-RADIOTHERAPY"
    case scrTanning = "SCR-TANNING"
    case scrRetinoid = "SCR-RETINOID"
    case scrRecentProcedure = "SCR-RECENT-PROCEDURE"
    case scrMetalAllergy = "SCR-METAL-ALLERGY"
    case scrTopicalAllergy = "SCR-TOPICAL-ALLERGY"
    case scrMinor = "SCR-MINOR"
    case scrIncomplete = "SCR-INCOMPLETE"
    case scrStale = "SCR-STALE"
    case scrConsent = "SCR-CONSENT"
    // §4 devices and sterility
    case devNoSterilePart = "DEV-NO-STERILE-PART"
    case devReuse = "DEV-REUSE"
    case devLotExpired = "DEV-LOT-EXPIRED"
    case devLotRecalled = "DEV-LOT-RECALLED"
    case devPackNotReleased = "DEV-PACK-NOT-RELEASED"
    case devPackBIPending = "DEV-PACK-BI-PENDING"
    case devPackExpired = "DEV-PACK-EXPIRED"
    case devHandpiece = "DEV-HANDPIECE"
    case devIncompatible = "DEV-INCOMPATIBLE"
    // §5 course
    case intMin = "INT-MIN"
    case intShort = "INT-SHORT"
    case intLong = "INT-LONG"
    case intPlan = "INT-PLAN"
    case courseShort = "COURSE-SHORT"
    case courseLong = "COURSE-LONG"
    case reactionUnresolved = "REACTION-UNRESOLVED"
    // §6 adverse events
    case aeCluster = "AE-CLUSTER"

    /// Order of the policy file, so listings read like docs/policy.md.
    public static func < (a: RuleID, b: RuleID) -> Bool { a.policyOrder < b.policyOrder }

    /// Position in docs/policy.md; looked up once, since findings are sorted on every check.
    public var policyOrder: Int { RuleID.order[self]! }

    private static let order: [RuleID: Int] = Dictionary(uniqueKeysWithValues: allCases.enumerated().map { ($1, $0) })
}
