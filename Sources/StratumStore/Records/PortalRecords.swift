import FluentKit
import Foundation

// Fluent models of M0026: a portal link and a portal session are stored as hashes only, so a copied database opens
// no patient's portal.

final class PortalLinkRow: Model, @unchecked Sendable {
    static let schema = "portal_links"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "patient_id") var patientID: UUID
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?
    /// Wrong dates of birth typed with this link; `PortalInputRules.linkFailures` end it.
    @Field(key: "failures") var failures: Int
    init() {}
}

final class PortalLinkRequestRow: Model, @unchecked Sendable {
    static let schema = "portal_link_requests"
    @ID(key: .id) var id: UUID?
    @Field(key: "email_hash") var emailHash: String
    @Field(key: "address") var address: String
    @Field(key: "requested_at") var requestedAt: Date
    init() {}
}

final class PortalSessionRow: Model, @unchecked Sendable {
    static let schema = "portal_sessions"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "patient_id") var patientID: UUID
    /// The patient's clinic: its phone and time zone are the portal's.
    @Field(key: "clinic_id") var clinicID: UUID
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "csrf_token") var csrfToken: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    init() {}
}
