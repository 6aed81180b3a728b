import FluentKit
import SQLKit

/// Indexes for the lookups the stores make on every request: a patient's courses, sessions and events, open events
/// for the Today page, a user's sessions, and the login counters (which would otherwise scan every attempt ever made).
struct M0007_ClinicalIndexes: AsyncMigration {
    var name: String { "M0007_ClinicalIndexes" }

    static let indexes: [(name: String, table: String, columns: String)] = [
        ("ix_consents_patient", "consents", "patient_id"),
        ("ix_courses_patient", "courses", "patient_id"),
        ("ix_treatment_sessions_course", "treatment_sessions", "course_id, date"),
        ("ix_finding_acknowledgements_session", "finding_acknowledgements", "session_id"),
        ("ix_session_addenda_session", "session_addenda", "session_id"),
        ("ix_adverse_events_patient", "adverse_events", "patient_id"),
        ("ix_adverse_events_status", "adverse_events", "organization_id, status"),
        ("ix_assessments_patient", "assessments", "patient_id"),
        ("ix_web_sessions_user", "web_sessions", "user_id"),
        ("ix_api_tokens_user", "api_tokens", "user_id"),
        ("ix_login_attempts_email", "login_attempts", "email_hash, attempted_at"),
        ("ix_login_attempts_address", "login_attempts", "address, attempted_at")
    ]

    func prepare(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        for ix in Self.indexes {
            try await sql.raw("CREATE INDEX \(unsafeRaw: ix.name) ON \(unsafeRaw: ix.table) (\(unsafeRaw: ix.columns))").run()
        }
    }

    func revert(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        for ix in Self.indexes.reversed() { try await sql.raw("DROP INDEX \(unsafeRaw: ix.name)").run() }
    }
}
