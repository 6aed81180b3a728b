import FluentKit
import Foundation

// Fluent models of the clinical tables of M0003–M0005. Internal: callers see the value structs of the stores.
// JSON columns hold the core values as the documents of docs/documents.md spell them (see StoredJSON).

final class ScreeningRow: Model, @unchecked Sendable {
    static let schema = "screenings"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "patient_id") var patientID: UUID
    @Field(key: "version") var version: Int
    @Field(key: "answered_on") var answeredOn: String
    @Field(key: "answers_json") var answersJSON: String
    @Field(key: "findings_json") var findingsJSON: String
    @Field(key: "policy_version") var policyVersion: String
    @Field(key: "recorded_by") var recordedBy: UUID
    @Field(key: "created_at") var createdAt: Date
    // M0029: "patient" for answers given at home and confirmed by the recorder; empty for the room's.
    @OptionalField(key: "answered_by") var answeredBy: String?
    init() {}
}

final class ConsentRow: Model, @unchecked Sendable {
    static let schema = "consents"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "patient_id") var patientID: UUID
    @Field(key: "kind") var kind: String
    @Field(key: "text_version") var textVersion: String
    @OptionalField(key: "photo_tier") var photoTier: String?
    @Field(key: "signed_by_name") var signedByName: String
    @Field(key: "signed_at") var signedAt: Date
    // M0029: empty for a consent the patient signed in the portal, where no staff member took the signature.
    @OptionalField(key: "recorded_by") var recordedBy: UUID?
    @OptionalField(key: "withdrawn_at") var withdrawnAt: Date?
    // M0012: the calendar days the consent was signed and withdrawn, compared with a session's day (SCR-CONSENT).
    @OptionalField(key: "signed_on") var signedOn: String?
    @OptionalField(key: "withdrawn_on") var withdrawnOn: String?
    // M0029: "portal" for a consent the patient signed in the portal; empty for one taken in the room.
    @OptionalField(key: "channel") var channel: String?
    init() {}
}

final class CourseRow: Model, @unchecked Sendable {
    static let schema = "courses"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "patient_id") var patientID: UUID
    @Field(key: "clinic_id") var clinicID: UUID
    @Field(key: "indications_json") var indicationsJSON: String
    @Field(key: "zones_json") var zonesJSON: String
    @Field(key: "device_json") var deviceJSON: String
    @OptionalField(key: "goal") var goal: String?
    @OptionalField(key: "goal_score") var goalScore: Double?
    @Field(key: "status") var status: String
    @Field(key: "interval_weeks") var intervalWeeks: Int
    @Field(key: "plan_json") var planJSON: String
    @Field(key: "policy_version") var policyVersion: String
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "accepted_at") var acceptedAt: Date?
    @OptionalField(key: "accepted_by") var acceptedBy: UUID?
    init() {}
}

final class CourseAcknowledgementRow: Model, @unchecked Sendable {
    static let schema = "course_acknowledgements"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "course_id") var courseID: UUID
    @Field(key: "rule") var rule: String
    @OptionalField(key: "site") var site: String?
    @OptionalField(key: "side") var side: String?
    @Field(key: "reason") var reason: String
    @Field(key: "acknowledged_by") var acknowledgedBy: UUID
    @Field(key: "acknowledged_at") var acknowledgedAt: Date
    init() {}
}

final class PlannedVisitRow: Model, @unchecked Sendable {
    static let schema = "planned_visits"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "course_id") var courseID: UUID
    @Field(key: "number") var number: Int
    @Field(key: "date") var date: String
    @Field(key: "zones_json") var zonesJSON: String
    init() {}
}

final class TreatmentSessionRow: Model, @unchecked Sendable {
    static let schema = "treatment_sessions"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "course_id") var courseID: UUID
    @Field(key: "clinic_id") var clinicID: UUID
    @Field(key: "practitioner_id") var practitionerID: UUID
    @Field(key: "date") var date: String
    @Field(key: "device_json") var deviceJSON: String
    @Field(key: "sterility_json") var sterilityJSON: String
    @OptionalField(key: "topical_json") var topicalJSON: String?
    @Field(key: "reactions_json") var reactionsJSON: String
    @Field(key: "decision") var decision: String
    @Field(key: "findings_json") var findingsJSON: String
    @Field(key: "policy_version") var policyVersion: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "signed_at") var signedAt: Date?
    @OptionalField(key: "signed_by") var signedBy: UUID?
    /// Who wrote the record when not the treating practitioner (an assistant documenting for them); M0016.
    @OptionalField(key: "documented_by") var documentedBy: UUID?
    /// M0012: recorded for a day before the clinic's today at `writtenAt`, the time the record was written.
    @Field(key: "late_entry") var lateEntry: Bool
    @OptionalField(key: "written_at") var writtenAt: Date?
    init() {}
}

