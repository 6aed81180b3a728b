import Foundation
import StratumStore
@testable import StratumWeb
import Testing
import Vapor
import VaporTesting

/// Records that exist before the matrix runs, so every endpoint has something to act on.
struct Seeded: Sendable {
    let patient: String
    let course: String
    let session: String
}

/// One endpoint of the API with the permission it needs.
struct Endpoint: Sendable, CustomTestStringConvertible {
    let method: HTTPMethod
    let path: @Sendable (Seeded) -> String
    let body: (@Sendable (TestServer) -> String)?
    let action: Action
    let resource: Resource
    let name: String
    var testDescription: String { name }

    init(
        _ method: HTTPMethod, _ path: @escaping @Sendable (Seeded) -> String, body: (@Sendable (TestServer) -> String)? = nil,
        _ action: Action, _ resource: Resource, _ name: String
    ) {
        self.method = method
        self.path = path
        self.body = body
        self.action = action
        self.resource = resource
        self.name = name
    }
}

@Suite("Every cell of the permission table")
struct PermissionTests {
    static let endpoints: [Endpoint] = [
        Endpoint(.GET, { _ in "/api/v1/patients" }, .read, .patient, "search patients"),
        Endpoint(
            .POST, { _ in "/api/v1/patients" }, body: { patientJSON(clinic: $0.clinicA.id, given: "New", extra: #", "confirmDuplicate": true"#) },
            .create, .patient, "create patient"),
        Endpoint(.GET, { "/api/v1/patients/\($0.patient)" }, .read, .patient, "read patient"),
        Endpoint(
            .PUT, { "/api/v1/patients/\($0.patient)" }, body: { patientJSON(clinic: $0.clinicA.id, given: "Changed") }, .update, .patient,
            "update patient"),
        Endpoint(
            .POST, { "/api/v1/patients/\($0.patient)/merge" }, body: { _ in #"{"duplicateId": "\#(UUID().uuidString)"}"# }, .merge, .patient,
            "merge a duplicate chart"),
        Endpoint(.POST, { _ in "/api/v1/plan" }, body: { _ in PermissionTests.planDocument }, .create, .clinicalDecision, "plan a course"),
        Endpoint(.POST, { _ in "/api/v1/check" }, body: { _ in PermissionTests.checkDocument }, .create, .clinicalDecision, "check a session"),
        Endpoint(.GET, { "/api/v1/patients/\($0.patient)/screenings" }, .read, .screening, "list screenings"),
        Endpoint(.POST, { "/api/v1/patients/\($0.patient)/screenings" }, body: { _ in cleanScreening }, .create, .screening, "record a screening"),
        Endpoint(.GET, { "/api/v1/patients/\($0.patient)/consents" }, .read, .consent, "list consents"),
        Endpoint(
            .POST, { "/api/v1/patients/\($0.patient)/consents" },
            body: { _ in #"{"kind": "photo", "photoTier": "record-only", "textVersion": "1", "signedByName": "Mira Okafor", "confirmed": true}"# },
            .create, .consent, "sign a consent"),
        Endpoint(.GET, { "/api/v1/patients/\($0.patient)/courses" }, .read, .course, "list courses"),
        Endpoint(.POST, { "/api/v1/patients/\($0.patient)/courses" }, body: { _ in coursePlan }, .create, .course, "propose a course"),
        Endpoint(.POST, { "/api/v1/courses/\($0.course)/accept" }, .update, .course, "accept a course"),
        Endpoint(.GET, { "/api/v1/courses/\($0.course)/sessions" }, .read, .session, "list sessions"),
        Endpoint(
            .POST, { "/api/v1/courses/\($0.course)/sessions" }, body: { _ in sessionJSON(date: "2026-12-29") }, .create, .session, "record a session"),
        Endpoint(.GET, { "/api/v1/sessions/\($0.session)" }, .read, .session, "read a session"),
        Endpoint(.POST, { "/api/v1/sessions/\($0.session)/sign" }, .sign, .session, "sign a session"),
        Endpoint(.POST, { "/api/v1/sessions/\($0.session)/addenda" }, body: { _ in #"{"text": "note"}"# }, .update, .session, "add an addendum"),
        Endpoint(.GET, { "/api/v1/patients/\($0.patient)/adverse-events" }, .read, .adverseEvent, "list adverse events"),
        Endpoint(
            .POST, { "/api/v1/patients/\($0.patient)/adverse-events" },
            body: { _ in #"{"type": "bruising", "onset": "2026-12-02", "grade": 1}"# }, .create, .adverseEvent, "report an adverse event"),
        Endpoint(.GET, { "/api/v1/patients/\($0.patient)/assessments" }, .read, .assessment, "list assessments"),
        Endpoint(
            .POST, { "/api/v1/patients/\($0.patient)/assessments" },
            body: { _ in #"{"scale": "GAIS", "score": 2, "kind": "visit", "assessedOn": "2026-12-15"}"# }, .create, .assessment,
            "record an assessment"),
        Endpoint(.GET, { "/api/v1/patients/\($0.patient)/chart" }, .read, .chart, "read the chart"),
        Endpoint(.GET, { "/api/v1/courses/\($0.course)/photos" }, .read, .photo, "list a course's photos"),
        Endpoint(.GET, { _ in "/api/v1/photos/\(UUID().uuidString)/image" }, .read, .photo, "view a photo"),
        Endpoint(
            .POST, { "/api/v1/patients/\($0.patient)/photos?courseId=\($0.course)&view=front&visit=baseline&takenOn=2026-11-30" },
            body: { _ in "not an image" }, .create, .photo, "upload a photo"),
        Endpoint(.GET, { "/api/v1/courses/\($0.course)/progress" }, .read, .assessment, "read a course's progress"),
        Endpoint(.GET, { "/api/v1/courses/\($0.course)/forecast" }, .read, .assessment, "read a course's forecast"),
        Endpoint(.GET, { _ in "/api/v1/reports/outcomes" }, .read, .outcomeReport, "read the outcome report"),
        Endpoint(.GET, { "/api/v1/patients/\($0.patient)/audit" }, .read, .auditLog, "read the audit log"),
        Endpoint(.GET, { _ in "/api/v1/clinic" }, .read, .clinic, "read the clinic's settings"),
        Endpoint(.PATCH, { _ in "/api/v1/clinic" }, body: { _ in #"{"timezone": "Europe/London"}"# }, .update, .clinic, "set the clinic's time zone"),
        Endpoint(.GET, { _ in "/api/v1/clinic/policy" }, .read, .clinic, "read the clinic's policy"),
        Endpoint(
            .PUT, { _ in "/api/v1/clinic/policy" }, body: { _ in #"{"sites": {"forehead": {"cautionAboveMM": 0.75}}}"# }, .update, .clinic,
            "narrow the clinic's policy"),
        Endpoint(.GET, { _ in "/api/v1/clinic/consent-texts" }, .read, .clinic, "list the clinic's consent texts"),
        Endpoint(
            .POST, { _ in "/api/v1/clinic/consent-texts" },
            body: { _ in #"{"kind": "photo", "version": "photo-\#(UUID().uuidString.prefix(8))", "text": "Photographs of the treated areas."}"# },
            .update, .clinic, "add a consent text version"),
        Endpoint(.GET, { _ in "/api/v1/clinic/changes" }, .read, .clinicHistory, "read the clinic's settings history"),
        Endpoint(.GET, { _ in "/api/v1/lots" }, .read, .sterility, "list lots"),
        Endpoint(
            .POST, { _ in "/api/v1/packs" }, body: { _ in #"{"items": [{"modelId": "00000000-0000-4000-8000-000000000000"}]}"# }, .create, .sterility,
            "assemble a pack"),
        Endpoint(.POST, { _ in "/api/v1/packs/\(UUID().uuidString)/release" }, .update, .sterility, "release a pack"),
        Endpoint(.GET, { _ in "/api/v1/recalls" }, .read, .sterility, "list recalls"),
        Endpoint(.GET, { "/api/v1/courses/\($0.course)/appointments" }, .read, .appointment, "list a course's appointments"),
        Endpoint(
            .POST, { "/api/v1/courses/\($0.course)/appointments" },
            body: { _ in
                #"{"practitionerId": "\#(UUID().uuidString)", "minutes": 45, "visits": [{"visitNumber": 2, "date": "2027-01-05", "startTime": "10:00"}]}"#
            },
            .create, .appointment, "book appointments"),
        Endpoint(
            .POST, { _ in "/api/v1/appointments/\(UUID().uuidString)/cancel" }, body: { _ in #"{"reason": "Unwell"}"# }, .update, .appointment,
            "cancel an appointment"),
        Endpoint(
            .POST, { _ in "/api/v1/appointments/\(UUID().uuidString)/reschedule" }, body: { _ in #"{"date": "2027-01-05", "startTime": "10:00"}"# },
            .update, .appointment, "move an appointment"),
        Endpoint(.POST, { _ in "/api/v1/appointments/\(UUID().uuidString)/no-show" }, .update, .appointment, "mark a no-show"),
        Endpoint(.POST, { _ in "/api/v1/appointments/\(UUID().uuidString)/check-in" }, .update, .appointment, "check a patient in"),
        Endpoint(.GET, { _ in "/api/v1/appointments?from=2027-01-04&to=2027-01-10" }, .read, .appointment, "read the clinic's calendar"),
        Endpoint(.GET, { _ in "/api/v1/clinic/rooms" }, .read, .clinic, "list the clinic's rooms"),
        Endpoint(
            .POST, { _ in "/api/v1/clinic/rooms" }, body: { _ in #"{"name": "Room \#(UUID().uuidString.prefix(8))"}"# }, .update, .clinic,
            "add a room"),
        Endpoint(
            .PATCH, { _ in "/api/v1/clinic/rooms/\(UUID().uuidString)" }, body: { _ in #"{"name": "Quiet room"}"# }, .update, .clinic,
            "rename a room"),
        Endpoint(.POST, { _ in "/api/v1/clinic/rooms/\(UUID().uuidString)/retire" }, .update, .clinic, "retire a room"),
        Endpoint(.GET, { _ in "/api/v1/staff" }, .read, .staff, "list the staff"),
        Endpoint(
            .POST, { _ in "/api/v1/staff/invitations" },
            body: {
                #"{"email": "new.\#(UUID().uuidString.prefix(8))@a.example", "grants": [{"clinicId": "\#($0.clinicA.id)", "role": "assistant"}]}"#
            },
            .create, .staff, "invite a colleague"),
        Endpoint(.DELETE, { _ in "/api/v1/staff/invitations/\(UUID().uuidString)" }, .delete, .staff, "withdraw an invitation"),
        Endpoint(.PUT, { _ in "/api/v1/staff/two-factor" }, body: { _ in #"{"required": false}"# }, .update, .staff, "require two-factor sign-in"),
        Endpoint(
            .PUT, { _ in "/api/v1/staff/\(UUID().uuidString)/clinics/\(UUID().uuidString)" }, body: { _ in #"{"role": "assistant"}"# }, .update,
            .staff, "change a colleague's role"),
        Endpoint(.DELETE, { _ in "/api/v1/staff/\(UUID().uuidString)/clinics/\(UUID().uuidString)" }, .delete, .staff, "remove a membership"),
        Endpoint(.POST, { _ in "/api/v1/staff/\(UUID().uuidString)/deactivate" }, .delete, .staff, "deactivate a colleague"),
        Endpoint(.POST, { _ in "/api/v1/staff/\(UUID().uuidString)/unlock" }, .update, .staff, "lift a colleague's sign-in lock"),
        Endpoint(.POST, { _ in "/api/v1/staff/\(UUID().uuidString)/reset-two-factor" }, .update, .staff, "reset a colleague's two-factor sign-in")
    ]

    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples")
    static let planDocument = (try? String(contentsOf: examples.appendingPathComponent("plan-pigmentation.json"), encoding: .utf8)) ?? ""
    static let checkDocument = (try? String(contentsOf: examples.appendingPathComponent("check-session.json"), encoding: .utf8)) ?? ""

    /// A patient with a screening, a treatment consent, an active course and one session, made by the owner.
    static func seed(_ s: TestServer, given: String = "Mira", session withSession: Bool = true) async throws -> Seeded {
        let owner = s.token("a", .owner)
        let patient = try await s.send(
            .POST, "/api/v1/patients", token: owner,
            json: patientJSON(clinic: s.clinicA.id, given: given, extra: given == "Mira" ? "" : #", "confirmDuplicate": true"#).replacingOccurrences(
                of: "\"fitzpatrick\": 5", with: "\"fitzpatrick\": 2"))
        let pid = try #require(patient.json["id"] as? String)
        #expect(try await s.send(.POST, "/api/v1/patients/\(pid)/screenings", token: owner, json: cleanScreening).status == .created)
        #expect(
            try await s.send(
                .POST, "/api/v1/patients/\(pid)/consents", token: owner,
                json: #"{"kind": "treatment", "textVersion": "1", "signedByName": "Mira Okafor", "confirmed": true, "signedOn": "2026-11-20"}"#
            ).status == .created)
        let course = try await s.send(.POST, "/api/v1/patients/\(pid)/courses", token: owner, json: coursePlan)
        let cid = try #require(course.json["id"] as? String)
        let accepted = try await s.acceptCourse(cid, token: owner)
        #expect(accepted.status == .ok, "\(accepted.text)")
        guard withSession else { return Seeded(patient: pid, course: cid, session: "") }
        let session = try await s.send(.POST, "/api/v1/courses/\(cid)/sessions", token: owner, json: sessionJSON())
        let sid = try #require(session.json["id"] as? String, "\(session.text)")
        return Seeded(patient: pid, course: cid, session: sid)
    }

    @Test("each role gets exactly what the table grants on each endpoint; refusals are 403", arguments: endpoints)
    func matrix(_ e: Endpoint) async throws {
        try await withServer { s in
            let seeded = try await Self.seed(s)
            for role in Role.allCases {
                let path = e.path(seeded)
                let r =
                    path.contains("/photos?")
                    ? try await s.sendBytes(e.method, path, token: s.token("a", role), bytes: Array((e.body?(s) ?? "").utf8))
                    : try await s.send(e.method, path, token: s.token("a", role), json: e.body?(s))
                if Permissions.allows(role, e.action, e.resource) {
                    // Allowed: the answer may be a domain refusal (409, 422) but never an authorization one or a fault.
                    #expect(
                        ![401, 403].contains(Int(r.status.code)) && r.status.code < 500,
                        "\(role.rawValue) should be allowed to \(e.name): \(r.status) \(r.text)")
                } else {
                    #expect(r.status == .forbidden, "\(role.rawValue) should be refused \(e.name): \(r.status)")
                    #expect(r.text.contains(role.rawValue))
                }
            }
            #expect(try await s.state.database.read { try await AuditTrail.verify(key: s.state.auditKey, on: $0) }.isIntact)
        }
    }

    @Test("every resource and action of the table that the API exposes is exercised by the matrix")
    func coverage() {
        let exercised = Set(Self.endpoints.map { "\($0.resource.rawValue):\($0.action.rawValue)" })
        for r in Resource.allCases {
            #expect(exercised.contains { $0.hasPrefix(r.rawValue + ":") }, "\(r.rawValue) has no endpoint in the matrix")
        }
    }

    @Test("the table itself: auditors only read, owners do everything, assistants never touch patient records")
    func tableShape() {
        for resource in Resource.allCases {
            for action in Action.allCases {
                #expect(Permissions.allows(.owner, action, resource))
                #expect(Permissions.allows(.auditor, action, resource) == (action == .read))
            }
            #expect(Permissions.allows(.frontDesk, .create, .session) == false)
        }
        for resource in [Resource.patient, .screening, .consent, .course, .session, .adverseEvent, .assessment] {
            for action in Action.allCases where !(resource == .session && action == .create) {
                #expect(!Permissions.allows(.assistant, action, resource))
            }
        }
        // Issue 12: an assistant documents a session for the practitioner who treated; reading, signing and
        // addenda stay with practitioners.
        #expect(Permissions.allows(.assistant, .create, .session))
        #expect(Permissions.allows(.assistant, .update, .sterility))
        #expect(Permissions.allows(.practitioner, .sign, .session))
        #expect(!Permissions.allows(.practitioner, .read, .auditLog))
    }
}
