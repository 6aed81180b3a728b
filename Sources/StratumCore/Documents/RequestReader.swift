/// A plan request as read from its JSON document, with the policy it is to be judged under.
public struct PlanDocument: Sendable {
    public let request: PlanRequest
    public let policy: ClinicalPolicy
}

/// A session check request as read from its JSON document, with the policy it is to be judged under.
public struct CheckDocument: Sendable {
    public let proposal: SessionProposal
    public let policy: ClinicalPolicy
}

/// Reads the plan and check documents (docs/documents.md) shared by the CLI and the API.
/// Every malformed value is a `DocumentError` naming its JSON path; clinically wrong values pass through to the rules.
public enum RequestReader {
    /// Plausible nominal needle lengths; beyond this a number is a typing error, not a depth (0.2–3 mm is judged by `DEPTH-RANGE`).
    static var plausibleDepth: ClosedRange<Double> { SessionInputRules.depthMM }

    public static func plan(_ text: String) throws(DocumentError) -> PlanDocument { try plan(bytes: Array(text.utf8)) }

    public static func plan(bytes: [UInt8]) throws(DocumentError) -> PlanDocument { try plan(value: try parse(bytes).value) }

    /// Reads a plan document already parsed (the API's body, parsed once by its contract check).
    public static func plan(value: JSONValue) throws(DocumentError) -> PlanDocument {
        let root = Node(value: value, path: "")
        let o = try root.object(allowed: ["patient", "indications", "zones", "device", "startDate", "sessions", "intervalWeeks", "clinicPolicy"])
        let startDate = try o.required("startDate").date()
        let patient = try readPatient(o.required("patient"), onOrBefore: startDate)
        let indications = try readIndications(o.required("indications"))
        let zoneNodes = try o.required("zones").array()
        guard !zoneNodes.isEmpty else { throw o.node.fail("zones: at least one zone is required") }
        var zones: [Zone] = []
        for z in zoneNodes {
            let zone = try readZone(z.object(allowed: ["site", "side"]))
            guard !zones.contains(zone) else { throw z.fail("\(zone) is listed twice") }
            zones.append(zone)
        }
        let device = try readDevice(o.required("device"))
        let sessions = try o.optional("sessions")?.int(in: CoursePlanner.allowedSessions)
        let interval = try o.optional("intervalWeeks")?.int(in: CourseInputRules.intervalWeeks)
        let policy = try readPolicy(o.optional("clinicPolicy"))
        return PlanDocument(
            request: PlanRequest(
                patient: patient, indications: indications, zones: zones, device: device,
                startDate: startDate, sessions: sessions, intervalWeeks: interval),
            policy: policy)
    }

    public static func check(_ text: String) throws(DocumentError) -> CheckDocument { try check(bytes: Array(text.utf8)) }

    public static func check(bytes: [UInt8]) throws(DocumentError) -> CheckDocument { try check(value: try parse(bytes).value) }

