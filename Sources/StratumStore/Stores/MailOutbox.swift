import FluentKit
import Foundation
import SQLKit

/// How a message reaches its recipient.
public enum MessageChannel: String, Sendable, CaseIterable, Codable {
    /// Through the clinic's SMTP relay: the default.
    case email
    /// Through the clinic's SMS gateway (`STRATUM_SMS_URL`), for a patient with a phone and no email.
    case sms
}

/// A message for someone outside the server: what the act that needs it writes, in its own transaction.
public struct OutgoingMail: Sendable, Equatable {
    /// What the message is for (`invitation`, `password-reset`, `recall-notice`): shown to the owner, never parsed.
    public var kind: String
    public var recipient: String
    public var subject: String
    /// Plain text. No clinical data beyond what the recipient already has a right to; links are one-time.
    public var body: String
    /// One per message the act means to send: writing the same key again is a no-op, and the relay sees it as the
    /// `Message-ID`, so a message the relay took just before a crash is recognisable when it is sent again.
    public var idempotencyKey: String
    public var channel: MessageChannel = .email
    /// The visit a reminder is about: cancelling the visit withdraws the message if it has not left.
    public var appointmentID: UUID?

    /// Stands for the server's public address in a body written where it is not known (a store door): delivery puts
    /// `STRATUM_PUBLIC_URL` in its place, so a mailed link opens the clinic's own Stratum.
    public static let linkBase = "{{stratum}}"

    public init(kind: String, recipient: String, subject: String, body: String, idempotencyKey: String) {
        self.kind = kind
        self.recipient = recipient
        self.subject = subject
        self.body = body
        self.idempotencyKey = idempotencyKey
    }
}

/// One message of the outbox, as the owner's page and the delivery worker read it.
public struct OutboxMessage: Sendable, Equatable {
    public enum State: String, Sendable { case waiting, delivered, failed, withdrawn }
    public let id: UUID
    public let organizationID: UUID?
    public let mail: OutgoingMail
    public let createdAt: Date
    public let attempts: Int
    public let nextAttemptAt: Date
    public let deliveredAt: Date?
    public let failedAt: Date?
    public let lastError: String?
    public let withdrawnAt: Date?

    public var state: State {
        deliveredAt != nil ? .delivered : withdrawnAt != nil ? .withdrawn : failedAt != nil ? .failed : .waiting
    }

    init(_ m: MailOutboxRow) {
        id = m.id!
        organizationID = m.organizationID
        var mail = OutgoingMail(kind: m.kind, recipient: m.recipient, subject: m.subject, body: m.body, idempotencyKey: m.idempotencyKey)
        mail.channel = m.channel.flatMap(MessageChannel.init(rawValue:)) ?? .email
        mail.appointmentID = m.appointmentID
        self.mail = mail
        createdAt = m.createdAt
        attempts = m.attempts
        nextAttemptAt = m.nextAttemptAt
        deliveredAt = m.deliveredAt
        failedAt = m.failedAt
        lastError = m.lastError
        withdrawnAt = m.withdrawnAt
    }
}

/// The outbox: messages written with the acts that need them and handed to the clinic's relay by the server's
/// worker. A message is claimed for a while before it is sent, so two workers (two app servers) never send it at
/// once and a worker that crashed mid-send leaves it to be sent again once the claim lapses; delivery and the final
/// failure are recorded. Nothing here sends: the worker does, and reports back.
public struct MailOutbox: Sendable {
    let db: StratumDatabase

    public init(database: StratumDatabase) { db = database }

    /// Waits before each retry, by attempts made: a relay that is down for an hour loses nothing.
    public static let retryDelays: [TimeInterval] = [60, 5 * 60, 30 * 60, 2 * 3600, 6 * 3600]
    /// How long a claimed message is left to its worker before another may take it.
    public static let claimFor: TimeInterval = 120

    /// Writes `mail` in the caller's transaction; a key already written is left as it is.
    static func enqueue(_ mail: OutgoingMail, organizationID: UUID?, now: Date, on database: any Database) async throws {
        guard try await MailOutboxRow.query(on: database).filter(\.$idempotencyKey == mail.idempotencyKey).first() == nil else { return }
        let m = MailOutboxRow()
        m.id = UUID()
        m.organizationID = organizationID
        m.idempotencyKey = mail.idempotencyKey
        m.kind = mail.kind
        m.recipient = mail.recipient
        m.subject = mail.subject
        m.body = mail.body
        m.createdAt = now
        m.attempts = 0
        m.nextAttemptAt = now
        m.channel = mail.channel.rawValue
        m.appointmentID = mail.appointmentID
        try await m.create(on: database)
    }

