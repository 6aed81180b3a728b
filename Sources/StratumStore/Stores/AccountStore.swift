import FluentKit
import Foundation
import StratumCore

/// An invitation as its link shows it to the person invited, before they have an account in the organization.
public struct InvitationLink: Sendable, Equatable {
    public struct Place: Sendable, Equatable {
        public let clinicName: String
        public let role: Role
    }
    public let id: UUID
    public let organizationID: UUID
    public let organizationName: String
    public let email: String
    public let places: [Place]
    public let expiresAt: Date
    /// The email already has an account (of another clinic or organization): it joins with its own password.
    public let existingAccount: Bool
}

/// A signed-in browser of the user, as their account page lists it: never the cookie or its hash.
public struct SessionInfo: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let createdAt: Date
    public let lastSeenAt: Date
    public let expiresAt: Date
}

/// A user's two-factor sign-in as their account page shows it.
public struct TwoFactorStatus: Sendable, Equatable {
    public let enabled: Bool
    public let recoveryCodesLeft: Int
    /// An organization of theirs requires it of their role: it cannot be turned off.
    public let required: Bool
}

/// Acts on one's own account, above any organization: taking up an invitation, resetting a forgotten password,
/// two-factor enrolment and the sign-in's second step, and one's own sessions and tokens. Each act that changes an
/// account is one transaction with its audit row (in the organization the act belongs to).
public struct AccountStore: Sendable {
    let db: StratumDatabase
    let auditKey: AuditKey

    /// A reset link works for 15 minutes and once (OWASP's forgotten-password guidance).
    public static let resetLifetime: TimeInterval = 15 * 60
    /// Reset mails for one email, and requests from one address, per hour: a mailbox cannot be flooded and a
    /// list of addresses cannot be walked.
    public static let resetsPerEmailPerHour = 3
    public static let resetsPerAddressPerHour = 10
    /// The sign-in's second step must follow the password within five minutes, and five wrong codes end it.
    public static let challengeLifetime: TimeInterval = 5 * 60
    public static let challengeFailures = 5
    /// The roles a required second factor applies to: those who read and write clinical records or run the clinic.
    public static let twoFactorRoles: Set<Role> = [.owner, .practitioner]

    public init(database: StratumDatabase, auditKey: AuditKey) {
        self.db = database
        self.auditKey = auditKey
    }

    var keys: AccountKeys { AccountKeys(auditKey) }

    func audit(
        _ organizationID: UUID, actor: UUID?, clinicID: UUID? = nil, action: AuditAction, resource: String, now: Date,
        requestID: String, on database: any Database
    ) async throws {
        let ctx = AccessContext(actorID: actor, clinicID: clinicID, requestID: requestID, now: now)
        try await OrganizationScope(organizationID: organizationID, database: db, auditKey: auditKey)
            .audit(ctx, patientID: nil, action: action, resource: resource, outcome: .allowed, on: database)
    }

    /// The organizations the user belongs to, oldest membership first (an account act is audited in the first).
    func organizations(of userID: UUID, on database: any Database) async throws -> [UUID] {
        var seen: [UUID] = []
        for m in try await MembershipRow.query(on: database).filter(\.$userID == userID).sort(\.$createdAt).all()
        where !seen.contains(m.organizationID) {
            seen.append(m.organizationID)
        }
        return seen
    }

    // MARK: Invitations

    /// The invitation behind a link, or nil when the link is unknown, used, withdrawn or expired: one answer for all.
    public func invitation(token: String, now: Date) async throws -> InvitationLink? {
        try await db.read { database in try await self.openInvitation(token: token, now: now, on: database) }
    }

