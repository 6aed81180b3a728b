import FluentKit

/// Patients, their versioned screenings and signed consents. Every row carries its organization for scoping.
struct M0003_Patients: AsyncMigration {
    var name: String { "M0003_Patients" }

    func prepare(on db: any Database) async throws {
        try await db.schema("patients")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("clinic_id", .uuid, .required, .references("clinics", "id", onDelete: .restrict))
            .field("given_name", .string, .required)
            .field("family_name", .string, .required)
            .field("search_name", .string, .required)
            .field("birth_date", .string, .required)
            .field("sex", .string, .required)
            .field("fitzpatrick", .int, .required)
            .field("phone", .string)
            .field("email", .string)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await db.schema("screenings")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("patient_id", .uuid, .required, .references("patients", "id", onDelete: .restrict))
            .field("version", .int, .required)
            .field("answered_on", .string, .required)
            .field("answers_json", .string, .required)
            .field("findings_json", .string, .required)
            .field("policy_version", .string, .required)
            .field("recorded_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("created_at", .datetime, .required)
            .unique(on: "patient_id", "version", name: "uq_screenings_patient_version")
            .create()
        try await db.schema("consents")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("patient_id", .uuid, .required, .references("patients", "id", onDelete: .restrict))
            .field("kind", .string, .required)
            .field("text_version", .string, .required)
            .field("photo_tier", .string)
            .field("signed_by_name", .string, .required)
            .field("signed_at", .datetime, .required)
            .field("recorded_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("withdrawn_at", .datetime)
            .create()
    }

    func revert(on db: any Database) async throws {
        for table in ["consents", "screenings", "patients"] { try await db.schema(table).delete() }
    }
}
