import Foundation
import LeafKit
import StratumCore
import StratumStore
import Vapor

extension Request {
    /// The record id in the path; a malformed one answers like a missing record (`missing`), never a fault.
    func recordID(_ name: String, or missing: PageError) throws -> UUID {
        guard let id = parameters.get(name).flatMap(UUID.init(uuidString:)) else { throw missing }
        return id
    }

    /// The signed-in user; the session middleware guarantees one on every page route.
    func user() throws -> WebUser {
        guard let u = webUser else { throw PageError(.unauthorized, "Sign in", "Your session has ended.") }
        return u
    }

    /// The caller, allowed to `action` on `resource`; otherwise a 403 page, recorded in the audit trail.
    func authorize(_ action: Action, _ resource: Resource, patientID: UUID? = nil, state: ServerState) async throws -> Principal {
        let u = try user()
        guard Permissions.allows(u.principal.role, action, resource) else {
            try await state.scope(u.principal.organizationID).recordDenied(
                access(u.principal), patientID: patientID,
                action: action.audited, resource: resource.rawValue)
            throw PageError(
                .forbidden, "Not allowed", "Your role (\(u.principal.role.rawValue)) may not \(action.rawValue) \(resource.rawValue) records.")
        }
        // The page after a write shows what the write's audit row already records: its receipt, when valid for this
        // user and page, counts that patient as audited for this request.
        if method == .GET, let seen = query[String.self, at: "seen"] {
            state.scope(u.principal.organizationID).redeem(seen, for: url.path, access(u.principal))
        }
        return u.principal
    }

    func access(_ p: Principal) -> AccessContext {
        AccessContext(
            actorID: p.userID, clinicID: p.clinicID, requestID: RequestContext.current?.requestID ?? "none",
            now: RequestContext.current?.now ?? WallClock.system.now(), ledger: RequestLedger.current)
    }

    /// The request's instant (set from the server's clock by `RequestContextMiddleware`, which every route sits behind).
    var now: Date { RequestContext.current?.now ?? WallClock.system.now() }
}

/// The instant of the request being served, or the server's clock outside one.
func requestNow(_ state: ServerState) -> Date { RequestContext.current?.now ?? state.clock.now() }

extension Request {
    /// Renders `template` inside the layout.
    func render<C: Encodable>(
        _ template: String, title: String, section: String, _ content: C,
        status: HTTPResponseStatus = .ok, flash: String? = nil
    ) async throws -> Response {
        let layout = makeLayout(title: title, section: section, flash: flash ?? query[String.self, at: "done"].flatMap(Flash.text))
        let view = try await self.view.render(template, PageView(layout: layout, page: content))
        var headers = HTTPHeaders()
        headers.contentType = .html
        return Response(status: status, headers: headers, body: .init(buffer: view.data))
    }

    func makeLayout(title: String, section: String, flash: String? = nil) -> Layout {
        guard let u = webUser else {
            return Layout(
                title: title, section: section, userName: nil, role: nil, clinicName: nil, clinics: [], csrf: "",
                flash: flash, nav: [], can: PageGrants(role: nil))
        }
        let role = u.principal.role
        var nav: [NavEntry] = []
        func add(_ href: String, _ label: String, _ key: String, _ allowed: Bool) {
            if allowed { nav.append(NavEntry(href: href, label: label, current: key == section)) }
        }
        add("/today", "Today", "today", Permissions.allows(role, .read, .course) || Permissions.allows(role, .read, .sterility))
        add("/calendar", "Calendar", "calendar", Permissions.allows(role, .read, .appointment))
        add("/patients", "Patients", "patients", Permissions.allows(role, .read, .patient))
        add("/sterility", "Sterilization", "sterility", Permissions.allows(role, .read, .sterility))
        add("/equipment", "Devices and stock", "equipment", Permissions.allows(role, .read, .sterility))
        add("/recalls", "Recalls", "recalls", Permissions.allows(role, .read, .sterility))
        add("/reports/outcomes", "Outcomes", "reports", Permissions.allows(role, .read, .outcomeReport))
        add("/clinic/settings", "Clinic", "clinic", Permissions.allows(role, .update, .clinic))
        add("/staff", "Staff", "staff", Permissions.allows(role, .read, .staff))
        add("/account", "Account", "account", true)
        return Layout(
            title: title, section: section, userName: u.displayName, role: role.rawValue,
            clinicName: u.clinics.first { $0.id == u.principal.clinicID }?.name,
            clinics: u.clinics.map {
                .init(
                    id: $0.id.uuidString.lowercased(), name: "\($0.name) (\($0.role.rawValue))",
                    selected: $0.id == u.principal.clinicID)
            },
            csrf: u.csrfToken, flash: flash, nav: nav, can: PageGrants(role: role))
    }

    /// A redirect after a successful form post (post/redirect/get), with a flash key the next page shows.
    func done(_ path: String, _ flash: Flash) -> Response {
        redirect(to: path + (path.contains("?") ? "&" : "?") + "done=" + flash.rawValue)
    }

    /// A redirect after a write to `patientID`'s record, carrying the write's receipt (`seen`): the page it leads to
    /// shows what the write's own audit row records, so it adds no second row for it.
    func done(_ path: String, _ flash: Flash, wrote patientID: UUID, _ p: Principal, state: ServerState) -> Response {
        let receipt = state.scope(p.organizationID).receipt(patientID: patientID, for: path, access(p))
        return done(path + (path.contains("?") ? "&" : "?") + "seen=" + receipt, flash)
    }
}
