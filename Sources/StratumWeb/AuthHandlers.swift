import Foundation
import OpenAPIRuntime
import StratumStore
import Vapor

extension APIHandler {
    /// Failed sign-ins allowed per account and per address in the window before further attempts are refused.
    static let maxFailuresPerAccount = 5
    static let maxFailuresPerAddress = 20
    static let throttleWindow: TimeInterval = 15 * 60
    static let tokenLifetime: TimeInterval = 30 * 24 * 3600

    func createToken(_ input: Operations.CreateToken.Input) async throws -> Operations.CreateToken.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        let now = Date()
        let credentials = CredentialStore(database: state.database)
        let failures = try await credentials.recentFailures(email: body.email, address: context.address,
                                                             since: now.addingTimeInterval(-Self.throttleWindow))
        if failures.perAccount >= Self.maxFailuresPerAccount || failures.perAddress >= Self.maxFailuresPerAddress {
            throw APIProblem(.tooManyRequests, "Too many failed sign-ins", detail: "Wait 15 minutes and try again.")
        }
        let known = try await state.directory.credentials(email: body.email)
        // An unknown email is verified against a dummy hash, so timing does not reveal which emails exist.
        let verified = (try? Bcrypt.verify(body.password, created: known?.passwordHash ?? Self.dummyHash)) == true
        guard let (user, _) = known, verified else {
            try await credentials.recordLoginAttempt(email: body.email, address: context.address, succeeded: false, at: now)
            throw APIProblem(.unauthorized, "Sign-in failed", detail: "The email or password is wrong.")
        }
        try await credentials.recordLoginAttempt(email: body.email, address: context.address, succeeded: true, at: now)
        let memberships = try await state.directory.memberships(userID: user.id)
        guard let organizationID = memberships.first?.organizationID else {
            throw APIProblem(.forbidden, "No clinic membership", detail: "This account is not a member of any clinic.")
        }
        let expires = now.addingTimeInterval(Self.tokenLifetime)
        let issued = try await credentials.issue(userID: user.id, organizationID: organizationID,
                                                 name: body.name ?? "API token", expiresAt: expires)
        return .created(.init(body: .json(.init(
            token: issued.token, expiresAt: expires,
            user: .init(id: user.id.uuidString.lowercased(), email: user.email, displayName: user.displayName),
            memberships: memberships.filter { $0.organizationID == organizationID }.map {
                .init(organizationId: $0.organizationID.uuidString.lowercased(), clinicId: $0.clinicID.uuidString.lowercased(),
                      role: Components.Schemas.Membership.RolePayload(rawValue: $0.role.rawValue) ?? .auditor)
            }))))
    }

    /// A bcrypt hash of a random string, for constant-time refusals of unknown emails.
    static let dummyHash = (try? Bcrypt.hash(UUID().uuidString, cost: 12)) ?? ""
}
