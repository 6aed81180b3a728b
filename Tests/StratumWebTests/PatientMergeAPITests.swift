import Foundation
import StratumStore
@testable import StratumWeb
import Testing
import Vapor
import VaporTesting

private func rosa(_ s: TestServer, confirm: Bool = false, phone: String? = nil) -> String {
    var extra = confirm ? #", "confirmDuplicate": true"# : ""
    if let phone { extra += #", "phone": "\#(phone)""# }
    return patientJSON(clinic: s.clinicA.id, given: "Rosa", family: "Rossi", extra: extra).replacingOccurrences(of: "1988-03-14", with: "1983-04-09")
}

@Suite("Patients API: possible duplicates and merging charts (issue 12, reproduction 5)")
struct PatientMergeAPITests {
    @Test("a second Rosa Rossi, 1983-04-09 answers 409 with the candidate and writes nothing until confirmDuplicate")
    func duplicate() async throws {
        try await withServer { s in
            let desk = s.token("a", .frontDesk)
            let first = try await s.send(.POST, "/api/v1/patients", token: desk, json: rosa(s, phone: "+39 06 1234 5678"))
            #expect(first.status == .created)
            let firstID = try #require(first.json["id"] as? String)

            let second = try await s.send(
                .POST, "/api/v1/patients", token: desk,
                json: rosa(s).replacingOccurrences(of: "\"Rossi\"", with: "\"ROSSI\""))
            #expect(second.status == .conflict)
            #expect(second.headers.contentType?.description.contains("problem+json") == true)
            let candidates = try #require(second.json["candidates"] as? [[String: Any]])
            #expect(candidates.count == 1)
            let c = try #require(candidates.first)
            #expect(c["id"] as? String == firstID && c["birthDate"] as? String == "1983-04-09" && c["clinicName"] as? String == "Alder Central")
            #expect(c["matchedOn"] as? [String] == ["name-and-birth-date"])
            #expect(c["phone"] == nil && c["fitzpatrick"] == nil, "a candidate carries who and where, no more")
            #expect((second.json["errors"] as? [[String: Any]])?.first?["path"] as? String == "confirmDuplicate")
            let listed = try await s.send(.GET, "/api/v1/patients?name=rossi", token: desk)
            #expect((listed.json["items"] as? [[String: Any]])?.count == 1, "the refusal wrote nothing")

            let byPhone = patientJSON(clinic: s.clinicA.id, given: "Ada", family: "Lind", extra: #", "phone": "0039 06 1234-5678""#)
            let phone = try await s.send(.POST, "/api/v1/patients", token: desk, json: byPhone)
            #expect(phone.status == .conflict && (phone.json["candidates"] as? [[String: Any]])?.first?["matchedOn"] as? [String] == ["phone"])

            let confirmed = try await s.send(.POST, "/api/v1/patients", token: desk, json: rosa(s, confirm: true))
            #expect(confirmed.status == .created)
            #expect(confirmed.json["id"] as? String != firstID)
        }
    }

    @Test("an owner merges two charts: records move, the merged id answers the survivor, audited on both; others are refused")
    func merge() async throws {
        try await withServer { s in
            let owner = s.token("a", .owner)
            let keep = try #require(try await s.send(.POST, "/api/v1/patients", token: owner, json: rosa(s)).json["id"] as? String)
            let dup = try #require(try await s.send(.POST, "/api/v1/patients", token: owner, json: rosa(s, confirm: true)).json["id"] as? String)
            for id in [keep, dup] {
                #expect(try await s.send(.POST, "/api/v1/patients/\(id)/screenings", token: owner, json: cleanScreening).status == .created)
                #expect(
                    try await s.send(
                        .POST, "/api/v1/patients/\(id)/consents", token: owner,
                        json: #"{"kind": "treatment", "textVersion": "1", "signedByName": "Rosa Rossi", "confirmed": true, "signedOn": "2026-11-20"}"#
                    ).status == .created)
                #expect(
                    try await s.send(
                        .POST, "/api/v1/patients/\(id)/adverse-events", token: owner,
                        json: #"{"type": "bruising", "onset": "2026-12-02", "grade": 1}"#
                    ).status == .created)
                #expect(try await s.send(.POST, "/api/v1/patients/\(id)/courses", token: owner, json: coursePlan).status == .created)
            }
            func chart(_ id: String) async throws -> [String: Any] { try await s.send(.GET, "/api/v1/patients/\(id)/chart", token: owner).json }
            func count(_ c: [String: Any], _ key: String) -> Int { (c[key] as? [Any])?.count ?? -1 }
            let before = (try await chart(keep), try await chart(dup))

            let other = try #require(
                try await s.send(
                    .POST, "/api/v1/patients", token: s.token("b", .owner),
                    json: patientJSON(clinic: s.clinicB.id)
                ).json["id"] as? String)
            let body = #"{"duplicateId": "\#(dup)"}"#
            for role in [Role.practitioner, .frontDesk, .assistant, .auditor] {
                #expect(try await s.send(.POST, "/api/v1/patients/\(keep)/merge", token: s.token("a", role), json: body).status == .forbidden)
            }
            let itself = try await s.send(.POST, "/api/v1/patients/\(keep)/merge", token: owner, json: #"{"duplicateId": "\#(keep)"}"#)
            #expect(itself.status == .unprocessableEntity && itself.text.contains("duplicateId"))
            #expect(
                try await s.send(.POST, "/api/v1/patients/\(keep)/merge", token: owner, json: #"{"duplicateId": "\#(other)"}"#).status == .notFound)
            #expect(try await s.send(.POST, "/api/v1/patients/\(keep)/merge", token: owner, json: #"{"duplicateId": "x"}"#).status == .badRequest)

            let merged = try await s.send(.POST, "/api/v1/patients/\(keep)/merge", token: owner, json: body)
            #expect(merged.status == .ok)
            #expect(merged.json["id"] as? String == keep)
            let after = try await chart(keep)
            for key in ["screenings", "consents", "courses", "adverseEvents"] {
                #expect(count(after, key) == count(before.0, key) + count(before.1, key), "\(key)")
                #expect(count(before.1, key) > 0, "\(key) were on the duplicate")
            }
            let resolved = try await s.send(.GET, "/api/v1/patients/\(dup)", token: owner)
            #expect(resolved.status == .ok && resolved.json["id"] as? String == keep)
            #expect((try await s.send(.GET, "/api/v1/patients?name=rossi", token: owner).json["items"] as? [[String: Any]])?.count == 1)
            #expect(try await s.send(.POST, "/api/v1/patients/\(keep)/merge", token: owner, json: body).status == .conflict)
            for id in [keep, dup] {
                let audit = try await s.send(.GET, "/api/v1/patients/\(id)/audit", token: owner)
                let rows = (audit.json["items"] as? [[String: Any]]) ?? []
                #expect(rows.contains { $0["action"] as? String == "merge" && $0["outcome"] as? String == "allowed" }, "\(audit.text.prefix(300))")
            }
        }
    }
}
