/// The limits every door applies to a session as documented (the form, the API, an import): the same session is
/// accepted or refused, naming the same field for the same reason, wherever it comes from. The clinical bounds
/// (0.2–3 mm, `DEPTH-RANGE`; a site's caution and stop depths) are rules, judged after these; these only keep out what
/// cannot be a session at all.
public enum SessionInputRules {
    /// A nominal needle length outside this is a typing error, not a depth (0.2–3 mm is judged by `DEPTH-RANGE`).
    public static let depthMM: ClosedRange<Double> = 0...10
    /// Passes over one zone in one session: protocols use 2 to 8; more than 10 is a typing error.
    public static let passes = 1...10
    /// The clinical end point seen (erythema, pinpoint bleeding) in the practitioner's words.
    public static let endPointMaxLength = 200
    /// A GS1 element string as scanned: GTIN, expiry, lot and serial fit well inside this.
    public static let scanMaxLength = 200
    /// GS1 AI (10), the batch or lot number, is at most 20 characters.
    public static let partLotMaxLength = 20
    /// GS1 AI (21), the serial number, is at most 20 characters.
    public static let partSerialMaxLength = 20
    /// A sterilization pack's label code (PK- and its check characters) with room for other labellers' codes.
    public static let packCodeMaxLength = 40
    /// A handpiece's serial as its maker engraves it.
    public static let handpieceSerialMaxLength = 100
    /// A topical product's name as on its label.
    public static let topicalProductMaxLength = 200
    /// A topical product's lot as on its label.
    public static let topicalLotMaxLength = 100
    /// The reason for accepting a caution (POLICY §2: a caution needs its reason in the record).
    public static var reasonMaxLength: Int { AcknowledgementGate.maxReasonLength }

    /// A field of a session document, named the same for every door; each door words it in its own place.
    public enum Field: Sendable, Hashable, CustomStringConvertible {
        /// A zone's member, with the zone's place in the document's list and the zone itself (the form's row).
        case depth(Int, Zone)
        case passes(Int, Zone)
        case endPoint(Int, Zone)
        case scan
        case partLot
        case partSerial
        case packCode
        case handpieceSerial
        case topicalProduct
        case topicalLot
        /// The reason of the n-th acknowledgement, with the rule and zone it accepts.
        case reason(Int, RuleID, Zone?)

        /// The member's JSON path in a session record document (docs/documents.md).
        public var description: String {
            switch self {
            case .depth(let i, _): "zones[\(i)].depthMM"
            case .passes(let i, _): "zones[\(i)].passes"
            case .endPoint(let i, _): "zones[\(i)].endPoint"
            case .scan: "equipment.part.scan"
            case .partLot: "equipment.part.lot"
            case .partSerial: "equipment.part.serial"
            case .packCode: "equipment.pack"
            case .handpieceSerial: "equipment.handpiece"
            case .topicalProduct: "topical.product"
            case .topicalLot: "topical.lot"
            case .reason(let i, _, _): "acknowledgements[\(i)].reason"
            }
        }
    }

}

extension SessionInputRules.Field {
    /// The zone a zone's member belongs to.
    public var zone: Zone? {
        switch self {
        case .depth(_, let z), .passes(_, let z), .endPoint(_, let z): z
        default: nil
        }
    }
}

extension SessionInputRules {
    /// Every field out of its limits, in the document's order; empty when the session may go on to the rules.
    public static func problems(_ doc: SessionRecordDocument) -> [(field: Field, problem: InputProblem)] {
        var out: [(field: Field, problem: InputProblem)] = []
        for (i, dose) in doc.zones.enumerated() {
            if !depthMM.contains(dose.depthMM) { out.append((.depth(i, dose.zone), .outOfRange(Int(depthMM.lowerBound)...Int(depthMM.upperBound)))) }
            if !passes.contains(dose.passes) { out.append((.passes(i, dose.zone), .outOfRange(passes))) }
            if let endPoint = doc.endPoints[dose.zone], let p = text(endPoint, max: endPointMaxLength) { out.append((.endPoint(i, dose.zone), p)) }
        }
        let e = doc.equipment
        if let part = e.part {
            if let p = text(part.lot, max: partLotMaxLength) { out.append((.partLot, p)) }
            if let serial = part.serial, let p = text(serial, max: partSerialMaxLength) { out.append((.partSerial, p)) }
        }
        if let code = e.packCode, let p = text(code, max: packCodeMaxLength) { out.append((.packCode, p)) }
        if let serial = e.handpieceSerial, let p = text(serial, max: handpieceSerialMaxLength) { out.append((.handpieceSerial, p)) }
        if let t = doc.topical {
            if let product = t.product, let p = text(product, max: topicalProductMaxLength) { out.append((.topicalProduct, p)) }
            if let lot = t.lot, let p = text(lot, max: topicalLotMaxLength) { out.append((.topicalLot, p)) }
        }
        for (i, a) in doc.acknowledgements.enumerated() {
            if let p = text(a.reason, max: reasonMaxLength) { out.append((.reason(i, a.rule, a.zone), p)) }
        }
        return out
    }

    /// The problem of a scanned label's text before it is parsed, if any.
    public static func scanProblem(_ scan: String) -> InputProblem? { text(scan, max: scanMaxLength) }

    static func text(_ value: String, max: Int) -> InputProblem? {
        if value.allSatisfy(\.isWhitespace) { return .missing }
        return PatientInputRules.textProblem(value, max: max)
    }
}

/// The limits every door applies to a proposed course: the form, the API and `stratum plan` read the same values.
public enum CourseInputRules {
    /// Weeks between sessions: beyond half a year a "course" is separate treatments (the interval rules judge
    /// what lies inside).
    public static let intervalWeeks = 1...26
    /// The patient's goal in their own words, as the consultation notes it.
    public static let goalMaxLength = 500
    /// Days a prior session's reactions took to settle: beyond a year is not a reaction to that session.
    public static let reactionsResolvedWithinDays = 0...365
    /// Days a screening stays valid, as a clinic's policy may set it (up to ten years; POLICY's default is shorter).
    public static let screeningValidDays = 1...3_650

    /// The problem of a course's goal text, if any (nil: record it).
    public static func goalProblem(_ goal: String) -> InputProblem? { PatientInputRules.textProblem(goal, max: goalMaxLength) }
}
