import Foundation
import StratumCore
import StratumStore
import Vapor

/// The clinic's treatment rooms on its settings page: everyone sees them, owners add, rename and retire them
/// through `AppointmentStore` (the same doors as the API). A retired room stays on its appointments and takes no new
/// bookings.
struct ClinicRooms: Encodable {
    struct Row: Encodable {
        let id: String
        let name: String
        let retired: String?
        let value: String
        let error: String?
    }

    let rows: [Row]
    let hasRows: Bool
    let canEdit: Bool
    let newName: String
    let newError: String?

    /// A refused room form, kept on the request while the settings page renders it again.
    struct Refused: StorageKey {
        typealias Value = (form: String, name: String, message: String)
    }

    static func load(_ req: Request, _ p: Principal, state: ServerState) async throws -> ClinicRooms {
        let refused = req.storage[Refused.self]
        let rooms = try await state.scope(p.organizationID).appointments.rooms(clinicID: p.clinicID, includeRetired: true)
        let rows = rooms.sorted { ($0.retiredAt == nil ? 0 : 1, $0.name) < ($1.retiredAt == nil ? 0 : 1, $1.name) }.map { r in
            let mine = refused?.form == PageValues.id(r.id) ? refused : nil
            return Row(
                id: PageValues.id(r.id), name: r.name, retired: r.retiredAt.map(PageValues.time), value: mine?.name ?? r.name, error: mine?.message)
        }
        return ClinicRooms(
            rows: rows, hasRows: !rows.isEmpty, canEdit: Permissions.allows(p.role, .update, .clinic),
            newName: refused?.form == "new" ? refused?.name ?? "" : "", newError: refused?.form == "new" ? refused?.message : nil)
    }
}

extension ClinicSettingsPages {
    func registerRooms(_ routes: any RoutesBuilder) {
        routes.post("clinic", "rooms", use: addRoom)
        routes.post("clinic", "rooms", ":roomId", "rename", use: renameRoom)
        routes.post("clinic", "rooms", ":roomId", "retire", use: retireRoom)
    }

    func addRoom(_ req: Request) async throws -> Response {
        try await roomAct(req, form: "new") { scope, p, f in
            _ = try await scope.appointments.addRoom(clinicID: p.clinicID, name: f["name"] ?? "", req.access(p))
        }
    }

    func renameRoom(_ req: Request) async throws -> Response {
        let id = try req.recordID("roomId", or: PageError(.notFound, "No such room", "The room is not in your clinic."))
        return try await roomAct(req, form: PageValues.id(id)) { scope, p, f in
            _ = try await scope.appointments.renameRoom(roomID: id, name: f["name"] ?? "", req.access(p))
        }
    }

    func retireRoom(_ req: Request) async throws -> Response {
        let id = try req.recordID("roomId", or: PageError(.notFound, "No such room", "The room is not in your clinic."))
        return try await roomAct(req, form: PageValues.id(id)) { scope, p, _ in
            _ = try await scope.appointments.retireRoom(roomID: id, req.access(p))
        }
    }

    private func roomAct(
        _ req: Request, form: String, _ body: (OrganizationScope, Principal, FormFields) async throws -> Void
    ) async throws -> Response {
        let p = try await req.authorize(.update, .clinic, state: state)
        let f = try FormFields(req)
        do {
            try await body(state.scope(p.organizationID), p, f)
        } catch StoreError.invalid(_, let problem) {
            req.storage[ClinicRooms.Refused.self] = (form, f.values["name"]?.first ?? "", PageValues.sentence(problem))
            return try await render(req, p, form: .none, status: .unprocessableEntity)
        } catch StoreError.notFound {
            throw PageError(.notFound, "No such room", "The room is not in your clinic.")
        }
        return req.done("/clinic/settings#rooms", .roomSaved)
    }
}
