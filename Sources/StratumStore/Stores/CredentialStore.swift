import Crypto
import FluentKit
import Foundation
import SQLKit

/// A newly issued API token: the plaintext is shown once and never stored; only its SHA-256 is kept.
public struct IssuedToken: Sendable, Equatable {
    public let id: UUID
    /// `stm_` followed by 32 random bytes in base64url; give it as `Authorization: Bearer …`.
    public let token: String
}

/// The user and organization an API token acts for.
public struct TokenPrincipal: Sendable, Equatable {
    public let tokenID: UUID
    public let userID: UUID
    public let organizationID: UUID
    /// The user's memberships in the token's organization, oldest first: the clinics and roles it may act in.
    public let memberships: [Membership]
}

/// An API token as listed to its owner: never the token or its hash.
public struct ApiTokenInfo: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let userID: UUID
    public let organizationID: UUID
    public let name: String
    public let createdAt: Date
    public let expiresAt: Date?
    public let revokedAt: Date?
    public let lastUsedAt: Date?
}

/// A newly created browser session: the cookie value and the CSRF token forms must echo.
public struct NewWebSession: Sendable, Equatable {
    public let token: String
    public let csrfToken: String
    public let expiresAt: Date
}

/// A valid browser session.
public struct WebSession: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let userID: UUID
    public let clinicID: UUID?
    public let csrfToken: String
    public let createdAt: Date
    public let lastSeenAt: Date
    /// The absolute end, 12 hours after sign-in, whatever the activity.
    public let expiresAt: Date
    public let displayName: String
    /// Every membership of the user, oldest first, with its clinic's name for the clinic switcher.
    public let memberships: [SessionMembership]
    /// An organization of the user requires a second factor of a role they hold there, and they have none yet.
    public let mustEnrolTwoFactor: Bool
}

/// A membership of a signed-in user and the name of its clinic.
public struct SessionMembership: Sendable, Equatable {
    public let membership: Membership
    public let clinicName: String
}

/// Credentials above any one organization: API tokens, browser sessions and the login-attempt counters that throttle
/// guessing. Tokens are kept only as SHA-256 hashes, so a copied database grants no access (M0002).
public struct CredentialStore: Sendable {
    let db: StratumDatabase

    /// Idle time after which a browser session ends and the user signs in again (ASVS 3.3.2, ONC (d)(5)).
    public static let idleTimeout: TimeInterval = 30 * 60
    /// Time after sign-in at which a browser session ends however active it is (ASVS 3.3.2).
    public static let absoluteTimeout: TimeInterval = 12 * 60 * 60
    public static let tokenPrefix = "stm_"

    public init(database: StratumDatabase) { self.db = database }

    // MARK: API tokens

    /// Issues a token for a member of the organization; the plaintext is returned once.
    public func issue(userID: UUID, organizationID: UUID, name: String, expiresAt: Date?, now: Date = Date()) async throws -> IssuedToken {
        let label = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !label.isEmpty else { throw StoreError.conflict("a token needs a name") }
        return try await db.write { database -> IssuedToken in
            guard
                try await MembershipRow.query(on: database).filter(\.$userID == userID)
                    .filter(\.$organizationID == organizationID).first() != nil
            else {
                throw StoreError.notFound("membership")
            }
            let token = Self.tokenPrefix + Self.randomToken()
            let m = ApiTokenRow()
            m.id = UUID()
            m.userID = userID
            m.organizationID = organizationID
            m.name = label
            m.tokenHash = Self.sha256Hex(token)
            m.createdAt = now
            m.expiresAt = expiresAt
            try await m.create(on: database)
            return IssuedToken(id: m.id!, token: token)
        }
    }

    /// `last_used_at` is a hint for the token's owner, not an audit record (the audit trail has every access):
    /// stamping it at most this often keeps every authenticated request from paying for a durable write.
    public static let lastUsedResolution: TimeInterval = 60

