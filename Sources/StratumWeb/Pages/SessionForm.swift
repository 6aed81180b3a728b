import Foundation
import StratumCore
import StratumStore

/// The session documentation form as typed: per-zone depth, passes and end point, the part or pack and handpiece
/// as labelled (scanned or chosen from stock), topical,
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
    /// The practitioner who treated, when an assistant documents for them (empty: the signed-in user).
    var practitionerId = ""
    var zones: [ZoneRow] = []
    var sterilityKind = "single-use"
    /// A GS1 label as the scanner typed it, or its bracketed human-readable line.
    var scan = ""
    /// A received lot chosen from stock, as "GTIN|lot".
    var lotChoice = ""
    var serial = ""
    var packCode = ""
    var handpiece = ""
    var topicalUsed = false
    var topicalProduct = ""
    var topicalLot = ""
    var topicalApproved = false
    var reactions: [Check] = []
    /// Reasons typed for cautions, keyed "RULE|site:side" ("RULE|" for a finding without a zone).
    var reasons: [String: String] = [:]

    static let reactionLabels: [(ExpectedReaction, String)] = [
        (.erythema, "Erythema (redness)"), (.oedema, "Oedema (swelling)"), (.pinpointBleeding, "Pinpoint bleeding"),
        (.tenderness, "Tenderness"), (.drynessAndFlaking, "Dryness and flaking")
    ]

    /// A fresh form for the course's next visit: its planned depths, two passes, erythema as the end point.
    static func prefilled(course: Course, recorded: Int, on date: LocalDate) -> SessionForm {
        var form = SessionForm()
        form.date = date.description
        let visit = course.plannedVisits.first { $0.number == recorded + 1 } ?? course.plannedVisits.last
        form.zones = course.zones.map { z in
            let planned = visit?.zones.first { $0.zone == z }.map { PageValues.mm($0.depthMM) } ?? ""
            return ZoneRow(
                key: PageValues.zoneKey(z), name: PageValues.zoneName(z), treated: true, depth: planned, passes: "2",
                endPoint: "erythema", planned: planned, error: nil)
        }
        form.reactions = reactionLabels.map { Check(value: $0.0.rawValue, label: $0.1, checked: false) }
        return form
    }

    /// Reads the posted form against the course's zones; returns the document when every field is valid.
    static func read(_ f: FormFields, course: Course) -> (SessionForm, FieldErrors, SessionRecordDocument?) {
        read(f, zones: course.zones)
    }

    /// The zones the form offered, in the order posted (each row posts its `treat-<site:side>` box): what the page
    /// reads before the store has judged anything, so the recording reads the record only once, in its own door.
    static func postedZones(_ f: FormFields) -> [Zone] {
        var seen: [Zone] = []
        for (name, _) in f.values where name.hasPrefix("treat-") {
            if let z = PageValues.zone(key: String(name.dropFirst(6))), !seen.contains(z) { seen.append(z) }
        }
        return seen.sorted { ($0.site.rawValue, $0.side.rawValue) < ($1.site.rawValue, $1.side.rawValue) }
    }

    /// Reads the posted form for `zones`; returns the document when every field is valid.
    static func read(_ f: FormFields, zones: [Zone]) -> (SessionForm, FieldErrors, SessionRecordDocument?) {
        var form = SessionForm()
        var errors = FieldErrors()
        form.date = f["date"] ?? ""
        let date = LocalDate(iso: form.date)
        if date == nil { errors.add("date", "Enter the session date (YYYY-MM-DD).") }
        var doses: [ZoneDose] = []
        var endPoints: [Zone: String] = [:]
        for z in zones {
            let key = PageValues.zoneKey(z)
            var row = ZoneRow(
                key: key, name: PageValues.zoneName(z), treated: f["treat-\(key)"] == "yes", depth: f["depth-\(key)"] ?? "",
                passes: f["passes-\(key)"] ?? "", endPoint: f["endpoint-\(key)"] ?? "", planned: f["planned-\(key)"] ?? "",
                error: nil)
            if row.treated {
                let depth = PageValues.number(row.depth)
                let passes = Int(row.passes)
                if depth == nil {
                    row.error = "Enter the depth in mm, like 1.0."
                } else if passes == nil {
                    row.error = "Enter the number of passes, from \(SessionInputRules.passes.lowerBound) to \(SessionInputRules.passes.upperBound)."
                }
                if let e = row.error {
                    errors.add("depth-\(key)", "\(row.name): \(e)")
                } else if let depth, let passes {
                    doses.append(ZoneDose(zone: z, depthMM: depth, passes: passes))
                    if !row.endPoint.isEmpty { endPoints[z] = row.endPoint }
                }
            }
            form.zones.append(row)
        }
        if doses.isEmpty && errors.isEmpty { errors.add("zones", "Tick at least one zone as treated.") }

        form.sterilityKind = f["sterilityKind"] ?? ""
        form.scan = f["scan"] ?? ""
        form.lotChoice = f["lotChoice"] ?? ""
        form.serial = (f["serial"] ?? "").trimmingCharacters(in: .whitespaces)
        form.packCode = (f["packCode"] ?? "").trimmingCharacters(in: .whitespaces)
        form.handpiece = f["handpiece"] ?? ""
        form.practitionerId = f["practitionerId"] ?? ""
        let treatingPractitioner = UUID(uuidString: form.practitionerId)
        if !form.practitionerId.isEmpty && treatingPractitioner == nil { errors.add("practitionerId", "Choose the practitioner who treated.") }
        var equipment = EquipmentReference()
        switch form.sterilityKind {
        case "single-use":
            if !form.scan.trimmingCharacters(in: .whitespaces).isEmpty {
                if let problem = SessionInputRules.scanProblem(form.scan) {
                    errors.add("scan", Self.wording(problem))
                } else if let date {
                    // The session's date sets a label's expiry century; without a date only the date is in error.
                    do {
                        let element = try GS1ElementString.parse(form.scan, today: date)
                        let part = try PartReference(scan: element)
                        equipment.part = PartReference(
                            gtin: part.gtin, lot: part.lot, serial: part.serial ?? (form.serial.isEmpty ? nil : form.serial),
                            labelExpiry: part.labelExpiry)
                    } catch {
                        errors.add("scan", "The label could not be read: \(error).")
                    }
                }
            } else if !form.lotChoice.isEmpty {
                let bits = form.lotChoice.split(separator: "|", maxSplits: 1).map(String.init)
                if bits.count == 2 {
                    equipment.part = PartReference(gtin: bits[0], lot: bits[1], serial: form.serial.isEmpty ? nil : form.serial)
                } else {
                    errors.add("lotChoice", "Choose a lot from the clinic's stock.")
                }
            } else {
                errors.add("scan", "Scan the cartridge's label, or choose its lot from stock.")
            }
        case "pack":
            if form.packCode.isEmpty {
                errors.add("packCode", "Scan or type the code on the pack's label, like PK-7F3K9Q2M.")
            } else {
                equipment.packCode = form.packCode
            }
        case "none": break  // DEV-NO-STERILE-PART then says why the session cannot be recorded.
        default: errors.add("sterilityKind", "Choose a single-use part or a sterilization pack.")
        }
        if !form.handpiece.isEmpty { equipment.handpieceSerial = form.handpiece }
        form.topicalUsed = f["topicalUsed"] == "yes"
        form.topicalProduct = f["topicalProduct"] ?? ""
        form.topicalLot = f["topicalLot"] ?? ""
        form.topicalApproved = f["topicalApproved"] == "yes"
        let topical =
            form.topicalUsed
            ? TopicalFacts(
                product: form.topicalProduct.isEmpty ? nil : form.topicalProduct, lot: form.topicalLot.isEmpty ? nil : form.topicalLot,
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
            acks.append(Acknowledgement(rule: rule, zone: parts[1].isEmpty ? nil : PageValues.zone(key: String(parts[1])), reason: reason))
        }
        guard errors.isEmpty, let date else { return (form, errors, nil) }
        var doc = SessionRecordDocument(
            date: date, zones: doses, endPoints: endPoints, equipment: equipment,
            topical: topical, reactions: reactions, acknowledgements: acks)
        doc.practitionerID = treatingPractitioner
        // The limits are the core's (SessionInputRules), the same the API's door and the store apply; only the
        // wording and the field are the form's.
        let problems = SessionInputRules.problems(doc)
        for (field, problem) in problems {
            let (name, label) = Self.formField(field, lotChosen: !form.lotChoice.isEmpty && form.scan.trimmingCharacters(in: .whitespaces).isEmpty)
            errors.add(name, label + Self.wording(problem))
            if let zone = field.zone, let i = form.zones.firstIndex(where: { $0.key == PageValues.zoneKey(zone) }), form.zones[i].error == nil {
                // The row shows its own zone: "Passes: from 1 to 10."
                let member = label.dropFirst(PageValues.zoneName(zone).count + 2)
                form.zones[i].error = member.prefix(1).uppercased() + member.dropFirst() + Self.wording(problem)
            }
        }
        return (form, errors, problems.isEmpty ? doc : nil)
    }
}

