import Foundation
import StratumCore
import StratumStore
import Vapor

/// The clinic's settings page: everyone sees the clinic's time zone and today's date in it; owners change the zone
/// through the store's door (`OrganizationScope.setTimeZone`), the same the API uses.
struct ClinicSettingsPages {
    let state: ServerState
    let today: @Sendable () -> LocalDate

    func register(_ routes: any RoutesBuilder) {
        routes.get("clinic", "settings", use: show)
        routes.post("clinic", "settings", use: update)
    }

    struct ZoneChoice: Encodable {
        let value: String
        let selected: Bool
    }

    struct Content: Encodable {
        let name: String
        let timezone: String
        let today: String
        let canEdit: Bool
        let zones: [ZoneChoice]
        let state: TraceFormState
    }

    func show(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.read, .clinic, state: state)
        return try await render(req, p, form: .none, status: .ok)
    }

    func update(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.update, .clinic, state: state)
        let f = try FormFields(req)
        var form = TraceFormState(form: "clinic", f, fields: ["timezone"])
        do {
            _ = try await state.scope(p.organizationID).setTimeZone(clinicID: p.clinicID, to: f["timezone"] ?? "", req.access(p))
        } catch let e as StoreError {
            guard form.add(e) else { throw e }
            return try await render(req, p, form: form, status: .unprocessableEntity)
        }
        return req.done("/clinic/settings", .clinicSaved)
    }

    private func render(_ req: Request, _ p: Principal, form: TraceFormState, status: HTTPResponseStatus) async throws -> Response {
        guard let clinic = try await state.scope(p.organizationID).clinic(p.clinicID) else {
            throw PageError(.notFound, "No such clinic", "The clinic is not in your organization.")
        }
        let chosen = form.values["timezone"] ?? clinic.timezone
        let content = Content(
            name: clinic.name, timezone: clinic.timezone, today: today().description,
            canEdit: Permissions.allows(p.role, .update, .clinic),
            zones: ClinicTimeZone.choices.map { ZoneChoice(value: $0, selected: $0 == chosen) },
            state: form)
        return try await req.render("clinic-settings", title: "Clinic settings · \(clinic.name)", section: "clinic", content, status: status)
    }
}