    /// Withdraws, in the caller's transaction, what has not left yet about a visit (it was cancelled or moved): a
    /// message already claimed by a worker may still be in the relay's hands, which nothing can call back.
    static func withdraw(appointmentID: UUID, now: Date, on database: any Database) async throws {
        try await MailOutboxRow.query(on: database).filter(\.$appointmentID == appointmentID)
            .filter(\.$deliveredAt == nil).filter(\.$failedAt == nil).filter(\.$withdrawnAt == nil)
            .set(\.$withdrawnAt, to: now).update()
    }

    /// Writes `mail` on its own, for a message no other record goes with (a notice to staff).
    public func enqueue(_ mail: OutgoingMail, organizationID: UUID?, now: Date = Date()) async throws {
        try await db.write { database in try await Self.enqueue(mail, organizationID: organizationID, now: now, on: database) }
    }

    /// Claims up to `limit` messages that are due and neither delivered, given up nor withdrawn, oldest first, of the
    /// channels the server can deliver (a server with no SMS gateway leaves text messages waiting).
    public func claimDue(now: Date, limit: Int = 20, channels: Set<MessageChannel> = [.email]) async throws -> [OutboxMessage] {
        try await db.write { database -> [OutboxMessage] in
            let due = try await MailOutboxRow.query(on: database)
                .filter(\.$deliveredAt == nil).filter(\.$failedAt == nil).filter(\.$withdrawnAt == nil).filter(\.$nextAttemptAt <= now)
                .group(.or) { $0.filter(\.$claimedUntil == nil).filter(\.$claimedUntil <= now) }
                .group(.or) { group in
                    group.filter(\.$channel ~~ channels.map(\.rawValue))
                    if channels.contains(.email) { group.filter(\.$channel == nil) }
                }
                .sort(\.$nextAttemptAt).limit(limit).all()
            var claimed: [OutboxMessage] = []
            for m in due {
                // Taken only if still unclaimed when written: another server's worker may have claimed it meanwhile.
                let taken = try await (database as! any SQLDatabase).raw(
                    """
                    UPDATE mail_outbox SET claimed_until = \(bind: now.addingTimeInterval(Self.claimFor))
                    WHERE id = \(bind: m.id!) AND delivered_at IS NULL AND withdrawn_at IS NULL
                    AND (claimed_until IS NULL OR claimed_until <= \(bind: now))
                    RETURNING id
                    """
                ).all()
                if !taken.isEmpty { claimed.append(OutboxMessage(m)) }
            }
            return claimed
        }
    }

    /// The relay accepted the message.
    public func delivered(_ id: UUID, at now: Date) async throws {
        try await db.write { database in
            try await MailOutboxRow.query(on: database).filter(\.$id == id)
                .set(\.$deliveredAt, to: now).set(\.$claimedUntil, to: nil).update()
        }
    }

    /// The relay refused or could not be reached. A permanent refusal (5xx), or the last retry, gives the message up;
    /// otherwise it waits for the next retry. The error text is the relay's reply, which holds no message content.
    public func failed(_ id: UUID, error: String, permanent: Bool, at now: Date) async throws {
        try await db.write { database in
            guard let m = try await MailOutboxRow.find(id, on: database) else { return }
            m.attempts += 1
            m.claimedUntil = nil
            m.lastError = String(error.prefix(500))
            if permanent || m.attempts > Self.retryDelays.count {
                m.failedAt = now
            } else {
                m.nextAttemptAt = now.addingTimeInterval(Self.retryDelays[m.attempts - 1])
            }
            try await m.update(on: database)
        }
    }

    /// The organization's messages, newest first, for the owner's page.
    public func list(organizationID: UUID, limit: Int = 100) async throws -> [OutboxMessage] {
        try await db.read { database in
            try await MailOutboxRow.query(on: database).filter(\.$organizationID == organizationID)
                .sort(\.$createdAt, .descending).limit(limit).all().map(OutboxMessage.init)
        }
    }
}
