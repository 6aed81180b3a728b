import FluentKit
import Foundation
import SQLKit
import StratumCore

/// A role in one clinic, as an invitation grants it or the staff page changes it.
public struct StaffGrant: Sendable, Equatable, Hashable {
    public let clinicID: UUID
    public let role: Role
    public init(clinicID: UUID, role: Role) {
        self.clinicID = clinicID
        self.role = role
    }
}

/// A colleague as the owner's staff page shows them: never a password, secret or code.
public struct StaffMember: Sendable, Equatable, Identifiable {
    public struct Place: Sendable, Equatable {
        public let clinicID: UUID
        public let clinicName: String
        public let role: Role
    }
    public let id: UUID
    public let email: String
    public let displayName: String
    public let places: [Place]
    public let lastSignInAt: Date?
    public let deactivated: Bool
    public let twoFactor: Bool
    /// Failed sign-ins since the last success within the throttle's window: five or more and some address is held.
    public let recentFailures: Int
}

/// An invitation that was sent and not yet taken up, revoked or expired.
public struct StaffInvitation: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let email: String
    public let grants: [StaffGrant]
    public let createdAt: Date
    public let expiresAt: Date
}

extension OrganizationScope {
    /// The organization's staff: invitations, roles per clinic, deactivation, sign-in locks (owners' acts).
    public var staff: StaffStore { StaffStore(scope: self) }
}

/// The owner's door to the organization's staff. Every act is one transaction with its audit row, and none can
/// leave the organization without an active owner: the last one cannot be demoted, removed or deactivated.
public struct StaffStore: Sendable {
    let scope: OrganizationScope

    /// An invitation link works for 72 hours: long enough for a weekend, short enough that a forwarded mail goes stale.
    public static let invitationLifetime: TimeInterval = 72 * 3600

    /// Everyone with a membership in the organization, by name, with their clinics and sign-in state.
    public func members(_ ctx: AccessContext) async throws -> [StaffMember] {
        try await scope.db.read { database -> [StaffMember] in
            let memberships = try await MembershipRow.query(on: database).filter(\.$organizationID == self.scope.organizationID)
                .sort(\.$createdAt).all()
            let userIDs = Array(Set(memberships.map(\.userID)))
            guard !userIDs.isEmpty else { return [] }
            let users = try await UserRow.query(on: database).filter(\.$id ~~ userIDs).all()
            let clinics = try await ClinicRow.query(on: database).filter(\.$organizationID == self.scope.organizationID).all()
            let names = Dictionary(uniqueKeysWithValues: clinics.map { ($0.id!, $0.name) })
            let throttle = CredentialStore.LoginThrottle()
            var out: [StaffMember] = []
            for u in users {
                let places = memberships.filter { $0.userID == u.id }.compactMap { m in
                    Role(rawValue: m.role).map { StaffMember.Place(clinicID: m.clinicID, clinicName: names[m.clinicID] ?? "", role: $0) }
                }
                let failures = try await CredentialStore.recentFailures(
                    emailHash: CredentialStore.emailHash(u.email), now: ctx.now, throttle: throttle, on: database)
                out.append(
                    StaffMember(
                        id: u.id!, email: u.email, displayName: u.displayName, places: places, lastSignInAt: u.lastSignInAt,
                        deactivated: u.disabledAt != nil, twoFactor: u.totpEnabledAt != nil, recentFailures: failures))
            }
            return out.sorted { ($0.displayName.lowercased(), $0.email) < ($1.displayName.lowercased(), $1.email) }
        }
    }

    /// Invitations still waiting to be taken up, newest first.
    public func invitations(_ ctx: AccessContext) async throws -> [StaffInvitation] {
        try await scope.db.read { database in
            try await InvitationRow.query(on: database).filter(\.$organizationID == self.scope.organizationID)
                .filter(\.$acceptedAt == nil).filter(\.$revokedAt == nil).filter(\.$expiresAt > ctx.now)
                .sort(\.$createdAt, .descending).all().map(Self.invitation)
        }
    }

