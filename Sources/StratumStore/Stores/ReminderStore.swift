import FluentKit
import Foundation
import StratumCore

/// What one reminder message needs: the visit's time and the clinic, nothing clinical (the pre-care is the same for
/// every patient), and the token of the link that confirms or cancels the visit.
public struct ReminderFacts: Sendable, Equatable {
    public let kind: ReminderSchedule.Kind
    public let channel: MessageChannel
    /// The patient's email or phone, as the channel needs.
    public let recipient: String
    public let givenName: String
    public let clinicName: String
    public let clinicPhone: String?
    public let clinicTimezone: String
    public let startsAt: Date
    /// Opens `/appointments/reply/<token>` until the visit starts.
    public let replyToken: String
    public let idempotencyKey: String

    public init(
        kind: ReminderSchedule.Kind, channel: MessageChannel, recipient: String, givenName: String, clinicName: String, clinicPhone: String?,
        clinicTimezone: String, startsAt: Date, replyToken: String, idempotencyKey: String
    ) {
        self.kind = kind
        self.channel = channel
        self.recipient = recipient
        self.givenName = givenName
        self.clinicName = clinicName
        self.clinicPhone = clinicPhone
        self.clinicTimezone = clinicTimezone
        self.startsAt = startsAt
        self.replyToken = replyToken
        self.idempotencyKey = idempotencyKey
    }
}

/// The server's reminder door: it finds the booked visits whose 48-hour or 2-hour reminder is due, and writes for
/// each, in one transaction, the reminder (unique per visit, kind and start, so none is ever queued twice, whichever
/// server's worker gets there first), its confirm-or-cancel link, the outbox message and the audit row (no actor: the
/// server reminds). A cancelled visit is never reminded, and cancelling one withdraws what has not left.
public struct ReminderStore: Sendable {
    let db: StratumDatabase
    let auditKey: AuditKey

    public init(database: StratumDatabase, auditKey: AuditKey) {
        db = database
        self.auditKey = auditKey
    }

    /// Visits reminded per transaction: a day of a large clinic is a few transactions, each short enough not to hold
    /// the writer from the clinic's own acts for long.
    public static let batchSize = 200

    /// What a round of the worker did.
    public struct Round: Sendable, Equatable {
        /// Messages written to the outbox.
        public var queued = 0
        /// Reminders due for a patient with neither an email nor (with a gateway) a phone: recorded, nothing sent.
        public var unreachable = 0
    }

    /// Queues every reminder due at `now`. `channels` are those the server can deliver: a patient with only a phone is
    /// reminded by SMS only when a gateway is configured. `compose` writes the message from the facts.
    public func queueDue(
        now: Date, channels: Set<MessageChannel>, requestID: String,
        compose: @escaping @Sendable (ReminderFacts) -> OutgoingMail
    ) async throws -> Round {
        let due = try await dueReminders(now: now)
        var round = Round()
        var start = 0
        while start < due.count {
            let batch = Array(due[start..<min(start + Self.batchSize, due.count)])
            start += Self.batchSize
            let done = try await db.write { database -> Round in
                try await self.queue(batch, now: now, channels: channels, requestID: requestID, compose: compose, on: database)
            }
            round.queued += done.queued
            round.unreachable += done.unreachable
        }
        return round
    }

    /// The booked visits within the longest lead, with the kinds of reminder due for each and not yet written.
    func dueReminders(now: Date) async throws -> [(UUID, ReminderSchedule.Kind)] {
        try await db.read { database in
            let visits = try await AppointmentRow.query(on: database).filter(\.$status == AppointmentStatus.booked.rawValue)
                .filter(\.$startsAt > now).filter(\.$startsAt <= now.addingTimeInterval(ReminderSchedule.horizon))
                .field(\.$id).field(\.$startsAt).sort(\.$startsAt).all()
            guard !visits.isEmpty else { return [] }
            let startByID = Dictionary(uniqueKeysWithValues: visits.map { ($0.id!, $0.startsAt) })
            var sent: [UUID: Set<ReminderSchedule.Kind>] = [:]
            for chunk in visits.map({ $0.id! }).chunked(500) {
                for r in try await AppointmentReminderRow.query(on: database).filter(\.$appointmentID ~~ chunk).all() {
                    // A reminder of an earlier start does not count: the visit was moved and is reminded again.
                    guard let kind = ReminderSchedule.Kind(rawValue: r.kind), startByID[r.appointmentID] == r.startsAt else { continue }
                    sent[r.appointmentID, default: []].insert(kind)
                }
            }
            return visits.flatMap { v in
                ReminderSchedule.dueKinds(visitStart: v.startsAt, now: now, sent: sent[v.id!] ?? []).map { (v.id!, $0) }
            }
        }
    }