    private func openInvitation(token: String, now: Date, on database: any Database) async throws -> InvitationLink? {
        guard !token.isEmpty, token.utf8.count < 200 else { return nil }
        guard
            let m = try await InvitationRow.query(on: database).filter(\.$tokenHash == CredentialStore.sha256Hex(token)).first(),
            m.acceptedAt == nil, m.revokedAt == nil, now < m.expiresAt,
            let org = try await OrganizationRow.find(m.organizationID, on: database)
        else { return nil }
        let clinics = try await ClinicRow.query(on: database).filter(\.$organizationID == m.organizationID).all()
        let places = StaffStore.grants(m.grants).compactMap { g in
            clinics.first { $0.id == g.clinicID }.map { InvitationLink.Place(clinicName: $0.name, role: g.role) }
        }
        let existing = try await UserRow.query(on: database).filter(\.$email == m.email).first() != nil
        return InvitationLink(
            id: m.id!, organizationID: m.organizationID, organizationName: org.name, email: m.email, places: places,
            expiresAt: m.expiresAt, existingAccount: existing)
    }

    /// What taking up an invitation needs: a new account's name and password hash, or the id of the existing
    /// account the caller has just signed in with the invitation's email and its password.
    public enum Joining: Sendable {
        case newAccount(displayName: String, passwordHash: String)
        case existingAccount(userID: UUID)
    }

    /// Takes up an invitation: creates the account (or uses the existing one) and its memberships, and uses the
    /// link up, in one transaction with the audit row. A link that no longer works is `notFound("invitation")`.
    public func acceptInvitation(token: String, _ joining: Joining, now: Date, requestID: String) async throws -> User {
        if case .newAccount(let name, _) = joining, let p = AccountInputRules.displayNameProblem(name) {
            throw StoreError.invalid(field: "displayName", problem: p.description)
        }
        return try await db.write { database -> User in
            guard let link = try await self.openInvitation(token: token, now: now, on: database),
                let m = try await InvitationRow.find(link.id, on: database)
            else { throw StoreError.notFound("invitation") }
            let user: UserRow
            switch joining {
            case .newAccount(let name, let hash):
                guard !link.existingAccount else {
                    throw StoreError.invalid(field: "password", problem: "this email already has an account: sign in with its password")
                }
                user = UserRow()
                user.id = UUID()
                user.email = m.email
                user.displayName = name.trimmingCharacters(in: .whitespacesAndNewlines)
                user.passwordHash = hash
                user.createdAt = now
                try await user.create(on: database)
            case .existingAccount(let id):
                guard let u = try await UserRow.find(id, on: database), u.email == m.email, u.disabledAt == nil else {
                    throw StoreError.notFound("invitation")
                }
                user = u
            }
            let held = try await MembershipRow.query(on: database).filter(\.$userID == user.id!).all()
            for g in StaffStore.grants(m.grants) where !held.contains(where: { $0.clinicID == g.clinicID }) {
                guard let clinic = try await ClinicRow.find(g.clinicID, on: database), clinic.organizationID == m.organizationID else { continue }
                let row = MembershipRow()
                row.id = UUID()
                row.organizationID = m.organizationID
                row.clinicID = g.clinicID
                row.userID = user.id!
                row.role = g.role.rawValue
                row.createdAt = now
                try await row.create(on: database)
            }
            m.acceptedAt = now
            m.acceptedUserID = user.id
            try await m.update(on: database)
            try await self.audit(
                m.organizationID, actor: user.id, action: .activate, resource: "staff.invitation", now: now, requestID: requestID,
                on: database)
            return User(id: user.id!, email: user.email, displayName: user.displayName)
        }
    }

    // MARK: Password reset

