import FluentKit

/// Adverse events and outcome assessments. Photos get their own table later.
struct M0005_Outcomes: AsyncMigration {
    var name: String { "M0005_Outcomes" }

    func prepare(on db: any Database) async throws {
        try await db.schema("adverse_events")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("patient_id", .uuid, .required, .references("patients", "id", onDelete: .restrict))
            .field("session_id", .uuid, .references("treatment_sessions", "id", onDelete: .restrict))
            .field("type", .string, .required)
            .field("onset", .string, .required)
            .field("grade", .int, .required)
            .field("suspected_causes_json", .string, .required)
            .field("links_json", .string, .required)
            .field("notes", .string)
            .field("status", .string, .required)
            .field("recorded_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("created_at", .datetime, .required)
            .field("closed_at", .datetime)
            .create()
        try await db.schema("assessments")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("patient_id", .uuid, .required, .references("patients", "id", onDelete: .restrict))
            .field("course_id", .uuid, .references("courses", "id", onDelete: .restrict))
            .field("scale", .string, .required)
            .field("score", .double, .required)
            .field("items_json", .string)
            .field("kind", .string, .required)
            .field("assessed_on", .string, .required)
            .field("assessed_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("created_at", .datetime, .required)
            .create()
    }

    func revert(on db: any Database) async throws {
        for table in ["assessments", "adverse_events"] { try await db.schema(table).delete() }
    }
}
