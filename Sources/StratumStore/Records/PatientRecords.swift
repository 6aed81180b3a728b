import FluentKit
import Foundation

final class PatientRow: Model, @unchecked Sendable {
    static let schema = "patients"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "clinic_id") var clinicID: UUID
    @Field(key: "given_name") var givenName: String
    @Field(key: "family_name") var familyName: String
    /// Lower-cased "family given" for name search; the only derived column, rebuilt on every write.
    @Field(key: "search_name") var searchName: String
    @Field(key: "birth_date") var birthDate: String
    @Field(key: "sex") var sex: String
    @Field(key: "fitzpatrick") var fitzpatrick: Int
    @OptionalField(key: "phone") var phone: String?
    @OptionalField(key: "email") var email: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    /// The surviving chart once this one was merged into it: its id then answers as the survivor and it holds no records.
    @OptionalField(key: "merged_into") var mergedInto: UUID?
    @OptionalField(key: "merged_at") var mergedAt: Date?
    /// `PatientIdentity` keys, rebuilt on every write, so a possible duplicate is found by index at registration.
    @OptionalField(key: "family_key") var familyKey: String?
    @OptionalField(key: "phone_key") var phoneKey: String?
    @OptionalField(key: "email_key") var emailKey: String?
    init() {}
}