    /// Who the token acts for, or nil when it is unknown, revoked, expired, its user is disabled or no longer a
    /// member of the organization. One statement reads the token, its user and the memberships, so every request
    /// sees a revocation or a role change at once, on whichever app server it lands. A use is stamped in
    /// `last_used_at` when the stamp is older than a minute.
    public func authenticate(token: String, now: Date = Date()) async throws -> TokenPrincipal? {
        guard token.hasPrefix(Self.tokenPrefix), token.count < 200 else { return nil }
        let hash = Self.sha256Hex(token)
        let rows = try await db.read { database in
            try await (database as! any SQLDatabase).raw(
                """
                SELECT t.id AS token_id, t.user_id, t.organization_id, t.expires_at, t.revoked_at, t.last_used_at,
                       u.disabled_at, m.clinic_id, m.role
                FROM api_tokens t
                JOIN users u ON u.id = t.user_id
                JOIN memberships m ON m.user_id = t.user_id AND m.organization_id = t.organization_id
                WHERE t.token_hash = \(bind: hash)
                ORDER BY m.created_at, m.id
                """
            ).all()
        }
        guard let first = rows.first,
            try first.decodeNil(column: "revoked_at"), try first.decodeNil(column: "disabled_at"),
            try first.optional("expires_at", as: Date.self).map({ now < $0 }) ?? true
        else { return nil }
        let tokenID = try first.decode(column: "token_id", as: UUID.self)
        let userID = try first.decode(column: "user_id", as: UUID.self)
        let organizationID = try first.decode(column: "organization_id", as: UUID.self)
        let memberships = try rows.compactMap { row -> Membership? in
            try Role(rawValue: row.decode(column: "role", as: String.self)).map {
                Membership(organizationID: organizationID, clinicID: try row.decode(column: "clinic_id", as: UUID.self), userID: userID, role: $0)
            }
        }
        if try first.optional("last_used_at", as: Date.self).map({ now.timeIntervalSince($0) >= Self.lastUsedResolution || now < $0 }) ?? true {
            try await db.write { database in
                try await ApiTokenRow.query(on: database).filter(\.$id == tokenID).set(\.$lastUsedAt, to: now).update()
            }
        }
        return TokenPrincipal(tokenID: tokenID, userID: userID, organizationID: organizationID, memberships: memberships)
    }

    /// Revokes a token from now on; revoking again keeps the first time.
    public func revoke(id: UUID, now: Date = Date()) async throws {
        try await db.write { database -> Void in
            guard let m = try await ApiTokenRow.find(id, on: database) else { throw StoreError.notFound("token") }
            guard m.revokedAt == nil else { return }
            m.revokedAt = now
            try await m.update(on: database)
        }
    }

    /// The user's tokens, newest first, for the token management page.
    public func tokens(userID: UUID) async throws -> [ApiTokenInfo] {
        try await db.read { database in
            try await ApiTokenRow.query(on: database).filter(\.$userID == userID).sort(\.$createdAt, .descending).all().map {
                ApiTokenInfo(
                    id: $0.id!, userID: $0.userID, organizationID: $0.organizationID, name: $0.name, createdAt: $0.createdAt,
                    expiresAt: $0.expiresAt, revokedAt: $0.revokedAt, lastUsedAt: $0.lastUsedAt)
            }
        }
    }

    // MARK: Browser sessions

    /// Sessions one user keeps open at once (a treatment room and the front desk); a new one ends the oldest beyond.
    public static let sessionsPerUser = 10

    /// Starts a session at sign-in, always with a new identifier (no session fixation, ASVS 3.2.1). The user's
    /// sessions beyond `sessionsPerUser` end, oldest first.
    public func createSession(userID: UUID, clinicID: UUID?, now: Date = Date()) async throws -> NewWebSession {
        try await db.write { database -> NewWebSession in
            let open = try await WebSessionRow.query(on: database).filter(\.$userID == userID).sort(\.$createdAt, .descending).all()
            for stale in open.dropFirst(Self.sessionsPerUser - 1) { try await stale.delete(on: database) }
            let token = Self.randomToken()
            let csrf = Self.randomToken()
            let m = WebSessionRow()
            m.id = UUID()
            m.userID = userID
            m.tokenHash = Self.sha256Hex(token)
            m.csrfToken = csrf
            m.clinicID = clinicID
            m.createdAt = now
            m.lastSeenAt = now
            m.expiresAt = now.addingTimeInterval(Self.absoluteTimeout)
            try await m.create(on: database)
            return NewWebSession(token: token, csrfToken: csrf, expiresAt: m.expiresAt)
        }
    }

    /// `last_seen_at` moves at most this often, so a browsing user does not pay a durable write per page; the idle
    /// timeout then counts from a stamp up to this much older than the last request, ending a session early, never late.
    public static let lastSeenResolution: TimeInterval = 60

