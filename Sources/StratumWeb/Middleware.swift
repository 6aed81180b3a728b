import Foundation
import OpenAPIRuntime
import StratumCore
import StratumStore
import Vapor

/// Gives every request an id (kept from `X-Request-Id` when sane), echoes it, and makes the request context
/// available to the OpenAPI handlers. Logs carry the id, never patient data.
struct RequestContextMiddleware: AsyncMiddleware {
    let clock: WallClock

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let incoming = request.headers.first(name: "X-Request-Id")
        let id =
            incoming.flatMap { $0.count <= 64 && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" } ? $0 : nil }
            ?? UUID().uuidString.lowercased()
        request.logger[metadataKey: "request-id"] = .string(id)
        let ctx = RequestContext(
            requestID: id, address: request.remoteAddress?.ipAddress ?? "unknown", principal: nil,
            clinicHeader: request.headers.first(name: "X-Stratum-Clinic"),
            bearer: request.headers.bearerAuthorization?.token, now: clock.now())
        // One ledger per request: the patients its audit rows already cover (audited once per act).
        let response = try await RequestLedger.$current.withValue(AuditLedger()) {
            try await RequestContext.$current.withValue(ctx) { try await next.respond(to: request) }
        }
        response.headers.replaceOrAdd(name: "X-Request-Id", value: id)
        return response
    }
}

/// The audit ledger of the request being answered; `AccessContext` carries it to the store.
enum RequestLedger {
    @TaskLocal static var current: AuditLedger?
}

/// Turns every error into an RFC 9457 problem document; a server fault is logged by request id and answered
/// without details.
struct ProblemMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            var underlying: any Error = error
            // The OpenAPI runtime wraps handler and decoding errors; the cause decides the answer.
            while let wrapped = underlying as? ServerError { underlying = wrapped.underlyingError }
            let problem = APIProblem.from(underlying)
            if problem.status.code >= 500 {
                request.logger.error("request failed", metadata: ["error-type": .string(String(describing: type(of: underlying)))])
            }
            return problem.response()
        }
    }
}

/// Collects request bodies up to the limit before any handler runs, so an oversize body is a 413, not memory.
struct BodyLimitMiddleware: AsyncMiddleware {
    let maxBytes: Int
    /// The larger allowance of the photo upload routes only (a POST to a path ending in `/photos`, and the portal's
    /// check-in, which may carry a photo).
    let photoMaxBytes: Int
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let photo = request.method == .POST && (request.url.path.hasSuffix("/photos") || request.url.path == PortalCheckInPages.checkInPath)
        let limit = photo ? photoMaxBytes : maxBytes
        let tooLarge =
            photo
            ? APIProblem(
                .payloadTooLarge, "Request body too large", detail: "file: photos are at most \(ClinicalImageReader.maximumBytes / 1_048_576) MiB",
                errors: [("file", "photos are at most \(ClinicalImageReader.maximumBytes / 1_048_576) MiB")])
            : nil
        if let length = request.headers.first(name: .contentLength).flatMap(Int.init), length > limit {
            throw tooLarge ?? Abort(.payloadTooLarge)
        }
        // A photo's allowance is read only for a caller who may add photos: the API's handler and the page's session
        // check authorize first and then read the body (APITransport streams it; WebSessionMiddleware reads it), so an
        // anonymous POST of 16 MiB is refused before a byte of it is read.
        if photo { return try await next.respond(to: request) }
        if request.body.data == nil, request.method != .GET, request.method != .HEAD {
            do { _ = try await request.body.collect(max: limit).get() } catch let e as any AbortError where e.status == .payloadTooLarge {
                throw tooLarge ?? e
            }
        }
        return try await next.respond(to: request)
    }
}

/// Security headers on every response (the browser pages add their CSP to these).
struct SecurityHeadersMiddleware: AsyncMiddleware {
    let behindTLS: Bool
    /// Scripts and styles only from our own files: no inline script, no framing, forms post only to us.
    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "no-referrer")
        response.headers.replaceOrAdd(name: "Content-Security-Policy", value: Self.contentSecurityPolicy)
        if request.url.path.hasPrefix("/api/") {
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
        if behindTLS {
            response.headers.replaceOrAdd(name: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains")
        }
        return response
    }
}

/// Answers an over-long URL with 414 and over-long headers with 431 before routing, so a client learns what was
/// wrong instead of seeing its connection reset. NIO's parser resets a connection whose request head passes 80 KiB;
/// these limits sit well below that, where every URL and header Stratum issues fits many times over.
struct RequestHeadLimitMiddleware: AsyncMiddleware {
    /// The longest request target (path and query): nginx's and most proxies' default buffer.
    static let maxURLBytes = 8 * 1024
    /// The longest single header, name and value.
    static let maxHeaderBytes = 8 * 1024
    /// All headers together.
    static let maxHeadersBytes = 32 * 1024

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if request.url.string.utf8.count > Self.maxURLBytes {
            throw APIProblem(.uriTooLong, "URI too long", detail: "The request's address is longer than \(Self.maxURLBytes) bytes.")
        }
        var total = 0
        for (name, value) in request.headers {
            let size = name.utf8.count + value.utf8.count
            total += size
            if size > Self.maxHeaderBytes || total > Self.maxHeadersBytes {
                throw APIProblem(
                    .requestHeaderFieldsTooLarge, "Request headers too large",
                    detail: "Each header must fit in \(Self.maxHeaderBytes) bytes and all of them in \(Self.maxHeadersBytes).")
            }
        }
        return try await next.respond(to: request)
    }
}
