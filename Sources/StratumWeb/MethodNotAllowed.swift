import Vapor

/// Answers 405 with an `Allow` header when a path exists but not for the request's method (RFC 9110 §15.5.6), so a
/// client that sent DELETE to a collection learns what it may send instead of being told the path does not exist.
struct MethodNotAllowedMiddleware: AsyncMiddleware {
    /// Only read after `init`: RoutingKit's router is not marked `Sendable`, but concurrent lookups are safe once it
    /// is built (Vapor's own responder shares its router the same way).
    private nonisolated(unsafe) let paths: TrieRouter<[String]>

    /// Built from the application's routes once every route is registered; the methods a path allows are the methods
    /// of all routes with that path pattern, HEAD included wherever GET is (Vapor answers HEAD from GET).
    init(routes: [Route]) {
        var methods: [String: (path: [PathComponent], methods: Set<String>)] = [:]
        for route in routes {
            let key = route.path.map(\.description).joined(separator: "/")
            methods[key, default: (route.path, [])].methods.insert(route.method.rawValue)
        }
        let router = TrieRouter([String].self)
        for (_, entry) in methods {
            var allowed = entry.methods
            if allowed.contains("GET") { allowed.insert("HEAD") }
            // A leading constant, as Vapor's own router does with the method: the root path has no component of its own.
            router.register(allowed.sorted(), at: [.constant("path")] + entry.path)
        }
        paths = router
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            guard error is RouteNotFound || error is APIRouteNotFound else { throw error }
            var parameters = Parameters()
            let components = ["path"] + request.url.path.split(separator: "/").map(String.init)
            guard let allowed = paths.route(path: components, parameters: &parameters), !allowed.contains(request.method.rawValue) else {
                throw error is APIRouteNotFound ? Abort(.notFound) : error
            }
            let response = APIProblem(
                .methodNotAllowed, "Method not allowed",
                detail: "\(request.url.path) answers \(allowed.joined(separator: ", "))."
            ).response()
            response.headers.replaceOrAdd(name: .allow, value: allowed.joined(separator: ", "))
            return response
        }
    }
}

/// No API route takes this path: thrown by the API's catch-all so the middleware above can still answer 405 for a
/// path that other methods take (Vapor's own `RouteNotFound` cannot be thrown from outside Vapor).
struct APIRouteNotFound: Error {}
