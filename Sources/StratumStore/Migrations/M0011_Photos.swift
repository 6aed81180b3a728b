import FluentKit
import SQLKit

/// Clinical photos, and the per-course outcome summary the clinic report reads. Photos: the record row of each stored image (its content hash, view, zone and visit); the image itself
/// is an encrypted file under the data directory named by that hash.
struct M0011_Photos: AsyncMigration {
    var name: String { "M0011_Photos" }

    func prepare(on db: any Database) async throws {
        try await db.schema("photos")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("patient_id", .uuid, .required, .references("patients", "id", onDelete: .restrict))
            .field("course_id", .uuid, .required, .references("courses", "id", onDelete: .restrict))
            .field("view", .string, .required)
            .field("zone_site", .string)
            .field("zone_side", .string)
            .field("visit", .string, .required)
            .field("taken_on", .string, .required)
            .field("sha256", .string, .required)
            .field("media_type", .string, .required)
            .field("byte_count", .int, .required)
            .field("width", .int, .required)
            .field("height", .int, .required)
            .field("removed_json", .string, .required)
            .field("had_location", .bool, .required)
            .field("uploaded_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("created_at", .datetime, .required)
            // The same image twice in one record is a mistake (a re-upload), not a second photo.
            .unique(on: "patient_id", "sha256", name: "uq_photos_patient_sha256")
            .create()
        let sql = db as! any SQLDatabase
        try await sql.raw("CREATE INDEX idx_photos_course ON photos (course_id, visit)").run()
        // One row per course, kept up to date in the transaction of every session, score and adverse event, so the
        // clinic outcome report groups one narrow table instead of joining a chain's every session and score.
        try await db.schema("course_outcomes")
            .field("course_id", .uuid, .identifier(auto: false), .references("courses", "id", onDelete: .restrict))
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("clinic_id", .uuid, .required)
            .field("indication", .string, .required)
            .field("practitioner_id", .uuid)
            .field("sessions", .int, .required)
            .field("sessions_with_event", .int, .required)
            .field("first_score", .double)
            .field("last_score", .double)
            .field("scores", .int, .required)
            .create()
        try await sql.raw(
            """
            CREATE INDEX ix_course_outcomes_report ON course_outcomes (organization_id, clinic_id, indication, practitioner_id, sessions,
              sessions_with_event, first_score, last_score, scores)
            """
        ).run()
        // Summarizing the courses a database already holds reads the clinical tables through today's models, whose
        // later columns do not exist yet at this point: M0019_RefreshCourseOutcomes does it once every column exists.
    }

    func revert(on db: any Database) async throws {
        try await db.schema("course_outcomes").delete()
        try await db.schema("photos").delete()
    }
}
