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
    /// How patients reach the clinic: printed on the aftercare sheet, the calendar file and the recall list.
    @OptionalField(key: "address") var address: String?
    @OptionalField(key: "phone") var phone: String?
    @OptionalField(key: "email") var email: String?
    /// The clinic's policy override as the `clinicPolicy` document; nil is the shipped policy unchanged.
    @OptionalField(key: "policy_json") var policyJSON: String?
    @OptionalField(key: "policy_updated_at") var policyUpdatedAt: Date?
    @OptionalField(key: "policy_updated_by") var policyUpdatedBy: UUID?
    init() {}
}

/// A version of a clinic's consent text; never changed once added, since signatures name it.
final class ClinicConsentTextRow: Model, @unchecked Sendable {
    static let schema = "clinic_consent_texts"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "clinic_id") var clinicID: UUID
    @Field(key: "kind") var kind: String
    @Field(key: "number") var number: Int
    @Field(key: "version") var version: String
    @Field(key: "text") var text: String
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "created_at") var createdAt: Date
    init() {}
}

/// One settings change with its value before and after; append-only.
final class ClinicSettingChangeRow: Model, @unchecked Sendable {
    static let schema = "clinic_setting_changes"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "clinic_id") var clinicID: UUID
    @Field(key: "actor_id") var actorID: UUID
    @Field(key: "changed_at") var changedAt: Date
    @Field(key: "field") var field: String
    @OptionalField(key: "before_value") var before: String?
    @OptionalField(key: "after_value") var after: String?
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
