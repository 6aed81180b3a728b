import Foundation
import StratumStore
import Vapor

/// Password sign-in shared by the API (tokens) and the pages (cookie sessions): throttling per account and per
/// address, constant-time refusal of unknown emails, and a recorded attempt either way.
enum SignIn {
    enum Outcome {
        case signedIn(User)
        case wrongCredentials
        /// Refused before the password was evaluated; the seconds to wait.
        case throttled(retryAfter: TimeInterval)
    }

    /// The throttle's counts (CredentialStore.LoginThrottle): the account and address together, the address, and a
    /// growing wait for the account from every address.
    static let throttle = CredentialStore.LoginThrottle()

    static func attempt(email: String, password: String, address: String, state: ServerState, now: Date = Date()) async throws -> Outcome {
        let credentials = CredentialStore(database: state.database)
        let attemptID: UUID
        switch try await credentials.admitLoginAttempt(email: email, address: address, now: now, throttle: throttle) {
        case .throttled(let retryAfter): return .throttled(retryAfter: retryAfter)
        case .admitted(let id): attemptID = id
        }
        let known = try await state.directory.credentials(email: email)
        // An unknown email is verified against a dummy hash, so timing does not reveal which emails exist. bcrypt
        // runs on the bounded hashing pool: a burst of sign-ins queues there instead of stalling other requests.
        let stored = known?.passwordHash
        let verified = try await Passwords.onHashingPool { (try? Bcrypt.verify(password, created: stored ?? dummyHash)) == true }
        // The attempt was counted as a failure when it was admitted; only a success is written now.
        guard let (user, _) = known, verified else { return .wrongCredentials }
        try await credentials.loginSucceeded(attemptID: attemptID)
        return .signedIn(user)
    }

    /// A wait as a person reads it: "40 seconds", "3 minutes".
    static func wording(_ seconds: TimeInterval) -> String {
        let s = Int(seconds.rounded(.up))
        if s < 90 { return "\(s) second\(s == 1 ? "" : "s")" }
        let m = Int((Double(s) / 60).rounded(.up))
        return "\(m) minutes"
    }

    /// A bcrypt hash of a random string at the production cost, for constant-time refusals of unknown emails.
    static let dummyHash = (try? Passwords.hash(UUID().uuidString)) ?? ""
}
