import FluentKit
import Foundation
import StratumCore
@testable import StratumStore
import Testing

/// A patient of organization A with the given email and phone and an accepted course, its first visit booked at ten
/// on its planned day.
private func bookedVisit(_ db: StratumDatabase, _ orgs: TwoOrganizations, email: String?, phone: String? = nil, minute: Int = 600) async throws
    -> (Patient, Appointment)
{
    let a = orgs.scopeA(db)
    var d = draft(orgs.clinicA.id)
    d.email = email
    d.phone = phone
    let p = try await a.patients.create(d, confirmDuplicate: true, orgs.ctxA)
    let (request, _) = photoagingPlan(p)
    let proposed = try await a.courses.create(patientID: p.id, clinicID: orgs.clinicA.id, request: request, goal: nil, orgs.ctxA)
    let course = try await a.courses.accept(courseID: proposed.id, acknowledgements: acknowledgingCautions(proposed), orgs.ctxA)
    let visit = course.plannedVisits[0]
    let booked = try await a.appointments.book(
        AppointmentDraft(
            courseID: course.id, visitNumber: visit.number, date: visit.date, startMinute: minute, minutes: 45, practitionerID: orgs.userA.id),
        orgs.ctxA)
    return (p, booked)
}

private func compose(_ f: ReminderFacts) -> OutgoingMail {
    OutgoingMail(
        kind: "reminder-\(f.kind.rawValue)", recipient: f.recipient, subject: f.clinicName, body: "token=\(f.replyToken)",
        idempotencyKey: f.idempotencyKey)
}

private func waiting(_ db: StratumDatabase, channels: Set<MessageChannel> = [.email, .sms]) async throws -> [OutboxMessage] {
    try await MailOutbox(database: db).claimDue(now: at(400 * 86400), limit: 100, channels: channels).filter { $0.mail.kind.hasPrefix("reminder") }
}

