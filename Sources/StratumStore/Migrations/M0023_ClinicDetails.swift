import FluentKit
import SQLKit

/// What a clinic tells its patients and how it narrows the policy: its address, phone and email (printed on the
/// aftercare sheet, the calendar file and the recall list), its policy override with who set it and when, the
/// versions of its consent texts (never changed once added: signatures name them), and the append-only history of
/// every settings change with its value before and after.
struct M0023_ClinicDetails: AsyncMigration {
    var name: String { "M0023_ClinicDetails" }

    func prepare(on db: any Database) async throws {
        // One column per statement: SQLite adds columns one ALTER TABLE at a time.
        for field in ["address", "phone", "email", "policy_json"] {
            try await db.schema("clinics").field(.string(field), .string).update()
        }
        try await db.schema("clinics").field("policy_updated_at", .datetime).update()
        try await db.schema("clinics").field("policy_updated_by", .uuid).update()

        try await db.schema("clinic_consent_texts")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("clinic_id", .uuid, .required, .references("clinics", "id", onDelete: .restrict))
            .field("kind", .string, .required)
            // 1, 2, 3… per clinic and kind: the highest is the current text, whatever the clocks said.
            .field("number", .int, .required)
            .field("version", .string, .required)
            .field("text", .string, .required)
            .field("created_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("created_at", .datetime, .required)
            .unique(on: "clinic_id", "kind", "version", name: "uq_clinic_consent_texts_version")
            .unique(on: "clinic_id", "kind", "number", name: "uq_clinic_consent_texts_number")
            .create()

        try await db.schema("clinic_setting_changes")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("clinic_id", .uuid, .required, .references("clinics", "id", onDelete: .restrict))
            .field("actor_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("changed_at", .datetime, .required)
            .field("field", .string, .required)
            .field("before_value", .string)
            .field("after_value", .string)
            .create()

        let sql = db as! any SQLDatabase
        try await sql.raw("CREATE INDEX ix_clinic_setting_changes_clinic ON clinic_setting_changes (clinic_id, changed_at)").run()
        try await sql.raw("CREATE INDEX ix_clinic_consent_texts_clinic ON clinic_consent_texts (clinic_id, kind, number)").run()
        // Neither table is ever rewritten: a consent text is what patients signed, a change is history.
        for table in ["clinic_consent_texts", "clinic_setting_changes"] {
            if sql.dialect.name == "sqlite" {
                for event in ["UPDATE", "DELETE"] {
                    try await sql.raw(
                        """
                        CREATE TRIGGER \(unsafeRaw: table)_no_\(unsafeRaw: event.lowercased()) BEFORE \(unsafeRaw: event) ON \(unsafeRaw: table)
                        BEGIN SELECT RAISE(ABORT, '\(unsafeRaw: table) is append-only'); END
                        """
                    ).run()
                }
            } else {
                try await sql.raw(
                    """
                    CREATE FUNCTION stratum_\(unsafeRaw: table)_append_only() RETURNS trigger AS $$
                    BEGIN RAISE EXCEPTION '\(unsafeRaw: table) is append-only'; END;
                    $$ LANGUAGE plpgsql
                    """
                ).run()
                try await sql.raw(
                    """
                    CREATE TRIGGER \(unsafeRaw: table)_no_update_delete BEFORE UPDATE OR DELETE ON \(unsafeRaw: table)
                    FOR EACH ROW EXECUTE FUNCTION stratum_\(unsafeRaw: table)_append_only()
                    """
                ).run()
            }
        }
    }

    func revert(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        for table in ["clinic_setting_changes", "clinic_consent_texts"] {
            try await db.schema(table).delete()
            if sql.dialect.name != "sqlite" {
                try await sql.raw("DROP FUNCTION IF EXISTS stratum_\(unsafeRaw: table)_append_only()").run()
            }
        }
        for field in ["policy_updated_by", "policy_updated_at", "policy_json", "email", "phone", "address"] {
            try await db.schema("clinics").deleteField(.string(field)).update()
        }
    }
}