    /// Asks for a reset link. The answer is the same whether the email has an account or not: `true` (a mail is
    /// on its way if there is an account), `false` when this email or this address asked too often in the last
    /// hour. For a known, active account the link (15 minutes, single use) and its mail are written together.
    public func requestPasswordReset(
        email: String, address: String, now: Date, requestID: String,
        mail: @escaping @Sendable (_ token: String, _ user: User) -> OutgoingMail
    ) async throws -> Bool {
        let hash = CredentialStore.emailHash(email)
        let normalized = email.trimmingCharacters(in: .whitespaces).lowercased()
        return try await db.write { database -> Bool in
            guard
                try await admitHourly(
                    ResetRequestRow.self, emailHash: hash, address: address, perEmail: Self.resetsPerEmailPerHour,
                    perAddress: Self.resetsPerAddressPerHour, now: now, on: database)
            else { return false }
            guard AccountInputRules.emailProblem(email) == nil,
                let u = try await UserRow.query(on: database).filter(\.$email == normalized).first(), u.disabledAt == nil
            else { return true }
            let token = CredentialStore.randomToken()
            let m = PasswordResetRow()
            m.id = UUID()
            m.userID = u.id!
            m.tokenHash = CredentialStore.sha256Hex(token)
            m.createdAt = now
            m.expiresAt = now.addingTimeInterval(Self.resetLifetime)
            try await m.create(on: database)
            let user = User(id: u.id!, email: u.email, displayName: u.displayName)
            try await MailOutbox.enqueue(mail(token, user), organizationID: nil, now: now, on: database)
            return true
        }
    }

    /// Whether a reset link still works (unknown, used and expired links look the same).
    public func resetLinkValid(token: String, now: Date) async throws -> Bool {
        try await db.read { database in try await self.openReset(token: token, now: now, on: database) != nil }
    }

    private func openReset(token: String, now: Date, on database: any Database) async throws -> PasswordResetRow? {
        guard !token.isEmpty, token.utf8.count < 200 else { return nil }
        guard let m = try await PasswordResetRow.query(on: database).filter(\.$tokenHash == CredentialStore.sha256Hex(token)).first(),
            m.usedAt == nil, now < m.expiresAt
        else { return nil }
        return m
    }

    /// Sets a new password from a reset link and uses the link up, with every other open link of the account:
    /// every browser session ends, and the sign-in throttle on the account is lifted (the mailbox proved who asks).
    public func resetPassword(token: String, passwordHash: String, now: Date, requestID: String) async throws -> User {
        try await db.write { database -> User in
            guard let m = try await self.openReset(token: token, now: now, on: database),
                let u = try await UserRow.find(m.userID, on: database), u.disabledAt == nil
            else { throw StoreError.notFound("reset link") }
            try await PasswordResetRow.query(on: database).filter(\.$userID == m.userID).filter(\.$usedAt == nil)
                .set(\.$usedAt, to: now).update()
            u.passwordHash = passwordHash
            try await u.update(on: database)
            try await WebSessionRow.query(on: database).filter(\.$userID == m.userID).delete()
            try await SignInChallengeRow.query(on: database).filter(\.$userID == m.userID).delete()
            let unlock = LoginAttemptRow()
            unlock.id = UUID()
            unlock.emailHash = CredentialStore.emailHash(u.email)
            unlock.address = "password-reset"
            unlock.succeeded = true
            unlock.attemptedAt = now
            try await unlock.create(on: database)
            for org in try await self.organizations(of: m.userID, on: database) {
                try await self.audit(
                    org, actor: m.userID, action: .activate, resource: "account.password", now: now, requestID: requestID, on: database)
            }
            return User(id: u.id!, email: u.email, displayName: u.displayName)
        }
    }

    // MARK: Sign-in

    /// Notes a completed sign-in (password, and the second factor when enrolled) for the owner's staff page.
    public func recordSignIn(userID: UUID, now: Date) async throws {
        try await db.write { database in
            try await UserRow.query(on: database).filter(\.$id == userID).set(\.$lastSignInAt, to: now).update()
        }
    }

    /// Whether the user signs in with a second factor.
    public func hasTwoFactor(userID: UUID) async throws -> Bool {
        try await db.read { database in try await UserRow.find(userID, on: database)?.totpEnabledAt != nil }
    }

    /// Whether an organization of the user requires a second factor of a role they hold there.
    func twoFactorRequired(userID: UUID, on database: any Database) async throws -> Bool {
        for m in try await MembershipRow.query(on: database).filter(\.$userID == userID).all()
        where Role(rawValue: m.role).map(Self.twoFactorRoles.contains) == true {
            if try await OrganizationRow.find(m.organizationID, on: database)?.requireTwoFactor == true { return true }
        }
        return false
    }

