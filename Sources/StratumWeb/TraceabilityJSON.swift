import Foundation
import StratumCore
import StratumStore

/// The JSON shapes of the traceability registry in API answers (docs/api.md).
enum TraceabilityJSON {
    static func s(_ v: String) -> JSONValue { .string(v) }
    static func s(_ v: String?) -> JSONValue { v.map { .string($0) } ?? .null }
    static func n(_ v: Double) -> JSONValue { .number(v) }
    static func n(_ v: Int) -> JSONValue { .number(Double(v)) }
    static func date(_ d: LocalDate?) -> JSONValue { d.map { .string($0.description) } ?? .null }

    static func model(_ m: DeviceModelRecord) -> JSONValue {
        let r = m.spec.length.range
        var adjustable = false
        if case .adjustable = m.spec.length { adjustable = true }
        return .object([("id", RecordJSON.id(m.id)), ("name", s(m.name)), ("kind", s(m.spec.kind.rawValue)), ("adjustable", .bool(adjustable)),
                        ("minMM", n(r.lower)), ("maxMM", n(r.upper)), ("needleCount", n(m.needleCount)),
                        ("needleMaterial", s(m.spec.needleMaterial.rawValue)), ("singleUseHead", .bool(m.singleUseHead)),
                        ("part", s(m.part.rawValue)), ("fits", .array(m.fits.map { RecordJSON.id($0) }))])
    }

    static func handpiece(_ h: Handpiece) -> JSONValue {
        .object([("id", RecordJSON.id(h.id)), ("clinicId", RecordJSON.id(h.clinicID)), ("modelId", RecordJSON.id(h.modelID)),
                 ("serial", s(h.serial)), ("inService", .bool(h.inService)), ("lastCleanedAt", RecordJSON.time(h.lastCleanedAt)),
                 ("lastUsedAt", RecordJSON.time(h.lastUsedAt)), ("cleanedSinceLastUse", .bool(h.cleanedSinceLastUse))])
    }

    /// A lot; with `today` (the clinic's), `expiryStatus` and the `nearingExpiry` flag (within 30 days).
    static func lot(_ l: DeviceLot, today: LocalDate? = nil) -> JSONValue {
        var fields: [(String, JSONValue)] = [("id", RecordJSON.id(l.id)), ("clinicId", RecordJSON.id(l.clinicID)), ("modelId", RecordJSON.id(l.modelID)),
                 ("product", s(l.product)), ("gtin", s(l.gtin)), ("lot", s(l.lot)), ("expiry", date(l.expiry)),
                 ("quantity", n(l.quantity)), ("used", n(l.used)), ("status", s(l.status.rawValue)), ("receivedAt", RecordJSON.time(l.receivedAt))]
        if let today {
            let status = LotExpiry.on(today, expiry: l.expiry)
            fields += [("expiryStatus", s(status.rawValue)), ("nearingExpiry", .bool(status == .nearing))]
        }
        return .object(fields)
    }

    static func sterilizer(_ t: Sterilizer) -> JSONValue {
        .object([("id", RecordJSON.id(t.id)), ("clinicId", RecordJSON.id(t.clinicID)), ("name", s(t.name)), ("serial", s(t.serial))])
    }

    static func cycle(_ c: SterilizationCycle) -> JSONValue {
        .object([("id", RecordJSON.id(c.id)), ("sterilizerId", RecordJSON.id(c.sterilizerID)), ("number", n(c.number)), ("date", date(c.date)),
                 ("type", s(c.type)), ("temperatureC", n(c.temperatureC)), ("minutes", n(c.minutes)), ("pressureKPa", n(c.pressureKPa)),
                 ("operatorId", RecordJSON.id(c.operatorID)), ("physical", s(c.physical.rawValue)), ("chemical", s(c.chemical.rawValue)),
                 ("biological", s(c.biological.rawValue)), ("biologicalReadAt", RecordJSON.time(c.biologicalReadAt))])
    }

