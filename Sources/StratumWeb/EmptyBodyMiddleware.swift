import HTTPTypes
import OpenAPIRuntime

/// A POST without a body (no content type, no length or length 0) reaches an operation whose body is optional as
/// "no body": the Vapor transport always hands the runtime a body, which it would otherwise read as empty JSON and
/// refuse (e.g. accepting a course whose plan has no caution needs no acknowledgements).
struct EmptyBodyMiddleware: ServerMiddleware {
    func intercept(_ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
                   next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?))
        async throws -> (HTTPResponse, HTTPBody?) {
        let length = request.headerFields[.contentLength]
        let empty = request.headerFields[.contentType] == nil && (length == nil || length == "0")
            && request.headerFields[.transferEncoding] == nil
        return try await next(request, empty ? nil : body, metadata)
    }
}
