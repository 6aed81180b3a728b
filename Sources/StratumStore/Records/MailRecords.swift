import FluentKit
import Foundation

// Fluent model of M0022: one message waiting for, or past, delivery.

final class MailOutboxRow: Model, @unchecked Sendable {
    static let schema = "mail_outbox"
    @ID(key: .id) var id: UUID?
    @OptionalField(key: "organization_id") var organizationID: UUID?
    @Field(key: "idempotency_key") var idempotencyKey: String
    @Field(key: "kind") var kind: String
    @Field(key: "recipient") var recipient: String
    @Field(key: "subject") var subject: String
    @Field(key: "body") var body: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "attempts") var attempts: Int
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    @OptionalField(key: "claimed_until") var claimedUntil: Date?
    @OptionalField(key: "delivered_at") var deliveredAt: Date?
    @OptionalField(key: "failed_at") var failedAt: Date?
    @OptionalField(key: "last_error") var lastError: String?
    /// `email` or `sms`; rows written before M0028 are email.
    @OptionalField(key: "channel") var channel: String?
    /// Set when the act the message was for was undone before it left (a cancelled visit's reminder).
    @OptionalField(key: "withdrawn_at") var withdrawnAt: Date?
    /// The visit a reminder is about, so cancelling it withdraws what has not left yet.
    @OptionalField(key: "appointment_id") var appointmentID: UUID?
    init() {}
}