    /// Whether the user must enrol a second factor before they may work (required of them, not yet enrolled).
    public func mustEnrolTwoFactor(userID: UUID) async throws -> Bool {
        try await db.read { database in
            guard let u = try await UserRow.find(userID, on: database), u.totpEnabledAt == nil else { return false }
            return try await self.twoFactorRequired(userID: userID, on: database)
        }
    }

    /// Starts the second step of a sign-in whose password was right: the token goes in a short-lived cookie.
    public func startChallenge(userID: UUID, now: Date) async throws -> String {
        try await db.write { database -> String in
            try await SignInChallengeRow.query(on: database).filter(\.$expiresAt < now).delete()
            let token = CredentialStore.randomToken()
            let m = SignInChallengeRow()
            m.id = UUID()
            m.userID = userID
            m.tokenHash = CredentialStore.sha256Hex(token)
            m.createdAt = now
            m.expiresAt = now.addingTimeInterval(Self.challengeLifetime)
            m.failures = 0
            try await m.create(on: database)
            return token
        }
    }

    /// The answer to a sign-in's second step.
    public enum ChallengeOutcome: Sendable, Equatable {
        /// The code was right: sign the user in. `recoveryCodeUsed` says a recovery code was spent.
        case passed(User, recoveryCodeUsed: Bool)
        /// The code was wrong; the step may be tried again.
        case wrongCode
        /// The step expired, was answered, or failed five times: sign in with the password again.
        case ended
    }

    /// Checks the code of a sign-in's second step: a TOTP code (each time step works once) or a recovery code
    /// (each works once). Five wrong codes end the step.
    public func answerChallenge(token: String, code: String, now: Date) async throws -> ChallengeOutcome {
        guard !token.isEmpty, token.utf8.count < 200 else { return .ended }
        return try await db.write { database -> ChallengeOutcome in
            guard let c = try await SignInChallengeRow.query(on: database).filter(\.$tokenHash == CredentialStore.sha256Hex(token)).first()
            else { return .ended }
            guard now < c.expiresAt, c.failures < Self.challengeFailures, let u = try await UserRow.find(c.userID, on: database),
                u.disabledAt == nil
            else {
                try await c.delete(on: database)
                return .ended
            }
            let user = User(id: u.id!, email: u.email, displayName: u.displayName)
            if let step = try self.totpStep(u, code: code, now: now) {
                u.totpLastStep = step
                try await u.update(on: database)
                try await c.delete(on: database)
                return .passed(user, recoveryCodeUsed: false)
            }
            if try await self.spendRecoveryCode(userID: c.userID, code: code, now: now, on: database) {
                try await c.delete(on: database)
                return .passed(user, recoveryCodeUsed: true)
            }
            c.failures += 1
            if c.failures >= Self.challengeFailures { try await c.delete(on: database) } else { try await c.update(on: database) }
            return c.failures >= Self.challengeFailures ? .ended : .wrongCode
        }
    }

    /// Checks a second factor outside a browser sign-in (an API token's issue): a TOTP code or a recovery code.
    public func verifySecondFactor(userID: UUID, code: String, now: Date) async throws -> Bool {
        try await db.write { database -> Bool in
            guard let u = try await UserRow.find(userID, on: database), u.totpEnabledAt != nil else { return false }
            if let step = try self.totpStep(u, code: code, now: now) {
                u.totpLastStep = step
                try await u.update(on: database)
                return true
            }
            return try await self.spendRecoveryCode(userID: userID, code: code, now: now, on: database)
        }
    }

    private func totpStep(_ u: UserRow, code: String, now: Date) throws -> Int64? {
        guard u.totpEnabledAt != nil, let sealed = u.totpSecret, let secret = keys.open(sealed) else { return nil }
        return TOTP(secret: secret).verify(code, at: now, lastUsedStep: u.totpLastStep)
    }