    private func queue(
        _ batch: [(UUID, ReminderSchedule.Kind)], now: Date, channels: Set<MessageChannel>, requestID: String,
        compose: @Sendable (ReminderFacts) -> OutgoingMail, on database: any Database
    ) async throws -> Round {
        // Read again inside the transaction: a visit cancelled since the look-up is not reminded.
        let rows = try await AppointmentRow.query(on: database).filter(\.$id ~~ batch.map(\.0))
            .filter(\.$status == AppointmentStatus.booked.rawValue).all()
        let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0.id!, $0) })
        let patients = try await PatientRow.query(on: database).filter(\.$id ~~ Set(rows.map(\.patientID))).all()
        let patientByID = Dictionary(uniqueKeysWithValues: patients.map { ($0.id!, $0) })
        let clinics = try await ClinicRow.query(on: database).filter(\.$id ~~ Set(rows.map(\.clinicID))).all()
        let clinicByID = Dictionary(uniqueKeysWithValues: clinics.map { ($0.id!, $0) })
        var round = Round()
        for (id, kind) in batch {
            guard let a = byID[id], let patient = patientByID[a.patientID], let clinic = clinicByID[a.clinicID],
                ReminderSchedule.due(kind, visitStart: a.startsAt, now: now)
            else { continue }
            let (channel, recipient) = Self.channel(patient, channels)
            let r = AppointmentReminderRow()
            r.id = UUID()
            r.organizationID = a.organizationID
            r.appointmentID = id
            r.kind = kind.rawValue
            r.startsAt = a.startsAt
            r.channel = channel?.rawValue ?? "none"
            r.queuedAt = now
            try await r.create(on: database)
            let ctx = AccessContext(actorID: nil, clinicID: a.clinicID, requestID: requestID, now: now)
            let scope = OrganizationScope(organizationID: a.organizationID, database: db, auditKey: auditKey)
            guard let channel, let recipient else {
                round.unreachable += 1
                try await scope.audit(ctx, patientID: a.patientID, action: .remind, resource: "appointment.reminder", outcome: .denied, on: database)
                continue
            }
            let token = CredentialStore.randomToken()
            let link = AppointmentReplyLinkRow()
            link.id = UUID()
            link.organizationID = a.organizationID
            link.appointmentID = id
            link.tokenHash = CredentialStore.sha256Hex(token)
            link.createdAt = now
            link.expiresAt = a.startsAt
            try await link.create(on: database)
            let key = "reminder-\(id.uuidString.lowercased())-\(kind.rawValue)-\(Int(a.startsAt.timeIntervalSince1970))"
            var mail = compose(
                ReminderFacts(
                    kind: kind, channel: channel, recipient: recipient, givenName: patient.givenName, clinicName: clinic.name,
                    clinicPhone: clinic.phone, clinicTimezone: clinic.timezone, startsAt: a.startsAt, replyToken: token, idempotencyKey: key))
            mail.channel = channel
            mail.appointmentID = id
            try await MailOutbox.enqueue(mail, organizationID: a.organizationID, now: now, on: database)
            try await scope.audit(ctx, patientID: a.patientID, action: .remind, resource: "appointment.reminder", outcome: .allowed, on: database)
            round.queued += 1
        }
        return round
    }

    /// Email when the patient has one (the default), else SMS when the server has a gateway and the patient a phone.
    static func channel(_ p: PatientRow, _ available: Set<MessageChannel>) -> (MessageChannel?, String?) {
        if available.contains(.email), let email = p.email?.trimmingCharacters(in: .whitespaces), !email.isEmpty { return (.email, email) }
        if available.contains(.sms), let phone = p.phone?.trimmingCharacters(in: .whitespaces), !phone.isEmpty { return (.sms, phone) }
        return (nil, nil)
    }
}

extension Array {
    /// The array in pieces of at most `size`: an `IN (…)` list stays within every database's limit on parameters.
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
