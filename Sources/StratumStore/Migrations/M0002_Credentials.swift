import FluentKit

/// API tokens and web sessions, stored only as hashes so a copied database grants no access.
struct M0002_Credentials: AsyncMigration {
    var name: String { "M0002_Credentials" }

    func prepare(on db: any Database) async throws {
        try await db.schema("api_tokens")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("name", .string, .required)
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime)
            .field("revoked_at", .datetime)
            .field("last_used_at", .datetime)
            .unique(on: "token_hash", name: "uq_api_tokens_hash")
            .create()
        try await db.schema("web_sessions")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("token_hash", .string, .required)
            .field("csrf_token", .string, .required)
            .field("clinic_id", .uuid, .references("clinics", "id", onDelete: .restrict))
            .field("created_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .unique(on: "token_hash", name: "uq_web_sessions_hash")
            .create()
        try await db.schema("login_attempts")
            .id()
            .field("email_hash", .string, .required)
            .field("address", .string, .required)
            .field("succeeded", .bool, .required)
            .field("attempted_at", .datetime, .required)
            .create()
    }

    func revert(on db: any Database) async throws {
        for table in ["login_attempts", "web_sessions", "api_tokens"] { try await db.schema(table).delete() }
    }
}