    private func spendRecoveryCode(userID: UUID, code: String, now: Date, on database: any Database) async throws -> Bool {
        guard let typed = keys.recoveryHash(code) else { return false }
        let open = try await RecoveryCodeRow.query(on: database).filter(\.$userID == userID).filter(\.$usedAt == nil).all()
        guard let i = RecoveryCodes.matchHash(typed, among: open.map(\.codeHash)) else { return false }
        open[i].usedAt = now
        try await open[i].update(on: database)
        return true
    }

    // MARK: Two-factor enrolment

    /// Starts (or resumes) enrolment: a new secret, sealed and kept unconfirmed until a code from it is entered.
    /// Refused (`invalid`, `code`) when two-factor sign-in is already on.
    public func beginEnrolment(userID: UUID) async throws -> TOTP {
        try await db.write { database -> TOTP in
            guard let u = try await UserRow.find(userID, on: database) else { throw StoreError.notFound("user") }
            guard u.totpEnabledAt == nil else { throw StoreError.invalid(field: "code", problem: "two-factor sign-in is already on") }
            if let sealed = u.totpSecret, let secret = self.keys.open(sealed) { return TOTP(secret: secret) }
            let totp = TOTP.random()
            u.totpSecret = try self.keys.seal(totp.secret)
            try await u.update(on: database)
            return totp
        }
    }

    /// Confirms enrolment with a code from the new secret: two-factor sign-in is on from now, and ten recovery
    /// codes are issued, returned once (only their keyed hashes are kept).
    public func confirmEnrolment(userID: UUID, code: String, organizationID: UUID, now: Date, requestID: String) async throws -> [String] {
        try await db.write { database -> [String] in
            guard let u = try await UserRow.find(userID, on: database) else { throw StoreError.notFound("user") }
            guard u.totpEnabledAt == nil, let sealed = u.totpSecret, let secret = self.keys.open(sealed) else {
                throw StoreError.invalid(field: "code", problem: "start enrolment again: scan the new code")
            }
            guard let step = TOTP(secret: secret).verify(code, at: now) else {
                throw StoreError.invalid(field: "code", problem: "is not the current code of the authenticator app; check the phone's time")
            }
            u.totpEnabledAt = now
            return try await self.acceptStep(step, of: u, issuingCodes: now, organizationID: organizationID, requestID: requestID, on: database)
        }
    }

    /// Issues ten new recovery codes, the old ones no longer working; a current code proves the phone is at hand.
    public func renewRecoveryCodes(userID: UUID, code: String, organizationID: UUID, now: Date, requestID: String) async throws -> [String] {
        try await db.write { database -> [String] in
            guard let u = try await UserRow.find(userID, on: database), u.totpEnabledAt != nil else {
                throw StoreError.invalid(field: "code", problem: "two-factor sign-in is off")
            }
            guard let step = try self.totpStep(u, code: code, now: now) else {
                throw StoreError.invalid(field: "code", problem: "is not the current code of the authenticator app")
            }
            return try await self.acceptStep(step, of: u, issuingCodes: now, organizationID: organizationID, requestID: requestID, on: database)
        }
    }

    /// Turns two-factor sign-in off with a current code; refused while an organization requires it of the user.
    public func disableTwoFactor(userID: UUID, code: String, organizationID: UUID, now: Date, requestID: String) async throws {
        try await db.write { database in
            guard let u = try await UserRow.find(userID, on: database), u.totpEnabledAt != nil else { return }
            guard try await !self.twoFactorRequired(userID: userID, on: database) else {
                throw StoreError.invalid(field: "code", problem: "your organization requires two-factor sign-in for your role")
            }
            guard try self.totpStep(u, code: code, now: now) != nil else {
                throw StoreError.invalid(field: "code", problem: "is not the current code of the authenticator app")
            }
            u.totpEnabledAt = nil
            u.totpSecret = nil
            u.totpLastStep = nil
            try await u.update(on: database)
            try await RecoveryCodeRow.query(on: database).filter(\.$userID == userID).delete()
            try await self.audit(
                organizationID, actor: userID, action: .enrol, resource: "account.two-factor", now: now, requestID: requestID, on: database)
        }
    }