    /// Reads a check document already parsed (the API's body, parsed once by its contract check).
    public static func check(value: JSONValue) throws(DocumentError) -> CheckDocument {
        let root = Node(value: value, path: "")
        let o = try root.object(allowed: [
            "patient", "indications", "device", "date", "zones", "sterility", "handpiece",
            "topical", "consentSigned", "previousSessions", "clinicPolicy"
        ])
        let date = try o.required("date").date()
        let patient = try readPatient(o.required("patient"), onOrBefore: date)
        let indications = try readIndications(o.required("indications"))
        let device = try readDevice(o.required("device"))
        let zoneNodes = try o.required("zones").array()
        guard !zoneNodes.isEmpty else { throw o.node.fail("zones: at least one zone is required") }
        var doses: [ZoneDose] = []
        for z in zoneNodes {
            let dose = try readDose(try z.object(allowed: ["site", "side", "depthMM", "passes"]))
            guard !doses.contains(where: { $0.zone == dose.zone }) else { throw z.fail("\(dose.zone) is listed twice") }
            doses.append(dose)
        }
        let sterility = try readSterility(o.required("sterility"))
        let handpiece = try o.optional("handpiece").map(readHandpiece)
        let topical = try o.optional("topical").map(readTopical)
        let consent = try o.required("consentSigned").bool()
        var previous: [PriorSession] = []
        if let prev = o.optional("previousSessions") {
            for p in try prev.array() {
                let po = try p.object(allowed: ["date", "zones", "reactionsResolvedWithinDays", "openAdverseEvent", "openAdverseEventZones"])
                let pdate = try po.required("date").date()
                guard pdate <= date else { throw try po.required("date").fail("\(pdate) is after the session date \(date)") }
                var zones: [ZoneDepth] = []
                for z in try po.required("zones").array() {
                    let zo = try z.object(allowed: ["site", "side", "depthMM"])
                    zones.append(
                        ZoneDepth(
                            zone: try readZone(zo),
                            depthMM: try zo.required("depthMM").number(in: plausibleDepth, unit: " mm")))
                }
                var prior = PriorSession(
                    date: pdate, zones: zones,
                    reactionsResolvedWithinDays: try po.optional("reactionsResolvedWithinDays")?.int(
                        in: CourseInputRules.reactionsResolvedWithinDays),
                    openAdverseEvent: try po.optional("openAdverseEvent")?.bool() ?? false)
                // Named zones narrow an open event to the skin it affects (`REACTION-UNRESOLVED` on the same area).
                if let eventZones = po.optional("openAdverseEventZones") {
                    var affected: [Zone] = []
                    for z in try eventZones.array() { affected.append(try readZone(z.object(allowed: ["site", "side"]))) }
                    prior.openAdverseEventZones = affected
                }
                previous.append(prior)
            }
        }
        let policy = try readPolicy(o.optional("clinicPolicy"))
        return CheckDocument(
            proposal: SessionProposal(
                patient: patient, indications: indications, device: device, date: date,
                zones: doses, sterility: sterility, handpiece: handpiece, topical: topical,
                consentSigned: consent, previousSessions: previous),
            policy: policy)
    }

    static func parse(_ bytes: [UInt8]) throws(DocumentError) -> Node {
        guard bytes.count <= 1_048_576 else { throw DocumentError(path: "", problem: "the document is larger than 1 MiB") }
        do {
            return Node(value: try JSONParser.parse(bytes), path: "")
        } catch {
            throw DocumentError(path: "", problem: error.description)
        }
    }

    static func readPatient(_ n: Node, onOrBefore date: LocalDate) throws(DocumentError) -> PatientFacts {
        let o = try n.object(allowed: ["birthDate", "sex", "fitzpatrick", "screening"])
        let birthNode = try o.required("birthDate")
        let birth = try birthNode.date()
        guard birth <= date else { throw birthNode.fail("\(birth) is after the treatment date \(date)") }
        guard birth.age(on: date) <= 130 else { throw birthNode.fail("\(birth) makes the patient older than 130") }
        return PatientFacts(
            birthDate: birth, sex: try o.required("sex").member(of: Sex.self, named: "sex"),
            fitzpatrick: try o.required("fitzpatrick").int(in: PatientInputRules.fitzpatrick),
            screening: try readScreening(o.required("screening")))
    }