    /// The session when it is valid at `now` (before its absolute end, idle for less than 30 minutes, its user not
    /// disabled), with the user's memberships; otherwise nil, and an ended session is deleted. One statement reads
    /// the session, its user, memberships and clinics, so a role change or a sign-out elsewhere counts at once.
    public func session(token: String, now: Date = Date()) async throws -> WebSession? {
        guard !token.isEmpty, token.count < 200 else { return nil }
        let hash = Self.sha256Hex(token)
        let rows = try await db.read { database in
            try await (database as! any SQLDatabase).raw(
                """
                SELECT s.id AS session_id, s.user_id, s.clinic_id AS session_clinic_id, s.csrf_token, s.created_at,
                       s.last_seen_at, s.expires_at, u.display_name, u.disabled_at, u.totp_enabled_at,
                       m.organization_id, m.clinic_id, m.role, c.name AS clinic_name, o.require_two_factor
                FROM web_sessions s
                JOIN users u ON u.id = s.user_id
                LEFT JOIN memberships m ON m.user_id = s.user_id
                LEFT JOIN clinics c ON c.id = m.clinic_id
                LEFT JOIN organizations o ON o.id = m.organization_id
                WHERE s.token_hash = \(bind: hash)
                ORDER BY m.created_at, m.id
                """
            ).all()
        }
        guard let first = rows.first else { return nil }
        let id = try first.decode(column: "session_id", as: UUID.self)
        let userID = try first.decode(column: "user_id", as: UUID.self)
        let expiresAt = try first.decode(column: "expires_at", as: Date.self)
        var lastSeenAt = try first.decode(column: "last_seen_at", as: Date.self)
        guard now < expiresAt, now.timeIntervalSince(lastSeenAt) < Self.idleTimeout, try first.decodeNil(column: "disabled_at") else {
            try await db.write { database in try await WebSessionRow.query(on: database).filter(\.$id == id).delete() }
            return nil
        }
        if now.timeIntervalSince(lastSeenAt) >= Self.lastSeenResolution || now < lastSeenAt {
            try await db.write { database in
                try await WebSessionRow.query(on: database).filter(\.$id == id).set(\.$lastSeenAt, to: now).update()
            }
            lastSeenAt = now
        }
        let memberships = try rows.compactMap { row -> SessionMembership? in
            guard let clinicID = try row.optional("clinic_id", as: UUID.self),
                let role = try row.optional("role", as: String.self).flatMap(Role.init(rawValue:))
            else { return nil }
            return SessionMembership(
                membership: Membership(
                    organizationID: try row.decode(column: "organization_id", as: UUID.self),
                    clinicID: clinicID, userID: userID, role: role),
                clinicName: try row.optional("clinic_name", as: String.self) ?? "")
        }
        let enrolled = try !first.decodeNil(column: "totp_enabled_at")
        let required = try rows.contains { row in
            try row.optional("require_two_factor", as: Bool.self) == true
                && row.optional("role", as: String.self).flatMap(Role.init(rawValue:)).map(AccountStore.twoFactorRoles.contains) == true
        }
        return WebSession(
            id: id, userID: userID, clinicID: try first.optional("session_clinic_id", as: UUID.self),
            csrfToken: try first.decode(column: "csrf_token", as: String.self),
            createdAt: try first.decode(column: "created_at", as: Date.self), lastSeenAt: lastSeenAt, expiresAt: expiresAt,
            displayName: try first.decode(column: "display_name", as: String.self), memberships: memberships,
            mustEnrolTwoFactor: required && !enrolled)
    }

    /// Moves the session to another clinic of the user (the clinic switcher); the caller checks the membership.
    public func setSessionClinic(token: String, clinicID: UUID) async throws {
        let hash = Self.sha256Hex(token)
        try await db.write { database in
            try await WebSessionRow.query(on: database).filter(\.$tokenHash == hash).set(\.$clinicID, to: clinicID).update()
        }
    }

    /// Ends one session (sign-out).
    public func deleteSession(token: String) async throws {
        let hash = Self.sha256Hex(token)
        try await db.write { database in
            try await WebSessionRow.query(on: database).filter(\.$tokenHash == hash).delete()
        }
    }

    /// Ends every session of the user: at sign-in (rotation), password change or when the user is disabled.
    public func deleteSessions(userID: UUID) async throws {
        try await db.write { database in
            try await WebSessionRow.query(on: database).filter(\.$userID == userID).delete()
        }
    }

    // MARK: Login throttling

    /// How many failures throttle a sign-in, and how. Guessing is slowed three ways without letting anyone lock a
    /// colleague out by typing their email: the account and the address together (the guesser's own address is
    /// stopped), the address alone (one address guessing many accounts), and the account from every address, which
    /// only grows the wait between attempts instead of refusing them.
    public struct LoginThrottle: Sendable {
        public var window: TimeInterval = 15 * 60
        public var perAccountAndAddress = 5
        public var perAddress = 20
        /// Failures of the account from any address before each further attempt must wait.
        public var delayAfter = 10
        /// The first wait; each further failure doubles it, up to `maxDelay`.
        public var firstDelay: TimeInterval = 2
        public var maxDelay: TimeInterval = 15 * 60
        public init() {}
    }

