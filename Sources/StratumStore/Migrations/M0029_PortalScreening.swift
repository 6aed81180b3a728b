import FluentKit
import SQLKit

/// The screening a patient answers at home and the consent they sign in the portal (issue 16, decision 0019). Home
/// answers wait in `home_screenings` until a practitioner confirms them in the room, which writes an ordinary
/// screening version marked `answered_by = 'patient'`: the tables every session and plan reads never hold answers
/// nobody has reviewed. A consent signed in the portal has no staff member who took it: `consents.recorded_by` may
/// be empty when `channel` is `portal`.
struct M0029_PortalScreening: AsyncMigration {
    var name: String { "M0029_PortalScreening" }

    func prepare(on db: any Database) async throws {
        try await db.schema("home_screenings")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("patient_id", .uuid, .required, .references("patients", "id", onDelete: .restrict))
            .field("clinic_id", .uuid, .required, .references("clinics", "id", onDelete: .restrict))
            .field("answered_on", .string, .required)
            .field("answers_json", .string, .required)
            .field("findings_json", .string, .required)
            .field("policy_version", .string, .required)
            .field("submitted_at", .datetime, .required)
            .field("status", .string, .required)
            .field("reviewed_by", .uuid, .references("users", "id", onDelete: .restrict))
            .field("reviewed_at", .datetime)
            .field("screening_id", .uuid, .references("screenings", "id", onDelete: .restrict))
            .create()
        let sql = db as! any SQLDatabase
        try await sql.raw("CREATE INDEX ix_home_screenings_awaiting ON home_screenings (organization_id, status, clinic_id)").run()
        try await sql.raw("CREATE INDEX ix_home_screenings_patient ON home_screenings (patient_id, submitted_at)").run()
        // Who answered a screening version: 'patient' at home (confirmed by the version's recorder); empty for the
        // room's, as every existing version was (the stores write rows whose optional fields they leave empty).
        try await sql.raw("ALTER TABLE screenings ADD COLUMN answered_by TEXT").run()
        if sql.dialect.name == "sqlite" {
            try await rebuildConsents(sql)
        } else {
            try await sql.raw("ALTER TABLE consents ALTER COLUMN recorded_by DROP NOT NULL").run()
            try await sql.raw("ALTER TABLE consents ADD COLUMN channel TEXT").run()
        }
    }

    /// SQLite cannot drop a NOT NULL: the table is rebuilt from its own definition with `recorded_by` nullable, its
    /// rows copied, and its indexes created again (no table references consents, so nothing else changes).
    private func rebuildConsents(_ sql: any SQLDatabase) async throws {
        struct Definition: Decodable { let sql: String }
        guard
            let table = try await sql.raw("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'consents'").first(decoding: Definition.self)
        else { return }
        let indexes = try await sql.raw("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'consents' AND sql IS NOT NULL")
            .all(decoding: Definition.self)
        let header = #"CREATE TABLE "consents""#
        guard table.sql.hasPrefix(header), let column = table.sql.range(of: #""recorded_by" [A-Z]+ NOT NULL"#, options: .regularExpression)
        else { throw MigrationShapeError(table: "consents") }
        var create = table.sql
        create.replaceSubrange(column, with: create[column].replacingOccurrences(of: " NOT NULL", with: ""))
        create = #"CREATE TABLE "consents_m0029""# + create.dropFirst(header.count)
        try await sql.raw("\(unsafeRaw: create)").run()
        try await sql.raw("INSERT INTO consents_m0029 SELECT * FROM consents").run()
        try await sql.raw("DROP TABLE consents").run()
        try await sql.raw("ALTER TABLE consents_m0029 RENAME TO consents").run()
        for index in indexes { try await sql.raw("\(unsafeRaw: index.sql)").run() }
        // Empty for a consent taken in the room, 'portal' for one the patient signed there.
        try await sql.raw("ALTER TABLE consents ADD COLUMN channel TEXT").run()
    }

    func revert(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        try await sql.raw("DELETE FROM consents WHERE channel = 'portal'").run()
        try await sql.raw("ALTER TABLE consents DROP COLUMN channel").run()
        try await sql.raw("ALTER TABLE screenings DROP COLUMN answered_by").run()
        try await db.schema("home_screenings").delete()
    }
}

/// A table's stored definition is not the shape the migration was written for: stop rather than guess.
struct MigrationShapeError: Error, CustomStringConvertible {
    let table: String
    var description: String { "the stored definition of \(table) is not the expected one" }
}
