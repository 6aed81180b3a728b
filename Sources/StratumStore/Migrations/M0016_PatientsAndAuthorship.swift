import FluentKit
import Foundation
import SQLKit
import StratumCore

/// Patients: possible duplicates found at registration and merged charts (issue 12). Authorship: who documented each
/// session (an assistant may document for the treating practitioner), who closed each adverse
/// event, and the zones and clinic an adverse event belongs to, so `REACTION-UNRESOLVED` holds only the affected area
/// and a clinic's Today shows its own events.
struct M0016_PatientsAndAuthorship: AsyncMigration {
    var name: String { "M0016_PatientsAndAuthorship" }

    func prepare(on db: any Database) async throws {
        try await db.schema("treatment_sessions").field("documented_by", .uuid, .references("users", "id", onDelete: .restrict)).update()
        // One column per ALTER: SQLite adds a single column at a time.
        try await db.schema("adverse_events").field("clinic_id", .uuid, .references("clinics", "id", onDelete: .restrict)).update()
        try await db.schema("adverse_events").field("zones_json", .string).update()
        try await db.schema("adverse_events").field("closed_by", .uuid, .references("users", "id", onDelete: .restrict)).update()
        try await Self.backFillAuthorship(on: db as! any SQLDatabase)
        try await Self.addPatientIdentity(on: db)
    }

    func revert(on db: any Database) async throws {
        try await Self.removePatientIdentity(on: db)
        for column: FieldKey in ["closed_by", "zones_json", "clinic_id"] { try await db.schema("adverse_events").deleteField(column).update() }
        try await db.schema("treatment_sessions").deleteField("documented_by").update()
    }

    /// Sessions recorded so far were documented by their practitioner. An event belongs to its session's clinic (or,
    /// unlinked, to its patient's) and affects its session's zones; an unlinked event keeps an empty list, read as the
    /// whole area of the session it followed. Who closed an earlier event was not recorded and stays unknown.
    static func backFillAuthorship(on sql: any SQLDatabase) async throws {
        try await sql.raw("UPDATE treatment_sessions SET documented_by = practitioner_id WHERE documented_by IS NULL").run()
        try await sql.raw(
            """
            UPDATE adverse_events SET clinic_id = (SELECT s.clinic_id FROM treatment_sessions s WHERE s.id = adverse_events.session_id)
            WHERE clinic_id IS NULL AND session_id IS NOT NULL
            """
        ).run()
        try await sql.raw(
            """
            UPDATE adverse_events SET clinic_id = (SELECT p.clinic_id FROM patients p WHERE p.id = adverse_events.patient_id)
            WHERE clinic_id IS NULL
            """
        ).run()
        struct EventRow: Decodable { let id: UUID; let session_id: UUID? }
        struct ZoneRow: Decodable { let site: String; let side: String }
        let events = try await sql.select().column("id").column("session_id").from("adverse_events")
            .where(SQLIdentifier("zones_json"), .is, SQLLiteral.null).all(decoding: EventRow.self)
        for e in events {
            var zones: [JSONValue] = []
            if let sessionID = e.session_id {
                let rows = try await sql.select().column("site").column("side").from("zone_treatments")
                    .where("session_id", .equal, SQLBind(sessionID)).orderBy("site").orderBy("side").all(decoding: ZoneRow.self)
                zones = rows.map { .object([("site", .string($0.site)), ("side", .string($0.side))]) }
            }
            try await sql.update("adverse_events").set("zones_json", to: SQLBind(JSONWriter.write(.array(zones), pretty: false)))
                .where("id", .equal, SQLBind(e.id)).run()
        }
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
