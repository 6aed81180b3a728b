import FluentKit
import Foundation

final class OrganizationRow: Model, @unchecked Sendable {
    static let schema = "organizations"
    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "created_at") var createdAt: Date
    init() {}
    init(id: UUID? = nil, name: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
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
