import Foundation
import OpenAPIRuntime
import StratumStore

/// The signed-in clinic's settings through the API: everyone in the clinic reads them; owners change the time zone.
extension APIHandler {
    func getClinic(_ input: Operations.GetClinic.Input) async throws -> Operations.GetClinic.Output {
        let p = try await authorize(.read, .clinic)
        guard let clinic = try await state.scope(p.organizationID).clinic(p.clinicID) else { throw APIProblem.notFound("clinic") }
        return .ok(.init(body: .json(.init(clinic))))
    }

    func updateClinic(_ input: Operations.UpdateClinic.Input) async throws -> Operations.UpdateClinic.Output {
        let p = try await authorize(.update, .clinic)
        guard case .json(let body) = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        let scope = state.scope(p.organizationID)
        guard let zone = body.timezone else {
            guard let clinic = try await scope.clinic(p.clinicID) else { throw APIProblem.notFound("clinic") }
            return .ok(.init(body: .json(.init(clinic))))
        }
        return .ok(.init(body: .json(.init(try await scope.setTimeZone(clinicID: p.clinicID, to: zone, access(p))))))
    }
}

extension Components.Schemas.Clinic {
    init(_ c: Clinic) {
        self.init(id: c.id.uuidString.lowercased(), organizationId: c.organizationID.uuidString.lowercased(), name: c.name, timezone: c.timezone)
    }
}
