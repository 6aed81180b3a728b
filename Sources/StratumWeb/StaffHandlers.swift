import Foundation
import OpenAPIRuntime
import StratumCore
import StratumStore

/// The organization's staff and one's own tokens through the API: the same store doors as the staff and account
/// pages (`StaffStore`, `AccountStore`), mapped here once.
extension APIHandler {
    func listStaff(_ input: Operations.ListStaff.Input) async throws -> Operations.ListStaff.Output {
        let p = try await authorize(.read, .staff)
        let staff = state.scope(p.organizationID).staff
        let members = try await staff.members(access(p))
        let invitations = try await staff.invitations(access(p))
        return .ok(
            .init(
                body: .json(
                    .init(
                        members: members.map(Components.Schemas.StaffMember.init),
                        invitations: invitations.map(Components.Schemas.StaffInvitation.init),
                        twoFactorRequired: try await staff.twoFactorRequired()))))
    }

    func inviteStaff(_ input: Operations.InviteStaff.Input) async throws -> Operations.InviteStaff.Output {
        let p = try await authorize(.create, .staff)
        guard case .json(let body) = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        var grants: [StaffGrant] = []
        for (i, g) in body.grants.enumerated() {
            grants.append(StaffGrant(clinicID: try uuid(g.clinicId, "grants[\(i)].clinicId"), role: Role(g.role)))
        }
        let organization = try await state.directory.organizations().first { $0.id == p.organizationID }?.name ?? "your clinic"
        let inviter = try await state.directory.user(id: p.userID)?.displayName ?? "A colleague"
        let base = linkBase
        let email = body.email.trimmingCharacters(in: .whitespaces).lowercased()
        let invitation = try await state.scope(p.organizationID).staff.invite(
            email: body.email, grants: grants,
            mail: { StaffMail.invitation(token: $0, base: base, organization: organization, inviter: inviter, email: email) }, access(p))
        return .created(.init(body: .json(.init(invitation))))
    }

    func revokeStaffInvitation(_ input: Operations.RevokeStaffInvitation.Input) async throws -> Operations.RevokeStaffInvitation.Output {
        let p = try await authorize(.delete, .staff)
        try await state.scope(p.organizationID).staff.revokeInvitation(id: try uuid(input.path.invitationId, "invitationId"), access(p))
        return .noContent(.init())
    }

    func setStaffTwoFactor(_ input: Operations.SetStaffTwoFactor.Input) async throws -> Operations.SetStaffTwoFactor.Output {
        let p = try await authorize(.update, .staff)
        guard case .json(let body) = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        try await state.scope(p.organizationID).staff.requireTwoFactor(body.required, access(p))
        return .noContent(.init())
    }

    func setStaffRole(_ input: Operations.SetStaffRole.Input) async throws -> Operations.SetStaffRole.Output {
        let p = try await authorize(.update, .staff)
        guard case .json(let body) = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        try await state.scope(p.organizationID).staff.setRole(
            userID: try uuid(input.path.userId, "userId"), clinicID: try uuid(input.path.clinicId, "clinicId"), role: Role(body.role), access(p))
        return .noContent(.init())
    }

    func removeStaffMembership(_ input: Operations.RemoveStaffMembership.Input) async throws -> Operations.RemoveStaffMembership.Output {
        let p = try await authorize(.delete, .staff)
        try await state.scope(p.organizationID).staff.removeMembership(
            userID: try uuid(input.path.userId, "userId"), clinicID: try uuid(input.path.clinicId, "clinicId"), access(p))
        return .noContent(.init())
    }

    func deactivateStaff(_ input: Operations.DeactivateStaff.Input) async throws -> Operations.DeactivateStaff.Output {
        let p = try await authorize(.delete, .staff)
        try await state.scope(p.organizationID).staff.deactivate(userID: try uuid(input.path.userId, "userId"), access(p))
        return .noContent(.init())
    }

