import Foundation
import StratumCore
import StratumStore
@testable import StratumWeb
import Testing
import Vapor
import VaporTesting

/// Books visit 2 of `course` at `time` with organization A's practitioner, through the API; the appointment's id.
func bookVisitTwo(_ s: TestServer, course: String, time: String) async throws -> String {
    let owner = s.token("a", .owner)
    let found = try await s.state.scope(s.orgA.id).courses.get(
        courseID: try #require(UUID(uuidString: course)), AccessContext(actorID: nil, clinicID: nil, requestID: "test"))
    let date = try #require(found).plannedVisits[1].date
    let staff = try await s.send(.GET, "/api/v1/staff", token: owner)
    let members = try #require(staff.json["members"] as? [[String: Any]])
    let practitioner = try #require(members.first { $0["email"] as? String == "practitioner@a.example" }?["id"] as? String)
    let booked = try await s.send(
        .POST, "/api/v1/courses/\(course)/appointments", token: owner,
        json: #"{"practitionerId": "\#(practitioner)", "minutes": 45, "visits": [{"visitNumber": 2, "date": "\#(date)", "startTime": "\#(time)"}]}"#)
    return try #require(booked.jsonArray.first?["id"] as? String, "\(booked.text)")
}

@Suite("The portal's visits: the patient's own booked visits with the pre-care, confirmed or cancelled, and no one else's")
struct PortalAppointmentPageTests {
    @Test("a patient confirms and cancels their own visit; another patient's visit id is answered as unknown and left as it was")
    func ownVisitsOnly() async throws {
        try await withServer(clock: .fixed(portalNow)) { s in
            let a = try await portalPatientViaAPI(s, given: "Mira", family: "Okafor", email: "mira@example.com")
            let b = try await portalPatientViaAPI(s, given: "Zoltan", family: "Brightwater", email: "zoltan@example.com")
            let mine = try await bookVisitTwo(s, course: a.course, time: "10:00")
            let theirs = try await bookVisitTwo(s, course: b.course, time: "11:00")
            var mira = try await portalSignIn(s, email: "mira@example.com")
            let page = try await mira.get("/portal/appointments")
            #expect(page.status == .ok && page.text.contains("id=\"appointment-\(mine)\"") && !page.text.contains(theirs))
            for item in PreCareAdvice.items { #expect(page.text.contains(item.text.replacingOccurrences(of: "'", with: "&#39;"))) }
            let csrf = try #require(BrowserSession.hidden("_csrf", in: page.text))
            func post(_ id: String, _ fields: [(String, String)]) async throws -> TestingHTTPResponse {
                var headers = mira.header()
                headers.contentType = .urlEncodedForm
                return try await s.app.testing().sendRequest(
                    .POST, "/portal/appointments/\(id)", headers: headers, body: ByteBuffer(string: BrowserSession.encode(fields)))
            }
            for answer in ["confirm", "cancel"] {
                let r = try await post(theirs, [("_csrf", csrf), ("answer", answer)])
                #expect(r.status == .notFound && !r.text.contains("Brightwater"), "\(answer) on another patient's visit: \(r.status)")
            }
            #expect(try await post("not-an-id", [("_csrf", csrf), ("answer", "cancel")]).status == .notFound)
            let bad = try await post(mine, [("_csrf", csrf), ("answer", "later")])
            #expect(bad.status == .unprocessableEntity && bad.text.contains("Answer: choose confirm or cancel"))
            let confirmed = try await post(mine, [("_csrf", csrf), ("answer", "confirm")])
            #expect(confirmed.status == .ok && confirmed.text.contains("your visit is confirmed") && confirmed.text.contains("Confirmed"))
            let cancelled = try await post(mine, [("_csrf", csrf), ("answer", "cancel")])
            #expect(cancelled.status == .ok && !cancelled.text.contains("id=\"appointment-\(mine)\""))
            let ctx = AccessContext(actorID: nil, clinicID: nil, requestID: "t")
            let theirsNow = try await s.state.scope(s.orgA.id).appointments.list(courseID: try #require(UUID(uuidString: b.course)), ctx)
            #expect(theirsNow.map(\.status) == [.booked], "the other patient's visit is untouched")
            let mineNow = try await s.state.scope(s.orgA.id).appointments.list(courseID: try #require(UUID(uuidString: a.course)), ctx)
            #expect(mineNow.map(\.status) == [.cancelled])
        }
    }
}