extension SessionForm {
    /// The form field and its label for a field the core refuses.
    static func formField(_ field: SessionInputRules.Field, lotChosen: Bool) -> (name: String, label: String) {
        switch field {
        case .depth(_, let z): ("depth-\(PageValues.zoneKey(z))", "\(PageValues.zoneName(z)), depth: ")
        case .passes(_, let z): ("depth-\(PageValues.zoneKey(z))", "\(PageValues.zoneName(z)), passes: ")
        case .endPoint(_, let z): ("depth-\(PageValues.zoneKey(z))", "\(PageValues.zoneName(z)), end point: ")
        case .scan: ("scan", "Label: ")
        case .partLot: (lotChosen ? "lotChoice" : "scan", "Lot: ")
        case .partSerial: ("serial", "Serial (GS1 AI 21): ")
        case .packCode: ("packCode", "Pack code: ")
        case .handpieceSerial: ("handpiece", "Handpiece serial: ")
        case .topicalProduct: ("topicalProduct", "Topical product: ")
        case .topicalLot: ("topicalLot", "Topical lot: ")
        case .reason(_, let rule, let zone): ("ack|\(rule.rawValue)|\(zone.map(PageValues.zoneKey) ?? "")", "Reason: ")
        }
    }

    /// A core refusal in the form's words.
    static func wording(_ problem: InputProblem) -> String {
        switch problem {
        case .missing: "must not be blank."
        case .tooLong(let max): "at most \(max.formatted()) characters."
        case .controlCharacter: PageValues.sentence(problem.description)
        case .outOfRange(let r): "from \(r.lowerBound) to \(r.upperBound)."
        case .notAnEmail: "not an email address."
        case .notAPhoneNumber: "not a phone number."
        case .notADate: "not a date."
        }
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
            return CheckedFinding(
                rule: f.rule.rawValue, severity: f.severity.rawValue, message: f.message, zone: f.zone.map(PageValues.zoneName),
                evidence: "\(f.evidence) · \(f.source)", ackField: f.severity == .caution ? "ack|\(key)" : nil,
                reason: reasons[key] ?? "")
        }
    }
}
