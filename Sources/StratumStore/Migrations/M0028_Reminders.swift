import FluentKit
import SQLKit

/// Reminders of booked visits: which reminder went for which start (so none goes twice, and a moved visit is reminded
/// of its new time), the links that let a patient confirm or cancel from the message, the patient's confirmation,
/// the outbox's channel (email or SMS through the clinic's gateway) and the withdrawal of a reminder whose visit was
/// cancelled before it left.
struct M0028_Reminders: AsyncMigration {
    var name: String { "M0028_Reminders" }

    func prepare(on db: any Database) async throws {
        try await db.schema("appointments").field("confirmed_at", .datetime).update()
        try await db.schema("mail_outbox").field("channel", .string).update()
        try await db.schema("mail_outbox").field("withdrawn_at", .datetime).update()
        try await db.schema("mail_outbox").field("appointment_id", .uuid).update()
        try await db.schema("appointment_reminders")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("appointment_id", .uuid, .required, .references("appointments", "id", onDelete: .restrict))
            .field("kind", .string, .required)
            // The start the reminder announced: a visit moved to another time is reminded again.
            .field("starts_at", .datetime, .required)
            // email, sms, or none (the patient has neither address: nothing to send, and nothing to look at again).
            .field("channel", .string, .required)
            .field("queued_at", .datetime, .required)
            .unique(on: "appointment_id", "kind", "starts_at", name: "uq_appointment_reminders_once")
            .create()
        try await db.schema("appointment_reply_links")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("appointment_id", .uuid, .required, .references("appointments", "id", onDelete: .restrict))
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .unique(on: "token_hash", name: "uq_appointment_reply_links_token")
            .create()
        let sql = db as! any SQLDatabase
        // The reminder worker asks for booked visits starting within the next two days.
        try await sql.raw("CREATE INDEX ix_appointments_status_start ON appointments (status, starts_at)").run()
        try await sql.raw("CREATE INDEX ix_mail_outbox_appointment ON mail_outbox (appointment_id)").run()
        try await sql.raw("CREATE INDEX ix_appointment_reply_links_appointment ON appointment_reply_links (appointment_id)").run()
    }

    func revert(on db: any Database) async throws {
        for table in ["appointment_reply_links", "appointment_reminders"] { try await db.schema(table).delete() }
    }
}