@Suite("Reminders: 48 hours and 2 hours before a booked visit, each once, never after a cancellation; the patient's answers")
struct ReminderStoreTests {
    @Test("each reminder is queued once, when it is due, with a link; none once the visit has started", arguments: Backend.available)
    func onceWhenDue(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let (p, visit) = try await bookedVisit(db, orgs, email: "mira@example.com")
            let store = ReminderStore(database: db, auditKey: testAuditKey)
            let start = visit.startsAt
            func round(_ before: TimeInterval) async throws -> ReminderStore.Round {
                try await store.queueDue(now: start.addingTimeInterval(-before), channels: [.email], requestID: "t", compose: compose)
            }
            #expect(try await round(49 * 3600).queued == 0, "not before 48 hours")
            #expect(try await round(48 * 3600).queued == 1)
            #expect(try await round(47 * 3600).queued == 0, "never twice")
            #expect(try await round(2 * 3600 + 60).queued == 0)
            #expect(try await round(2 * 3600).queued == 1, "the 2-hour reminder")
            #expect(try await round(3600).queued == 0)
            #expect(try await round(-60).queued == 0, "nothing once the visit has started")
            let sent = try await waiting(db)
            #expect(sent.map(\.mail.kind).sorted() == ["reminder-2h", "reminder-48h"])
            #expect(sent.allSatisfy { $0.mail.recipient == "mira@example.com" && $0.mail.channel == .email && $0.mail.appointmentID == visit.id })
            let rows = try await allAuditRows(db).map(\.entry).filter { $0.resource == "appointment.reminder" }
            #expect(rows.count == 2 && rows.allSatisfy { $0.patientID == p.id && $0.actorID == nil && $0.action == "remind" })
            try await expectAuditIntact(db)
        }
    }

    @Test("a visit booked a day ahead gets its 48-hour reminder at once; two workers at once queue it once", arguments: Backend.available)
    func lateBookingAndRace(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let (_, visit) = try await bookedVisit(db, orgs, email: "mira@example.com")
            let store = ReminderStore(database: db, auditKey: testAuditKey)
            let now = visit.startsAt.addingTimeInterval(-24 * 3600)
            let queued = await withTaskGroup(of: Int.self) { group -> Int in
                for _ in 0..<2 {
                    group.addTask {
                        (try? await store.queueDue(now: now, channels: [.email], requestID: "t", compose: compose).queued) ?? 0
                    }
                }
                return await group.reduce(0, +)
            }
            #expect(queued == 1)
            #expect(try await waiting(db).map(\.mail.kind) == ["reminder-48h"])
        }
    }

    @Test("cancelling withdraws the reminder that has not left, and no later one is queued", arguments: Backend.available)
    func cancelWithdraws(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let (_, visit) = try await bookedVisit(db, orgs, email: "mira@example.com")
            let store = ReminderStore(database: db, auditKey: testAuditKey)
            let start = visit.startsAt
            _ = try await store.queueDue(now: start.addingTimeInterval(-40 * 3600), channels: [.email], requestID: "t", compose: compose)
            try await orgs.scopeA(db).appointments.cancel(
                appointmentID: visit.id, reason: "Patient unwell", ctx(orgs.ctxA, now: start.addingTimeInterval(-30 * 3600)))
            #expect(try await waiting(db).isEmpty, "withdrawn before it left")
            let listed = try await MailOutbox(database: db).list(organizationID: orgs.a.id).filter { $0.mail.kind.hasPrefix("reminder") }
            #expect(listed.map(\.state) == [.withdrawn])
            #expect(try await store.queueDue(now: start.addingTimeInterval(-3600), channels: [.email], requestID: "t", compose: compose).queued == 0)
        }
    }

    @Test("email is the default; a phone-only patient gets an SMS only where a gateway is configured", arguments: Backend.available)
    func channels(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let (_, both) = try await bookedVisit(db, orgs, email: "mira@example.com", phone: "+64 21 555 0101")
            let store = ReminderStore(database: db, auditKey: testAuditKey)
            let now = both.startsAt.addingTimeInterval(-47 * 3600)
            #expect(try await store.queueDue(now: now, channels: [.email, .sms], requestID: "t", compose: compose).queued == 1)
            #expect(try await waiting(db).map(\.mail.channel) == [.email])
            // A phone-only patient, without a gateway: recorded as unreachable (audited as refused), nothing queued.
            let (p2, phoneOnly) = try await bookedVisit(db, orgs, email: nil, phone: "+64 21 555 0102", minute: 720)
            let later = phoneOnly.startsAt.addingTimeInterval(-47 * 3600)
            let round = try await store.queueDue(now: later, channels: [.email], requestID: "t", compose: compose)
            #expect(round.queued == 0 && round.unreachable == 1)
            #expect(
                try await allAuditRows(db).map(\.entry).contains {
                    $0.patientID == p2.id && $0.resource == "appointment.reminder" && $0.outcome == .denied
                })
            // Its 2-hour reminder, with a gateway configured by then, goes by SMS to the phone.
            _ = try await store.queueDue(
                now: phoneOnly.startsAt.addingTimeInterval(-3600), channels: [.email, .sms], requestID: "t", compose: compose)
            let sms = try await waiting(db, channels: [.sms])
            #expect(sms.map(\.mail.recipient) == ["+64 21 555 0102"] && sms.map(\.mail.kind) == ["reminder-2h"])
            #expect(try await waiting(db, channels: [.email]).allSatisfy { $0.mail.channel == .email })
        }
    }

    @Test("the reminder's link confirms or cancels its one visit until it starts; cancelling frees the slot", arguments: Backend.available)
    func replyLink(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let (p, visit) = try await bookedVisit(db, orgs, email: "mira@example.com")
            let store = ReminderStore(database: db, auditKey: testAuditKey)
            let start = visit.startsAt
            let now = start.addingTimeInterval(-40 * 3600)
            _ = try await store.queueDue(now: now, channels: [.email], requestID: "t", compose: compose)
            let token = try #require(try await waiting(db).first.map { String($0.mail.body.dropFirst("token=".count)) })
            #expect(try await store.appointment(replyToken: "not-a-token", now: now, requestID: "t") == nil)
            let shown = try #require(try await store.appointment(replyToken: token, now: now, requestID: "t"))
            #expect(shown.id == visit.id && shown.status == .booked && shown.confirmedAt == nil)
            let confirmed = try #require(try await store.answer(replyToken: token, .confirm, now: now, requestID: "t"))
            #expect(confirmed.confirmedAt == now && confirmed.status == .booked)
            let cancelled = try #require(try await store.answer(replyToken: token, .cancel, now: now.addingTimeInterval(60), requestID: "t"))
            #expect(cancelled.status == .cancelled)
            #expect(try await store.appointment(replyToken: token, now: start.addingTimeInterval(1), requestID: "t") == nil, "ends at the start")
            let rows = try await allAuditRows(db).map(\.entry).filter { $0.resource == "appointment" && $0.actorID == p.id }
            #expect(rows.map(\.action) == ["read", "confirm", "update"])
            // The practitioner's hour is free again.
            let (_, again) = try await bookedVisit(db, orgs, email: "next@example.com")
            #expect(again.startsAt == start)
            try await expectAuditIntact(db)
        }
    }

    @Test("the portal lists the patient's own visits and answers only for them", arguments: Backend.available)
    func portal(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let (p, visit) = try await bookedVisit(db, orgs, email: "mira@example.com")
            let store = ReminderStore(database: db, auditKey: testAuditKey)
            let now = visit.startsAt.addingTimeInterval(-86400)
            let session = PortalSession(
                id: UUID(), patientID: p.id, organizationID: orgs.a.id, clinicID: orgs.clinicA.id, csrfToken: "x",
                expiresAt: now.addingTimeInterval(3600))
            #expect(try await store.upcoming(session, now: now, requestID: "t").map(\.id) == [visit.id])
            // Another patient's session: the visit is not theirs, to read or to answer.
            let (other, _) = try await bookedVisit(db, orgs, email: "other@example.com", minute: 720)
            let theirs = PortalSession(
                id: UUID(), patientID: other.id, organizationID: orgs.a.id, clinicID: orgs.clinicA.id, csrfToken: "y",
                expiresAt: now.addingTimeInterval(3600))
            #expect(try await store.answer(theirs, appointmentID: visit.id, .cancel, now: now, requestID: "t") == nil)
            #expect(try await store.upcoming(theirs, now: now, requestID: "t").allSatisfy { $0.id != visit.id })
            #expect(try await store.answer(session, appointmentID: visit.id, .confirm, now: now, requestID: "t")?.confirmedAt == now)
            #expect(try await store.answer(session, appointmentID: visit.id, .cancel, now: now, requestID: "t")?.status == .cancelled)
            #expect(try await store.upcoming(session, now: now, requestID: "t").isEmpty)
        }
    }
}
