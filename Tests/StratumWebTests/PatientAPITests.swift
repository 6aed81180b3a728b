import Foundation
import StratumStore
@testable import StratumWeb
import Testing
import Vapor
import VaporTesting

@Suite("Patients API")
struct PatientAPITests {
    @Test("create, read, update and search a patient")
    func happyPath() async throws {
        try await withServer { s in
            let token = s.token("a", .practitioner)
            let created = try await s.send(.POST, "/api/v1/patients", token: token, json: patientJSON(clinic: s.clinicA.id))
            #expect(created.status == .created)
            let id = try #require(created.json["id"] as? String)
            #expect(created.json["fitzpatrick"] as? Int == 5)
            #expect(created.json["organizationId"] == nil)

            let read = try await s.send(.GET, "/api/v1/patients/\(id)", token: token)
            #expect(read.status == .ok)
            #expect(read.json["familyName"] as? String == "Okafor")
            #expect(read.headers.first(name: .cacheControl) == "no-store")

            let updated = try await s.send(
                .PUT, "/api/v1/patients/\(id)", token: token,
                json: patientJSON(clinic: s.clinicA.id, given: "Mirabel", extra: #", "phone": "+44 20 7946 0000""#))
            #expect(updated.status == .ok)
            #expect(updated.json["givenName"] as? String == "Mirabel")

            let found = try await s.send(.GET, "/api/v1/patients?name=oka&birthDate=1988-03-14", token: token)
            #expect(found.status == .ok)
            #expect((found.json["items"] as? [[String: Any]])?.count == 1)
        }
    }

    @Test(
        "bad input names the field and changes nothing",
        arguments: [
            (#"{"givenName": "A"}"#, "required field is missing"),
            (patientJSON(clinic: UUID(), extra: "").replacingOccurrences(of: "\"fitzpatrick\": 5", with: "\"fitzpatrick\": \"five\""), "fitzpatrick"),
            (patientJSON(clinic: UUID()).replacingOccurrences(of: "1988-03-14", with: "1988-02-30"), "birthDate"),
            (patientJSON(clinic: UUID(), extra: #", "organizationId": "x""#), "organizationId"),
            ("{not json", "(body)")
        ])
    func badInput(_ body: String, _ field: String) async throws {
        try await withServer { s in
            let token = s.token("a", .practitioner)
            let r = try await s.send(.POST, "/api/v1/patients", token: token, json: body)
            #expect(r.status == .badRequest, "\(r.status) \(r.text)")
            #expect(r.headers.contentType?.description.contains("problem+json") == true)
            #expect(r.text.contains(field), "\(r.text)")
            let list = try await s.send(.GET, "/api/v1/patients", token: token)
            #expect((list.json["items"] as? [Any])?.isEmpty == true)
        }
    }

    /// Well-formed JSON whose values break the core's identity rules (PatientInputRules), which the contract states as
    /// the schema's limits: 400 naming the field before the handler runs, the same limits the registration form
    /// applies, and nothing written.
    @Test(
        "a registration the identity rules refuse answers 400 naming the field, and writes nothing",
        arguments: [
            ("\"fitzpatrick\": 5", "\"fitzpatrick\": 9", "fitzpatrick"),
            ("\"Mira\"", "\"   \"", "givenName"),
            ("\"Mira\"", "\"\(String(repeating: "M", count: 500_000))\"", "givenName"),
            ("\"Okafor\"", "\"Oka\\u0000for\"", "familyName"),
            ("\"Okafor\"", "\"Oka\\u001bfor\"", "familyName")
        ])
    func ruleRefusals(_ original: String, _ replacement: String, _ field: String) async throws {
        try await withServer { s in
            let token = s.token("a", .practitioner)
            let body = patientJSON(clinic: s.clinicA.id).replacingOccurrences(of: original, with: replacement)
            let r = try await s.send(.POST, "/api/v1/patients", token: token, json: body)
            #expect(r.status == .badRequest, "\(r.status) \(r.text.prefix(300))")
            let errors = r.json["errors"] as? [[String: Any]]
            #expect(errors?.first?["path"] as? String == field, "\(r.text.prefix(300))")
            let list = try await s.send(.GET, "/api/v1/patients", token: token)
            #expect((list.json["items"] as? [Any])?.isEmpty == true)
        }
    }

    @Test(
        "a name search longer than any name answers 400 naming `name` on the API and on the patients page; an address past 8 KiB 414; never 500"
    )
    func overlongSearch() async throws {
        try await withServer { s in
            let token = s.token("a", .practitioner)
            let huge = String(repeating: "a", count: 49_998)
            #expect(try await s.send(.GET, "/api/v1/patients?name=\(huge)", token: token).status == .uriTooLong)
            #expect(try await BrowserSession.signIn(s, email: "practitioner@a.example").get("/patients?name=\(huge)").status == .uriTooLong)
            let long = String(repeating: "a", count: 5_000)
            let api = try await s.send(.GET, "/api/v1/patients?name=\(long)", token: token)
            #expect(api.status == .badRequest, "\(api.status) \(api.text.prefix(200))")
            #expect((api.json["errors"] as? [[String: Any]])?.first?["path"] as? String == "name")
            let fine = try await s.send(.GET, "/api/v1/patients?name=\(String(repeating: "a", count: 100))", token: token)
            #expect(fine.status == .ok)
            let page = try await BrowserSession.signIn(s, email: "practitioner@a.example").get("/patients?name=\(long)")
            #expect(page.status == .badRequest, "\(page.status)")
            #expect(page.text.contains("at most 100 characters"))
        }
    }

    @Test("an oversize body is refused with 413")
    func oversize() async throws {
        try await withServer { s in
            let huge = patientJSON(clinic: s.clinicA.id, extra: #", "phone": "\#(String(repeating: "9", count: 1_100_000))""#)
            let r = try await s.send(.POST, "/api/v1/patients", token: s.token("a", .practitioner), json: huge)
            #expect(r.status == .payloadTooLarge)
        }
    }

    @Test("another organization's patient answers 404 exactly like a missing one, and the attempt is audited as denied")
    func crossOrganization() async throws {
        try await withServer { s in
            let created = try await s.send(.POST, "/api/v1/patients", token: s.token("a", .practitioner), json: patientJSON(clinic: s.clinicA.id))
            let id = try #require(created.json["id"] as? String)
            let foreign = try await s.send(.GET, "/api/v1/patients/\(id)", token: s.token("b", .owner))
            let missing = try await s.send(.GET, "/api/v1/patients/\(UUID().uuidString)", token: s.token("b", .owner))
            #expect(foreign.status == .notFound)
            #expect(missing.status == .notFound)
            #expect(foreign.json["title"] as? String == missing.json["title"] as? String)
            #expect(foreign.json["detail"] as? String == missing.json["detail"] as? String)
            let put = try await s.send(.PUT, "/api/v1/patients/\(id)", token: s.token("b", .owner), json: patientJSON(clinic: s.clinicB.id))
            #expect(put.status == .notFound)
            // A client naming another organization's clinic cannot place a patient there.
            let smuggled = try await s.send(.POST, "/api/v1/patients", token: s.token("b", .owner), json: patientJSON(clinic: s.clinicA.id))
            #expect(smuggled.status == .notFound)

            let rows = try await s.state.database.read {
                try await AuditTrail.rows(patientID: UUID(uuidString: id)!, organizationID: s.orgB.id, on: $0)
            }
            #expect(rows.contains { $0.entry.outcome == .denied && $0.entry.action == "read" })
            #expect(try await s.state.database.read { try await AuditTrail.verify(key: s.state.auditKey, on: $0) }.isIntact)
        }
    }
}

extension AuditTrail.Verification {
    var isIntact: Bool { if case .intact = self { true } else { false } }
}

@Suite("Methods a path does not take")
struct MethodNotAllowedTests {
    @Test("a method the path does not take answers 405 with the methods it does take; an unknown path stays 404")
    func methodNotAllowed() async throws {
        try await withServer { s in
            let token = s.token("a", .practitioner)
            let collection = try await s.send(.DELETE, "/api/v1/patients", token: token)
            #expect(collection.status == .methodNotAllowed, "\(collection.status)")
            #expect(collection.headers.first(name: .allow) == "GET, HEAD, POST")
            #expect(collection.headers.contentType?.description.contains("problem+json") == true)
            let record = try await s.send(.PATCH, "/api/v1/patients/\(UUID().uuidString)", token: token)
            #expect(record.status == .methodNotAllowed)
            #expect(record.headers.first(name: .allow)?.contains("PUT") == true)
            // A GET on a path that only takes POST: the API's catch-all must not turn it into 404.
            let postOnly = try await s.send(.GET, "/api/v1/check", token: token)
            #expect(postOnly.status == .methodNotAllowed, "\(postOnly.status)")
            #expect(postOnly.headers.first(name: .allow) == "POST")
            let unknown = try await s.send(.GET, "/api/v1/nothing-here", token: token)
            #expect(unknown.status == .notFound)
            let allowed = try await s.send(.GET, "/api/v1/patients", token: token)
            #expect(allowed.status == .ok)
        }
    }
}
