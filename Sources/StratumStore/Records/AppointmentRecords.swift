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
    /// M0027: a retired room stays on the appointments it held and takes no new ones.
    @OptionalField(key: "retired_at") var retiredAt: Date?
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
    /// M0027: when and by whom the patient was checked in at the desk.
    @OptionalField(key: "checked_in_at") var checkedInAt: Date?
    @OptionalField(key: "checked_in_by") var checkedInBy: UUID?
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

// Fluent models of M0027.

final class AppointmentMoveRow: Model, @unchecked Sendable {
    static let schema = "appointment_moves"
    @ID(key: .id) var id: UUID?
    @Field(key: "appointment_id") var appointmentID: UUID
    @Field(key: "moved_by") var movedBy: UUID
    @Field(key: "moved_at") var movedAt: Date
    @Field(key: "from_date") var fromDate: String
    @Field(key: "from_start_minute") var fromStartMinute: Int
    @Field(key: "from_minutes") var fromMinutes: Int
    @Field(key: "from_practitioner_id") var fromPractitionerID: UUID
    @OptionalField(key: "from_room_id") var fromRoomID: UUID?
    /// The cautions the move was acknowledged past, with their reasons.
    @Field(key: "acknowledgements_json") var acknowledgementsJSON: String
    init() {}
}

final class CalendarFeedRow: Model, @unchecked Sendable {
    static let schema = "calendar_feeds"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "user_id") var userID: UUID
    /// SHA-256 of the secret in the feed's address, hex.
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    init() {}
}
