import Crypto
import Foundation
import StratumCore
import StratumStore
import Vapor

/// A signed-in browser user: the principal the permission table judges, plus what the page chrome shows.
struct WebUser: Sendable {
    let principal: Principal
    let sessionID: UUID
    let sessionToken: String
    let csrfToken: String
    let displayName: String
    /// Every clinic the user may switch to, with the role held there.
    let clinics: [(id: UUID, name: String, role: Role)]
    /// An organization requires a second factor of this user's role and they have none yet: every page but the
    /// enrolment sends them there.
    let mustEnrolTwoFactor: Bool
}

extension Request {
    private struct WebUserKey: StorageKey { typealias Value = WebUser }

    /// The signed-in user, set by `WebSessionMiddleware`.
    var webUser: WebUser? {
        get { storage[WebUserKey.self] }
        set { storage[WebUserKey.self] = newValue }
    }
}

/// Cookie names and attributes in one place: HttpOnly and SameSite=Strict always, Secure behind TLS.
enum WebCookies {
    static let session = "stratum_session"
    /// Double-submit token of the sign-in form, which has no session to bind a CSRF token to yet.
    static let preLogin = "stratum_login"
    /// The sign-in's second step: set when the password was right, for five minutes, until the code is entered.
    static let challenge = "stratum_challenge"

    static func value(_ token: String, expires: Date?, secure: Bool) -> HTTPCookies.Value {
        HTTPCookies.Value(string: token, expires: expires, path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .strict)
    }

    static func cleared(secure: Bool) -> HTTPCookies.Value {
        HTTPCookies.Value(
            string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/", isSecure: secure,
            isHTTPOnly: true, sameSite: .strict)
    }

    /// Compares secrets in time independent of where they differ.
    static func sameSecret(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count, !x.isEmpty else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func randomToken() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

/// Resolves the session cookie to a `WebUser` (30-minute idle, 12-hour absolute expiry, enforced by the store),
/// sends anyone without one to the sign-in page, and refuses a state-changing request whose CSRF token is missing
/// or wrong. Patient pages are never cached.
struct WebSessionMiddleware: AsyncMiddleware {
    let state: ServerState
    let secureCookies: Bool

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let token = request.cookies[WebCookies.session]?.string, let user = try await resolve(token) else {
            if request.method == .GET || request.method == .HEAD {
                let back = request.url.path + (request.url.query.map { "?" + $0 } ?? "")
                let response = request.redirect(to: "/login?next=" + (back.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"))
                response.cookies[WebCookies.session] = WebCookies.cleared(secure: secureCookies)
                return response
            }
            throw PageError(.unauthorized, "Your session has ended", "Sign in again; what you typed on the previous page was not saved.")
        }
        if request.body.data == nil, request.method == .POST, request.url.path.hasSuffix("/photos") {
            // The body limit leaves a photo upload unread until here: the session is known, and only a role that may
            // add photos gets the photo allowance read (its CSRF token travels inside the form).
            guard Permissions.allows(user.principal.role, .create, .photo) else {
                throw PageError(.forbidden, "Not allowed", "Your role (\(user.principal.role.rawValue)) may not create photo records.")
            }
            do { _ = try await request.body.collect(max: StratumServer.maxPhotoBodyBytes).get() } catch let e as any AbortError
                where e.status == .payloadTooLarge
            {
                throw PageError(.payloadTooLarge, "Photo too large", "Photos are at most \(ClinicalImageReader.maximumBytes / 1_048_576) MiB.")
            }
        }
        if request.method != .GET, request.method != .HEAD {
            let sent = request.headers.first(name: "X-CSRF-Token") ?? (try? request.content.get(String.self, at: "_csrf"))
            guard let sent, WebCookies.sameSecret(sent, user.csrfToken) else {
                throw PageError(.forbidden, "This form has expired", "Reload the page and submit it again. (CSRF token missing or wrong.)")
            }
        }
        request.webUser = user
        if user.mustEnrolTwoFactor, !Self.enrolmentPaths.contains(request.url.path) {
            guard request.method == .GET || request.method == .HEAD else {
                throw PageError(
                    .forbidden, "Two-factor sign-in required", "Your organization requires it for your role: enrol on your account page first.")
            }
            return request.redirect(to: "/account/two-factor")
        }
        let response = try await next.respond(to: request)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    /// What a user who must enrol a second factor may still reach.
    static let enrolmentPaths: Set<String> = ["/account/two-factor", "/logout"]

    /// The signed-in user from one database statement (session, user, memberships and clinic names together).
    func resolve(_ token: String) async throws -> WebUser? {
        guard let session = try await CredentialStore(database: state.database).session(token: token, now: requestNow(state)) else { return nil }
        let memberships = session.memberships.map(\.membership)
        let chosen = memberships.first { $0.clinicID == session.clinicID } ?? memberships.first
        guard let chosen else { return nil }
        let clinics = session.memberships.filter { $0.membership.organizationID == chosen.organizationID }
            .map { (id: $0.membership.clinicID, name: $0.clinicName, role: $0.membership.role) }
        return WebUser(
            principal: Principal(
                userID: session.userID, organizationID: chosen.organizationID,
                clinicID: chosen.clinicID, role: chosen.role),
            sessionID: session.id, sessionToken: token, csrfToken: session.csrfToken, displayName: session.displayName, clinics: clinics,
            mustEnrolTwoFactor: session.mustEnrolTwoFactor)
    }
}
