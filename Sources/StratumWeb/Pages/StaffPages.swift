import Foundation
import StratumCore
import StratumStore
import Vapor

/// The owner's staff page: who works in which clinic with which role, when each last signed in, invitations by
/// mail, role changes, removal, deactivation, lifting a sign-in lock, and requiring two-factor sign-in. Every act
/// goes through `StaffStore`, the door the API uses too; auditors read the page and change nothing.
struct StaffPages {
    let state: ServerState
    /// The base of mailed links (`STRATUM_PUBLIC_URL`).
    let linkBase: String

    func register(_ routes: any RoutesBuilder) {
        routes.get("staff", use: show)
        routes.post("staff", "invitations", use: invite)
        routes.post("staff", "invitations", ":invitationId", "revoke", use: revokeInvitation)
        routes.post("staff", ":userId", "role", use: setRole)
        routes.post("staff", ":userId", "remove", use: remove)
        routes.post("staff", ":userId", "deactivate", use: deactivate)
        routes.post("staff", ":userId", "unlock", use: unlock)
        routes.post("staff", ":userId", "reset-two-factor", use: resetTwoFactor)
        routes.post("staff", "two-factor", use: requireTwoFactor)
    }

    struct Choice: Encodable {
        let value: String
        let label: String
        let selected: Bool
    }

    struct Content: Encodable {
        struct Place: Encodable {
            let clinicId: String
            let clinicName: String
            let role: String
            let roles: [Choice]
        }
        struct Member: Encodable {
            let id: String
            let name: String
            let email: String
            let places: [Place]
            let lastSignIn: String
            let deactivated: Bool
            let twoFactor: Bool
            let locked: Bool
            let failures: Int
            let isMe: Bool
        }
        struct Invitation: Encodable {
            let id: String
            let email: String
            let grants: String
            let expires: String
        }
        struct ClinicRole: Encodable {
            let id: String
            let name: String
            let choices: [Choice]
        }
        let members: [Member]
        let invitations: [Invitation]
        let clinics: [ClinicRole]
        let canEdit: Bool
        let twoFactorRequired: Bool
        let state: TraceFormState
    }

    static let roleLabels: [(Role, String)] = [
        (.owner, "Owner"), (.practitioner, "Practitioner"), (.assistant, "Assistant"), (.frontDesk, "Front desk"), (.auditor, "Auditor")
    ]

