import Foundation
@testable import StratumWeb
import Testing
import Vapor

/// Probed over a real socket, as a client sends them: an over-long URL and over-long headers get an answer that
/// says so, not a reset connection.
@Suite("Over-long request heads are answered 414 and 431")
struct RequestHeadLimitTests {
    @Test("a 20 KiB URL answers 414; one 10 KiB header or 40 KiB of headers answer 431; a normal request still works")
    func limits() async throws {
        try await withServer { s in
            try await s.app.asyncBoot()
            try await s.app.server.start(address: .hostname("127.0.0.1", port: 0))
            do {
                let port = try #require(s.app.http.server.shared.localAddress?.port)
                func ask(_ head: String) async throws -> String {
                    try await PhotoBodyLimitTests.statusLine(port: port, head, body: "") ?? "no answer: the connection was reset or timed out"
                }
                let longURL = "/patients?name=" + String(repeating: "a", count: 20 * 1024)
                let answer1 = try await ask("GET \(longURL) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                #expect(answer1 == "HTTP/1.1 414 URI Too Long", "\(answer1)")
                let answer2 = try await ask("GET /api/v1/patients?name=\(String(repeating: "b", count: 9000)) HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(answer2 == "HTTP/1.1 414 URI Too Long", "\(answer2)")
                let bigHeader = "X-Note: " + String(repeating: "c", count: 10 * 1024) + "\r\n"
                let answer3 = try await ask("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\(bigHeader)\r\n")
                #expect(answer3 == "HTTP/1.1 431 Request Header Fields Too Large", "\(answer3)")
                let many = (0..<10).map { "X-Part-\($0): " + String(repeating: "d", count: 4000) + "\r\n" }.joined()
                let answer4 = try await ask("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\(many)\r\n")
                #expect(answer4 == "HTTP/1.1 431 Request Header Fields Too Large", "\(answer4)")
                let answer5 = try await ask("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                #expect(answer5 == "HTTP/1.1 200 OK", "\(answer5)")
            } catch {
                await s.app.server.shutdown()
                throw error
            }
            await s.app.server.shutdown()
        }
    }
}
