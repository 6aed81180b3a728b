import Foundation
import StratumCore

/// The JSON columns: core values written in the shapes of docs/documents.md (dates `YYYY-MM-DD`, depths in mm,
/// rule IDs and enum raw values as strings) and read back with StratumCore's strict parser. A stored document that
/// does not read back is reported as a conflict naming the column, never as a crash.
enum StoredJSON {
    static func text(_ v: JSONValue) -> String { JSONWriter.write(v, pretty: false) }

    static func parse(_ text: String, _ what: String) throws -> JSONValue {
        do { return try JSONParser.parse(text) } catch { throw unreadable(what, error.description) }
    }

    static func unreadable(_ what: String, _ problem: String) -> StoreError {
        .conflict("stored \(what) cannot be read: \(problem)")
    }

    // MARK: Screening answers

    /// Only answered keys, in questionnaire order: yes/no as booleans, last dates as strings, "never" as null.
    static func answers(_ a: [ScreeningKey: ScreeningAnswer]) -> JSONValue {
        .object(
            ScreeningKey.allCases.compactMap { key in
                switch a[key] {
                case nil: nil
                case .yesNo(let b)?: (key.rawValue, .bool(b))
                case .lastDate(let d)?: (key.rawValue, d.map { .string($0.description) } ?? .null)
                }
            })
    }

    static func answers(from v: JSONValue) throws -> [ScreeningKey: ScreeningAnswer] {
        let w = "screening answers"
        var out: [ScreeningKey: ScreeningAnswer] = [:]
        for (k, value) in try members(v, w) {
            guard let key = ScreeningKey(rawValue: k) else { throw unreadable(w, "unknown key \(k)") }
            switch value {
            case .bool(let b): out[key] = .yesNo(b)
            case .null: out[key] = .lastDate(nil)
            case .string(let s):
                guard let d = LocalDate(iso: s) else { throw unreadable(w, "\(k) is not a date") }
                out[key] = .lastDate(d)
            default: throw unreadable(w, "\(k) has an answer of the wrong kind")
            }
        }
        return out
    }

    // MARK: Findings

    static func findings(_ f: [Finding]) -> JSONValue { .array(f.map(ResultWriter.finding)) }

    static func findings(from v: JSONValue, _ w: String = "findings") throws -> [Finding] {
        try array(v, w).map { item in
            guard let rule = RuleID(rawValue: try string(item["rule"], w)) else { throw unreadable(w, "unknown rule") }
            guard let severity = Severity(rawValue: try string(item["severity"], w)) else { throw unreadable(w, "unknown severity") }
            let zone = try item["zone"].map { try self.zone(from: $0, w) }
            let session = try item["session"].map { Int(try number($0, w)) }
            return Finding(
                rule: rule, severity: severity, message: try string(item["message"], w), zone: zone, session: session,
                evidence: try string(item["evidence"], w), source: try string(item["source"], w))
        }
    }

    // MARK: Zones, devices, indications

    static func zone(from v: JSONValue, _ w: String) throws -> Zone {
        guard let site = SiteID(rawValue: try string(v["site"], w)), let side = Side(rawValue: try string(v["side"], w)) else {
            throw unreadable(w, "unknown site or side")
        }
        return Zone(site: site, side: side)
    }

    static func zones(_ z: [Zone]) -> JSONValue { .array(z.map(ResultWriter.zone)) }
    static func zones(from v: JSONValue, _ w: String) throws -> [Zone] { try array(v, w).map { try zone(from: $0, w) } }

    static func zoneDepths(_ z: [ZoneDepth]) -> JSONValue {
        .array(
            z.map {
                .object([
                    ("site", .string($0.zone.site.rawValue)), ("side", .string($0.zone.side.rawValue)),
                    ("depthMM", .number($0.depthMM))
                ])
            })
    }

    static func zoneDepths(from v: JSONValue, _ w: String) throws -> [ZoneDepth] {
        try array(v, w).map { ZoneDepth(zone: try zone(from: $0, w), depthMM: try number($0["depthMM"], w)) }
    }

    /// The device as the plan and check documents give it.
    static func device(_ d: DeviceSpec) -> JSONValue {
        var m: [(String, JSONValue)] = [("kind", .string(d.kind.rawValue))]
        switch d.length {
        case .adjustable(let r): m += [("minDepthMM", .number(r.lower)), ("maxDepthMM", .number(r.upper))]
        case .fixed(let l): m.append(("fixedLengthMM", .number(l)))
        }
        m.append(("needleMaterial", .string(d.needleMaterial.rawValue)))
        return .object(m)
    }

    static func device(from v: JSONValue) throws -> DeviceSpec {
        let w = "device"
        guard let kind = DeviceKind(rawValue: try string(v["kind"], w)),
            let material = NeedleMaterial(rawValue: try string(v["needleMaterial"], w))
        else {
            throw unreadable(w, "unknown kind or needle material")
        }
        let length: DeviceLength
        if let fixed = v["fixedLengthMM"] {
            length = .fixed(try number(fixed, w))
        } else {
            length = .adjustable(DepthRange(try number(v["minDepthMM"], w), try number(v["maxDepthMM"], w)))
        }
        return DeviceSpec(kind: kind, length: length, needleMaterial: material)
    }

    static func indications(_ i: [IndicationID]) -> JSONValue { .array(i.map { .string($0.rawValue) }) }

    static func indications(from v: JSONValue) throws -> [IndicationID] {
        try array(v, "indications").map {
            guard let id = IndicationID(rawValue: try string($0, "indications")) else { throw unreadable("indications", "unknown indication") }
            return id
        }
    }

