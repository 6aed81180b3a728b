import FluentKit
import SQLKit

/// The patient portal's sign-in: one-time links mailed to a patient's email (kept as SHA-256 only, with their wrong
/// birth-date count), every link request (known email or not, for the throttle), and portal sessions, each scoped to
/// one patient and kept apart from the staff's `web_sessions` so neither cookie opens the other's pages.
struct M0026_PatientPortal: AsyncMigration {
    var name: String { "M0026_PatientPortal" }

    func prepare(on db: any Database) async throws {
        try await db.schema("portal_links")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("patient_id", .uuid, .required, .references("patients", "id", onDelete: .restrict))
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .field("failures", .int, .required)
            .unique(on: "token_hash", name: "uq_portal_links_hash")
            .create()
        // Every request, whether or not a patient has the email, so the throttle cannot tell them apart either.
        try await db.schema("portal_link_requests")
            .id()
            .field("email_hash", .string, .required)
            .field("address", .string, .required)
            .field("requested_at", .datetime, .required)
            .create()
        try await db.schema("portal_sessions")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("patient_id", .uuid, .required, .references("patients", "id", onDelete: .restrict))
            .field("clinic_id", .uuid, .required, .references("clinics", "id", onDelete: .restrict))
            .field("token_hash", .string, .required)
            .field("csrf_token", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .unique(on: "token_hash", name: "uq_portal_sessions_hash")
            .create()
        let sql = db as! any SQLDatabase
        try await sql.raw("CREATE INDEX ix_portal_links_patient ON portal_links (patient_id, created_at)").run()
        try await sql.raw("CREATE INDEX ix_portal_link_requests_email ON portal_link_requests (email_hash, requested_at)").run()
        try await sql.raw("CREATE INDEX ix_portal_link_requests_address ON portal_link_requests (address, requested_at)").run()
        try await sql.raw("CREATE INDEX ix_portal_sessions_patient ON portal_sessions (patient_id)").run()
        // A link request finds the patients of every organization by their email key (M0016's index leads with the
        // organization).
        try await sql.raw("CREATE INDEX ix_patients_portal_email ON patients (email_key)").run()
    }

    func revert(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        try await sql.raw("DROP INDEX ix_patients_portal_email").run()
        for table in ["portal_sessions", "portal_link_requests", "portal_links"] {
            try await db.schema(table).delete()
        }
    }
}
