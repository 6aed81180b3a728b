import Foundation
import StratumCore
import StratumStore
import Vapor

/// The clinic's policy page: the shipped values beside the clinic's, for every site ceiling, indication interval and
/// rule severity. Everyone in the clinic reads it; owners narrow it through the store's door
/// (`ClinicSettingsStore.setPolicy`), which asks the core and refuses any widening; the page shows the core's reason
/// beside each field refused, and nothing is saved then.
struct ClinicPolicyPages {
    let state: ServerState

    func register(_ routes: any RoutesBuilder) {
        routes.get("clinic", "policy", use: show)
        routes.post("clinic", "policy", use: update)
    }

    /// One input of the form: its name (the `clinicPolicy` member it sets), the value shown, its refusal if any.
    struct Cell: Encodable {
        let name: String
        let value: String
        let error: String?
    }

    struct SiteRow: Encodable {
        let site: String
        let shippedCaution: String
        let shippedStop: String
        let caution: Cell
        let stop: Cell
    }

    struct IndicationRow: Encodable {
        let name: String
        let shipped: String
        let shortest: Cell
        let longest: Cell
        let error: String?
    }

    struct SeverityRow: Encodable {
        struct Choice: Encodable {
            let value: String
            let label: String
            let selected: Bool
        }
        let rule: String
        let summary: String
        let shipped: String
        let field: String
        let choices: [Choice]
        let error: String?
    }

    struct Content: Encodable {
        let clinicName: String
        let canEdit: Bool
        let policy: PolicyNote
        let sites: [SiteRow]
        let indications: [IndicationRow]
        let severities: [SeverityRow]
        let screeningDays: Cell
        let shippedScreeningDays: Int
        let errors: [FieldErrors.Item]
        let hasErrors: Bool
    }

