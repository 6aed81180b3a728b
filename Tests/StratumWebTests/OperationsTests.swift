import Foundation
@testable import StratumWeb
import Testing
import Vapor
import VaporTesting

@Suite("Health, readiness, metrics and the published contract")
struct OperationsTests {
    @Test("/health and /ready answer, /metrics speaks Prometheus text, every response has the security headers")
    func operations() async throws {
        try await withServer { s in
            let health = try await s.send(.GET, "/health")
            #expect(health.status == .ok)
            #expect(health.text == "ok\n")
            #expect(health.headers.first(name: "X-Content-Type-Options") == "nosniff")
            #expect(health.headers.first(name: "X-Request-Id") != nil)
            #expect(try await s.send(.GET, "/ready").status == .ok)
            let metrics = try await s.send(.GET, "/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.text.contains("stratum_http_requests_total"))
            #expect(metrics.text.contains("stratum_http_request_duration_seconds"))
        }
    }

    @Test("/openapi.yaml serves exactly the spec in the repository, and /docs lists every operation")
    func contract() async throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/StratumWeb/openapi.yaml")
        let spec = try String(contentsOf: file, encoding: .utf8)
        try await withServer { s in
            let served = try await s.send(.GET, "/openapi.yaml")
            #expect(served.status == .ok)
            #expect(served.text == spec)
            let docs = try await s.send(.GET, "/docs")
            #expect(docs.status == .ok)
            // Every operation and every schema of the spec has its section on the page.
            let ids = spec.split(separator: "\n").compactMap { line -> String? in
                let t = line.trimmingCharacters(in: .whitespaces)
                return t.hasPrefix("operationId: ") ? String(t.dropFirst("operationId: ".count)) : nil
            }
            #expect(ids.count > 60)
            for id in ids { #expect(docs.text.contains("id=\"\(id)\""), "no section for \(id)") }
            #expect(docs.text.contains("id=\"schema-Patient\""))
            #expect(docs.text.contains("<code>/api/v1/check</code>"))
        }
    }

    @Test("a request id sent by the client is echoed; a hostile one is replaced")
    func requestID() async throws {
        try await withServer { s in
            let ok = try await s.send(.GET, "/health", headers: [("X-Request-Id", "abc-123")])
            #expect(ok.headers.first(name: "X-Request-Id") == "abc-123")
            let hostile = try await s.send(.GET, "/health", headers: [("X-Request-Id", "<script>")])
            #expect(hostile.headers.first(name: "X-Request-Id") != "<script>")
        }
    }
}