    /// Whether a sign-in attempt may be evaluated.
    public enum LoginAdmission: Sendable, Equatable {
        /// Evaluate the password; the attempt is already counted as a failure until `loginSucceeded(attemptID:)`.
        case admitted(attemptID: UUID)
        /// Refused without evaluating the password; `retryAfter` seconds, when known.
        case throttled(retryAfter: TimeInterval)
    }

    /// Admits one sign-in attempt or refuses it, counting it before its password is evaluated: the count, the
    /// decision and the attempt's row are one transaction (serialized per account and address on PostgreSQL), so a
    /// burst of parallel guesses is counted as it arrives and a right password hidden in it is refused like the rest.
    /// The email is kept only as the SHA-256 of its trimmed, lower-cased form.
    public func admitLoginAttempt(
        email: String, address: String, now: Date = Date(), throttle: LoginThrottle = LoginThrottle()
    ) async throws -> LoginAdmission {
        let hash = Self.emailHash(email)
        return try await db.write { database -> LoginAdmission in
            try await lockThrottle(["login:" + hash, "login-address:" + address], on: database)
            let start = now.addingTimeInterval(-throttle.window)
            let lastSuccess = try await LoginAttemptRow.query(on: database).filter(\.$emailHash == hash).filter(\.$succeeded == true)
                .filter(\.$attemptedAt >= start).max(\.$attemptedAt)
            let accountFailures = try await LoginAttemptRow.query(on: database).filter(\.$emailHash == hash)
                .filter(\.$succeeded == false).filter(\.$attemptedAt > (lastSuccess ?? start.addingTimeInterval(-0.001)))
                .sort(\.$attemptedAt, .descending).all()
            let pair = accountFailures.filter { $0.address == address }.count
            let fromAddress = try await LoginAttemptRow.query(on: database).filter(\.$address == address)
                .filter(\.$succeeded == false).filter(\.$attemptedAt >= start).count()
            if pair >= throttle.perAccountAndAddress || fromAddress >= throttle.perAddress {
                let oldest = accountFailures.filter { $0.address == address }.last?.attemptedAt ?? now
                return .throttled(retryAfter: max(1, oldest.addingTimeInterval(throttle.window).timeIntervalSince(now)))
            }
            if accountFailures.count >= throttle.delayAfter, let last = accountFailures.first?.attemptedAt {
                let doublings = Double(accountFailures.count - throttle.delayAfter)
                let wait = min(throttle.maxDelay, throttle.firstDelay * pow(2, min(doublings, 30)))
                if now < last.addingTimeInterval(wait) { return .throttled(retryAfter: max(1, last.addingTimeInterval(wait).timeIntervalSince(now))) }
            }
            let m = LoginAttemptRow()
            m.id = UUID()
            m.emailHash = hash
            m.address = address
            m.succeeded = false
            m.attemptedAt = now
            try await m.create(on: database)
            return .admitted(attemptID: m.id!)
        }
    }

    /// The account's failed sign-ins since its last success within the throttle's window, for the owner's staff page.
    static func recentFailures(emailHash hash: String, now: Date, throttle: LoginThrottle, on database: any Database) async throws -> Int {
        let start = now.addingTimeInterval(-throttle.window)
        let lastSuccess = try await LoginAttemptRow.query(on: database).filter(\.$emailHash == hash).filter(\.$succeeded == true)
            .filter(\.$attemptedAt >= start).max(\.$attemptedAt)
        return try await LoginAttemptRow.query(on: database).filter(\.$emailHash == hash).filter(\.$succeeded == false)
            .filter(\.$attemptedAt > (lastSuccess ?? start.addingTimeInterval(-0.001))).count()
    }

    /// Marks an admitted attempt as the successful sign-in it turned out to be: the account's count starts afresh.
    public func loginSucceeded(attemptID: UUID) async throws {
        try await db.write { database in
            try await LoginAttemptRow.query(on: database).filter(\.$id == attemptID).set(\.$succeeded, to: true).update()
        }
    }

    // MARK: Hashing and randomness

    static func sha256Hex(_ text: String) -> String {
        Hex.encode(SHA256.hash(data: Data(text.utf8)))
    }

    /// A stable name for a one-time link that does not reveal it (a mail's idempotency key).
    public static func linkKey(_ token: String) -> String { String(sha256Hex(token).prefix(32)) }

    static func emailHash(_ email: String) -> String {
        sha256Hex(email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased())
    }

    /// 32 bytes from the system's cryptographic generator, base64url without padding.
    static func randomToken() -> String {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

fileprivate extension SQLRow {
    /// The column's value, nil when it is NULL (a LEFT JOIN without a match, an unset date).
    func optional<T: Decodable>(_ column: String, as type: T.Type) throws -> T? {
        try decodeNil(column: column) ? nil : decode(column: column, as: type)
    }
}
