import FluentKit
import SQLKit

/// The audit trail without a global lock (docs/decisions/0007): each row carries its own MAC (`row_id`, `mac`),
/// written in the caller's transaction, and a place in the chain (`position`, `prev_hash`, `hash`) given at once on
/// SQLite (one writer) and by the sealer on PostgreSQL. Rows written before this migration keep their chain: their
/// position is their seq and their hash is the chained HMAC they always had. On PostgreSQL the sealed images move
/// into `photo_blobs`, so every app server reads every photo.
struct M0020_SealedAuditAndPhotoBlobs: AsyncMigration {
    var name: String { "M0020_SealedAuditAndPhotoBlobs" }

    func prepare(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        if sql.dialect.name == "sqlite" {
            try await sql.raw("ALTER TABLE audit_events ADD COLUMN row_id TEXT").run()
            try await sql.raw("ALTER TABLE audit_events ADD COLUMN mac TEXT").run()
            try await sql.raw("ALTER TABLE audit_events ADD COLUMN position INTEGER").run()
            // Back-filling the chain position is the one update the trail ever takes; the guard comes straight back.
            try await sql.raw("DROP TRIGGER audit_events_no_update").run()
            try await sql.raw("UPDATE audit_events SET position = seq").run()
            try await sql.raw(
                """
                CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
                BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END
                """
            ).run()
        } else {
            try await sql.raw(
                """
                ALTER TABLE audit_events ADD COLUMN row_id TEXT, ADD COLUMN mac TEXT, ADD COLUMN position BIGINT,
                  ALTER COLUMN prev_hash DROP NOT NULL, ALTER COLUMN hash DROP NOT NULL
                """
            ).run()
            try await sql.raw("DROP TRIGGER audit_events_no_update_delete ON audit_events").run()
            try await sql.raw("UPDATE audit_events SET position = seq").run()
            // Rows take their seq from a sequence: no transaction waits for another to learn the next number.
            try await sql.raw("CREATE SEQUENCE audit_events_seq OWNED BY audit_events.seq").run()
            try await sql.raw("SELECT setval('audit_events_seq', (SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_events), false)").run()
            try await sql.raw("ALTER TABLE audit_events ALTER COLUMN seq SET DEFAULT nextval('audit_events_seq')").run()
            // The sealer's update is the only one allowed: it fills the chain columns of an unsealed row once and
            // changes nothing else. Deletes stay refused.
            try await sql.raw(
                """
                CREATE FUNCTION stratum_audit_seal_only() RETURNS trigger AS $$
                BEGIN
                  IF TG_OP = 'UPDATE' AND OLD.position IS NULL AND NEW.position IS NOT NULL
                     AND NEW.prev_hash IS NOT NULL AND NEW.hash IS NOT NULL
                     AND (NEW.seq, NEW.occurred_at, NEW.actor_id, NEW.organization_id, NEW.clinic_id, NEW.patient_id, NEW.action,
                          NEW.resource, NEW.outcome, NEW.request_id, NEW.row_id, NEW.mac)
                         IS NOT DISTINCT FROM
                         (OLD.seq, OLD.occurred_at, OLD.actor_id, OLD.organization_id, OLD.clinic_id, OLD.patient_id, OLD.action,
                          OLD.resource, OLD.outcome, OLD.request_id, OLD.row_id, OLD.mac) THEN
                    RETURN NEW;
                  END IF;
                  RAISE EXCEPTION 'audit_events is append-only (a row is only ever sealed, once)';
                END;
                $$ LANGUAGE plpgsql
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events
                FOR EACH ROW EXECUTE FUNCTION stratum_audit_seal_only()
                """
            ).run()
            try await sql.raw(
                """
                CREATE TABLE photo_blobs (sha256 TEXT PRIMARY KEY, sealed BYTEA NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """
            ).run()
        }
        try await sql.raw("CREATE UNIQUE INDEX ux_audit_events_position ON audit_events (position)").run()
        try await sql.raw("CREATE UNIQUE INDEX ux_audit_events_row_id ON audit_events (row_id)").run()
        // The sealer's queue: small, because a row leaves it within milliseconds.
        try await sql.raw("CREATE INDEX ix_audit_events_unsealed ON audit_events (seq) WHERE position IS NULL").run()
    }

    func revert(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        try await sql.raw("DROP INDEX ix_audit_events_unsealed").run()
        try await sql.raw("DROP INDEX ux_audit_events_row_id").run()
        try await sql.raw("DROP INDEX ux_audit_events_position").run()
        if sql.dialect.name != "sqlite" {
            try await sql.raw("DROP TABLE photo_blobs").run()
            try await sql.raw("DROP TRIGGER audit_events_no_update_delete ON audit_events").run()
            try await sql.raw("DROP FUNCTION stratum_audit_seal_only()").run()
            try await sql.raw(
                """
                CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events
                FOR EACH ROW EXECUTE FUNCTION stratum_audit_append_only()
                """
            ).run()
            try await sql.raw("ALTER TABLE audit_events ALTER COLUMN seq DROP DEFAULT").run()
            try await sql.raw("DROP SEQUENCE audit_events_seq").run()
            try await sql.raw("ALTER TABLE audit_events DROP COLUMN row_id, DROP COLUMN mac, DROP COLUMN position").run()
        } else {
            try await sql.raw("ALTER TABLE audit_events DROP COLUMN row_id").run()
            try await sql.raw("ALTER TABLE audit_events DROP COLUMN mac").run()
            try await sql.raw("ALTER TABLE audit_events DROP COLUMN position").run()
        }
    }
}
