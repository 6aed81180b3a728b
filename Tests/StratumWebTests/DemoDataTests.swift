import Foundation
import StratumStore
@testable import StratumWeb
import Testing
import Vapor
import VaporTesting

@Suite("Demo data")
struct DemoDataTests {
    @Test("--demo loads once: fifty patients at different stages of care, every demo login works, the audit chain holds")
    func demo() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("stratum-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = AppConfig(
            store: StoreConfiguration(
                database: .sqlite(path: dir.appendingPathComponent("d.sqlite").path),
                dataDirectory: dir.path, auditKeyHex: String(repeating: "7e", count: 32)))
        let (app, state) = try await StratumServer.makeApplication(config: config, environment: .testing)
        do {
            #expect(try await DemoData.loadIfEmpty(state))
            #expect(try await DemoData.loadIfEmpty(state) == false)
            var tokens: [Role: String] = [:]
            for u in DemoData.users {
                let r = try await app.testing().sendRequest(
                    .POST, "/api/v1/auth/tokens", headers: ["content-type": "application/json"],
                    body: ByteBuffer(string: #"{"email": "\#(u.email)", "password": "\#(DemoData.password)"}"#))
                #expect(r.status == .created, "\(u.email)")
                tokens[u.role] = r.json["token"] as? String
            }
            let auth: HTTPHeaders = ["authorization": "Bearer \(tokens[.practitioner]!)"]
            let patients = try await app.testing().sendRequest(.GET, "/api/v1/patients?limit=200", headers: auth)
            let items = try #require(patients.json["items"] as? [[String: Any]])
            #expect(items.count == 50)
            var statuses: [String: Int] = [:]
            var sessions = 0
            for p in items {
                let id = try #require(p["id"] as? String)
                let courses = try await app.testing().sendRequest(.GET, "/api/v1/patients/\(id)/courses", headers: auth)
                for c in courses.json["items"] as? [[String: Any]] ?? [] {
                    statuses[c["status"] as? String ?? "?", default: 0] += 1
                    let cid = c["id"] as? String ?? ""
                    let list = try await app.testing().sendRequest(.GET, "/api/v1/courses/\(cid)/sessions", headers: auth)
                    sessions += (list.json["items"] as? [Any])?.count ?? 0
                }
            }
            #expect(statuses["proposed", default: 0] >= 5)
            #expect(statuses["active", default: 0] >= 15)
            #expect(sessions >= 20)
            #expect(try await state.database.read { try await AuditTrail.verify(key: state.auditKey, on: $0) }.isIntact)
            try await app.asyncShutdown()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }
}
