import Foundation
import StratumCore
import StratumStore
import Vapor

extension Request {
    private struct PortalSessionKey: StorageKey { typealias Value = PortalSession }

    /// The patient signed in to the portal, set by `PortalSessionMiddleware`.
    var portalSession: PortalSession? {
        get { storage[PortalSessionKey.self] }
        set { storage[PortalSessionKey.self] = newValue }
    }
}

/// The portal's own cookie: a name the staff pages never read, a path only the portal's pages receive, and the same
/// attributes as the staff session's (HttpOnly, SameSite=Strict, Secure behind TLS).
enum PortalCookie {
    static let name = "stratum_portal"
    static let path = "/portal"

    static func value(_ token: String, expires: Date, secure: Bool) -> HTTPCookies.Value {
        HTTPCookies.Value(string: token, expires: expires, path: path, isSecure: secure, isHTTPOnly: true, sameSite: .strict)
    }

    static func cleared(secure: Bool) -> HTTPCookies.Value {
        HTTPCookies.Value(
            string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: path, isSecure: secure, isHTTPOnly: true, sameSite: .strict)
    }
}

/// Resolves the portal cookie to the one patient it is scoped to, sends anyone without one to the portal's sign-in,
/// and refuses a form whose CSRF token is not the session's. It reads only the portal's cookie, so a staff session
/// opens no portal page (and `WebSessionMiddleware` reads only the staff cookie). Portal pages are never cached.
struct PortalSessionMiddleware: AsyncMiddleware {
    let state: ServerState
    let secureCookies: Bool

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let store = PortalStore(database: state.database, auditKey: state.auditKey)
        guard let token = request.cookies[PortalCookie.name]?.string, let session = try await store.session(token: token, now: requestNow(state))
        else {
            guard request.method == .GET || request.method == .HEAD else {
                // Without a session there is no token a form could match: the same refusal as a forged form.
                throw PageError(.forbidden, "This form has expired", "Sign in to your portal again. (CSRF token missing or wrong.)")
            }
            let response = request.redirect(to: "/portal/sign-in")
            response.cookies[PortalCookie.name] = PortalCookie.cleared(secure: secureCookies)
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
            return response
        }
        if request.body.data == nil, request.method == .POST, request.url.path == PortalCheckInPages.checkInPath {
            // The body limit leaves a check-in (which may carry a photo) unread until a portal session is known.
            do { _ = try await request.body.collect(max: StratumServer.maxPhotoBodyBytes).get() } catch let e as any AbortError
                where e.status == .payloadTooLarge
            {
                throw PageError(.payloadTooLarge, "Photo too large", "Photos are at most \(ClinicalImageReader.maximumBytes / 1_048_576) MiB.")
            }
        }
        if request.method != .GET, request.method != .HEAD {
            let sent = try? request.content.get(String.self, at: "_csrf")
            guard let sent, WebCookies.sameSecret(sent, session.csrfToken) else {
                throw PageError(.forbidden, "This form has expired", "Reload the page and submit it again. (CSRF token missing or wrong.)")
            }
        }
        request.portalSession = session
        let response = try await next.respond(to: request)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