    func unlockStaff(_ input: Operations.UnlockStaff.Input) async throws -> Operations.UnlockStaff.Output {
        let p = try await authorize(.update, .staff)
        try await state.scope(p.organizationID).staff.liftLock(userID: try uuid(input.path.userId, "userId"), access(p))
        return .noContent(.init())
    }

    func listMyTokens(_ input: Operations.ListMyTokens.Input) async throws -> Operations.ListMyTokens.Output {
        guard let p = context.principal else { throw APIProblem.unauthenticated }
        let now = context.now
        return .ok(
            .init(
                body: .json(
                    try await CredentialStore(database: state.database).tokens(userID: p.userID).filter { $0.organizationID == p.organizationID }
                        .map {
                            .init(
                                id: $0.id.uuidString.lowercased(), name: $0.name, createdAt: $0.createdAt, expiresAt: $0.expiresAt,
                                lastUsedAt: $0.lastUsedAt, revoked: $0.revokedAt != nil || ($0.expiresAt.map { $0 <= now } ?? false))
                        })))
    }

    func revokeMyToken(_ input: Operations.RevokeMyToken.Input) async throws -> Operations.RevokeMyToken.Output {
        guard let p = context.principal else { throw APIProblem.unauthenticated }
        try await AccountStore(database: state.database, auditKey: state.auditKey).revokeToken(
            id: try uuid(input.path.tokenId, "tokenId"), userID: p.userID, organizationID: p.organizationID, now: context.now,
            requestID: context.requestID)
        return .noContent(.init())
    }

    func requestPasswordReset(_ input: Operations.RequestPasswordReset.Input) async throws -> Operations.RequestPasswordReset.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        // Well-formed JSON the contract allows, refused for what it means: 422 naming the field.
        if let problem = AccountInputRules.emailProblem(body.email) { throw StoreError.invalid(field: "email", problem: problem.description) }
        let base = linkBase
        let accepted = try await AccountStore(database: state.database, auditKey: state.auditKey).requestPasswordReset(
            email: body.email, address: context.address, now: context.now, requestID: context.requestID,
            mail: { StaffMail.passwordReset(token: $0, base: base, user: $1) })
        guard accepted else {
            throw APIProblem(
                .tooManyRequests, "Too many reset requests", detail: "Too many requests for this email or from this address; try again in an hour.")
        }
        return .accepted(.init())
    }
}

extension Role {
    /// A role as the contract spells it (its enum is the same list, so every value maps).
    init<R: RawRepresentable>(_ role: R) where R.RawValue == String {
        self = Role(rawValue: role.rawValue) ?? .auditor
    }
}

extension Components.Schemas.StaffMember {
    init(_ m: StaffMember) {
        self.init(
            id: m.id.uuidString.lowercased(), email: m.email, displayName: m.displayName,
            clinics: m.places.map {
                .init(clinicId: $0.clinicID.uuidString.lowercased(), clinicName: $0.clinicName, role: .init(rawValue: $0.role.rawValue) ?? .auditor)
            },
            lastSignInAt: m.lastSignInAt, deactivated: m.deactivated, twoFactor: m.twoFactor, recentFailedSignIns: m.recentFailures)
    }
}

extension Components.Schemas.StaffInvitation {
    init(_ i: StaffInvitation) {
        self.init(
            id: i.id.uuidString.lowercased(), email: i.email,
            grants: i.grants.map { .init(clinicId: $0.clinicID.uuidString.lowercased(), role: .init(rawValue: $0.role.rawValue) ?? .auditor) },
            createdAt: i.createdAt, expiresAt: i.expiresAt)
    }
}

extension APIHandler {
    func resetStaffTwoFactor(_ input: Operations.ResetStaffTwoFactor.Input) async throws -> Operations.ResetStaffTwoFactor.Output {
        let p = try await authorize(.update, .staff)
        try await state.scope(p.organizationID).staff.resetTwoFactor(userID: try uuid(input.path.userId, "userId"), access(p))
        return .noContent(.init())
    }
}
