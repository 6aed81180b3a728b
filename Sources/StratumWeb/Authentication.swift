import Foundation
import StratumStore
import Vapor

/// Resolves the bearer token, when one is sent, to a principal: user, organization, clinic and role. Routes that
/// need one ask `APIHandler.authorize`, which answers 401 or 403.
struct AuthenticationMiddleware: AsyncMiddleware {
    let state: ServerState

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let ctx = RequestContext.current, let token = ctx.bearer else { return try await next.respond(to: request) }
        let principal = try await resolve(token: token, clinicHeader: ctx.clinicHeader, now: ctx.now)
        let resolved = RequestContext(
            requestID: ctx.requestID, address: ctx.address, principal: principal,
            clinicHeader: ctx.clinicHeader, bearer: token, now: ctx.now)
        return try await RequestContext.$current.withValue(resolved) { try await next.respond(to: request) }
    }

    /// The principal in one database statement (token, user and memberships together), never cached: a revoked
    /// token or a changed role counts from the next request, on every app server.
    func resolve(token: String, clinicHeader: String?, now: Date) async throws -> Principal? {
        guard let found = try await CredentialStore(database: state.database).authenticate(token: token, now: now) else {
            return nil
        }
        let (userID, organizationID) = (found.userID, found.organizationID)
        if let header = clinicHeader {
            guard let clinicID = UUID(uuidString: header) else {
                throw APIProblem.badField("X-Stratum-Clinic", "\"\(header.prefix(40))\" is not a clinic id")
            }
            guard let m = found.memberships.first(where: { $0.clinicID == clinicID }) else {
                throw APIProblem(.forbidden, "Not a member of that clinic")
            }
            return Principal(userID: userID, organizationID: organizationID, clinicID: clinicID, role: m.role)
        }
        guard let m = found.memberships.first else { return nil }
        return Principal(userID: userID, organizationID: organizationID, clinicID: m.clinicID, role: m.role)
    }
}