    func show(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.read, .staff, state: state)
        return try await render(req, p, form: .none, status: .ok)
    }

    func invite(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.create, .staff, state: state)
        let f = try FormFields(req)
        let clinics = try await state.scope(p.organizationID).clinics()
        var form = TraceFormState(form: "invite", f, fields: ["email"] + clinics.map { "role-" + PageValues.id($0.id) })
        var grants: [StaffGrant] = []
        for c in clinics {
            let field = "role-" + PageValues.id(c.id)
            guard let text = f[field], text != "none" else { continue }
            guard let role = Role(rawValue: text) else {
                form.errors.add(field, "Choose a role from the list.")
                continue
            }
            grants.append(StaffGrant(clinicID: c.id, role: role))
        }
        if !form.errors.isEmpty { return try await render(req, p, form: form, status: .badRequest) }
        let inviter = try req.user().displayName
        let organization = try await state.directory.organizations().first { $0.id == p.organizationID }?.name ?? "your clinic"
        let base = linkBase
        let email = (f["email"] ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        return try await submit(req, p, form, fieldNames: ["grants": clinics.first.map { "role-" + PageValues.id($0.id) } ?? "email"]) { scope in
            _ = try await scope.staff.invite(
                email: f["email"] ?? "", grants: grants,
                mail: { StaffMail.invitation(token: $0, base: base, organization: organization, inviter: inviter, email: email) },
                req.access(p))
            return req.done("/staff", .invitationSent)
        }
    }

    func revokeInvitation(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.delete, .staff, state: state)
        let id = try req.recordID("invitationId", or: Self.notFound)
        return try await submit(req, p, .none) { scope in
            try await scope.staff.revokeInvitation(id: id, req.access(p))
            return req.done("/staff", .staffSaved)
        }
    }

    func setRole(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.update, .staff, state: state)
        let user = try req.recordID("userId", or: Self.notFound)
        let f = try FormFields(req)
        guard let clinic = f["clinicId"].flatMap(UUID.init(uuidString:)), let role = f["role"].flatMap(Role.init(rawValue:)) else {
            var form = TraceFormState()
            form.errors.add("form", "Choose a clinic and a role from the lists.")
            return try await render(req, p, form: form, status: .badRequest)
        }
        return try await submit(req, p, .none) { scope in
            try await scope.staff.setRole(userID: user, clinicID: clinic, role: role, req.access(p))
            return req.done("/staff", .staffSaved)
        }
    }

    func remove(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.delete, .staff, state: state)
        let user = try req.recordID("userId", or: Self.notFound)
        let f = try FormFields(req)
        guard let clinic = f["clinicId"].flatMap(UUID.init(uuidString:)) else { throw Self.notFound }
        return try await submit(req, p, .none) { scope in
            try await scope.staff.removeMembership(userID: user, clinicID: clinic, req.access(p))
            return req.done("/staff", .staffSaved)
        }
    }

    func deactivate(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.delete, .staff, state: state)
        let user = try req.recordID("userId", or: Self.notFound)
        return try await submit(req, p, .none) { scope in
            try await scope.staff.deactivate(userID: user, req.access(p))
            return req.done("/staff", .staffSaved)
        }
    }

    func unlock(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.update, .staff, state: state)
        let user = try req.recordID("userId", or: Self.notFound)
        return try await submit(req, p, .none) { scope in
            try await scope.staff.liftLock(userID: user, req.access(p))
            return req.done("/staff", .staffSaved)
        }
    }

    func resetTwoFactor(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.update, .staff, state: state)
        let user = try req.recordID("userId", or: Self.notFound)
        return try await submit(req, p, .none) { scope in
            try await scope.staff.resetTwoFactor(userID: user, req.access(p))
            return req.done("/staff", .staffSaved)
        }
    }

    func requireTwoFactor(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.update, .staff, state: state)
        let f = try FormFields(req)
        let required = f["required"] == "on"
        return try await submit(req, p, .none) { scope in
            try await scope.staff.requireTwoFactor(required, req.access(p))
            return req.done("/staff", .staffSaved)
        }
    }

    static let notFound = PageError(.notFound, "No such colleague", "The colleague or invitation is not in your organization.")

    /// Runs a staff act; the store's refusals are shown on the page (a field, the last owner), nothing saved.
    private func submit(
        _ req: Request, _ p: Principal, _ form: TraceFormState, fieldNames: [String: String] = [:],
        _ act: (OrganizationScope) async throws -> Response
    ) async throws -> Response {
        var form = form
        do {
            return try await act(state.scope(p.organizationID))
        } catch let e as StoreError {
            if case .state(let conflict) = e {
                form.errors.add("form", PageValues.sentence(conflict.description))
                return try await render(req, p, form: form, status: .conflict)
            }
            if case .notFound = e { throw Self.notFound }
            guard form.add(e, fieldNames: fieldNames) else { throw e }
            return try await render(req, p, form: form, status: .unprocessableEntity)
        }
    }

    private func render(_ req: Request, _ p: Principal, form: TraceFormState, status: HTTPResponseStatus) async throws -> Response {
        let scope = state.scope(p.organizationID)
        let ctx = req.access(p)
        let members = try await scope.staff.members(ctx)
        let invitations = try await scope.staff.invitations(ctx)
        let clinics = try await scope.clinics()
        let names = Dictionary(uniqueKeysWithValues: clinics.map { ($0.id, $0.name) })
        let roleChoices: (Role?) -> [Choice] = { current in
            Self.roleLabels.map { Choice(value: $0.0.rawValue, label: $0.1, selected: $0.0 == current) }
        }
        let content = Content(
            members: members.map { m in
                Content.Member(
                    id: PageValues.id(m.id), name: m.displayName, email: m.email,
                    places: m.places.map {
                        Content.Place(
                            clinicId: PageValues.id($0.clinicID), clinicName: $0.clinicName, role: $0.role.rawValue, roles: roleChoices($0.role))
                    },
                    lastSignIn: m.lastSignInAt.map(PageValues.time) ?? "never", deactivated: m.deactivated, twoFactor: m.twoFactor,
                    locked: m.recentFailures >= CredentialStore.LoginThrottle().perAccountAndAddress, failures: m.recentFailures,
                    isMe: m.id == p.userID)
            },
            invitations: invitations.map { i in
                Content.Invitation(
                    id: PageValues.id(i.id), email: i.email,
                    grants: i.grants.map { "\(names[$0.clinicID] ?? "?") (\($0.role.rawValue))" }.joined(separator: ", "),
                    expires: PageValues.time(i.expiresAt))
            },
            clinics: clinics.map { c in
                let field = "role-" + PageValues.id(c.id)
                let chosen = form.values[field]
                return Content.ClinicRole(
                    id: PageValues.id(c.id), name: c.name,
                    choices: [Choice(value: "none", label: "No access", selected: chosen == nil || chosen == "none")]
                        + Self.roleLabels.map { Choice(value: $0.0.rawValue, label: $0.1, selected: chosen == $0.0.rawValue) })
            },
            canEdit: Permissions.allows(p.role, .update, .staff), twoFactorRequired: try await scope.staff.twoFactorRequired(), state: form)
        return try await req.render("staff", title: "Staff", section: "staff", content, status: status)
    }
}