    static func pack(_ k: SterilizationPack) -> JSONValue {
        .object([("id", RecordJSON.id(k.id)), ("clinicId", RecordJSON.id(k.clinicID)), ("code", s(k.code)), ("contents", s(k.contents)),
                 ("items", .array(k.items.map { i in .object([("modelId", RecordJSON.id(i.modelID)), ("name", s(i.name)), ("count", n(i.count))]) })),
                 ("state", s(k.state.rawValue)), ("cycleId", RecordJSON.id(k.cycleID)), ("expiresOn", date(k.expiresOn)),
                 ("wrapCompromised", .bool(k.wrapCompromised)), ("assembledAt", RecordJSON.time(k.assembledAt)),
                 ("updatedAt", RecordJSON.time(k.updatedAt))])
    }

    static func exposure(_ e: Exposure) -> JSONValue {
        .object([("sessionId", RecordJSON.id(e.sessionID)), ("date", date(e.date)), ("patientId", RecordJSON.id(e.patientID)),
                 ("patientName", s(e.patientName)), ("phone", s(e.phone)), ("email", s(e.email)), ("clinicId", RecordJSON.id(e.clinicID)),
                 ("via", s(e.via))])
    }

    static func reach(_ cycleID: UUID, _ r: RecallReach) -> JSONValue {
        .object([("cycleId", RecordJSON.id(cycleID)), ("cycles", .array(r.cycles.map { n($0) })), ("sessions", n(r.sessions)),
                 ("patients", n(r.patients)), ("packs", n(r.packs))])
    }

    static func summary(_ r: RecallSummary) -> JSONValue {
        .object([("id", RecordJSON.id(r.id)), ("source", s(r.source.rawValue)), ("reason", s(r.reason)), ("open", .bool(r.isOpen)),
                 ("closedInError", .bool(r.closedInError)),
                 ("openedAt", RecordJSON.time(r.openedAt)), ("patients", n(r.patients)), ("toContact", n(r.toContact)),
                 ("followUpDone", n(r.followUpDone))])
    }

    static func recall(_ r: Recall, _ exposures: [Exposure]) -> JSONValue {
        .object([("id", RecordJSON.id(r.id)), ("source", s(r.source.rawValue)), ("cycleId", RecordJSON.id(r.cycleID)),
                 ("lotId", RecordJSON.id(r.lotID)), ("reason", s(r.reason)), ("open", .bool(r.isOpen)), ("openedAt", RecordJSON.time(r.openedAt)),
                 ("closedAt", RecordJSON.time(r.closedAt)), ("closedBy", RecordJSON.id(r.closedBy)),
                 ("closedInError", r.closedInErrorReason.map { .object([("reason", s($0))]) } ?? .null),
                 ("patients", .array(r.patients.map { p in
                     .object([("patientId", RecordJSON.id(p.patientID)), ("name", s(p.name)), ("phone", s(p.phone)), ("email", s(p.email)),
                              ("status", s(p.status.rawValue)), ("note", s(p.note)), ("updatedAt", RecordJSON.time(p.updatedAt))])
                 })),
                 ("exposures", .array(exposures.map(exposure)))])
    }

    static func alert(_ a: ClusterAlert) -> JSONValue {
        .object([("source", s(a.source.rawValue)), ("identifier", s(a.identifier)), ("label", s(a.label)),
                 ("onsets", .array(a.onsets.map { date($0) })), ("finding", ResultWriter.finding(a.finding))])
    }

    static func equipment(_ e: EquipmentReference?) -> JSONValue {
        guard let e else { return .null }
        return .object([
            ("part", e.part.map { p in .object([("gtin", s(p.gtin)), ("lot", s(p.lot)), ("serial", s(p.serial))]) } ?? .null),
            ("pack", s(e.packCode)), ("handpiece", s(e.handpieceSerial)),
        ])
    }

    /// The recall as a spreadsheet for the phone list: one row per exposed session (cells as `CSVWriter` writes them).
    static func csv(_ r: Recall, _ exposures: [Exposure]) -> String {
        let status = Dictionary(r.patients.map { ($0.patientID, $0) }, uniquingKeysWith: { a, _ in a })
        var lines = ["session_date,patient,phone,email,via,status,note"]
        for e in exposures {
            let p = status[e.patientID]
            lines.append(CSVWriter.row([e.date.description, e.patientName, e.phone ?? "", e.email ?? "", e.via, p?.status.rawValue ?? "", p?.note ?? ""]))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}
