import FluentKit
import SQLKit

/// The clinic's calendar: treatment rooms, appointments booked from a course's planned visits, and the slots that
/// let the database itself refuse two bookings of one practitioner or one room at the same five minutes, whichever
/// door or server wrote them.
struct M0025_Appointments: AsyncMigration {
    var name: String { "M0025_Appointments" }

    func prepare(on db: any Database) async throws {
        try await db.schema("rooms")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("clinic_id", .uuid, .required, .references("clinics", "id", onDelete: .restrict))
            .field("name", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "clinic_id", "name", name: "uq_rooms_clinic_name")
            .create()
        try await db.schema("appointments")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("clinic_id", .uuid, .required, .references("clinics", "id", onDelete: .restrict))
            .field("patient_id", .uuid, .required, .references("patients", "id", onDelete: .restrict))
            .field("course_id", .uuid, .required, .references("courses", "id", onDelete: .restrict))
            .field("visit_number", .int, .required)
            .field("practitioner_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("room_id", .uuid, .references("rooms", "id", onDelete: .restrict))
            .field("date", .string, .required)
            .field("start_minute", .int, .required)
            .field("minutes", .int, .required)
            .field("starts_at", .datetime, .required)
            .field("zones_json", .string, .required)
            .field("status", .string, .required)
            .field("reason", .string)
            .field("acknowledgements_json", .string, .required)
            .field("created_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await db.schema("appointment_slots")
            .id()
            .field("appointment_id", .uuid, .required, .references("appointments", "id", onDelete: .restrict))
            .field("resource", .string, .required)
            .field("slot", .int64, .required)
            .unique(on: "resource", "slot", name: "uq_appointment_slots_resource_slot")
            .create()
        let sql = db as! any SQLDatabase
        try await sql.raw("CREATE INDEX ix_appointments_clinic_date ON appointments (clinic_id, date, start_minute)").run()
        try await sql.raw("CREATE INDEX ix_appointments_course ON appointments (course_id, status)").run()
        try await sql.raw("CREATE INDEX ix_appointment_slots_appointment ON appointment_slots (appointment_id)").run()
    }

    func revert(on db: any Database) async throws {
        for table in ["appointment_slots", "appointments", "rooms"] { try await db.schema(table).delete() }
    }
}
