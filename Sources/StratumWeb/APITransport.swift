import HTTPTypes
import NIOCore
import OpenAPIRuntime
import Vapor

/// Connects the generated API server to Vapor's router. Every API body is small and already collected (the body limit
/// reads it whole before the contract check), so a request's body goes to the runtime as one buffer, and an answer
/// of known length goes back to Vapor as one buffer written with the head. The maintained Vapor transport streams
/// every answer through a body writer with its own write and flush, which cost a `/check` 7 % of its CPU
/// (bench/api/README.md).
struct APITransport: ServerTransport {
    let routes: any RoutesBuilder
    /// Checked for each operation, after authentication and before the generated code reads the request.
    let contract: ContractCheck

    func register(
        _ handler: @Sendable @escaping (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?),
        method: HTTPRequest.Method, path: String
    ) throws {
        let components = Self.components(of: path)
        let parameterNames = components.compactMap { component -> String? in
            if case .parameter(let name) = component { return name }
            return nil
        }
        // The generated server registers exactly the spec's operations: one missing here would go unchecked.
        guard let operation = contract.operation(method: method.rawValue, path: path) else {
            throw APIContract.LoadError.unreadable("\(method.rawValue) \(path) is not in the contract")
        }
        routes.on(HTTPMethod(rawValue: method.rawValue), components, body: .stream) { request in
            var parameters: [String: Substring] = [:]
            for name in parameterNames {
                guard let value = request.parameters.get(name) else { throw Abort(.notFound) }
                parameters[name] = Substring(value)
            }
            let (head, body) = try await ContractCheck.checked(request, against: operation) {
                let body = Self.body(of: request)
                // The core reads this document from the check's parse; the generated type holds nothing, so it is
                // handed an empty object instead of a second parse of the whole body.
                let handed = operation.coreDocument && body != nil && ValidatedBody.current != nil ? Self.emptyObject : body
                return try await handler(Self.head(of: request), handed, ServerRequestMetadata(pathParameters: parameters))
            }
            return try await Self.response(head, body)
        }
    }

    static var emptyObject: HTTPBody { HTTPBody("{}") }

    static func components(of path: String) -> [PathComponent] {
        path.split(separator: "/", omittingEmptySubsequences: true).map { part in
            part.first == "{" && part.last == "}" ? .parameter(String(part.dropFirst().dropLast())) : .constant(String(part))
        }
    }

    static func head(of request: Request) throws -> HTTPRequest {
        guard let method = HTTPRequest.Method(request.method.rawValue) else { throw Abort(.methodNotAllowed) }
        var fields = HTTPFields()
        fields.reserveCapacity(request.headers.count)
        for (name, value) in request.headers {
            if let field = HTTPField.Name(name) { fields.append(HTTPField(name: field, value: value)) }
        }
        let query = request.url.query.map { "?\($0)" } ?? ""
        return HTTPRequest(method: method, scheme: nil, authority: nil, path: request.url.path + query, headerFields: fields)
    }

    /// The collected body, or none when it is empty: a POST with no body reaches an operation whose body is optional as
    /// "no body" (accepting a course whose plan has no caution needs no acknowledgements), not as empty JSON.
    static func body(of request: Request) -> HTTPBody? {
        if let buffer = request.body.data { return buffer.readableBytes > 0 ? HTTPBody(ArraySlice(buffer.readableBytesView)) : nil }
        // Left unread by the body limit (a photo upload): streamed to the handler, which authorizes before reading it.
        let length = request.headers.first(name: .contentLength).flatMap(Int.init)
        guard length.map({ $0 > 0 }) ?? request.headers.contains(name: .transferEncoding) else { return nil }
        return HTTPBody(request.body.map(\.readableBytesView), length: length.map { .known(Int64($0)) } ?? .unknown, iterationBehavior: .single)
    }

    static func response(_ head: HTTPResponse, _ body: HTTPBody?) async throws -> Response {
        var headers = HTTPHeaders()
        for field in head.headerFields { headers.add(name: field.name.rawName, value: field.value) }
        let status = HTTPResponseStatus(statusCode: head.status.code, reasonPhrase: head.status.reasonPhrase)
        guard let body else { return Response(status: status, headers: headers, body: .empty) }
        switch body.length {
        case .known(let count):
            // Answers are documents already encoded in memory: one chunk, read without waiting.
            let bytes = try await ArraySlice<UInt8>(collecting: body, upTo: Int(clamping: count))
            return Response(status: status, headers: headers, body: .init(buffer: ByteBuffer(bytes: bytes)))
        case .unknown:
            // Nothing the API answers today has an unknown length (file downloads are pages); kept streaming should
            // an operation ever answer one.
            let stream: @Sendable (any BodyStreamWriter) -> Void = { writer in
                _ = writer.eventLoop.makeFutureWithTask {
                    do {
                        for try await chunk in body { try await writer.write(.buffer(ByteBuffer(bytes: chunk))).get() }
                        try await writer.write(.end).get()
                    } catch {
                        try await writer.write(.error(error)).get()
                    }
                }
            }
            return Response(status: status, headers: headers, body: .init(stream: stream))
        }
    }
}
