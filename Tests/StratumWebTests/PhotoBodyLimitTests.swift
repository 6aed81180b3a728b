import Foundation
@testable import StratumWeb
import Testing
import Vapor

#if canImport(Glibc)
    import Glibc
#endif

/// The photo routes allow 16 MiB bodies; that allowance is read only for a caller who may add photos. Probed over a
/// real socket: the request announces 16 MiB and sends ten bytes, so a server that read the body before deciding would
/// wait for the rest and never answer.
@Suite("A photo's body is read only after authentication and permission")
struct PhotoBodyLimitTests {
    /// Sends a request head announcing `length` bytes and only `body` of them (ten bytes unless told); the status line of the answer within thirty
    /// seconds, or nil.
    static func statusLine(port: Int, _ head: String, body: String = "0123456789") async throws -> String? {
        // The socket calls block: on a thread of their own, never on one of Swift's cooperative threads, of which a
        // two-core machine has two; blocked, they would starve the very server being probed (and every other test).
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try blockingStatusLine(port: port, head, body: body) }) }.start()
        }
    }

    private static func blockingStatusLine(port: Int, _ head: String, body: String) throws -> String? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let request = Array((head + body).utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n], as: UTF8.self).split(separator: "\r\n").first.map(String.init)
    }

    @Test("an anonymous 16 MiB POST to the API's and the page's photo routes is refused at once")
    func anonymous() async throws {
        try await withServer { s in
            try await s.app.asyncBoot()
            try await s.app.server.start(address: .hostname("127.0.0.1", port: 0))
            do {
                let port = try #require(s.app.http.server.shared.localAddress?.port)
                let length = 16 * 1_048_576 - 1
                let api = try await Self.statusLine(
                    port: port,
                    "POST /api/v1/patients/\(UUID())/photos?courseId=\(UUID())&view=front&visit=baseline&takenOn=2026-12-01 HTTP/1.1\r\n"
                        + "Host: 127.0.0.1\r\nContent-Type: application/octet-stream\r\nContent-Length: \(length)\r\n\r\n")
                #expect(api == "HTTP/1.1 401 Unauthorized", "\(api ?? "no answer within 30 s: the body was being read")")
                let page = try await Self.statusLine(
                    port: port,
                    "POST /courses/\(UUID())/photos HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: \(length)\r\n\r\n")
                #expect(page == "HTTP/1.1 401 Unauthorized", "\(page ?? "no answer within 30 s: the body was being read")")
                let frontDesk = try await Self.statusLine(
                    port: port,
                    "POST /api/v1/patients/\(UUID())/photos?courseId=\(UUID())&view=front&visit=baseline&takenOn=2026-12-01 HTTP/1.1\r\n"
                        + "Host: 127.0.0.1\r\nAuthorization: Bearer \(s.token("a", .frontDesk))\r\n"
                        + "Content-Type: application/octet-stream\r\nContent-Length: \(length)\r\n\r\n")
                #expect(frontDesk == "HTTP/1.1 403 Forbidden", "\(frontDesk ?? "no answer within 30 s: the body was being read")")
            } catch {
                await s.app.server.shutdown()
                throw error
            }
            await s.app.server.shutdown()
        }
    }
}
