import FluentKit
import SQLKit

/// Running a clinic's staff from the owner's screen: invitations by one-time link, password resets, two-factor
/// sign-in (the authenticator secret sealed, recovery codes and the sign-in's second step kept only as keyed
/// hashes), each colleague's last sign-in, and the organization's choice to require two-factor sign-in.
struct M0024_StaffAccounts: AsyncMigration {
    var name: String { "M0024_StaffAccounts" }

    func prepare(on db: any Database) async throws {
        // SQLite adds one column per ALTER TABLE.
        try await db.schema("users").field("last_sign_in_at", .datetime).update()
        try await db.schema("users").field("totp_secret", .string).update()
        try await db.schema("users").field("totp_enabled_at", .datetime).update()
        try await db.schema("users").field("totp_last_step", .int64).update()
        try await db.schema("organizations").field("require_two_factor", .bool, .required, .sql(.default(false))).update()
        try await db.schema("invitations")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("email", .string, .required)
            .field("grants", .string, .required)
            .field("token_hash", .string, .required)
            .field("invited_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("accepted_at", .datetime)
            .field("accepted_user_id", .uuid, .references("users", "id", onDelete: .restrict))
            .field("revoked_at", .datetime)
            .unique(on: "token_hash", name: "uq_invitations_hash")
            .create()
        try await db.schema("password_resets")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .unique(on: "token_hash", name: "uq_password_resets_hash")
            .create()
        // Every reset request, known email or not, so the throttle cannot tell them apart either.
        try await db.schema("reset_requests")
            .id()
            .field("email_hash", .string, .required)
            .field("address", .string, .required)
            .field("requested_at", .datetime, .required)
            .create()
        try await db.schema("recovery_codes")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("code_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("used_at", .datetime)
            .create()
        try await db.schema("sign_in_challenges")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("failures", .int, .required)
            .unique(on: "token_hash", name: "uq_sign_in_challenges_hash")
            .create()
        let sql = db as! any SQLDatabase
        try await sql.raw("CREATE INDEX ix_invitations_org ON invitations (organization_id, created_at)").run()
        try await sql.raw("CREATE INDEX ix_password_resets_user ON password_resets (user_id, created_at)").run()
        try await sql.raw("CREATE INDEX ix_reset_requests_email ON reset_requests (email_hash, requested_at)").run()
        try await sql.raw("CREATE INDEX ix_reset_requests_address ON reset_requests (address, requested_at)").run()
        try await sql.raw("CREATE INDEX ix_recovery_codes_user ON recovery_codes (user_id)").run()
    }

    func revert(on db: any Database) async throws {
        for table in ["sign_in_challenges", "recovery_codes", "reset_requests", "password_resets", "invitations"] {
            try await db.schema(table).delete()
        }
        try await db.schema("organizations").deleteField("require_two_factor").update()
        for field in ["totp_last_step", "totp_enabled_at", "totp_secret", "last_sign_in_at"] {
            try await db.schema("users").deleteField(FieldKey(stringLiteral: field)).update()
        }
    }
}
