import FluentKit
import SQLKit

/// Mail waiting to leave the building: written in the same transaction as the act that needs it (an invitation, a
/// password reset), delivered by the server's worker, never twice for one idempotency key.
struct M0022_Outbox: AsyncMigration {
    var name: String { "M0022_Outbox" }

    func prepare(on db: any Database) async throws {
        try await db.schema("mail_outbox")
            .id()
            .field("organization_id", .uuid, .references("organizations", "id", onDelete: .restrict))
            .field("idempotency_key", .string, .required)
            .field("kind", .string, .required)
            .field("recipient", .string, .required)
            .field("subject", .string, .required)
            .field("body", .string, .required)
            .field("created_at", .datetime, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("claimed_until", .datetime)
            .field("delivered_at", .datetime)
            .field("failed_at", .datetime)
            .field("last_error", .string)
            .unique(on: "idempotency_key", name: "uq_mail_outbox_key")
            .create()
        // The worker asks for what is due and not yet delivered or given up, oldest first.
        try await (db as! any SQLDatabase).raw("CREATE INDEX ix_mail_outbox_due ON mail_outbox (delivered_at, failed_at, next_attempt_at)").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("mail_outbox").delete()
    }
}
