import FluentKit

/// Courses with their planned visits, treatment sessions zone by zone, acknowledgements and addenda.
/// Device parts, lots and packs get their own tables later; sessions keep the facts checked as JSON until then.
struct M0004_Courses: AsyncMigration {
    var name: String { "M0004_Courses" }

    func prepare(on db: any Database) async throws {
        try await db.schema("courses")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("patient_id", .uuid, .required, .references("patients", "id", onDelete: .restrict))
            .field("clinic_id", .uuid, .required, .references("clinics", "id", onDelete: .restrict))
            .field("indications_json", .string, .required)
            .field("zones_json", .string, .required)
            .field("device_json", .string, .required)
            .field("goal", .string)
            .field("status", .string, .required)
            .field("interval_weeks", .int, .required)
            .field("plan_json", .string, .required)
            .field("policy_version", .string, .required)
            .field("created_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("created_at", .datetime, .required)
            .field("accepted_at", .datetime)
            .create()
        try await db.schema("planned_visits")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("course_id", .uuid, .required, .references("courses", "id", onDelete: .restrict))
            .field("number", .int, .required)
            .field("date", .string, .required)
            .field("zones_json", .string, .required)
            .unique(on: "course_id", "number", name: "uq_planned_visits_course_number")
            .create()
        try await db.schema("treatment_sessions")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("course_id", .uuid, .required, .references("courses", "id", onDelete: .restrict))
            .field("clinic_id", .uuid, .required, .references("clinics", "id", onDelete: .restrict))
            .field("practitioner_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("date", .string, .required)
            .field("device_json", .string, .required)
            .field("sterility_json", .string, .required)
            .field("topical_json", .string)
            .field("reactions_json", .string, .required)
            .field("decision", .string, .required)
            .field("findings_json", .string, .required)
            .field("policy_version", .string, .required)
            .field("created_at", .datetime, .required)
            .field("signed_at", .datetime)
            .field("signed_by", .uuid, .references("users", "id", onDelete: .restrict))
            .create()
        try await db.schema("zone_treatments")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("session_id", .uuid, .required, .references("treatment_sessions", "id", onDelete: .restrict))
            .field("site", .string, .required)
            .field("side", .string, .required)
            .field("depth_mm", .double, .required)
            .field("passes", .int, .required)
            .field("end_point", .string)
            .unique(on: "session_id", "site", "side", name: "uq_zone_treatments_zone")
            .create()
        try await db.schema("finding_acknowledgements")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("session_id", .uuid, .required, .references("treatment_sessions", "id", onDelete: .restrict))
            .field("rule", .string, .required)
            .field("site", .string)
            .field("side", .string)
            .field("reason", .string, .required)
            .field("acknowledged_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("acknowledged_at", .datetime, .required)
            .create()
        try await db.schema("session_addenda")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("session_id", .uuid, .required, .references("treatment_sessions", "id", onDelete: .restrict))
            .field("text", .string, .required)
            .field("author_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("created_at", .datetime, .required)
            .create()
    }

    func revert(on db: any Database) async throws {
        for table in [
            "session_addenda", "finding_acknowledgements", "zone_treatments", "treatment_sessions",
            "planned_visits", "courses"
        ] {
            try await db.schema(table).delete()
        }
    }
}