    func show(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.read, .clinic, state: state)
        let setting = try await state.scope(p.organizationID).clinicSettings.policy(clinicID: p.clinicID)
        return try await render(req, p, setting, values: Self.values(setting.override), errors: FieldErrors(), status: .ok)
    }

    func update(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.update, .clinic, state: state)
        let scope = state.scope(p.organizationID)
        let current = try await scope.clinicSettings.policy(clinicID: p.clinicID)
        let f = try FormFields(req)
        var values: [String: String] = [:]
        for (k, v) in f.values { values[k] = v.first ?? "" }
        var errors = FieldErrors()
        let override = Self.read(values, keeping: current.override, errors: &errors)
        guard errors.isEmpty else { return try await render(req, p, current, values: values, errors: errors, status: .unprocessableEntity) }
        do {
            _ = try await scope.clinicSettings.setPolicy(clinicID: p.clinicID, override, req.access(p))
        } catch let refusals as OverrideRefusals {
            // The core's reasons, each beside the field it names: the page never says more or less than the core.
            for r in refusals.refusals { errors.add(r.path, PageValues.sentence(r.reason)) }
            return try await render(req, p, current, values: values, errors: errors, status: .unprocessableEntity)
        }
        return req.done("/clinic/policy", .clinicSaved)
    }

    /// The override the form describes. Members the page does not edit (typical ranges, indication depths) are kept
    /// from the stored override, so a page save never drops what the API set.
    static func read(_ v: [String: String], keeping current: ClinicPolicyOverride, errors: inout FieldErrors) -> ClinicPolicyOverride {
        var o = ClinicPolicyOverride(screeningValidDays: nil)
        func number(_ field: String) -> Double? {
            guard let text = v[field]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            guard let n = PageValues.number(text) else {
                errors.add(field, "Enter a depth in mm, like 0.5, or leave it empty for the shipped value.")
                return nil
            }
            return n
        }
        func whole(_ field: String, _ error: String, into problem: String) -> Int? {
            guard let text = v[field]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            guard let n = Int(text) else {
                errors.add(problem, error)
                return nil
            }
            return n
        }
        for id in SiteID.allCases where id != .eyelid {
            var limits = current.sites[id] ?? .init()
            limits.cautionAbove = number("sites.\(id.rawValue).cautionAboveMM")
            limits.stopAbove = number("sites.\(id.rawValue).stopAboveMM")
            if limits != .init() { o.sites[id] = limits }
        }
        for id in IndicationID.allCases {
            var limits = current.indications[id] ?? .init()
            let path = "indications.\(id.rawValue).intervalWeeks"
            let shipped = ClinicalPolicy.standard.indication(id).allowedIntervalWeeks
            let lo = whole(path + ".shortest", "Enter whole weeks, or leave both empty for the shipped interval.", into: path)
            let hi = whole(path + ".longest", "Enter whole weeks, or leave both empty for the shipped interval.", into: path)
            if lo == nil && hi == nil {
                limits.allowedIntervalWeeks = nil
            } else {
                let low = lo ?? shipped.lowerBound, high = hi ?? shipped.upperBound
                if low > high {
                    errors.add(path, "The shortest interval must not be above the longest.")
                } else {
                    limits.allowedIntervalWeeks = low...high
                }
            }
            if limits != .init() { o.indications[id] = limits }
        }
        for rule in RuleCatalogue.all {
            let field = "severities.\(rule.id.rawValue)"
            guard let text = v[field], !text.isEmpty else { continue }
            guard let severity = Severity(rawValue: text) else {
                errors.add(field, "Choose a severity from the list.")
                continue
            }
            if severity != rule.severity { o.severities[rule.id] = severity }
        }
        o.screeningValidDays = whole(
            "screeningValidDays", "Enter whole days, or leave it empty for the shipped \(ClinicalPolicy.standard.screeningValidDays).",
            into: "screeningValidDays")
        return o
    }

    /// The form's values for a stored override.
    static func values(_ o: ClinicPolicyOverride) -> [String: String] {
        var v: [String: String] = [:]
        for (id, l) in o.sites {
            if let c = l.cautionAbove { v["sites.\(id.rawValue).cautionAboveMM"] = PageValues.mm(c) }
            if let s = l.stopAbove { v["sites.\(id.rawValue).stopAboveMM"] = PageValues.mm(s) }
        }
        for (id, l) in o.indications {
            if let w = l.allowedIntervalWeeks {
                v["indications.\(id.rawValue).intervalWeeks.shortest"] = String(w.lowerBound)
                v["indications.\(id.rawValue).intervalWeeks.longest"] = String(w.upperBound)
            }
        }
        for (id, s) in o.severities { v["severities.\(id.rawValue)"] = s.rawValue }
        if let d = o.screeningValidDays { v["screeningValidDays"] = String(d) }
        return v
    }

    private func render(
        _ req: Request, _ p: Principal, _ setting: ClinicPolicySetting, values v: [String: String], errors: FieldErrors,
        status: HTTPResponseStatus
    ) async throws -> Response {
        let shipped = ClinicalPolicy.standard
        func cell(_ name: String) -> Cell { Cell(name: name, value: v[name] ?? "", error: errors.byField[name]) }
        let sites = SiteID.allCases.filter { $0 != .eyelid }.map { id -> SiteRow in
            let s = shipped.site(id)
            return SiteRow(
                site: id.rawValue, shippedCaution: s.cautionAbove.map(PageValues.mm) ?? "", shippedStop: s.stopAbove.map(PageValues.mm) ?? "",
                caution: cell("sites.\(id.rawValue).cautionAboveMM"), stop: cell("sites.\(id.rawValue).stopAboveMM"))
        }
        let indications = IndicationID.allCases.map { id -> IndicationRow in
            let w = shipped.indication(id).allowedIntervalWeeks
            let path = "indications.\(id.rawValue).intervalWeeks"
            return IndicationRow(
                name: PageValues.indicationName(id), shipped: "\(w.lowerBound)–\(w.upperBound)", shortest: cell(path + ".shortest"),
                longest: cell(path + ".longest"), error: errors.byField[path])
        }
        let severities = RuleCatalogue.all.filter { $0.severity != .stop || $0.relaxableTo != nil }.map { rule -> SeverityRow in
            let field = "severities.\(rule.id.rawValue)"
            let chosen = v[field] ?? ""
            let higher = Severity.allCases.filter { $0 > rule.severity || $0 == rule.relaxableTo }
            return SeverityRow(
                rule: rule.id.rawValue, summary: rule.summary, shipped: rule.severity.rawValue, field: field,
                choices: [
                    .init(value: "", label: "as shipped (\(rule.severity.rawValue))", selected: chosen.isEmpty || chosen == rule.severity.rawValue)
                ]
                    + higher.map { .init(value: $0.rawValue, label: $0.rawValue, selected: chosen == $0.rawValue) },
                error: errors.byField[field])
        }
        let clinic = try await state.scope(p.organizationID).clinic(p.clinicID)
        let content = Content(
            clinicName: clinic?.name ?? "", canEdit: Permissions.allows(p.role, .update, .clinic), policy: PolicyNote(setting),
            sites: sites, indications: indications, severities: severities, screeningDays: cell("screeningValidDays"),
            shippedScreeningDays: shipped.screeningValidDays, errors: errors.list, hasErrors: !errors.isEmpty)
        return try await req.render("clinic-policy", title: "Clinic policy · \(clinic?.name ?? "")", section: "clinic", content, status: status)
    }
}
