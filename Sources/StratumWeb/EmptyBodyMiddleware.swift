import HTTPTypes
import OpenAPIRuntime

/// A POST without a body (a length of 0, or no content type and no length) reaches an operation whose body is optional as
/// "no body": the Vapor transport always hands the runtime a body, which it would otherwise read as empty JSON and
/// refuse (e.g. accepting a course whose plan has no caution needs no acknowledgements).
struct EmptyBodyMiddleware: ServerMiddleware {
    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    )
        async throws -> (HTTPResponse, HTTPBody?)
    {
        let length = request.headerFields[.contentLength]
        // A declared length of 0 is no body whatever the content type says; so is a request that declares neither a
        // type nor a length nor a chunked body.
        let empty =
            length == "0"
            || (request.headerFields[.contentType] == nil && length == nil && request.headerFields[.transferEncoding] == nil)
        return try await next(request, empty ? nil : body, metadata)
    }
}
