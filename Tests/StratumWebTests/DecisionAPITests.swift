import Foundation
@testable import StratumWeb
import Testing
import Vapor
import VaporTesting

@Suite("Plan and check through the API: the CLI's documents, the core's decisions")
struct DecisionAPITests {
    @Test("plan: the documented example proceeds with caution with SCR-PHOTOTYPE and six sessions")
    func plan() async throws {
        try await withServer { s in
            let r = try await s.send(.POST, "/api/v1/plan", token: s.token("a", .practitioner), json: PermissionTests.planDocument)
            #expect(r.status == .ok)
            #expect(r.json["decision"] as? String == "proceed-with-caution")
            let findings = try #require(r.json["findings"] as? [[String: Any]])
            #expect(findings.contains { $0["rule"] as? String == "SCR-PHOTOTYPE" })
            let course = try #require(r.json["course"] as? [String: Any])
            #expect((course["sessions"] as? [Any])?.count == 6)
        }
    }

    @Test("check: bad input is a 400 naming the JSON path, as the CLI names it")
    func checkBadInput() async throws {
        try await withServer { s in
            let doc = PermissionTests.checkDocument.replacingOccurrences(
                of: "\"depthMM\": 1.5,\n      \"passes\": 3\n    }\n  ]",
                with: "\"depthMM\": \"deep\", \"passes\": 3 } ]")
            #expect(doc != PermissionTests.checkDocument)
            let r = try await s.send(.POST, "/api/v1/check", token: s.token("a", .practitioner), json: doc)
            #expect(r.status == .badRequest)
            #expect(r.text.contains(#"zones[1].depthMM"#), "\(r.text)")
            let errors = try #require(r.json["errors"] as? [[String: Any]])
            #expect(errors.first?["path"] as? String == "zones[1].depthMM")
        }
    }

    @Test("check: a clinically wrong depth is a decision (DEPTH-RANGE, do-not-treat), not bad input")
    func checkStop() async throws {
        try await withServer { s in
            let doc = PermissionTests.checkDocument.replacingOccurrences(of: "\"depthMM\": 1.5", with: "\"depthMM\": 3.4")
            let r = try await s.send(.POST, "/api/v1/check", token: s.token("a", .practitioner), json: doc)
            #expect(r.status == .ok)
            #expect(r.json["decision"] as? String == "do-not-treat")
            let findings = try #require(r.json["findings"] as? [[String: Any]])
            #expect(findings.contains { $0["rule"] as? String == "DEPTH-RANGE" })
        }
    }
}