    // MARK: Sterility, handpiece, topical, reactions

    /// What touched the skin and the handpiece's reprocessing state, as the check document gives them.
    static func sterility(_ s: SterilityFacts, handpiece: HandpieceFacts?) -> JSONValue {
        var m: [(String, JSONValue)] = []
        if let p = s.singleUsePart {
            var pm: [(String, JSONValue)] = [("lot", .string(p.lot)), ("expiry", .string(p.expiry.description))]
            if let serial = p.serial { pm.append(("serial", .string(serial))) }
            pm += [
                ("previouslyUsed", .bool(p.previouslyUsed)), ("lotRecalled", .bool(p.lotRecalled)),
                ("lotQuarantined", .bool(p.lotQuarantined))
            ]
            m.append(("singleUsePart", .object(pm)))
        }
        if let k = s.pack {
            var km: [(String, JSONValue)] = [
                ("cycleStatus", .string(k.cycleStatus.rawValue)),
                ("chemicalIndicator", .string(k.chemicalIndicator.rawValue)),
                ("biologicalIndicator", .string(k.biologicalIndicator.rawValue))
            ]
            if let e = k.expiresOn { km.append(("expiresOn", .string(e.description))) }
            km.append(("wrapCompromised", .bool(k.wrapCompromised)))
            m.append(("pack", .object(km)))
        }
        if let h = handpiece { m.append(("handpiece", .object([("cleanedSinceLastUse", .bool(h.cleanedSinceLastUse))]))) }
        return .object(m)
    }

    static func sterility(from v: JSONValue) throws -> (SterilityFacts, HandpieceFacts?) {
        let w = "sterility"
        let part = try v["singleUsePart"].map { p in
            SingleUsePart(
                lot: try string(p["lot"], w), expiry: try date(p["expiry"], w), serial: try optionalString(p["serial"], w),
                previouslyUsed: try bool(p["previouslyUsed"], w), lotRecalled: try bool(p["lotRecalled"], w),
                lotQuarantined: try bool(p["lotQuarantined"], w))
        }
        let pack = try v["pack"].map { k in
            guard let cycle = CycleStatus(rawValue: try string(k["cycleStatus"], w)),
                let ci = IndicatorResult(rawValue: try string(k["chemicalIndicator"], w)),
                let bi = BiologicalIndicatorResult(rawValue: try string(k["biologicalIndicator"], w))
            else {
                throw unreadable(w, "unknown cycle or indicator result")
            }
            return SterilizationPackFacts(
                cycleStatus: cycle, chemicalIndicator: ci, biologicalIndicator: bi,
                expiresOn: try k["expiresOn"].map { try date($0, w) },
                wrapCompromised: try bool(k["wrapCompromised"], w))
        }
        let handpiece = try v["handpiece"].map { HandpieceFacts(cleanedSinceLastUse: try bool($0["cleanedSinceLastUse"], w)) }
        return (SterilityFacts(singleUsePart: part, pack: pack), handpiece)
    }

    static func topical(_ t: TopicalFacts) -> JSONValue {
        var m: [(String, JSONValue)] = []
        if let p = t.product { m.append(("product", .string(p))) }
        if let l = t.lot { m.append(("lot", .string(l))) }
        m.append(("approvedForIntradermal", .bool(t.approvedForIntradermal)))
        return .object(m)
    }

    static func topical(from v: JSONValue) throws -> TopicalFacts {
        TopicalFacts(
            product: try optionalString(v["product"], "topical"), lot: try optionalString(v["lot"], "topical"),
            approvedForIntradermal: try bool(v["approvedForIntradermal"], "topical"))
    }

    static func rawValues<E: RawRepresentable>(_ items: [E]) -> JSONValue where E.RawValue == String {
        .array(items.map { .string($0.rawValue) })
    }

    static func rawValues<E: RawRepresentable>(from v: JSONValue, as type: E.Type, _ w: String) throws -> [E] where E.RawValue == String {
        try array(v, w).map {
            guard let e = E(rawValue: try string($0, w)) else { throw unreadable(w, "unknown value") }
            return e
        }
    }

    // MARK: Accessors

    static func members(_ v: JSONValue?, _ w: String) throws -> [(String, JSONValue)] {
        guard case .object(let m)? = v else { throw unreadable(w, "expected an object") }
        return m
    }

    static func array(_ v: JSONValue?, _ w: String) throws -> [JSONValue] {
        guard case .array(let a)? = v else { throw unreadable(w, "expected an array") }
        return a
    }

    static func string(_ v: JSONValue?, _ w: String) throws -> String {
        guard case .string(let s)? = v else { throw unreadable(w, "expected a string") }
        return s
    }

    static func optionalString(_ v: JSONValue?, _ w: String) throws -> String? {
        if v == nil || v == .null { return nil }
        return try string(v, w)
    }

    static func number(_ v: JSONValue?, _ w: String) throws -> Double {
        guard case .number(let n)? = v else { throw unreadable(w, "expected a number") }
        return n
    }

    static func bool(_ v: JSONValue?, _ w: String) throws -> Bool {
        guard case .bool(let b)? = v else { throw unreadable(w, "expected true or false") }
        return b
    }

    static func date(_ v: JSONValue?, _ w: String) throws -> LocalDate {
        guard let d = LocalDate(iso: try string(v, w)) else { throw unreadable(w, "expected a date") }
        return d
    }
}