    /// Invites a colleague by email to one or more clinics of the organization, a role in each. The invitation and
    /// its mail (built by `mail` from the one-time link's token) are written in one transaction with the audit row;
    /// a colleague who already has every role asked for is refused naming `email`, and a clinic of another
    /// organization naming `grants`.
    public func invite(
        email: String, grants: [StaffGrant], mail: @escaping @Sendable (_ token: String) -> OutgoingMail, _ ctx: AccessContext
    ) async throws -> StaffInvitation {
        let actorID = try scope.requireActor(ctx)
        if let p = AccountInputRules.emailProblem(email) { throw StoreError.invalid(field: "email", problem: p.description) }
        guard !grants.isEmpty else { throw StoreError.invalid(field: "grants", problem: "choose at least one clinic and role") }
        guard grants.count <= AccountInputRules.invitationClinicsMax, Set(grants.map(\.clinicID)).count == grants.count else {
            throw StoreError.invalid(field: "grants", problem: "one role per clinic, at most \(AccountInputRules.invitationClinicsMax) clinics")
        }
        let normalized = email.trimmingCharacters(in: .whitespaces).lowercased()
        return try await scope.db.write { database -> StaffInvitation in
            for g in grants where try await self.scope.clinic(g.clinicID, on: database) == nil {
                throw StoreError.invalid(field: "grants", problem: "names a clinic that is not in this organization")
            }
            if let existing = try await UserRow.query(on: database).filter(\.$email == normalized).first() {
                let held = try await MembershipRow.query(on: database).filter(\.$userID == existing.id!).all()
                if grants.allSatisfy({ g in held.contains { $0.clinicID == g.clinicID } }) {
                    throw StoreError.invalid(field: "email", problem: "is already a member of every clinic chosen; change the role on the staff page")
                }
            }
            let token = CredentialStore.randomToken()
            let m = InvitationRow()
            m.id = UUID()
            m.organizationID = self.scope.organizationID
            m.email = normalized
            m.grants = Self.grantsJSON(grants)
            m.tokenHash = CredentialStore.sha256Hex(token)
            m.invitedBy = actorID
            m.createdAt = ctx.now
            m.expiresAt = ctx.now.addingTimeInterval(Self.invitationLifetime)
            try await m.create(on: database)
            try await MailOutbox.enqueue(mail(token), organizationID: self.scope.organizationID, now: ctx.now, on: database)
            try await self.scope.audit(ctx, patientID: nil, action: .invite, resource: "staff.invitation", outcome: .allowed, on: database)
            return Self.invitation(m)
        }
    }

    /// Withdraws an invitation not yet taken up: its link stops working at once.
    public func revokeInvitation(id: UUID, _ ctx: AccessContext) async throws {
        try await scope.db.write { database in
            guard
                let m = try await InvitationRow.query(on: database).filter(\.$id == id)
                    .filter(\.$organizationID == self.scope.organizationID).first(),
                m.acceptedAt == nil
            else { throw StoreError.notFound("invitation") }
            guard m.revokedAt == nil else { return }
            m.revokedAt = ctx.now
            try await m.update(on: database)
            try await self.scope.audit(ctx, patientID: nil, action: .revoke, resource: "staff.invitation", outcome: .allowed, on: database)
        }
    }

    /// Gives a colleague a role in a clinic, adding the membership when they have none there.
    public func setRole(userID: UUID, clinicID: UUID, role: Role, _ ctx: AccessContext) async throws {
        try await changeStaff(ctx, action: .update, resource: "staff.membership") { database in
            guard try await self.scope.clinic(clinicID, on: database) != nil else { throw StoreError.notFound("clinic") }
            guard try await self.scope.hasMember(userID, on: database) else { throw StoreError.notFound("colleague") }
            if let m = try await MembershipRow.query(on: database).filter(\.$userID == userID).filter(\.$clinicID == clinicID).first() {
                m.role = role.rawValue
                try await m.update(on: database)
            } else {
                let m = MembershipRow()
                m.id = UUID()
                m.organizationID = self.scope.organizationID
                m.clinicID = clinicID
                m.userID = userID
                m.role = role.rawValue
                m.createdAt = ctx.now
                try await m.create(on: database)
            }
        }
    }

