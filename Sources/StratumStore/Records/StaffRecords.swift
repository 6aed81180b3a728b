import FluentKit
import Foundation

// Fluent models of M0024: every link and code is stored as a hash only, so a copied database opens no account.

final class InvitationRow: Model, @unchecked Sendable {
    static let schema = "invitations"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "email") var email: String
    /// The clinics and roles the invitation grants, as JSON: `[{"clinic": "<uuid>", "role": "practitioner"}]`.
    @Field(key: "grants") var grants: String
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "invited_by") var invitedBy: UUID
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "accepted_at") var acceptedAt: Date?
    @OptionalField(key: "accepted_user_id") var acceptedUserID: UUID?
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    init() {}
}

final class PasswordResetRow: Model, @unchecked Sendable {
    static let schema = "password_resets"
    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?
    init() {}
}

final class ResetRequestRow: Model, @unchecked Sendable {
    static let schema = "reset_requests"
    @ID(key: .id) var id: UUID?
    @Field(key: "email_hash") var emailHash: String
    @Field(key: "address") var address: String
    @Field(key: "requested_at") var requestedAt: Date
    init() {}
}

final class RecoveryCodeRow: Model, @unchecked Sendable {
    static let schema = "recovery_codes"
    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "code_hash") var codeHash: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?
    init() {}
}

final class SignInChallengeRow: Model, @unchecked Sendable {
    static let schema = "sign_in_challenges"
    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @Field(key: "failures") var failures: Int
    init() {}
}