    /// Screening answers use exactly POLICY §3's keys: a boolean (null = unanswered), or for date keys a date (null = never).
    static func readScreening(_ n: Node) throws(DocumentError) -> ScreeningResponse {
        let o = try n.object(allowed: ["answeredOn", "answers"])
        let answeredOn = try o.required("answeredOn").date()
        var answers: [ScreeningKey: ScreeningAnswer] = [:]
        for (key, v) in try o.required("answers").members() {
            guard let k = ScreeningKey(rawValue: key) else {
                throw v.fail("unknown screening question; known: \(ScreeningKey.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if k.isDate {
                answers[k] = .lastDate(v.isNull ? nil : try v.date())
            } else if !v.isNull {
                answers[k] = .yesNo(try v.bool())
            }
        }
        return ScreeningResponse(answeredOn: answeredOn, answers: answers)
    }

    static func readIndications(_ n: Node) throws(DocumentError) -> [IndicationID] {
        let items = try n.array()
        guard !items.isEmpty else { throw n.fail("at least one indication is required") }
        var out: [IndicationID] = []
        for item in items {
            let id = try item.member(of: IndicationID.self, named: "indication")
            guard !out.contains(id) else { throw item.fail("\"\(id.rawValue)\" is listed twice") }
            out.append(id)
        }
        return out
    }

    static func readDevice(_ n: Node) throws(DocumentError) -> DeviceSpec {
        let o = try n.object(allowed: ["kind", "minDepthMM", "maxDepthMM", "fixedLengthMM", "needleMaterial"])
        let kind = try o.required("kind").member(of: DeviceKind.self, named: "device kind")
        let material = try o.required("needleMaterial").member(of: NeedleMaterial.self, named: "needle material")
        let length: DeviceLength
        if let fixed = o.optional("fixedLengthMM") {
            guard o.optional("minDepthMM") == nil, o.optional("maxDepthMM") == nil else {
                throw fixed.fail("give either fixedLengthMM or the minDepthMM and maxDepthMM pair, not both")
            }
            length = .fixed(try fixed.number(in: plausibleDepth, unit: " mm"))
        } else {
            guard o.optional("minDepthMM") != nil || o.optional("maxDepthMM") != nil else {
                throw n.fail("a device needs fixedLengthMM (roller, stamp) or minDepthMM and maxDepthMM (pen)")
            }
            let lo = try o.required("minDepthMM").number(in: plausibleDepth, unit: " mm")
            let hiNode = try o.required("maxDepthMM")
            let hi = try hiNode.number(in: plausibleDepth, unit: " mm")
            guard lo <= hi else { throw hiNode.fail("\(JSONValue.format(hi)) is below minDepthMM \(JSONValue.format(lo))") }
            length = .adjustable(DepthRange(lo, hi))
        }
        return DeviceSpec(kind: kind, length: length, needleMaterial: material)
    }

    /// A zone with its depth and passes, from an object whose allowed fields the caller set.
    static func readDose(_ zo: ObjectNode) throws(DocumentError) -> ZoneDose {
        ZoneDose(
            zone: try readZone(zo), depthMM: try zo.required("depthMM").number(in: plausibleDepth, unit: " mm"),
            passes: try zo.required("passes").int(in: SessionInputRules.passes))
    }

    static func readZone(_ zo: ObjectNode) throws(DocumentError) -> Zone {
        Zone(
            site: try zo.required("site").member(of: SiteID.self, named: "site"),
            side: try zo.required("side").member(of: Side.self, named: "side"))
    }

    static func readHandpiece(_ n: Node) throws(DocumentError) -> HandpieceFacts {
        HandpieceFacts(cleanedSinceLastUse: try n.object(allowed: ["cleanedSinceLastUse"]).required("cleanedSinceLastUse").bool())
    }

    static func readTopical(_ n: Node) throws(DocumentError) -> TopicalFacts {
        let t = try n.object(allowed: ["product", "lot", "approvedForIntradermal"])
        return TopicalFacts(
            product: try t.optional("product")?.string(maxLength: SessionInputRules.topicalProductMaxLength),
            lot: try t.optional("lot")?.string(maxLength: SessionInputRules.topicalLotMaxLength),
            approvedForIntradermal: try t.required("approvedForIntradermal").bool())
    }

    static func readSterility(_ n: Node) throws(DocumentError) -> SterilityFacts {
        let o = try n.object(allowed: ["singleUsePart", "pack"])
        let part = try o.optional("singleUsePart").map { (p: Node) throws(DocumentError) in
            let po = try p.object(allowed: ["lot", "expiry", "serial", "previouslyUsed", "lotRecalled", "lotQuarantined"])
            return SingleUsePart(
                lot: try po.required("lot").nonEmptyString(), expiry: try po.required("expiry").date(),
                serial: try po.optional("serial")?.nonEmptyString(),
                previouslyUsed: try po.required("previouslyUsed").bool(),
                lotRecalled: try po.required("lotRecalled").bool(),
                lotQuarantined: try po.optional("lotQuarantined")?.bool() ?? false)
        }
        let pack = try o.optional("pack").map { (p: Node) throws(DocumentError) in
            let po = try p.object(allowed: ["cycleStatus", "chemicalIndicator", "biologicalIndicator", "expiresOn", "wrapCompromised"])
            return SterilizationPackFacts(
                cycleStatus: try po.required("cycleStatus").member(of: CycleStatus.self, named: "cycle status"),
                chemicalIndicator: try po.required("chemicalIndicator").member(of: IndicatorResult.self, named: "indicator result"),
                biologicalIndicator: try po.required("biologicalIndicator").member(of: BiologicalIndicatorResult.self, named: "indicator result"),
                expiresOn: try po.optional("expiresOn")?.date(),
                wrapCompromised: try po.required("wrapCompromised").bool())
        }
        return SterilityFacts(singleUsePart: part, pack: pack)
    }
}
