import FluentKit
import Foundation

// Fluent models of M0002: tokens and sessions are stored as SHA-256 hashes only.

final class ApiTokenRow: Model, @unchecked Sendable {
    static let schema = "api_tokens"
    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "name") var name: String
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "expires_at") var expiresAt: Date?
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?
    init() {}
}

final class WebSessionRow: Model, @unchecked Sendable {
    static let schema = "web_sessions"
    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "csrf_token") var csrfToken: String
    @OptionalField(key: "clinic_id") var clinicID: UUID?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    init() {}
}

final class LoginAttemptRow: Model, @unchecked Sendable {
    static let schema = "login_attempts"
    @ID(key: .id) var id: UUID?
    @Field(key: "email_hash") var emailHash: String
    @Field(key: "address") var address: String
    @Field(key: "succeeded") var succeeded: Bool
    @Field(key: "attempted_at") var attemptedAt: Date
    init() {}
}
