import Foundation
import StratumCore
import StratumStore

/// The session documentation form as typed: per-zone depth, passes and end point, sterility, handpiece, topical,
/// reactions and acknowledgements. Everything is kept as text so a refused form comes back exactly as it was.
struct SessionForm: Encodable {
    struct ZoneRow: Encodable {
        let key: String
        let name: String
        var treated: Bool
        var depth: String
        var passes: String
        var endPoint: String
        var planned: String
        var error: String?
    }

    struct Check: Encodable {
        let value: String
        let label: String
        let checked: Bool
    }

    var date = ""
    var zones: [ZoneRow] = []
    var sterilityKind = "single-use"
    var lot = ""
    var lotExpiry = ""
    var serial = ""
    var cycleStatus = "passed"
    var chemical = "pass"
    var biological = "pass"
    var packExpiry = ""
    var wrapCompromised = false
    var handpieceCleaned = false
    var topicalUsed = false
    var topicalProduct = ""
    var topicalLot = ""
    var topicalApproved = false
    var reactions: [Check] = []
    /// Reasons typed for cautions, keyed "RULE|site:side" ("RULE|" for a finding without a zone).
    var reasons: [String: String] = [:]

    static let reactionLabels: [(ExpectedReaction, String)] = [
        (.erythema, "Erythema (redness)"), (.oedema, "Oedema (swelling)"), (.pinpointBleeding, "Pinpoint bleeding"),
        (.tenderness, "Tenderness"), (.drynessAndFlaking, "Dryness and flaking"),
    ]

    /// A fresh form for the course's next visit: its planned depths, two passes, erythema as the end point.
    static func prefilled(course: Course, recorded: Int, on date: LocalDate) -> SessionForm {
        var form = SessionForm()
        form.date = date.description
        let visit = course.plannedVisits.first { $0.number == recorded + 1 } ?? course.plannedVisits.last
        form.zones = course.zones.map { z in
            let planned = visit?.zones.first { $0.zone == z }.map { PageValues.mm($0.depthMM) } ?? ""
            return ZoneRow(key: PageValues.zoneKey(z), name: PageValues.zoneName(z), treated: true, depth: planned, passes: "2",
                           endPoint: "erythema", planned: planned, error: nil)
        }
        form.handpieceCleaned = false
        form.reactions = reactionLabels.map { Check(value: $0.0.rawValue, label: $0.1, checked: false) }
        return form
    }

