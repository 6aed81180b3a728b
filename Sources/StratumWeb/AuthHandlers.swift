import Foundation
import OpenAPIRuntime
import StratumStore
import Vapor

extension APIHandler {
    static let tokenLifetime: TimeInterval = 30 * 24 * 3600

    func createToken(_ input: Operations.CreateToken.Input) async throws -> Operations.CreateToken.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        let now = context.now
        let credentials = CredentialStore(database: state.database)
        let user: User
        switch try await SignIn.attempt(email: body.email, password: body.password, address: context.address, state: state, now: now) {
        case .throttled(let retryAfter):
            throw APIProblem(.tooManyRequests, "Too many failed sign-ins", detail: "Wait \(SignIn.wording(retryAfter)) and try again.")
        case .wrongCredentials: throw APIProblem(.unauthorized, "Sign-in failed", detail: "The email or password is wrong.")
        case .signedIn(let u): user = u
        }
        let memberships = try await state.directory.memberships(userID: user.id)
        guard let organizationID = memberships.first?.organizationID else {
            throw APIProblem(.forbidden, "No clinic membership", detail: "This account is not a member of any clinic.")
        }
        // The second factor, as at the pages: a code when enrolled; no token at all while enrolment is required.
        let accounts = AccountStore(database: state.database, auditKey: state.auditKey)
        if try await accounts.hasTwoFactor(userID: user.id) {
            guard let code = body.code, !code.isEmpty else {
                throw APIProblem(
                    .unauthorized, "Code required", detail: "This account signs in with two factors: send the authenticator's code in code.")
            }
            guard try await accounts.verifySecondFactor(userID: user.id, code: code, now: now) else {
                throw APIProblem(
                    .unauthorized, "Sign-in failed", detail: "code: not the current code of the authenticator app, nor an unused recovery code.")
            }
        } else if try await accounts.mustEnrolTwoFactor(userID: user.id) {
            throw APIProblem(
                .forbidden, "Two-factor sign-in required",
                detail: "Your organization requires two-factor sign-in for your role: enrol on the account page (/account) first.")
        }
        try await accounts.recordSignIn(userID: user.id, now: now)
        let expires = now.addingTimeInterval(Self.tokenLifetime)
        let issued = try await credentials.issue(
            userID: user.id, organizationID: organizationID,
            name: body.name ?? "API token", expiresAt: expires)
        return .created(
            .init(
                body: .json(
                    .init(
                        token: issued.token, expiresAt: expires,
                        user: .init(id: user.id.uuidString.lowercased(), email: user.email, displayName: user.displayName),
                        memberships: memberships.filter { $0.organizationID == organizationID }.map {
                            .init(
                                organizationId: $0.organizationID.uuidString.lowercased(), clinicId: $0.clinicID.uuidString.lowercased(),
                                role: Components.Schemas.Membership.RolePayload(rawValue: $0.role.rawValue) ?? .auditor)
                        }))))
    }
}
