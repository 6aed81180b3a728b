import FluentKit
import SQLKit
import StratumCore

/// Patients: possible duplicates found at registration and merged charts (issue 12); more of issue 12 joins it before it lands.
struct M0016_PatientsAndAuthorship: AsyncMigration {
    var name: String { "M0016_PatientsAndAuthorship" }

    func prepare(on db: any Database) async throws {
        try await Self.addPatientIdentity(on: db)
    }

    func revert(on db: any Database) async throws {
        try await Self.removePatientIdentity(on: db)
    }
}

// Patients: possible duplicates found by index at registration, and a merged chart that answers as its survivor.
extension M0016_PatientsAndAuthorship {
    static let patientColumns = ["family_key", "phone_key", "email_key", "merged_at", "merged_into"]

    static func addPatientIdentity(on db: any Database) async throws {
        // One column per statement: SQLite adds one column per ALTER TABLE.
        try await db.schema("patients").field("merged_into", .uuid, .references("patients", "id", onDelete: .restrict)).update()
        try await db.schema("patients").field("merged_at", .datetime).update()
        for key in ["family_key", "phone_key", "email_key"] { try await db.schema("patients").field(.string(key), .string).update() }
        let sql = db as! any SQLDatabase
        try await sql.raw("CREATE INDEX ix_patients_family_key ON patients (organization_id, family_key, birth_date)").run()
        try await sql.raw("CREATE INDEX ix_patients_phone_key ON patients (organization_id, phone_key)").run()
        try await sql.raw("CREATE INDEX ix_patients_email_key ON patients (organization_id, email_key)").run()
        try await sql.raw("CREATE INDEX ix_patients_merged_into ON patients (merged_into)").run()
        // Patients registered before: their keys, so they are found as duplicates too.
        struct Row: Decodable { let id: UUID; let family_name: String; let phone: String?; let email: String? }
        let rows = try await sql.select().column("id").column("family_name").column("phone").column("email").from("patients")
            .where(SQLIdentifier("family_key"), .is, SQLLiteral.null).all(decoding: Row.self)
        for r in rows {
            try await sql.update("patients")
                .set("family_key", to: SQLBind(PatientIdentity.nameKey(r.family_name)))
                .set("phone_key", to: SQLBind(PatientIdentity.phoneKey(r.phone)))
                .set("email_key", to: SQLBind(PatientIdentity.emailKey(r.email)))
                .where("id", .equal, SQLBind(r.id)).run()
        }
    }

    static func removePatientIdentity(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        for index in ["ix_patients_merged_into", "ix_patients_email_key", "ix_patients_phone_key", "ix_patients_family_key"] {
            try await sql.raw("DROP INDEX IF EXISTS \(unsafeRaw: index)").run()
        }
        for column in patientColumns { try await db.schema("patients").deleteField(.string(column)).update() }
    }
}
