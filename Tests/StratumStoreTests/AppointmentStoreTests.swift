import FluentKit
import Foundation
import StratumCore
@testable import StratumStore
import Testing

@Suite("Appointments: a course's visits booked within the interval rules, never two at once for one practitioner or room")
struct AppointmentStoreTests {
    /// Ten in the morning of `date`, 45 minutes, with the course's practitioner.
    static func draft(_ course: Course, visit: Int, on date: LocalDate, at minute: Int = 600, practitioner: UUID, room: UUID? = nil)
        -> AppointmentDraft
    {
        AppointmentDraft(
            courseID: course.id, visitNumber: visit, date: date, startMinute: minute, minutes: 45, practitionerID: practitioner, roomID: room)
    }

    @Test("the plan's visits book on their dates; one 5 days after another at depth is refused by INT-MIN", arguments: Backend.available)
    func bookThePlan(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let (_, course) = try await activeCourse(db, orgs)
            let visits = course.plannedVisits
            #expect(visits.count >= 3 && visits.allSatisfy { $0.zones.contains { $0.depthMM > 0.3 } })
            let first = try await a.appointments.book(Self.draft(course, visit: 1, on: visits[0].date, practitioner: orgs.userA.id), orgs.ctxA)
            #expect(first.zones == visits[0].zones && first.status == .booked)
            // Visit 2 five days after visit 1, at the planned depth: the core's INT-MIN stop, and nothing written.
            await #expect {
                try await a.appointments.book(
                    Self.draft(course, visit: 2, on: visits[0].date.adding(days: 5), practitioner: orgs.userA.id), orgs.ctxA)
            } throws: { ($0 as? ClinicalRefusal)?.blocking.map(\.rule).contains(.intMin) == true }
            for v in visits.dropFirst() {
                _ = try await a.appointments.book(Self.draft(course, visit: v.number, on: v.date, practitioner: orgs.userA.id), orgs.ctxA)
            }
            #expect(try await a.appointments.list(courseID: course.id, orgs.ctxA).map(\.visitNumber) == visits.map(\.number))
            // Moving visit 1 (cancel and book again) 5 days before visit 2 breaks visit 2's minimum.
            try await a.appointments.cancel(appointmentID: first.id, reason: "Patient asked to move it", orgs.ctxA)
            await #expect {
                try await a.appointments.book(
                    Self.draft(course, visit: 1, on: visits[1].date.adding(days: -5), practitioner: orgs.userA.id), orgs.ctxA)
            } throws: { ($0 as? ClinicalRefusal)?.blocking.map(\.rule).contains(.intMin) == true }
            try await expectAuditIntact(db)
        }
    }

    @Test("a whole plan books in one step, all or nothing", arguments: Backend.available)
    func wholePlan(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let (_, course) = try await activeCourse(db, orgs)
            var drafts = course.plannedVisits.map { Self.draft(course, visit: $0.number, on: $0.date, practitioner: orgs.userA.id) }
            let good = drafts
            // The last visit moved to 5 days after the one before it: the whole booking is refused, none is kept.
            drafts[drafts.count - 1].date = drafts[drafts.count - 2].date.adding(days: 5)
            await #expect { try await a.appointments.book(drafts, orgs.ctxA) } throws: {
                ($0 as? ClinicalRefusal)?.blocking.map(\.rule).contains(.intMin) == true
            }
            #expect(try await a.appointments.list(courseID: course.id, orgs.ctxA).isEmpty)
            #expect(try await a.appointments.book(good, orgs.ctxA).count == course.plannedVisits.count)
        }
    }

    @Test("the database refuses a second booking of the practitioner or the room; a cancellation frees both", arguments: Backend.available)
    func doubleBooking(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let room = try await a.appointments.addRoom(clinicID: orgs.clinicA.id, name: "Room 1", orgs.ctxA)
            let (_, one) = try await activeCourse(db, orgs)
            let (_, two) = try await activeCourse(db, orgs)
            let day = one.plannedVisits[0].date
            let booked = try await a.appointments.book(Self.draft(one, visit: 1, on: day, practitioner: orgs.userA.id, room: room.id), orgs.ctxA)
            // Twenty minutes later: the same practitioner is still with the first patient.
            await #expect(throws: StoreError.state(.doubleBooked)) {
                try await a.appointments.book(Self.draft(two, visit: 1, on: day, at: 620, practitioner: orgs.userA.id), orgs.ctxA)
            }
            // Another practitioner, the same room at the same time.
            let other = try await Directory(database: db).createUser(email: "p2@alder.example", displayName: "P. Two", passwordHash: "x")
            _ = try await Directory(database: db).addMembership(userID: other.id, clinicID: orgs.clinicA.id, role: .practitioner)
            await #expect(throws: StoreError.state(.doubleBooked)) {
                try await a.appointments.book(Self.draft(two, visit: 1, on: day, at: 630, practitioner: other.id, room: room.id), orgs.ctxA)
            }
            // Right after the first ends, the same room and practitioner are free.
            _ = try await a.appointments.book(Self.draft(two, visit: 1, on: day, at: 645, practitioner: orgs.userA.id, room: room.id), orgs.ctxA)
            try await a.appointments.cancel(appointmentID: booked.id, reason: "Unwell", orgs.ctxA)
            let (_, three) = try await activeCourse(db, orgs)
            _ = try await a.appointments.book(Self.draft(three, visit: 1, on: day, practitioner: other.id, room: room.id), orgs.ctxA)
        }
    }

    @Test("two bookings racing for one practitioner's hour: exactly one lands", arguments: Backend.available)
    func race(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let (_, one) = try await activeCourse(db, orgs)
            let (_, two) = try await activeCourse(db, orgs)
            let day = one.plannedVisits[0].date
            let landed = await withTaskGroup(of: Bool.self) { group -> Int in
                for course in [one, two] {
                    group.addTask {
                        (try? await a.appointments.book(Self.draft(course, visit: 1, on: day, practitioner: orgs.userA.id), orgs.ctxA)) != nil
                    }
                }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(landed == 1)
        }
    }

    @Test("bad bookings are refused naming the field, and write nothing", arguments: Backend.available)
    func refusals(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let (_, course) = try await activeCourse(db, orgs)
            let day = course.plannedVisits[0].date
            func refused(_ d: AppointmentDraft) async -> String? {
                do {
                    _ = try await a.appointments.book(d, orgs.ctxA)
                    return nil
                } catch let StoreError.invalid(field, _) { return field } catch { return "\(error)" }
            }
            #expect(await refused(Self.draft(course, visit: 1, on: day, at: 602, practitioner: orgs.userA.id)) == "startTime")
            #expect(await refused(Self.draft(course, visit: 99, on: day, practitioner: orgs.userA.id)) == "visitNumber")
            #expect(await refused(Self.draft(course, visit: 1, on: day, practitioner: orgs.userB.id)) == "practitionerId")
            #expect(await refused(Self.draft(course, visit: 1, on: day, practitioner: orgs.userA.id, room: UUID())) == "roomId")
            var long = Self.draft(course, visit: 1, on: day, practitioner: orgs.userA.id)
            long.minutes = 300
            #expect(await refused(long) == "minutes")
            #expect(try await a.appointments.list(courseID: course.id, orgs.ctxA).isEmpty)
            await #expect(throws: StoreError.invalid(field: "reason", problem: "say why the appointment is cancelled")) {
                try await a.appointments.cancel(appointmentID: UUID(), reason: " ", orgs.ctxA)
            }
        }
    }
}
