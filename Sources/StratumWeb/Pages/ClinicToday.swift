import Foundation
import StratumCore
import Vapor

/// The signed-in clinic's time zone while a page request is served: "today" on every page is the clinic's day, the
/// same day the store judges dates by, not the server's or UTC's.
enum PageClinic {
    @TaskLocal static var timeZone = "UTC"
}

/// Reads the signed-in clinic's time zone once per page request and serves the request within it.
struct ClinicTimeZoneMiddleware: AsyncMiddleware {
    let state: ServerState

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let p = request.webUser?.principal, let clinic = try await state.scope(p.organizationID).clinic(p.clinicID) else {
            return try await next.respond(to: request)
        }
        return try await PageClinic.$timeZone.withValue(clinic.timezone) { try await next.respond(to: request) }
    }
}