final class ZoneTreatmentRow: Model, @unchecked Sendable {
    static let schema = "zone_treatments"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "session_id") var sessionID: UUID
    @Field(key: "site") var site: String
    @Field(key: "side") var side: String
    @Field(key: "depth_mm") var depthMM: Double
    @Field(key: "passes") var passes: Int
    @OptionalField(key: "end_point") var endPoint: String?
    init() {}
}

final class FindingAcknowledgementRow: Model, @unchecked Sendable {
    static let schema = "finding_acknowledgements"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "session_id") var sessionID: UUID
    @Field(key: "rule") var rule: String
    @OptionalField(key: "site") var site: String?
    @OptionalField(key: "side") var side: String?
    @Field(key: "reason") var reason: String
    @Field(key: "acknowledged_by") var acknowledgedBy: UUID
    @Field(key: "acknowledged_at") var acknowledgedAt: Date
    init() {}
}

final class SessionAddendumRow: Model, @unchecked Sendable {
    static let schema = "session_addenda"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "session_id") var sessionID: UUID
    @Field(key: "text") var text: String
    @Field(key: "author_id") var authorID: UUID
    @Field(key: "created_at") var createdAt: Date
    init() {}
}

final class AdverseEventRow: Model, @unchecked Sendable {
    static let schema = "adverse_events"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "patient_id") var patientID: UUID
    @OptionalField(key: "session_id") var sessionID: UUID?
    @Field(key: "type") var type: String
    @Field(key: "onset") var onset: String
    @Field(key: "grade") var grade: Int
    @Field(key: "suspected_causes_json") var suspectedCausesJSON: String
    @Field(key: "links_json") var linksJSON: String
    @OptionalField(key: "notes") var notes: String?
    @Field(key: "status") var status: String
    @Field(key: "recorded_by") var recordedBy: UUID
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "closed_at") var closedAt: Date?
    // M0016: the clinic the event belongs to, the zones it affects (JSON list), who closed it.
    @OptionalField(key: "clinic_id") var clinicID: UUID?
    @OptionalField(key: "zones_json") var zonesJSON: String?
    @OptionalField(key: "closed_by") var closedBy: UUID?
    init() {}
}

final class AssessmentRow: Model, @unchecked Sendable {
    static let schema = "assessments"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "patient_id") var patientID: UUID
    @OptionalField(key: "course_id") var courseID: UUID?
    @Field(key: "scale") var scale: String
    @Field(key: "score") var score: Double
    @OptionalField(key: "items_json") var itemsJSON: String?
    @Field(key: "kind") var kind: String
    @Field(key: "assessed_on") var assessedOn: String
    @Field(key: "assessed_by") var assessedBy: UUID
    @Field(key: "created_at") var createdAt: Date
    init() {}
}

final class AdverseEventFollowUpRow: Model, @unchecked Sendable {
    static let schema = "adverse_event_follow_ups"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "event_id") var eventID: UUID
    @Field(key: "noted_on") var notedOn: String
    @OptionalField(key: "grade") var grade: Int?
    @Field(key: "text") var text: String
    @Field(key: "recorded_by") var recordedBy: UUID
    @Field(key: "created_at") var createdAt: Date
    init() {}
}

final class PhotoRow: Model, @unchecked Sendable {
    static let schema = "photos"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "patient_id") var patientID: UUID
    @Field(key: "course_id") var courseID: UUID
    @Field(key: "view") var view: String
    @OptionalField(key: "zone_site") var zoneSite: String?
    @OptionalField(key: "zone_side") var zoneSide: String?
    @Field(key: "visit") var visit: String
    @Field(key: "taken_on") var takenOn: String
    @Field(key: "sha256") var sha256: String
    @Field(key: "media_type") var mediaType: String
    @Field(key: "byte_count") var byteCount: Int
    @Field(key: "width") var width: Int
    @Field(key: "height") var height: Int
    @Field(key: "removed_json") var removedJSON: String
    @Field(key: "had_location") var hadLocation: Bool
    @Field(key: "uploaded_by") var uploadedBy: UUID
    @Field(key: "created_at") var createdAt: Date
    init() {}
}