    /// Spends the code's time step, issues ten new recovery codes and audits the enrolment: the end of enrolling and
    /// of renewing the codes alike.
    private func acceptStep(
        _ step: Int64, of u: UserRow, issuingCodes now: Date, organizationID: UUID, requestID: String, on database: any Database
    ) async throws -> [String] {
        u.totpLastStep = step
        try await u.update(on: database)
        let codes = try await issueRecoveryCodes(userID: u.id!, now: now, on: database)
        try await audit(organizationID, actor: u.id!, action: .enrol, resource: "account.two-factor", now: now, requestID: requestID, on: database)
        return codes
    }

    private func issueRecoveryCodes(userID: UUID, now: Date, on database: any Database) async throws -> [String] {
        try await RecoveryCodeRow.query(on: database).filter(\.$userID == userID).delete()
        let codes = RecoveryCodes.generate()
        for code in codes {
            let r = RecoveryCodeRow()
            r.id = UUID()
            r.userID = userID
            r.codeHash = keys.recoveryHash(code)!
            r.createdAt = now
            try await r.create(on: database)
        }
        return codes
    }

    /// The user's two-factor sign-in as their account page shows it.
    public func twoFactorStatus(userID: UUID) async throws -> TwoFactorStatus {
        try await db.read { database in
            let u = try await UserRow.find(userID, on: database)
            let left = try await RecoveryCodeRow.query(on: database).filter(\.$userID == userID).filter(\.$usedAt == nil).count()
            return TwoFactorStatus(
                enabled: u?.totpEnabledAt != nil, recoveryCodesLeft: left, required: try await self.twoFactorRequired(userID: userID, on: database))
        }
    }

    // MARK: One's own sessions and tokens

    /// The user's browser sessions still open, newest first.
    public func sessions(userID: UUID, now: Date) async throws -> [SessionInfo] {
        try await db.read { database in
            try await WebSessionRow.query(on: database).filter(\.$userID == userID).filter(\.$expiresAt > now)
                .sort(\.$createdAt, .descending).all()
                .filter { now.timeIntervalSince($0.lastSeenAt) < CredentialStore.idleTimeout }
                .map { SessionInfo(id: $0.id!, createdAt: $0.createdAt, lastSeenAt: $0.lastSeenAt, expiresAt: $0.expiresAt) }
        }
    }

    /// Ends one of the user's own sessions (another user's looks missing).
    public func revokeSession(id: UUID, userID: UUID, organizationID: UUID, now: Date, requestID: String) async throws {
        try await db.write { database in
            guard try await WebSessionRow.query(on: database).filter(\.$id == id).filter(\.$userID == userID).first() != nil else {
                throw StoreError.notFound("session")
            }
            try await WebSessionRow.query(on: database).filter(\.$id == id).delete()
            try await self.audit(
                organizationID, actor: userID, action: .revoke, resource: "account.session", now: now, requestID: requestID, on: database)
        }
    }

    /// Revokes one of the user's own API tokens (another user's looks missing); revoking again changes nothing.
    public func revokeToken(id: UUID, userID: UUID, organizationID: UUID, now: Date, requestID: String) async throws {
        try await db.write { database in
            guard let t = try await ApiTokenRow.query(on: database).filter(\.$id == id).filter(\.$userID == userID).first() else {
                throw StoreError.notFound("token")
            }
            guard t.revokedAt == nil else { return }
            t.revokedAt = now
            try await t.update(on: database)
            try await self.audit(
                organizationID, actor: userID, action: .revoke, resource: "account.token", now: now, requestID: requestID, on: database)
        }
    }
}
