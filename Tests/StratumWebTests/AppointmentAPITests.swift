import Foundation
import StratumCore
import StratumStore
@testable import StratumWeb
import Testing
import Vapor
import VaporTesting

@Suite("Appointments through the API")
struct AppointmentAPITests {
    @Test("the front desk books a course's visits; INT-MIN is 422 naming the rule; the practitioner's hour twice is 409 double-booked")
    func booking() async throws {
        try await withServer { s in
            let seeded = try await PermissionTests.seed(s)
            let desk = s.token("a", .frontDesk)
            let staff = try await s.send(.GET, "/api/v1/staff", token: s.token("a", .owner))
            let members = try #require(staff.json["members"] as? [[String: Any]])
            let practitioner = try #require(members.first { $0["email"] as? String == "practitioner@a.example" }?["id"] as? String)
            let ctx = AccessContext(actorID: nil, clinicID: nil, requestID: "test")
            func plannedDates(_ course: String) async throws -> [String] {
                let id = try #require(UUID(uuidString: course))
                let found = try await s.state.scope(s.orgA.id).courses.get(courseID: id, ctx)
                return try #require(found).plannedVisits.map(\.date.description)
            }
            let dates = try await plannedDates(seeded.course)
            func book(_ number: Int, _ date: String, at time: String = "10:00", course: String = seeded.course) async throws -> TestingHTTPResponse {
                try await s.send(
                    .POST, "/api/v1/courses/\(course)/appointments", token: desk,
                    json:
                        #"{"practitionerId": "\#(practitioner)", "minutes": 45, "visits": [{"visitNumber": \#(number), "date": "\#(date)", "startTime": "\#(time)"}]}"#
                )
            }
            // Visit 2 five days after the session already recorded on the course's first day: INT-MIN, nothing booked.
            let first = try #require(LocalDate(iso: dates[0]))
            let tooSoon = try await book(2, first.adding(days: 5).description)
            #expect(tooSoon.status == .unprocessableEntity && tooSoon.text.contains("INT-MIN"), "\(tooSoon.text.prefix(300))")
            let booked = try await book(2, dates[1])
            #expect(booked.status == .created, "\(booked.text.prefix(300))")
            let off = try await book(3, dates[2], at: "10:02")
            #expect(off.status == .badRequest || off.status == .unprocessableEntity, "a time off the grid: \(off.status)")
            // Another patient's course, the same practitioner at the same hour: refused by the database.
            let other = try await PermissionTests.seed(s, given: "Noor", session: false)
            let otherDates = try await plannedDates(other.course)
            #expect(otherDates[1] == dates[1])
            let twice = try await book(2, dates[1], at: "10:15", course: other.course)
            #expect(twice.status == .conflict && twice.json["conflict"] as? String == "double-booked", "\(twice.text.prefix(300))")
            let list = try await s.send(.GET, "/api/v1/courses/\(seeded.course)/appointments", token: desk)
            let id = try #require(list.jsonArray.first?["id"] as? String)
            #expect(
                try await s.send(.POST, "/api/v1/appointments/\(id)/cancel", token: desk, json: #"{"reason": "Patient unwell"}"#).status == .noContent
            )
            #expect(try await book(2, dates[1], at: "10:15", course: other.course).status == .created, "the hour is free once cancelled")
            #expect(try await s.send(.GET, "/api/v1/courses/\(seeded.course)/appointments", token: s.token("a", .assistant)).status == .forbidden)
        }
    }
}
