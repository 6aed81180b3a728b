import Foundation

/// A practitioner's acknowledgement of a caution, with the reason POLICY requires.
public struct Acknowledgement: Sendable, Equatable {
    public let rule: RuleID
    public let zone: Zone?
    public let reason: String

    public init(rule: RuleID, zone: Zone?, reason: String) {
        self.rule = rule
        self.zone = zone
        self.reason = reason
    }
}

/// What a practitioner sends to record a session: what was done, with what, and which cautions they accept.
/// The patient, course, screening, consent and earlier sessions come from the record, not from the client.
public struct SessionRecordDocument: Sendable, Equatable {
    public let date: LocalDate
    public let zones: [ZoneDose]
    public let endPoints: [Zone: String]
    /// The part, pack and handpiece as labelled; the server judges them from its own registry.
    public let equipment: EquipmentReference
    public let topical: TopicalFacts?
    public let reactions: [ExpectedReaction]
    public let acknowledgements: [Acknowledgement]
    /// The practitioner who treated, when someone else (an assistant) documents the session for them; nil: the writer.
    public var practitionerID: UUID? = nil

    public init(
        date: LocalDate, zones: [ZoneDose], endPoints: [Zone: String], equipment: EquipmentReference,
        topical: TopicalFacts?, reactions: [ExpectedReaction], acknowledgements: [Acknowledgement]
    ) {
        self.date = date
        self.zones = zones
        self.endPoints = endPoints
        self.equipment = equipment
        self.topical = topical
        self.reactions = reactions
        self.acknowledgements = acknowledgements
    }
}

extension RequestReader {
    /// Reads a session record document (docs/documents.md, "Session record"); bad input names its JSON path.
    public static func sessionRecord(bytes: [UInt8]) throws(DocumentError) -> SessionRecordDocument {
        try sessionRecord(value: try parse(bytes).value)
    }

    /// Reads a session record already parsed (the API's body, parsed once by its contract check).
    public static func sessionRecord(value: JSONValue) throws(DocumentError) -> SessionRecordDocument {
        let root = Node(value: value, path: "")
        let o = try root.object(allowed: ["date", "zones", "equipment", "topical", "reactions", "acknowledgements", "practitionerId"])
        let date = try o.required("date").date()
        let zoneNodes = try o.required("zones").array()
        guard !zoneNodes.isEmpty else { throw o.node.fail("zones: at least one zone is required") }
        var doses: [ZoneDose] = []
        var endPoints: [Zone: String] = [:]
        for z in zoneNodes {
            let zo = try z.object(allowed: ["site", "side", "depthMM", "passes", "endPoint"])
            let dose = try readDose(zo)
            guard !doses.contains(where: { $0.zone == dose.zone }) else { throw z.fail("\(dose.zone) is listed twice") }
            doses.append(dose)
            if let e = zo.optional("endPoint") { endPoints[dose.zone] = try e.nonEmptyString(maxLength: SessionInputRules.endPointMaxLength) }
        }
        let equipment = try readEquipment(o.required("equipment"), on: date)
        let topical = try o.optional("topical").map(readTopical)
        var reactions: [ExpectedReaction] = []
        if let r = o.optional("reactions") {
            for item in try r.array() {
                let reaction = try item.member(of: ExpectedReaction.self, named: "reaction")
                if !reactions.contains(reaction) { reactions.append(reaction) }
            }
        }
        var acks: [Acknowledgement] = []
        if let a = o.optional("acknowledgements") {
            for item in try a.array() {
                let ao = try item.object(allowed: ["rule", "zone", "reason"])
                let rule = try ao.required("rule").member(of: RuleID.self, named: "rule")
                var zone: Zone?
                if let zn = ao.optional("zone") { zone = try readZone(zn.object(allowed: ["site", "side"])) }
                acks.append(
                    Acknowledgement(
                        rule: rule, zone: zone, reason: try ao.required("reason").nonEmptyString(maxLength: SessionInputRules.reasonMaxLength)))
            }
        }
        var doc = SessionRecordDocument(
            date: date, zones: doses, endPoints: endPoints, equipment: equipment,
            topical: topical, reactions: reactions, acknowledgements: acks)
        if let p = o.optional("practitionerId") {
            guard let id = UUID(uuidString: try p.string()) else { throw p.fail("expected the id of a practitioner of the clinic") }
            doc.practitionerID = id
        }
        return doc
    }
}

extension RequestReader {
    /// Reads `{"part": {"scan": …} | {"gtin", "lot", "serial"}, "pack": code, "handpiece": serial}`. A scan is parsed
    /// as GS1 with the session's date setting the expiry's century; a bad check digit names the AI.
    static func readEquipment(_ n: Node, on date: LocalDate) throws(DocumentError) -> EquipmentReference {
        let o = try n.object(allowed: ["part", "pack", "handpiece"])
        var ref = EquipmentReference()
        if let p = o.optional("part") {
            let po = try p.object(allowed: ["scan", "gtin", "lot", "serial"])
            if let scan = po.optional("scan") {
                guard po.optional("gtin") == nil, po.optional("lot") == nil, po.optional("serial") == nil else {
                    throw p.fail("give either scan or gtin with lot, not both")
                }
                do {
                    ref.part = try PartReference(
                        scan: GS1ElementString.parse(try scan.nonEmptyString(maxLength: SessionInputRules.scanMaxLength), today: date))
                } catch let e as GS1Error {
                    throw scan.fail(e.message)
                } catch let e as DocumentError {
                    throw e
                } catch {
                    throw scan.fail("unreadable")
                }
            } else {
                let gtinNode = try po.required("gtin")
                let gtin: String
                do { gtin = try GS1ElementString.gtin(try gtinNode.nonEmptyString(maxLength: 14)) } catch let e as GS1Error {
                    throw gtinNode.fail(e.message)
                } catch let e as DocumentError { throw e } catch { throw gtinNode.fail("unreadable") }
                ref.part = PartReference(
                    gtin: gtin, lot: try po.required("lot").nonEmptyString(maxLength: SessionInputRules.partLotMaxLength),
                    serial: try po.optional("serial").map { n throws(DocumentError) in
                        try n.nonEmptyString(maxLength: SessionInputRules.partSerialMaxLength)
                    })
            }
        }
        ref.packCode = try o.optional("pack").map { n throws(DocumentError) in try n.nonEmptyString(maxLength: SessionInputRules.packCodeMaxLength) }
        ref.handpieceSerial = try o.optional("handpiece").map { n throws(DocumentError) in
            try n.nonEmptyString(maxLength: SessionInputRules.handpieceSerialMaxLength)
        }
        return ref
    }
}
