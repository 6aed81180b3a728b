import FluentKit
import Foundation

// Fluent models of M0030: the portal's daily check-ins and the flags (with their adverse-event drafts) they raise.

final class PortalCheckInRow: Model, @unchecked Sendable {
    static let schema = "portal_check_ins"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "patient_id") var patientID: UUID
    /// The clinic of the session it follows: that clinic's Today shows its flag.
    @Field(key: "clinic_id") var clinicID: UUID
    @Field(key: "session_id") var sessionID: UUID
    @Field(key: "day") var day: Int
    @Field(key: "reported_on") var reportedOn: String
    @Field(key: "redness") var redness: String
    @Field(key: "swelling") var swelling: String
    @Field(key: "pain") var pain: Int
    /// Ticked and derived warning signs, as a JSON array of their names.
    @Field(key: "signs_json") var signsJSON: String
    @OptionalField(key: "photo_sha256") var photoSHA256: String?
    @OptionalField(key: "photo_media_type") var photoMediaType: String?
    @OptionalField(key: "photo_byte_count") var photoByteCount: Int?
    @OptionalField(key: "photo_width") var photoWidth: Int?
    @OptionalField(key: "photo_height") var photoHeight: Int?
    @Field(key: "created_at") var createdAt: Date
    init() {}
}

final class CheckInFlagRow: Model, @unchecked Sendable {
    static let schema = "check_in_flags"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "patient_id") var patientID: UUID
    @Field(key: "clinic_id") var clinicID: UUID
    @Field(key: "check_in_id") var checkInID: UUID
    @Field(key: "session_id") var sessionID: UUID
    @Field(key: "day") var day: Int
    @Field(key: "signs_json") var signsJSON: String
    @Field(key: "draft_type") var draftType: String
    @Field(key: "draft_grade") var draftGrade: Int
    @Field(key: "onset") var onset: String
    /// `open`, `confirmed` (an adverse event was recorded) or `dismissed` (with the practitioner's reason).
    @Field(key: "status") var status: String
    @OptionalField(key: "adverse_event_id") var adverseEventID: UUID?
    @OptionalField(key: "dismiss_reason") var dismissReason: String?
    @OptionalField(key: "closed_by") var closedBy: UUID?
    @OptionalField(key: "closed_at") var closedAt: Date?
    @Field(key: "created_at") var createdAt: Date
    init() {}
}
