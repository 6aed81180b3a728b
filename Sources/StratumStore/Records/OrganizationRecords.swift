import FluentKit
import Foundation

final class OrganizationRow: Model, @unchecked Sendable {
    static let schema = "organizations"
    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "created_at") var createdAt: Date
    /// Owners and practitioners must sign in with a second factor (M0024).
    @Field(key: "require_two_factor") var requireTwoFactor: Bool
    init() {}
    init(id: UUID? = nil, name: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
        self.requireTwoFactor = false
    }
}

final class ClinicRow: Model, @unchecked Sendable {
    static let schema = "clinics"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "name") var name: String
    @Field(key: "timezone") var timezone: String
    /// Time-related shelf life of the clinic's sterilization packs; nil for event-related shelf life (CDC 2008).
    @OptionalField(key: "pack_shelf_life_days") var packShelfLifeDays: Int?
    @Field(key: "created_at") var createdAt: Date
    init() {}
}

final class UserRow: Model, @unchecked Sendable {
    static let schema = "users"
    @ID(key: .id) var id: UUID?
    @Field(key: "email") var email: String
    @Field(key: "display_name") var displayName: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "disabled_at") var disabledAt: Date?
    @OptionalField(key: "last_sign_in_at") var lastSignInAt: Date?
    /// The authenticator secret, sealed with a key derived from the audit key (`AccountKeys`); nil: no second factor.
    @OptionalField(key: "totp_secret") var totpSecret: String?
    /// Set when enrolment was confirmed with a code; a secret without it is an enrolment in progress.
    @OptionalField(key: "totp_enabled_at") var totpEnabledAt: Date?
    /// The last time step whose code signed in: no code works twice.
    @OptionalField(key: "totp_last_step") var totpLastStep: Int64?
    init() {}
}

final class MembershipRow: Model, @unchecked Sendable {
    static let schema = "memberships"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "clinic_id") var clinicID: UUID
    @Field(key: "user_id") var userID: UUID
    @Field(key: "role") var role: String
    @Field(key: "created_at") var createdAt: Date
    init() {}
}
