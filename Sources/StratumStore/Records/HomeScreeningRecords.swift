import FluentKit
import Foundation

// Fluent model of M0029: a screening the patient answered in the portal, kept apart from `screenings` until a
// practitioner confirms it in the room (decision 0019).

final class HomeScreeningRow: Model, @unchecked Sendable {
    static let schema = "home_screenings"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "patient_id") var patientID: UUID
    /// The patient's clinic when they answered: its Today lists the answers until they are reviewed.
    @Field(key: "clinic_id") var clinicID: UUID
    @Field(key: "answered_on") var answeredOn: String
    @Field(key: "answers_json") var answersJSON: String
    @Field(key: "findings_json") var findingsJSON: String
    @Field(key: "policy_version") var policyVersion: String
    @Field(key: "submitted_at") var submittedAt: Date
    /// `HomeScreeningStatus`.
    @Field(key: "status") var status: String
    @OptionalField(key: "reviewed_by") var reviewedBy: UUID?
    @OptionalField(key: "reviewed_at") var reviewedAt: Date?
    /// The screening version the review wrote.
    @OptionalField(key: "screening_id") var screeningID: UUID?
    init() {}
}
