import Foundation
import StratumCore
import StratumStore
import Vapor

/// The clinic's settings page: everyone sees the clinic's details, time zone, today's date in it, its consent texts
/// and how its policy differs from the shipped one; owners change them through the store's doors
/// (`ClinicSettingsStore`, the same the API uses); owners and auditors see who changed what, before and after; owners
/// see the organization's outgoing mail (waiting, delivered or given up).
struct ClinicSettingsPages {
    let state: ServerState
    let today: @Sendable () -> LocalDate
    /// The relay's host and port, or nil when mail waits in the outbox.
    let mailRelay: String?

    static let detailFields = ["name", "address", "phone", "email", "timezone", "packShelfLifeDays"]

    func register(_ routes: any RoutesBuilder) {
        routes.get("clinic", "settings", use: show)
        routes.post("clinic", "settings", use: update)
        routes.post("clinic", "settings", "consent-texts", use: addConsentText)
        registerRooms(routes)
    }

    struct ZoneChoice: Encodable {
        let value: String
        let selected: Bool
    }

    struct TextView: Encodable {
        let kind: String
        let version: String
        let paragraphs: [String]
        let added: String
        let current: Bool
    }

    struct ChangeView: Encodable {
        let at: String
        let by: String
        let field: String
        let before: String
        let after: String
    }

    struct Content: Encodable {
        let name: String
        let address: String
        let phone: String
        let email: String
        let timezone: String
        let shelfLife: String
        let today: String
        let canEdit: Bool
        let zones: [ZoneChoice]
        let values: [String: String]
        let state: TraceFormState
        let texts: [TextView]
        let hasTexts: Bool
        let policy: PolicyNote
        let changes: [ChangeView]?
        let mail: Mail?
        /// Treatment rooms (ClinicRoomForms.swift).
        let rooms: ClinicRooms
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

    /// The details form: a member the form did not post keeps its value; an empty address, phone or email clears it;
    /// an empty shelf life is event-related. The store judges every value and names the field it refuses.
    func update(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.update, .clinic, state: state)
        let f = try FormFields(req)
        var form = TraceFormState(form: "clinic", f, fields: Self.detailFields)
        var draft = ClinicDetailsDraft(name: f["name"], address: f["address"], phone: f["phone"], email: f["email"], timezone: f["timezone"])
        if let text = f["packShelfLifeDays"]?.trimmingCharacters(in: .whitespaces) {
            if text.isEmpty {
                draft.packShelfLife = .eventRelated
            } else if let days = Int(text) {
                draft.packShelfLife = .days(days)
            } else {
                form.errors.add("packShelfLifeDays", "Enter a whole number of days, or leave it empty for event-related shelf life.")
                return try await render(req, p, form: form, status: .unprocessableEntity)
            }
        }
        do {
            _ = try await state.scope(p.organizationID).clinicSettings.update(clinicID: p.clinicID, draft, req.access(p))
        } catch let e as StoreError {
            guard form.add(e) else { throw e }
            return try await render(req, p, form: form, status: .unprocessableEntity)
        }
        return req.done("/clinic/settings", .clinicSaved)
    }

    func addConsentText(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.update, .clinic, state: state)
        let f = try FormFields(req)
        var form = TraceFormState(form: "consent-text", f, fields: ["kind", "version", "text"])
        guard let kind = ConsentTextKind(rawValue: f["kind"] ?? "") else {
            form.errors.add("kind", "Choose treatment or photograph consent.")
            return try await render(req, p, form: form, status: .unprocessableEntity)
        }
        do {
            _ = try await state.scope(p.organizationID).clinicSettings.addConsentText(
                clinicID: p.clinicID, kind: kind, version: f["version"] ?? "", text: f["text"] ?? "", req.access(p))
        } catch let e as StoreError {
            guard form.add(e) else { throw e }
            return try await render(req, p, form: form, status: .unprocessableEntity)
        }
        return req.done("/clinic/settings", .clinicSaved)
    }

    func render(_ req: Request, _ p: Principal, form: TraceFormState, status: HTTPResponseStatus) async throws -> Response {
        let scope = state.scope(p.organizationID)
        guard let clinic = try await scope.clinic(p.clinicID) else {
            throw PageError(.notFound, "No such clinic", "The clinic is not in your organization.")
        }
        let shelf = clinic.packShelfLifeDays.map(String.init) ?? ""
        var values = [
            "name": clinic.name, "address": clinic.address ?? "", "phone": clinic.phone ?? "", "email": clinic.email ?? "",
            "timezone": clinic.timezone, "packShelfLifeDays": shelf
        ]
        if form.form == "clinic" { values.merge(form.values.filter { Self.detailFields.contains($0.key) }) { $1 } }
        let texts = try await scope.clinicSettings.consentTexts(clinicID: p.clinicID)
        var seen = Set<ConsentTextKind>()
        let content = Content(
            name: clinic.name, address: clinic.address ?? "", phone: clinic.phone ?? "", email: clinic.email ?? "",
            timezone: clinic.timezone, shelfLife: clinic.packShelfLifeDays.map { "\($0) days after the cycle" } ?? "event-related",
            today: today().description, canEdit: Permissions.allows(p.role, .update, .clinic),
            zones: ClinicTimeZone.choices.map { ZoneChoice(value: $0, selected: $0 == values["timezone"]) },
            values: values, state: form,
            texts: texts.map { t in
                TextView(
                    kind: t.kind == .photo ? "Photograph" : "Treatment", version: t.version,
                    paragraphs: ConsentTextRules.paragraphs(t.text), added: PageValues.time(t.createdAt),
                    current: seen.insert(t.kind).inserted)
            },
            hasTexts: !texts.isEmpty,
            policy: PolicyNote(try await scope.clinicSettings.policy(clinicID: p.clinicID)),
            changes: try await changes(p), mail: try await mail(p), rooms: try await ClinicRooms.load(req, p, state: state))
        return try await req.render("clinic-settings", title: "Clinic settings · \(clinic.name)", section: "clinic", content, status: status)
    }

    /// The settings history, for those who may read it (owners and auditors), with who made each change.
    private func changes(_ p: Principal) async throws -> [ChangeView]? {
        guard Permissions.allows(p.role, .read, .clinicHistory) else { return nil }
        let changes = try await state.scope(p.organizationID).clinicSettings.changes(clinicID: p.clinicID, limit: 50)
        let names = try await state.directory.displayNames(Array(Set(changes.map(\.actorID))))
        return changes.map {
            ChangeView(
                at: PageValues.time($0.changedAt), by: names[$0.actorID] ?? "a former user", field: $0.field, before: $0.before ?? "—",
                after: $0.after ?? "—")
        }
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

/// The line every plan and session page shows: the policy version in force, what this clinic changed in it, and the
/// version the record itself was judged under (stored with it).
struct PolicyNote: Encodable {
    let version: String
    let shippedVersion: String
    let changed: Bool
    let changes: [String]
    let leftOut: [String]
    let judgedUnder: String?

    init(_ s: ClinicPolicySetting, judgedUnder: String? = nil) {
        self.judgedUnder = judgedUnder
        version = s.effective.version
        shippedVersion = ClinicalPolicy.shippedVersion
        changes = s.changes.map(\.summary)
        changed = !changes.isEmpty
        leftOut = s.leftOut.map(\.description)
    }
}