    /// Removes a colleague's membership of one clinic; their sessions there end at the next request.
    public func removeMembership(userID: UUID, clinicID: UUID, _ ctx: AccessContext) async throws {
        try await changeStaff(ctx, action: .remove, resource: "staff.membership") { database in
            guard
                let m = try await MembershipRow.query(on: database).filter(\.$userID == userID).filter(\.$clinicID == clinicID)
                    .filter(\.$organizationID == self.scope.organizationID).first()
            else { throw StoreError.notFound("membership") }
            try await m.delete(on: database)
            // A session that was in the removed clinic would fall back to another; one with no clinic left ends.
            if try await MembershipRow.query(on: database).filter(\.$userID == userID).first() == nil {
                try await WebSessionRow.query(on: database).filter(\.$userID == userID).delete()
            }
        }
    }

    /// Deactivates a colleague's account: every session and API token ends at once, and they cannot sign in. An
    /// account that is also a member of another organization is not this organization's to close: refused naming
    /// `userId` (remove their memberships here instead).
    public func deactivate(userID: UUID, _ ctx: AccessContext) async throws {
        try await changeStaff(ctx, action: .deactivate, resource: "staff.user") { database in
            let u = try await self.ownColleague(
                userID, elsewhere: "is also a member of another organization; remove their memberships here instead", on: database)
            guard u.disabledAt == nil else { return }
            u.disabledAt = ctx.now
            try await u.update(on: database)
            try await WebSessionRow.query(on: database).filter(\.$userID == userID).delete()
            try await ApiTokenRow.query(on: database).filter(\.$userID == userID).filter(\.$revokedAt == nil)
                .set(\.$revokedAt, to: ctx.now).update()
            try await SignInChallengeRow.query(on: database).filter(\.$userID == userID).delete()
        }
    }

    /// Lifts the sign-in throttle on a colleague's account (they called the owner): their failed attempts no longer
    /// count, from every address.
    public func liftLock(userID: UUID, _ ctx: AccessContext) async throws {
        try await changeStaff(ctx, action: .unlock, resource: "staff.user") { database in
            guard try await self.scope.hasMember(userID, on: database), let u = try await UserRow.find(userID, on: database) else {
                throw StoreError.notFound("colleague")
            }
            // A success row starts the account's count afresh, exactly as a right password would.
            let m = LoginAttemptRow()
            m.id = UUID()
            m.emailHash = CredentialStore.emailHash(u.email)
            m.address = "owner-unlock"
            m.succeeded = true
            m.attemptedAt = ctx.now
            try await m.create(on: database)
        }
    }

    /// Turns off a colleague's two-factor sign-in when they lost both their phone and their recovery codes (they
    /// called the owner): they sign in with their password and enrol again, at once if the organization requires it.
    public func resetTwoFactor(userID: UUID, _ ctx: AccessContext) async throws {
        try await changeStaff(ctx, action: .enrol, resource: "staff.two-factor") { database in
            let u = try await self.ownColleague(
                userID, elsewhere: "is also a member of another organization; only they can change their sign-in", on: database)
            u.totpSecret = nil
            u.totpEnabledAt = nil
            u.totpLastStep = nil
            try await u.update(on: database)
            try await RecoveryCodeRow.query(on: database).filter(\.$userID == userID).delete()
            try await SignInChallengeRow.query(on: database).filter(\.$userID == userID).delete()
        }
    }

    /// Whether owners and practitioners of the organization must sign in with a second factor.
    public func twoFactorRequired() async throws -> Bool {
        try await scope.db.read { database in
            try await OrganizationRow.find(self.scope.organizationID, on: database)?.requireTwoFactor ?? false
        }
    }

