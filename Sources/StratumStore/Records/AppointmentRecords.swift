import FluentKit
import Foundation

// Fluent models of M0025.

final class RoomRow: Model, @unchecked Sendable {
    static let schema = "rooms"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "clinic_id") var clinicID: UUID
    @Field(key: "name") var name: String
    @Field(key: "created_at") var createdAt: Date
    init() {}
}

final class AppointmentRow: Model, @unchecked Sendable {
    static let schema = "appointments"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "clinic_id") var clinicID: UUID
    @Field(key: "patient_id") var patientID: UUID
    @Field(key: "course_id") var courseID: UUID
    @Field(key: "visit_number") var visitNumber: Int
    @Field(key: "practitioner_id") var practitionerID: UUID
    @OptionalField(key: "room_id") var roomID: UUID?
    /// The clinic's day, ISO 8601.
    @Field(key: "date") var date: String
    /// Minutes after midnight in the clinic's time zone.
    @Field(key: "start_minute") var startMinute: Int
    @Field(key: "minutes") var minutes: Int
    /// The same start as an instant, for the slots and reminders.
    @Field(key: "starts_at") var startsAt: Date
    @Field(key: "zones_json") var zonesJSON: String
    @Field(key: "status") var status: String
    @OptionalField(key: "reason") var reason: String?
    @Field(key: "acknowledgements_json") var acknowledgementsJSON: String
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    /// When the patient confirmed the visit from a reminder or the portal (M0028).
    @OptionalField(key: "confirmed_at") var confirmedAt: Date?
    init() {}
}

final class AppointmentSlotRow: Model, @unchecked Sendable {
    static let schema = "appointment_slots"
    @ID(key: .id) var id: UUID?
    @Field(key: "appointment_id") var appointmentID: UUID
    /// `practitioner:<uuid>` or `room:<uuid>`: one unique index covers both.
    @Field(key: "resource") var resource: String
    /// Five-minute steps since 1970 (UTC).
    @Field(key: "slot") var slot: Int64
    init() {}
}

// Fluent models of M0028.

final class AppointmentReminderRow: Model, @unchecked Sendable {
    static let schema = "appointment_reminders"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "appointment_id") var appointmentID: UUID
    @Field(key: "kind") var kind: String
    @Field(key: "starts_at") var startsAt: Date
    @Field(key: "channel") var channel: String
    @Field(key: "queued_at") var queuedAt: Date
    init() {}
}

final class AppointmentReplyLinkRow: Model, @unchecked Sendable {
    static let schema = "appointment_reply_links"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "appointment_id") var appointmentID: UUID
    /// SHA-256 of the link's token: a copied database confirms or cancels nothing.
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_at") var createdAt: Date
    /// The visit's start: after it the link answers as an unknown one.
    @Field(key: "expires_at") var expiresAt: Date
    init() {}
}
