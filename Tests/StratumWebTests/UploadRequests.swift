import Foundation
import StratumTestFixtures
@testable import StratumWeb
import Vapor
import VaporTesting

extension TestServer {
    /// Sends raw bytes, as an API client uploading a file does.
    func sendBytes(_ method: HTTPMethod, _ path: String, token: String, bytes: [UInt8], contentType: String = "application/octet-stream")
        async throws -> TestingHTTPResponse
    {
        var headers = HTTPHeaders()
        headers.bearerAuthorization = BearerAuthorization(token: token)
        headers.replaceOrAdd(name: .contentType, value: contentType)
        return try await app.testing().sendRequest(method, path, headers: headers, body: ByteBuffer(bytes: bytes))
    }
}

extension BrowserSession {
    /// Posts a multipart form with one file, as the photo upload form does.
    func postFile(_ path: String, _ fields: [(String, String)], file: [UInt8], filename: String, type: String) async throws -> TestingHTTPResponse {
        let boundary = "----stratum-test-boundary"
        var body = ByteBuffer()
        for (k, v) in fields + [("_csrf", csrf)] {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n")
        }
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\nContent-Type: \(type)\r\n\r\n")
        body.writeBytes(file)
        body.writeString("\r\n--\(boundary)--\r\n")
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .cookie, value: "\(WebCookies.session)=\(cookie)")
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        return try await app.testing().sendRequest(.POST, path, headers: headers, body: body)
    }
}
