import FluentKit
import Foundation
import SQLKit
import StratumCore

/// The record admits only what happened, and says when it was written: a session recorded for an earlier day than
/// the clinic's today is a late entry, kept with the time it was written (stored, because "today" at the time of
/// writing cannot be recomputed later); a consent is in force from the day it was signed until the day it was
/// withdrawn, both kept as calendar days so `SCR-CONSENT` compares days with the session's day.
struct M0012_RecordDates: AsyncMigration {
    var name: String { "M0012_RecordDates" }

    func prepare(on db: any Database) async throws {
        // One column per statement: SQLite adds a single column per ALTER TABLE.
        try await db.schema("treatment_sessions").field("late_entry", .bool, .required, .sql(.default(false))).update()
        try await db.schema("treatment_sessions").field("written_at", .datetime).update()
        try await db.schema("consents").field("signed_on", .string).update()
        try await db.schema("consents").field("withdrawn_on", .string).update()
        let sql = db as! any SQLDatabase
        try await backFillSessions(sql)
        try await backFillConsents(sql)
    }

    /// Existing sessions: written when created, late when their day was before the clinic's day at that instant.
    private func backFillSessions(_ sql: any SQLDatabase) async throws {
        let rows = try await sql.raw(
            """
            SELECT s.id, s.date, s.created_at, c.timezone FROM treatment_sessions s JOIN clinics c ON c.id = s.clinic_id
            """
        ).all()
        for row in rows {
            let id = try row.decode(column: "id", as: UUID.self)
            let created = try row.decode(column: "created_at", as: Date.self)
            let zone = try row.decode(column: "timezone", as: String.self)
            let late =
                (LocalDate(iso: try row.decode(column: "date", as: String.self)).map {
                    $0 < LocalDate.clinicDay(at: created, timeZone: zone)
                }) ?? false
            try await sql.update("treatment_sessions").set("late_entry", to: late).set("written_at", to: created)
                .where("id", .equal, id).run()
        }
    }

    /// Existing consents: the day of signing and of withdrawal in the time zone of the organization's first clinic
    /// (consents carry no clinic; an organization's clinics share one region in practice).
    private func backFillConsents(_ sql: any SQLDatabase) async throws {
        var zones: [UUID: String] = [:]
        for row in try await sql.raw("SELECT organization_id, timezone FROM clinics ORDER BY name, id").all() {
            let org = try row.decode(column: "organization_id", as: UUID.self)
            if zones[org] == nil { zones[org] = try row.decode(column: "timezone", as: String.self) }
        }
        for row in try await sql.raw("SELECT id, organization_id, signed_at, withdrawn_at FROM consents").all() {
            let zone = zones[try row.decode(column: "organization_id", as: UUID.self)] ?? "UTC"
            let signed = LocalDate.clinicDay(at: try row.decode(column: "signed_at", as: Date.self), timeZone: zone)
            let withdrawn = try row.decode(column: "withdrawn_at", as: Date?.self).map { LocalDate.clinicDay(at: $0, timeZone: zone) }
            try await sql.update("consents").set("signed_on", to: signed.description)
                .set("withdrawn_on", to: withdrawn?.description).where("id", .equal, try row.decode(column: "id", as: UUID.self)).run()
        }
    }

    func revert(on db: any Database) async throws {
        for field in ["withdrawn_on", "signed_on"] { try await db.schema("consents").deleteField(.string(field)).update() }
        for field in ["written_at", "late_entry"] { try await db.schema("treatment_sessions").deleteField(.string(field)).update() }
    }
}
