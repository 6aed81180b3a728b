import Foundation
import StratumStore
@testable import StratumWeb
import Testing
import Vapor
import VaporTesting

/// One endpoint of the API with the permission it needs.
struct Endpoint: Sendable, CustomTestStringConvertible {
    let method: HTTPMethod
    let path: @Sendable (TestServer, String) -> String
    let body: (@Sendable (TestServer) -> String)?
    let action: Action
    let resource: Resource
    let name: String
    var testDescription: String { name }
}

@Suite("Every cell of the permission table")
struct PermissionTests {
    static let endpoints: [Endpoint] = [
        Endpoint(method: .GET, path: { _, _ in "/api/v1/patients" }, body: nil, action: .read, resource: .patient, name: "search patients"),
        Endpoint(method: .POST, path: { _, _ in "/api/v1/patients" }, body: { patientJSON(clinic: $0.clinicA.id, given: "New") },
                 action: .create, resource: .patient, name: "create patient"),
        Endpoint(method: .GET, path: { _, id in "/api/v1/patients/\(id)" }, body: nil, action: .read, resource: .patient, name: "read patient"),
        Endpoint(method: .PUT, path: { _, id in "/api/v1/patients/\(id)" }, body: { patientJSON(clinic: $0.clinicA.id, given: "Changed") },
                 action: .update, resource: .patient, name: "update patient"),
        Endpoint(method: .POST, path: { _, _ in "/api/v1/plan" }, body: { _ in PermissionTests.planDocument },
                 action: .create, resource: .clinicalDecision, name: "plan a course"),
        Endpoint(method: .POST, path: { _, _ in "/api/v1/check" }, body: { _ in PermissionTests.checkDocument },
                 action: .create, resource: .clinicalDecision, name: "check a session"),
    ]

    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples")
    static let planDocument = (try? String(contentsOf: examples.appendingPathComponent("plan-pigmentation.json"), encoding: .utf8)) ?? ""
    static let checkDocument = (try? String(contentsOf: examples.appendingPathComponent("check-session.json"), encoding: .utf8)) ?? ""

    @Test("each role gets exactly what the table grants on each endpoint; refusals are 403 and audited", arguments: endpoints)
    func matrix(_ e: Endpoint) async throws {
        try await withServer { s in
            let seeded = try await s.send(.POST, "/api/v1/patients", token: s.token("a", .owner), json: patientJSON(clinic: s.clinicA.id))
            let id = try #require(seeded.json["id"] as? String)
            for role in Role.allCases {
                let r = try await s.send(e.method, e.path(s, id), token: s.token("a", role), json: e.body?(s))
                if Permissions.allows(role, e.action, e.resource) {
                    #expect((200..<300).contains(Int(r.status.code)), "\(role.rawValue) should be allowed to \(e.name): \(r.status) \(r.text)")
                } else {
                    #expect(r.status == .forbidden, "\(role.rawValue) should be refused \(e.name): \(r.status)")
                    #expect(r.text.contains(role.rawValue))
                }
            }
            let rows = try await s.state.database.read { database in
                try await AuditTrail.verify(key: s.state.auditKey, on: database)
            }
            #expect(rows.isIntact)
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
            for action in Action.allCases { #expect(!Permissions.allows(.assistant, action, resource)) }
        }
        #expect(Permissions.allows(.assistant, .update, .sterility))
        #expect(Permissions.allows(.practitioner, .sign, .session))
        #expect(!Permissions.allows(.practitioner, .read, .auditLog))
    }
}
