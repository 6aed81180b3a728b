import FluentKit
import SQLKit

/// The audit trail: append-only, enforced by the database itself so that not even a bug in Stratum can rewrite it.
struct M0006_AuditEvents: AsyncMigration {
    var name: String { "M0006_AuditEvents" }

    func prepare(on db: any Database) async throws {
        try await db.schema("audit_events")
            .field("seq", .int64, .identifier(auto: false))
            .field("occurred_at", .string, .required)
            .field("actor_id", .uuid)
            .field("organization_id", .uuid)
            .field("clinic_id", .uuid)
            .field("patient_id", .uuid)
            .field("action", .string, .required)
            .field("resource", .string, .required)
            .field("outcome", .string, .required)
            .field("request_id", .string, .required)
            .field("prev_hash", .string, .required)
            .field("hash", .string, .required)
            .create()
        // The chain's newest row, MAC'd: without it, deleting the last rows would leave a valid shorter chain.
        try await db.schema("audit_head")
            .field("id", .int, .identifier(auto: false))
            .field("seq", .int64, .required)
            .field("hash", .string, .required)
            .field("mac", .string, .required)
            .create()
        let sql = db as! any SQLDatabase
        if sql.dialect.name == "sqlite" {
            try await sql.raw(
                """
                CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
                BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
                BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END
                """
            ).run()
        } else {
            try await sql.raw(
                """
                CREATE FUNCTION stratum_audit_append_only() RETURNS trigger AS $$
                BEGIN RAISE EXCEPTION 'audit_events is append-only'; END;
                $$ LANGUAGE plpgsql
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events
                FOR EACH ROW EXECUTE FUNCTION stratum_audit_append_only()
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
                FOR EACH STATEMENT EXECUTE FUNCTION stratum_audit_append_only()
                """
            ).run()
        }
        try await sql.raw("CREATE INDEX ix_audit_events_patient ON audit_events (patient_id, seq)").run()
    }

    func revert(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        if sql.dialect.name != "sqlite" {
            try await sql.raw("DROP TRIGGER IF EXISTS audit_events_no_update_delete ON audit_events").run()
            try await sql.raw("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events").run()
            try await sql.raw("DROP FUNCTION IF EXISTS stratum_audit_append_only()").run()
        }
        try await db.schema("audit_head").delete()
        try await db.schema("audit_events").delete()
    }
}