    /// Reads the posted form against the course's zones; returns the document when every field is valid.
    static func read(_ f: FormFields, course: Course) -> (SessionForm, FieldErrors, SessionRecordDocument?) {
        var form = SessionForm()
        var errors = FieldErrors()
        form.date = f["date"] ?? ""
        let date = LocalDate(iso: form.date)
        if date == nil { errors.add("date", "Enter the session date (YYYY-MM-DD).") }
        var doses: [ZoneDose] = []
        var endPoints: [Zone: String] = [:]
        for z in course.zones {
            let key = PageValues.zoneKey(z)
            var row = ZoneRow(key: key, name: PageValues.zoneName(z), treated: f["treat-\(key)"] == "yes", depth: f["depth-\(key)"] ?? "",
                              passes: f["passes-\(key)"] ?? "", endPoint: f["endpoint-\(key)"] ?? "", planned: f["planned-\(key)"] ?? "",
                              error: nil)
            if row.treated {
                let depth = PageValues.number(row.depth)
                let passes = Int(row.passes)
                if depth == nil {
                    row.error = "Enter the depth in mm, like 1.0."
                } else if passes == nil || !(1...10).contains(passes!) {
                    row.error = "Enter the number of passes, from 1 to 10."
                } else if row.endPoint.count > 200 {
                    row.error = "The end point is at most 200 characters."
                }
                if let e = row.error { errors.add("depth-\(key)", "\(row.name): \(e)") } else if let depth, let passes {
                    doses.append(ZoneDose(zone: z, depthMM: depth, passes: passes))
                    if !row.endPoint.isEmpty { endPoints[z] = row.endPoint }
                }
            }
            form.zones.append(row)
        }
        if doses.isEmpty && errors.isEmpty { errors.add("zones", "Tick at least one zone as treated.") }

        form.sterilityKind = f["sterilityKind"] ?? ""
        form.lot = f["lot"] ?? ""
        form.lotExpiry = f["lotExpiry"] ?? ""
        form.serial = f["serial"] ?? ""
        form.cycleStatus = f["cycleStatus"] ?? ""
        form.chemical = f["chemical"] ?? ""
        form.biological = f["biological"] ?? ""
        form.packExpiry = f["packExpiry"] ?? ""
        form.wrapCompromised = f["wrapCompromised"] == "yes"
        var sterility = SterilityFacts(singleUsePart: nil, pack: nil)
        switch form.sterilityKind {
        case "single-use":
            if form.lot.isEmpty || form.lot.count > 100 { errors.add("lot", "Enter the lot number printed on the needle cartridge's package.") }
            let expiry = LocalDate(iso: form.lotExpiry)
            if expiry == nil { errors.add("lotExpiry", "Enter the expiry date printed on the package (YYYY-MM-DD).") }
            if form.serial.count > 100 { errors.add("serial", "At most 100 characters.") }
            if let expiry, !form.lot.isEmpty {
                sterility.singleUsePart = SingleUsePart(lot: form.lot, expiry: expiry, serial: form.serial.isEmpty ? nil : form.serial,
                                                        previouslyUsed: false, lotRecalled: false)
            }
        case "pack":
            let cycle = CycleStatus(rawValue: form.cycleStatus)
            let chemical = IndicatorResult(rawValue: form.chemical)
            let biological = BiologicalIndicatorResult(rawValue: form.biological)
            if cycle == nil { errors.add("cycleStatus", "Choose the cycle's result.") }
            if chemical == nil { errors.add("chemical", "Choose the chemical indicator's reading.") }
            if biological == nil { errors.add("biological", "Choose the biological indicator's reading.") }
            var expiry: LocalDate?
            if !form.packExpiry.isEmpty {
                expiry = LocalDate(iso: form.packExpiry)
                if expiry == nil { errors.add("packExpiry", "Enter the pack's shelf-life date (YYYY-MM-DD), or leave it empty for event-related shelf life.") }
            }
            if let cycle, let chemical, let biological {
                sterility.pack = SterilizationPackFacts(cycleStatus: cycle, chemicalIndicator: chemical, biologicalIndicator: biological,
                                                        expiresOn: expiry, wrapCompromised: form.wrapCompromised)
            }
        case "none": break  // DEV-NO-STERILE-PART then says why the session cannot be recorded.
        default: errors.add("sterilityKind", "Choose a single-use part or a sterilization pack.")
        }

        form.handpieceCleaned = f["handpieceCleaned"] == "yes"
        let handpiece: HandpieceFacts? = course.device.kind == .pen ? HandpieceFacts(cleanedSinceLastUse: form.handpieceCleaned) : nil
        form.topicalUsed = f["topicalUsed"] == "yes"
        form.topicalProduct = f["topicalProduct"] ?? ""
        form.topicalLot = f["topicalLot"] ?? ""
        form.topicalApproved = f["topicalApproved"] == "yes"
        if form.topicalProduct.count > 200 { errors.add("topicalProduct", "At most 200 characters.") }
        if form.topicalLot.count > 100 { errors.add("topicalLot", "At most 100 characters.") }
        let topical = form.topicalUsed
            ? TopicalFacts(product: form.topicalProduct.isEmpty ? nil : form.topicalProduct, lot: form.topicalLot.isEmpty ? nil : form.topicalLot,
                           approvedForIntradermal: form.topicalApproved)
            : nil

        let ticked = Set(f.all("reaction"))
        form.reactions = reactionLabels.map { Check(value: $0.0.rawValue, label: $0.1, checked: ticked.contains($0.0.rawValue)) }
        let reactions = reactionLabels.map(\.0).filter { ticked.contains($0.rawValue) }

        var acks: [Acknowledgement] = []
        for (name, values) in f.values where name.hasPrefix("ack|") {
            let key = String(name.dropFirst(4))
            let reason = (values.first ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            form.reasons[key] = reason
            let parts = key.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let rule = RuleID(rawValue: String(parts[0])), !reason.isEmpty else { continue }
            if reason.count > 2000 { errors.add(name, "A reason is at most 2,000 characters."); continue }
            acks.append(Acknowledgement(rule: rule, zone: parts[1].isEmpty ? nil : PageValues.zone(key: String(parts[1])), reason: reason))
        }
        guard errors.isEmpty, let date else { return (form, errors, nil) }
        return (form, errors, SessionRecordDocument(date: date, zones: doses, endPoints: endPoints, sterility: sterility,
                                                    handpiece: handpiece, topical: topical, reactions: reactions, acknowledgements: acks))
    }
}

/// A finding as the session form shows it, with the acknowledgement field a caution needs.
struct CheckedFinding: Codable, Sendable {
    let rule: String
    let severity: String
    let message: String
    let zone: String?
    let evidence: String
    /// The form field of the acknowledgement ("ack|RULE|site:side"); set for cautions only.
    let ackField: String?
    let reason: String

    static func list(_ findings: [Finding], reasons: [String: String]) -> [CheckedFinding] {
        findings.ordered().map { f in
            let key = "\(f.rule.rawValue)|\(f.zone.map(PageValues.zoneKey) ?? "")"
            return CheckedFinding(rule: f.rule.rawValue, severity: f.severity.rawValue, message: f.message, zone: f.zone.map(PageValues.zoneName),
                                  evidence: "\(f.evidence) · \(f.source)", ackField: f.severity == .caution ? "ack|\(key)" : nil,
                                  reason: reasons[key] ?? "")
        }
    }
}
