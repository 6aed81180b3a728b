import FluentKit
import SQLKit

/// Follow-up entries of an adverse event (POLICY §6): each review of the patient until the event is closed, with
/// the grade at that review, so the course of a complication can be read back.
struct M0008_AdverseEventFollowUps: AsyncMigration {
    var name: String { "M0008_AdverseEventFollowUps" }

    func prepare(on db: any Database) async throws {
        try await db.schema("adverse_event_follow_ups")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("event_id", .uuid, .required, .references("adverse_events", "id", onDelete: .restrict))
            .field("noted_on", .string, .required)
            .field("grade", .int)
            .field("text", .string, .required)
            .field("recorded_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("created_at", .datetime, .required)
            .create()
        let sql = db as! any SQLDatabase
        try await sql.raw("CREATE INDEX ix_adverse_event_follow_ups_event ON adverse_event_follow_ups (event_id)").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("adverse_event_follow_ups").delete()
    }
}
