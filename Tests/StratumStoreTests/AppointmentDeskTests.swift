import FluentKit
import Foundation
import StratumCore
@testable import StratumStore
import Testing

@Suite("The front desk's calendar: moves within the interval rules, no-shows, check-in on the day, rooms and private feeds")
struct AppointmentDeskTests {
    typealias D = AppointmentStoreTests

    /// Noon UTC of `date`: in Europe/London (clinic A) the same day.
    static func noon(_ date: LocalDate) -> Date { Date(timeIntervalSince1970: Double(date.dayNumber * 86_400 + 12 * 3600)) }

    @Test("a move keeps the intervals: INT-MIN refuses it, a good one frees the old time and keeps who moved it", arguments: Backend.available)
    func reschedule(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let (_, course) = try await activeCourse(db, orgs)
            let visits = course.plannedVisits
            let booked = try await a.appointments.book(
                visits.map { D.draft(course, visit: $0.number, on: $0.date, practitioner: orgs.userA.id) }, orgs.ctxA)
            // Visit 2 moved to 5 days after visit 1: INT-MIN, and it stays where it was.
            await #expect {
                try await a.appointments.reschedule(
                    appointmentID: booked[1].id, to: AppointmentMove(date: visits[0].date.adding(days: 5), startMinute: 600), orgs.ctxA)
            } throws: { ($0 as? ClinicalRefusal)?.blocking.map(\.rule).contains(.intMin) == true }
            #expect(try await a.appointments.list(courseID: course.id, orgs.ctxA)[1].date == visits[1].date)
            // Visit 2 one week later than planned, at 11:00: still within the intervals of visits 1 and 3.
            let later = visits[1].date.adding(days: 7)
            let moved = try await a.appointments.reschedule(
                appointmentID: booked[1].id, to: AppointmentMove(date: later, startMinute: 660), orgs.ctxA)
            #expect(moved.date == later && moved.startMinute == 660 && moved.status == .booked && moved.id == booked[1].id)
            let history = try await a.appointments.moves(appointmentID: booked[1].id, orgs.ctxA)
            #expect(history.count == 1 && history[0].fromDate == visits[1].date && history[0].movedBy == orgs.userA.id)
            // The old time is free again: another course's visit takes it.
            let (_, other) = try await activeCourse(db, orgs)
            _ = try await a.appointments.book(D.draft(other, visit: 1, on: visits[1].date, practitioner: orgs.userA.id), orgs.ctxA)
            try await expectAuditIntact(db)
        }
    }

    @Test("a move onto a taken practitioner or room is refused by the database and the old booking stays", arguments: Backend.available)
    func rescheduleDoubleBooked(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let room = try await a.appointments.addRoom(clinicID: orgs.clinicA.id, name: "Room 1", orgs.ctxA)
            let (_, one) = try await activeCourse(db, orgs)
            let (_, two) = try await activeCourse(db, orgs)
            let day = one.plannedVisits[0].date
            _ = try await a.appointments.book(D.draft(one, visit: 1, on: day, practitioner: orgs.userA.id, room: room.id), orgs.ctxA)
            let second = try await a.appointments.book(D.draft(two, visit: 1, on: day, at: 720, practitioner: orgs.userA.id), orgs.ctxA)
            await #expect(throws: StoreError.state(.doubleBooked)) {
                try await a.appointments.reschedule(appointmentID: second.id, to: AppointmentMove(date: day, startMinute: 615), orgs.ctxA)
            }
            let kept = try await a.appointments.list(courseID: two.id, orgs.ctxA)
            #expect(kept.count == 1 && kept[0].startMinute == 720 && kept[0].status == .booked)
            #expect(try await a.appointments.moves(appointmentID: second.id, orgs.ctxA).isEmpty)
            // Its old slots are still held: a third booking at 12:00 for the same practitioner is refused.
            let (_, three) = try await activeCourse(db, orgs)
            await #expect(throws: StoreError.state(.doubleBooked)) {
                try await a.appointments.book(D.draft(three, visit: 1, on: day, at: 720, practitioner: orgs.userA.id), orgs.ctxA)
            }
            // Another practitioner into the booked room at 10:15: the room refuses.
            let other = try await Directory(database: db).createUser(email: "p2@alder.example", displayName: "P. Two", passwordHash: "x")
            _ = try await Directory(database: db).addMembership(userID: other.id, clinicID: orgs.clinicA.id, role: .practitioner)
            await #expect(throws: StoreError.state(.doubleBooked)) {
                try await a.appointments.reschedule(
                    appointmentID: second.id, to: AppointmentMove(date: day, startMinute: 615, practitionerID: other.id, roomID: room.id), orgs.ctxA)
            }
            let elsewhere = try await a.appointments.reschedule(
                appointmentID: second.id, to: AppointmentMove(date: day, startMinute: 615, practitionerID: other.id), orgs.ctxA)
            #expect(elsewhere.practitionerID == other.id)
            await #expect(throws: StoreError.invalid(field: "startTime", problem: "must start on a 5-minute step")) {
                try await a.appointments.reschedule(appointmentID: second.id, to: AppointmentMove(date: day, startMinute: 617), orgs.ctxA)
            }
        }
    }

    @Test("a no-show only after the start, freeing the time; check-in only on the day in the clinic", arguments: Backend.available)
    func noShowAndCheckIn(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let (_, course) = try await activeCourse(db, orgs)
            let day = course.plannedVisits[0].date
            let booked = try await a.appointments.book(
                course.plannedVisits.prefix(2).map { D.draft(course, visit: $0.number, on: $0.date, practitioner: orgs.userA.id) }, orgs.ctxA)
            let before = ctx(orgs.ctxA, now: Self.noon(day.adding(days: -1)))
            await #expect(throws: StoreError.state(.appointmentNotStarted)) {
                try await a.appointments.markNoShow(appointmentID: booked[0].id, before)
            }
            await #expect(throws: StoreError.state(.notAppointmentDay)) { try await a.appointments.checkIn(appointmentID: booked[0].id, before) }
            // 23:30 UTC the day before is still the day before in London (GMT in November).
            let lateEve = ctx(orgs.ctxA, now: Date(timeIntervalSince1970: Double(day.dayNumber * 86_400 - 1800)))
            await #expect(throws: StoreError.state(.notAppointmentDay)) { try await a.appointments.checkIn(appointmentID: booked[0].id, lateEve) }
            let onTheDay = ctx(orgs.ctxA, now: Date(timeIntervalSince1970: Double(day.dayNumber * 86_400 + 9 * 3600 + 50 * 60)))
            let checked = try await a.appointments.checkIn(appointmentID: booked[0].id, onTheDay)
            #expect(checked.checkedInAt == onTheDay.now && checked.status == .booked)
            await #expect(throws: StoreError.state(.checkedIn)) {
                try await a.appointments.markNoShow(appointmentID: booked[0].id, ctx(orgs.ctxA, now: Self.noon(day)))
            }
            // Visit 2: the patient never came.
            let second = course.plannedVisits[1].date
            let missed = try await a.appointments.markNoShow(appointmentID: booked[1].id, ctx(orgs.ctxA, now: Self.noon(second)))
            #expect(missed.status == .noShow)
            await #expect(throws: StoreError.state(.appointmentNotBooked(status: "noShow"))) {
                try await a.appointments.checkIn(appointmentID: booked[1].id, ctx(orgs.ctxA, now: Self.noon(second)))
            }
            // Its time is free at once.
            let (_, other) = try await activeCourse(db, orgs)
            _ = try await a.appointments.book(D.draft(other, visit: 1, on: second, practitioner: orgs.userA.id), orgs.ctxA)
            try await expectAuditIntact(db)
        }
    }

    @Test("the calendar lists a clinic's days by practitioner or room, with names and visits, nothing clinical", arguments: Backend.available)
    func calendarAndRooms(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let one = try await a.appointments.addRoom(clinicID: orgs.clinicA.id, name: "Room 1", orgs.ctxA)
            let two = try await a.appointments.addRoom(clinicID: orgs.clinicA.id, name: "Room 2", orgs.ctxA)
            let (patient, course) = try await activeCourse(db, orgs)
            let day = course.plannedVisits[0].date
            _ = try await a.appointments.book(D.draft(course, visit: 1, on: day, practitioner: orgs.userA.id, room: one.id), orgs.ctxA)
            let week = CalendarQuery(clinicID: orgs.clinicA.id, from: day.adding(days: -3), to: day.adding(days: 3))
            let all = try await a.appointments.calendar(week, orgs.ctxA)
            #expect(all.count == 1 && all[0].patientName == "\(patient.givenName) \(patient.familyName)")
            #expect(all[0].visitNumber == 1 && all[0].visitCount == course.plannedVisits.count && all[0].roomID == one.id)
            var q = week
            q.roomID = two.id
            #expect(try await a.appointments.calendar(q, orgs.ctxA).isEmpty)
            q.roomID = nil
            q.practitionerID = orgs.userA.id
            #expect(try await a.appointments.calendar(q, orgs.ctxA).count == 1)
            // Another organization reads nothing of it.
            #expect(try await orgs.scopeB(db).appointments.calendar(week, orgs.ctxB).isEmpty)
            q.to = q.from.adding(days: BookingRules.calendarMaxDays)
            await #expect(throws: StoreError.self) { try await a.appointments.calendar(q, orgs.ctxA) }
            // Rename and retire: the booked appointment keeps the room, a new booking cannot take it.
            #expect(try await a.appointments.renameRoom(roomID: one.id, name: "Laser room", orgs.ctxA).name == "Laser room")
            await #expect(throws: StoreError.invalid(field: "name", problem: "the clinic already has a room of this name")) {
                try await a.appointments.renameRoom(roomID: two.id, name: "Laser room", orgs.ctxA)
            }
            _ = try await a.appointments.retireRoom(roomID: one.id, orgs.ctxA)
            #expect(try await a.appointments.rooms(clinicID: orgs.clinicA.id).map(\.name) == ["Room 2"])
            #expect(try await a.appointments.rooms(clinicID: orgs.clinicA.id, includeRetired: true).count == 2)
            #expect(try await a.appointments.list(courseID: course.id, orgs.ctxA)[0].roomID == one.id)
            let (_, other) = try await activeCourse(db, orgs)
            await #expect(throws: StoreError.invalid(field: "roomId", problem: "the room is retired and takes no new appointments")) {
                try await a.appointments.book(D.draft(other, visit: 1, on: day.adding(days: 1), practitioner: orgs.userA.id, room: one.id), orgs.ctxA)
            }
            await #expect(throws: StoreError.notFound("room")) { try await orgs.scopeB(db).appointments.retireRoom(roomID: two.id, orgs.ctxB) }
        }
    }

    @Test("a practitioner's feed: only the hash is kept, initials only, revoking ends the old address", arguments: Backend.available)
    func feed(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let (patient, course) = try await activeCourse(db, orgs)
            let day = course.plannedVisits[0].date
            _ = try await a.appointments.book(D.draft(course, visit: 1, on: day, practitioner: orgs.userA.id), orgs.ctxA)
            let reader = CalendarFeedReader(database: db, auditKey: testAuditKey)
            let token = try await a.appointments.issueFeed(userID: orgs.userA.id, orgs.ctxA)
            let stored = try await db.read { try await CalendarFeedRow.query(on: $0).all() }
            #expect(stored.count == 1 && stored[0].tokenHash == CredentialStore.sha256Hex(token) && stored[0].tokenHash != token)
            let feed = try #require(try await reader.read(token: token, now: Self.noon(day.adding(days: -2)), requestID: "feed"))
            #expect(feed.userID == orgs.userA.id && feed.appointments.count == 1)
            #expect(feed.appointments[0].initials == "\(patient.givenName.prefix(1)).\(patient.familyName.prefix(1)).")
            #expect(feed.appointments[0].clinicTimezone == "Europe/London")
            // Past appointments (beyond a day) drop out.
            #expect(try await reader.read(token: token, now: Self.noon(day.adding(days: 3)), requestID: "feed")?.appointments.isEmpty == true)
            // A new secret ends the old; revoking ends the new.
            let second = try await a.appointments.issueFeed(userID: orgs.userA.id, orgs.ctxA)
            #expect(try await reader.read(token: token, now: Self.noon(day), requestID: "feed") == nil)
            #expect(try await a.appointments.feedIssuedAt(userID: orgs.userA.id) != nil)
            try await a.appointments.revokeFeed(userID: orgs.userA.id, orgs.ctxA)
            #expect(try await reader.read(token: second, now: Self.noon(day), requestID: "feed") == nil)
            #expect(try await a.appointments.feedIssuedAt(userID: orgs.userA.id) == nil)
            #expect(try await auditCount(db, action: "read", resource: "calendar-feed") == 2)
            try await expectAuditIntact(db)
        }
    }
}
