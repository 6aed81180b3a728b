import FluentKit

/// Organizations, their clinics, users and per-clinic memberships: who may see what starts here.
struct M0001_Organizations: AsyncMigration {
    var name: String { "M0001_Organizations" }

    func prepare(on db: any Database) async throws {
        try await db.schema("organizations")
            .id()
            .field("name", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await db.schema("clinics")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("name", .string, .required)
            .field("timezone", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await db.schema("users")
            .id()
            .field("email", .string, .required)
            .field("display_name", .string, .required)
            .field("password_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("disabled_at", .datetime)
            .unique(on: "email", name: "uq_users_email")
            .create()
        try await db.schema("memberships")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("clinic_id", .uuid, .required, .references("clinics", "id", onDelete: .restrict))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("role", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "user_id", "clinic_id", name: "uq_memberships_user_clinic")
            .create()
    }

    func revert(on db: any Database) async throws {
        for table in ["memberships", "users", "clinics", "organizations"] { try await db.schema(table).delete() }
    }
}
