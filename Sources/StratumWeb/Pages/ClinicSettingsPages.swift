import Foundation
import StratumCore
import StratumStore
import Vapor

/// The clinic's settings page: everyone sees the clinic's time zone and today's date in it; owners change the zone
/// through the store's door (`OrganizationScope.setTimeZone`), the same the API uses, and see the organization's
/// outgoing mail (waiting, delivered or given up), which is all there is to see of it when no relay is configured.
struct ClinicSettingsPages {
    let state: ServerState
    let today: @Sendable () -> LocalDate
    /// The relay's host and port, or nil when mail waits in the outbox.
    let mailRelay: String?

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
        let mail: Mail?
    }

    /// The outbox as the owner reads it: never a message's body, which holds one-time links.
    struct Mail: Encodable {
        struct Row: Encodable {
            let created: String
            let kind: String
            let recipient: String
            let subject: String
            let state: String
            let attempts: Int
            let lastError: String
        }
        let relay: String?
        let rows: [Row]
        var hasRows: Bool { !rows.isEmpty }

        enum CodingKeys: String, CodingKey { case relay, rows, hasRows }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(relay, forKey: .relay)
            try c.encode(rows, forKey: .rows)
            try c.encode(hasRows, forKey: .hasRows)
        }
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
            state: form, mail: try await mail(p))
        return try await req.render("clinic-settings", title: "Clinic settings · \(clinic.name)", section: "clinic", content, status: status)
    }

    /// The organization's latest messages, for owners only (they manage staff, whom the messages mostly reach).
    private func mail(_ p: Principal) async throws -> Mail? {
        guard Permissions.allows(p.role, .update, .clinic) else { return nil }
        let messages = try await MailOutbox(database: state.database).list(organizationID: p.organizationID, limit: 50)
        return Mail(
            relay: mailRelay,
            rows: messages.map {
                Mail.Row(
                    created: PageValues.time($0.createdAt), kind: $0.mail.kind, recipient: $0.mail.recipient, subject: $0.mail.subject,
                    state: $0.state.rawValue, attempts: $0.attempts, lastError: $0.lastError ?? "")
            })
    }
}
