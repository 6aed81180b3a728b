/// A single-use needle part as its label names it: GTIN and lot, with the serial where one is printed. A scan of
/// the label gives exactly this, so the part is traced without retyping (POLICY §4).
public struct PartReference: Sendable, Equatable, Hashable {
    /// 14 digits, check digit verified.
    public let gtin: String
    public let lot: String
    public let serial: String?
    /// The expiry printed on the label, when it was scanned; the clinic's received lot must agree with it.
    public let labelExpiry: LocalDate?

    public init(gtin: String, lot: String, serial: String?, labelExpiry: LocalDate? = nil) {
        self.gtin = gtin
        self.lot = lot
        self.serial = serial
        self.labelExpiry = labelExpiry
    }

    /// The part a scanned label names; a label without GTIN or lot cannot trace a part.
    public init(scan: GS1Element) throws(GS1Error) {
        guard let gtin = scan.gtin else { throw GS1Error(message: "AI (01) GTIN is missing: the part's product cannot be traced") }
        guard let lot = scan.lot else { throw GS1Error(message: "AI (10) lot is missing: the part's lot cannot be traced") }
        self.init(gtin: gtin, lot: lot, serial: scan.serial, labelExpiry: scan.expiry)
    }
}

/// What touched the patient, named the way the clinic labels it: the single-use part, the sterilization pack's
/// label code, the pen handpiece's serial. The server turns it into `SterilityFacts` from its own registry, so
/// the sterility rules judge what the clinic recorded, never what a client claims.
public struct EquipmentReference: Sendable, Equatable {
    public var part: PartReference?
    public var packCode: String?
    public var handpieceSerial: String?

    public init(part: PartReference? = nil, packCode: String? = nil, handpieceSerial: String? = nil) {
        self.part = part
        self.packCode = packCode
        self.handpieceSerial = handpieceSerial
    }

    /// True when nothing needle-bearing is named (`DEV-NO-STERILE-PART`).
    public var namesNoNeedles: Bool { part == nil && packCode == nil }
}
