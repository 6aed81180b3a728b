import FluentKit
import SQLKit

/// The portal's daily check-ins after a session (days 1–7) and the flags a warning sign raises, each holding the
/// adverse-event draft a practitioner confirms or dismisses. One check-in per session and day, by a unique index; one
/// flag per check-in. A check-in's photo is sealed in the photo vault and named here by its hash.
struct M0030_PortalCheckIns: AsyncMigration {
    var name: String { "M0030_PortalCheckIns" }

    func prepare(on db: any Database) async throws {
        try await db.schema("portal_check_ins")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("patient_id", .uuid, .required, .references("patients", "id", onDelete: .restrict))
            .field("clinic_id", .uuid, .required, .references("clinics", "id", onDelete: .restrict))
            .field("session_id", .uuid, .required, .references("treatment_sessions", "id", onDelete: .restrict))
            .field("day", .int, .required)
            .field("reported_on", .string, .required)
            .field("redness", .string, .required)
            .field("swelling", .string, .required)
            .field("pain", .int, .required)
            .field("signs_json", .string, .required)
            .field("photo_sha256", .string)
            .field("photo_media_type", .string)
            .field("photo_byte_count", .int)
            .field("photo_width", .int)
            .field("photo_height", .int)
            .field("created_at", .datetime, .required)
            .unique(on: "session_id", "day", name: "uq_portal_check_ins_day")
            .create()
        try await db.schema("check_in_flags")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("patient_id", .uuid, .required, .references("patients", "id", onDelete: .restrict))
            .field("clinic_id", .uuid, .required, .references("clinics", "id", onDelete: .restrict))
            .field("check_in_id", .uuid, .required, .references("portal_check_ins", "id", onDelete: .restrict))
            .field("session_id", .uuid, .required, .references("treatment_sessions", "id", onDelete: .restrict))
            .field("day", .int, .required)
            .field("signs_json", .string, .required)
            .field("draft_type", .string, .required)
            .field("draft_grade", .int, .required)
            .field("onset", .string, .required)
            .field("status", .string, .required)
            .field("adverse_event_id", .uuid, .references("adverse_events", "id", onDelete: .restrict))
            .field("dismiss_reason", .string)
            .field("closed_by", .uuid, .references("users", "id", onDelete: .restrict))
            .field("closed_at", .datetime)
            .field("created_at", .datetime, .required)
            .unique(on: "check_in_id", name: "uq_check_in_flags_check_in")
            .create()
        let sql = db as! any SQLDatabase
        try await sql.raw("CREATE INDEX ix_portal_check_ins_patient ON portal_check_ins (organization_id, patient_id, session_id)").run()
        try await sql.raw("CREATE INDEX ix_check_in_flags_open ON check_in_flags (organization_id, clinic_id, status, created_at)").run()
    }

    func revert(on db: any Database) async throws {
        for table in ["check_in_flags", "portal_check_ins"] {
            try await db.schema(table).delete()
        }
    }
}
