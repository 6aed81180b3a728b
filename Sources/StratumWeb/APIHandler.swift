import Foundation
import OpenAPIRuntime
import StratumCore
import StratumStore
import Vapor

/// Implements the generated `APIProtocol`. Handlers stay thin: decode → authorize → load → call core → save → respond.
struct APIHandler: APIProtocol {
    let state: ServerState
    /// The base of mailed links (`STRATUM_PUBLIC_URL`).
    var linkBase = "http://127.0.0.1:8080"

    var context: RequestContext {
        RequestContext.current
            ?? RequestContext(requestID: "none", address: "unknown", principal: nil, clinicHeader: nil, bearer: nil, now: state.clock.now())
    }

    /// The caller, allowed to `action` on `resource`; otherwise 401, or 403 recorded in the audit trail.
    func authorize(_ action: Action, _ resource: Resource, patientID: UUID? = nil) async throws -> Principal {
        guard let principal = context.principal else { throw APIProblem.unauthenticated }
        guard Permissions.allows(principal.role, action, resource) else {
            try await state.scope(principal.organizationID).recordDenied(
                access(principal), patientID: patientID,
                action: action.audited, resource: resource.rawValue)
            throw APIProblem.forbidden(action, resource, principal.role)
        }
        return principal
    }

    func access(_ p: Principal) -> AccessContext {
        AccessContext(actorID: p.userID, clinicID: p.clinicID, requestID: context.requestID, now: context.now, ledger: RequestLedger.current)
    }

    func uuid(_ text: String, _ field: String) throws -> UUID {
        guard let id = UUID(uuidString: text) else { throw APIProblem.badField(field, "\"\(text.prefix(40))\" is not an id") }
        return id
    }
}
