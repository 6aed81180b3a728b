import FluentKit
import SQLKit

/// The front desk's calendar: rooms retired but kept on old appointments, an appointment's check-in, the history of
/// every move (who moved it, from when and where), and each practitioner's private calendar feed, of which only the
/// SHA-256 of the secret is kept so a stolen database does not hand out the feeds.
struct M0027_AppointmentDesk: AsyncMigration {
    var name: String { "M0027_AppointmentDesk" }

    func prepare(on db: any Database) async throws {
        // One column per statement: SQLite adds columns one ALTER TABLE at a time.
        try await db.schema("rooms").field("retired_at", .datetime).update()
        try await db.schema("appointments").field("checked_in_at", .datetime).update()
        try await db.schema("appointments").field("checked_in_by", .uuid).update()
        try await db.schema("appointment_moves")
            .id()
            .field("appointment_id", .uuid, .required, .references("appointments", "id", onDelete: .restrict))
            .field("moved_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("moved_at", .datetime, .required)
            .field("from_date", .string, .required)
            .field("from_start_minute", .int, .required)
            .field("from_minutes", .int, .required)
            .field("from_practitioner_id", .uuid, .required)
            .field("from_room_id", .uuid)
            .field("acknowledgements_json", .string, .required)
            .create()
        try await db.schema("calendar_feeds")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("revoked_at", .datetime)
            .unique(on: "token_hash", name: "uq_calendar_feeds_token_hash")
            .create()
        let sql = db as! any SQLDatabase
        try await sql.raw("CREATE INDEX ix_appointment_moves_appointment ON appointment_moves (appointment_id)").run()
        try await sql.raw("CREATE INDEX ix_appointments_practitioner_start ON appointments (practitioner_id, starts_at)").run()
        try await sql.raw("CREATE INDEX ix_calendar_feeds_user ON calendar_feeds (organization_id, user_id)").run()
    }

    func revert(on db: any Database) async throws {
        for table in ["calendar_feeds", "appointment_moves"] { try await db.schema(table).delete() }
        try await db.schema("appointments").deleteField("checked_in_by").update()
        try await db.schema("appointments").deleteField("checked_in_at").update()
        try await db.schema("rooms").deleteField("retired_at").update()
    }
}
