import Foundation
import LeafKit
import StratumCore
import StratumStore
import Vapor

/// An error a page answers with a rendered page (status, a title and what to do next).
struct PageError: Error {
    let status: HTTPResponseStatus
    let title: String
    let detail: String
    init(_ status: HTTPResponseStatus, _ title: String, _ detail: String) {
        self.status = status
        self.title = title
        self.detail = detail
    }
}

/// Answers every error on a page route with a rendered page; a server fault is logged by request id only.
struct PageErrorMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch let e as PageError {
            return try await errorPage(request, e)
        } catch {
            let problem = APIProblem.from(error)
            if problem.status.code >= 500 {
                var metadata: Logger.Metadata = ["error-type": .string(String(describing: type(of: error)))]
                // A template fault names templates and tags only, never the values rendered into them.
                if let leaf = error as? LeafError { metadata["template-error"] = .string(String(describing: leaf)) }
                request.logger.error("page failed", metadata: metadata)
            }
            let detail =
                problem.status.code >= 500
                ? "Something went wrong on our side; nothing was saved. Quote request \(RequestContext.current?.requestID ?? "")."
                : (problem.detail ?? problem.title)
            return try await errorPage(request, PageError(problem.status, problem.title, detail))
        }
    }

    private func errorPage(_ request: Request, _ e: PageError) async throws -> Response {
        struct Content: Encodable {
            let status: Int
            let title: String
            let detail: String
        }
        return try await request.render(
            "error", title: e.title, section: "", Content(status: Int(e.status.code), title: e.title, detail: e.detail),
            status: e.status)
    }
}