    /// Requires (or stops requiring) a second factor of owners and practitioners: those not enrolled are sent to
    /// enrol at their next page, their API tokens of this organization end, and they get none until they have.
    public func requireTwoFactor(_ required: Bool, _ ctx: AccessContext) async throws {
        try await scope.db.write { database in
            guard let o = try await OrganizationRow.find(self.scope.organizationID, on: database) else { throw StoreError.notFound("organization") }
            guard o.requireTwoFactor != required else { return }
            o.requireTwoFactor = required
            try await o.update(on: database)
            if required {
                // A token issued on a password alone would outlive the rule: those of the roles it now binds, without a
                // second factor, end here (their browser sessions are sent to enrol at the next page).
                let bound = try await MembershipRow.query(on: database).filter(\.$organizationID == self.scope.organizationID)
                    .filter(\.$role ~~ AccountStore.twoFactorRoles.map(\.rawValue)).all().map(\.userID)
                let unenrolled = try await UserRow.query(on: database).filter(\.$id ~~ Array(Set(bound))).filter(\.$totpEnabledAt == nil).all().map {
                    $0.id!
                }
                if !unenrolled.isEmpty {
                    try await ApiTokenRow.query(on: database).filter(\.$userID ~~ unenrolled).filter(\.$organizationID == self.scope.organizationID)
                        .filter(\.$revokedAt == nil).set(\.$revokedAt, to: ctx.now).update()
                }
            }
            try await self.scope.audit(ctx, patientID: nil, action: .update, resource: "staff.two-factor-policy", outcome: .allowed, on: database)
        }
    }

    /// Runs a change of staff serialized per organization, then refuses it if no active owner would remain.
    private func changeStaff(
        _ ctx: AccessContext, action: AuditAction, resource: String, _ body: @escaping @Sendable (any Database) async throws -> Void
    ) async throws {
        _ = try scope.requireActor(ctx)
        try await scope.db.write { database in
            // Two owners demoting each other at once must not both succeed: changes of staff queue per organization.
            try await lockRow(OrganizationRow.schema, id: self.scope.organizationID, on: database)
            try await body(database)
            guard try await Self.activeOwners(self.scope.organizationID, on: database) > 0 else {
                throw StoreError.state(.lastOwner)
            }
            try await self.scope.audit(ctx, patientID: nil, action: action, resource: resource, outcome: .allowed, on: database)
        }
    }

    /// A colleague whose account is this organization's alone to change: a member here and nowhere else (refused
    /// naming `userId` with `elsewhere`); another organization's member looks missing.
    private func ownColleague(_ userID: UUID, elsewhere: String, on database: any Database) async throws -> UserRow {
        guard try await scope.hasMember(userID, on: database), let u = try await UserRow.find(userID, on: database) else {
            throw StoreError.notFound("colleague")
        }
        if try await MembershipRow.query(on: database).filter(\.$userID == userID).filter(\.$organizationID != scope.organizationID)
            .first() != nil
        {
            throw StoreError.invalid(field: "userId", problem: elsewhere)
        }
        return u
    }

    static func activeOwners(_ organizationID: UUID, on database: any Database) async throws -> Int {
        let rows = try await (database as! any SQLDatabase).raw(
            """
            SELECT COUNT(DISTINCT m.user_id) AS n FROM memberships m JOIN users u ON u.id = m.user_id
            WHERE m.organization_id = \(bind: organizationID) AND m.role = \(bind: Role.owner.rawValue) AND u.disabled_at IS NULL
            """
        ).all()
        return try rows.first?.decode(column: "n", as: Int.self) ?? 0
    }

    static func invitation(_ m: InvitationRow) -> StaffInvitation {
        StaffInvitation(id: m.id!, email: m.email, grants: grants(m.grants), createdAt: m.createdAt, expiresAt: m.expiresAt)
    }

    static func grantsJSON(_ grants: [StaffGrant]) -> String {
        JSONWriter.write(
            .array(grants.map { .object([("clinic", .string($0.clinicID.uuidString.lowercased())), ("role", .string($0.role.rawValue))]) }),
            pretty: false)
    }

    static func grants(_ text: String) -> [StaffGrant] {
        guard case .array(let items)? = try? JSONParser.parse(text) else { return [] }
        return items.compactMap { item in
            guard case .string(let clinicText)? = item["clinic"], case .string(let roleText)? = item["role"],
                let clinic = UUID(uuidString: clinicText), let role = Role(rawValue: roleText)
            else { return nil }
            return StaffGrant(clinicID: clinic, role: role)
        }
    }
}
