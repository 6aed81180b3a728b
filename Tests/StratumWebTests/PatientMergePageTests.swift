import Foundation
import StratumStore
@testable import StratumWeb
import Testing
import Vapor
import VaporTesting

@Suite("Patients pages: possible duplicates and merging charts (issue 12, reproduction 5)")
struct PatientMergePageTests {
    static let rosa = [("givenName", "Rosa"), ("familyName", "Rossi"), ("birthDate", "1983-04-09"), ("sex", "female"), ("fitzpatrick", "3")]

    static func id(_ r: TestingHTTPResponse) throws -> String {
        let loc = try #require(r.headers.first(name: .location))
        let rest = try #require(loc.range(of: "/patients/")).upperBound
        return String(loc[rest...].prefix(36))
    }

    @Test("the new-patient form shows the possible duplicate with a link and creates only with 'This is a different person'")
    func duplicateForm() async throws {
        try await withServer { s in
            let desk = try await BrowserSession.signIn(s, email: "front-desk@a.example")
            let first = try Self.id(try await desk.post("/patients", Self.rosa))
            let again = try await desk.post("/patients", Self.rosa.map { $0.0 == "familyName" ? ($0.0, "rossi") : $0 })
            #expect(again.status == .conflict)
            #expect(again.text.contains("id=\"possible-duplicates\"") && again.text.contains("href=\"/patients/\(first)\""))
            #expect(again.text.contains("Alder Central") && again.text.contains("same family name and birth date"))
            #expect(again.text.contains("id=\"confirmDuplicate\"") && again.text.contains("value=\"rossi\""), "what was typed comes back")
            let owner = s.token("a", .owner)
            #expect((try await s.send(.GET, "/api/v1/patients?name=rossi", token: owner).json["items"] as? [[String: Any]])?.count == 1)

            let confirmed = try await desk.post("/patients", Self.rosa + [("confirmDuplicate", "yes")])
            #expect(confirmed.status == .seeOther)
            #expect(try Self.id(confirmed) != first)
        }
    }

    @Test("an owner merges a duplicate from the chart after a confirmation with both summaries; the old address opens the survivor")
    func mergeFromChart() async throws {
        try await withServer { s in
            let owner = try await BrowserSession.signIn(s, email: "owner@a.example")
            let keep = try Self.id(try await owner.post("/patients", Self.rosa))
            let dup = try Self.id(try await owner.post("/patients", Self.rosa + [("confirmDuplicate", "yes")]))
            #expect(
                try await s.send(
                    .POST, "/api/v1/patients/\(dup)/consents", token: s.token("a", .owner),
                    json: #"{"kind": "treatment", "textVersion": "1", "signedByName": "Rosa Rossi", "confirmed": true, "signedOn": "2026-11-20"}"#
                ).status == .created)
            let chart = try await owner.get("/patients/\(keep)")
            #expect(chart.text.contains("href=\"/patients/\(keep)/merge\""))
            let choose = try await owner.get("/patients/\(keep)/merge")
            #expect(choose.status == .ok && choose.text.contains("/patients/\(keep)/merge?duplicate=\(dup)"))
            let confirm = try await owner.get("/patients/\(keep)/merge?duplicate=\(dup)")
            #expect(
                confirm.text.contains("Stays: Rossi, Rosa") && confirm.text.contains("Moves in: Rossi, Rosa")
                    && confirm.text.contains("id=\"confirm-merge\""))
            #expect(confirm.text.contains("<th scope=\"row\">Consents</th><td>1</td>"))
            let itself = try await owner.post("/patients/\(keep)/merge", [("duplicateId", keep)])
            #expect(itself.status == .unprocessableEntity && itself.text.contains("id=\"merge-error\""))

            let merged = try await owner.post("/patients/\(keep)/merge", [("duplicateId", dup)])
            #expect(merged.status == .seeOther && merged.headers.first(name: .location) == "/patients/\(keep)?done=charts-merged")
            let old = try await owner.get("/patients/\(dup)")
            #expect(old.status == .seeOther && old.headers.first(name: .location) == "/patients/\(keep)")
            #expect(try await owner.get("/patients/\(keep)").text.contains("Rosa Rossi"))

            // Merging is an owner's act: other roles are not offered it and are refused.
            let doc = try await BrowserSession.signIn(s, email: "practitioner@a.example")
            #expect(!(try await doc.get("/patients/\(keep)").text.contains("/merge\"")))
            #expect(try await doc.get("/patients/\(keep)/merge").status == .forbidden)
            #expect(try await doc.post("/patients/\(keep)/merge", [("duplicateId", dup)]).status == .forbidden)
        }
    }
}
