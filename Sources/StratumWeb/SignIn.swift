import Foundation
import StratumStore
import Vapor

/// Password sign-in shared by the API (tokens) and the pages (cookie sessions): throttling per account and per
/// address, constant-time refusal of unknown emails, and a recorded attempt either way.
enum SignIn {
    /// Failed sign-ins allowed per account and per address in the window before further attempts are refused.
    static let maxFailuresPerAccount = 5
    static let maxFailuresPerAddress = 20
    static let throttleWindow: TimeInterval = 15 * 60

    enum Outcome {
        case signedIn(User)
        case wrongCredentials
        case throttled
    }

    static func attempt(email: String, password: String, address: String, state: ServerState, now: Date = Date()) async throws -> Outcome {
        let credentials = CredentialStore(database: state.database)
        let failures = try await credentials.recentFailures(email: email, address: address, since: now.addingTimeInterval(-throttleWindow))
        if failures.perAccount >= maxFailuresPerAccount || failures.perAddress >= maxFailuresPerAddress { return .throttled }
        let known = try await state.directory.credentials(email: email)
        // An unknown email is verified against a dummy hash, so timing does not reveal which emails exist. bcrypt
        // runs on the bounded hashing pool: a burst of sign-ins queues there instead of stalling other requests.
        let stored = known?.passwordHash
        let verified = try await Passwords.onHashingPool { (try? Bcrypt.verify(password, created: stored ?? dummyHash)) == true }
        guard let (user, _) = known, verified else {
            try await credentials.recordLoginAttempt(email: email, address: address, succeeded: false, at: now)
            return .wrongCredentials
        }
        try await credentials.recordLoginAttempt(email: email, address: address, succeeded: true, at: now)
        return .signedIn(user)
    }

    /// A bcrypt hash of a random string at the production cost, for constant-time refusals of unknown emails.
    static let dummyHash = (try? Passwords.hash(UUID().uuidString)) ?? ""
}
