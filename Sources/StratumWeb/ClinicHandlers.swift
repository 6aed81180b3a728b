import Foundation
import OpenAPIRuntime
import StratumCore
import StratumStore

/// The signed-in clinic's settings through the API: everyone in the clinic reads them; owners change the details,
/// consent texts and policy override, each through the store's one door (`ClinicSettingsStore`).
extension APIHandler {
    func getClinic(_ input: Operations.GetClinic.Input) async throws -> Operations.GetClinic.Output {
        let p = try await authorize(.read, .clinic)
        guard let clinic = try await state.scope(p.organizationID).clinic(p.clinicID) else { throw APIProblem.notFound("clinic") }
        return .ok(.init(body: .json(.init(clinic))))
    }

    func updateClinic(_ input: Operations.UpdateClinic.Input) async throws -> Operations.UpdateClinic.Output {
        let p = try await authorize(.update, .clinic)
        guard case .json = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        let draft = try ValidatedBody.read(ClinicSettingsReader.draft)
        let clinic = try await state.scope(p.organizationID).clinicSettings.update(clinicID: p.clinicID, draft, access(p))
        return .ok(.init(body: .json(.init(clinic))))
    }

    func getClinicPolicy(_ input: Operations.GetClinicPolicy.Input) async throws -> Operations.GetClinicPolicy.Output {
        let p = try await authorize(.read, .clinic)
        return .ok(.init(body: .json(.init(try await state.scope(p.organizationID).clinicSettings.policy(clinicID: p.clinicID)))))
    }

    func setClinicPolicy(_ input: Operations.SetClinicPolicy.Input) async throws -> Operations.SetClinicPolicy.Output {
        let p = try await authorize(.update, .clinic)
        guard case .json = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        let override = try ValidatedBody.read(RequestReader.clinicPolicyOverride(value:))
        let setting = try await state.scope(p.organizationID).clinicSettings.setPolicy(clinicID: p.clinicID, override, access(p))
        return .ok(.init(body: .json(.init(setting))))
    }

    func listConsentTexts(_ input: Operations.ListConsentTexts.Input) async throws -> Operations.ListConsentTexts.Output {
        let p = try await authorize(.read, .clinic)
        let texts = try await state.scope(p.organizationID).clinicSettings.consentTexts(clinicID: p.clinicID)
        return .ok(.init(body: .json(texts.map(Components.Schemas.ConsentText.init))))
    }

    func addConsentText(_ input: Operations.AddConsentText.Input) async throws -> Operations.AddConsentText.Output {
        let p = try await authorize(.update, .clinic)
        guard case .json(let body) = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        let kind: ConsentTextKind = Wire.closed(body.kind.rawValue)
        let added = try await state.scope(p.organizationID).clinicSettings.addConsentText(
            clinicID: p.clinicID, kind: kind, version: body.version, text: body.text, access(p))
        return .created(.init(body: .json(.init(added))))
    }

    func listClinicChanges(_ input: Operations.ListClinicChanges.Input) async throws -> Operations.ListClinicChanges.Output {
        let p = try await authorize(.read, .clinicHistory)
        let changes = try await state.scope(p.organizationID).clinicSettings.changes(clinicID: p.clinicID, limit: 200)
        return .ok(.init(body: .json(changes.map(Components.Schemas.ClinicSettingChange.init))))
    }
}

/// Reads a settings change as the API sends it, where null and absent differ: an absent member keeps its value, a
/// null shelf life is event-related. The contract has checked the shape; the store judges the values.
enum ClinicSettingsReader {
    static func draft(_ value: JSONValue) throws(DocumentError) -> ClinicDetailsDraft {
        guard case .object(let members) = value else { throw DocumentError(path: "", problem: "expected an object") }
        var d = ClinicDetailsDraft()
        for (key, v) in members {
            switch (key, v) {
            case ("packShelfLifeDays", .null): d.packShelfLife = .eventRelated
            case ("packShelfLifeDays", .number(let n)):
                guard let days = Int(exactly: n) else { throw DocumentError(path: key, problem: "expected whole days") }
                d.packShelfLife = .days(days)
            case ("name", .string(let s)): d.name = s
            case ("address", .string(let s)): d.address = s
            case ("phone", .string(let s)): d.phone = s
            case ("email", .string(let s)): d.email = s
            case ("timezone", .string(let s)): d.timezone = s
            default: throw DocumentError(path: key, problem: "unexpected value")
            }
        }
        return d
    }
}

extension Components.Schemas.Clinic {
    init(_ c: Clinic) {
        self.init(
            id: Wire.id(c.id), organizationId: Wire.id(c.organizationID), name: c.name, timezone: c.timezone,
            address: Wire.text(c.address), phone: Wire.text(c.phone), email: Wire.text(c.email),
            packShelfLifeDays: .init(c.packShelfLifeDays.map(Double.init)))
    }
}

extension Components.Schemas.ClinicPolicy {
    init(_ s: ClinicPolicySetting) {
        self.init(
            shippedVersion: ClinicalPolicy.shippedVersion, version: s.effective.version, updatedAt: Wire.time(s.updatedAt),
            updatedBy: Wire.id(s.updatedBy),
            changes: s.changes.map { .init(path: $0.path, shipped: $0.shipped, clinic: $0.clinic, summary: $0.summary) },
            leftOut: s.leftOut.map { .init(path: $0.path, reason: $0.reason) })
    }
}

extension Components.Schemas.ConsentText {
    init(_ t: ConsentTextVersion) {
        self.init(
            kind: Wire.closed(t.kind.rawValue), number: t.number, version: t.version, text: t.text, createdBy: Wire.id(t.createdBy),
            createdAt: t.createdAt)
    }
}

extension Components.Schemas.ClinicSettingChange {
    init(_ c: StratumStore.ClinicSettingChange) {
        self.init(changedAt: c.changedAt, actorId: Wire.id(c.actorID), field: c.field, before: Wire.text(c.before), after: Wire.text(c.after))
    }
}
