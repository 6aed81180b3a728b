import Foundation
import StratumStore
import Vapor

/// Sign-in (with the authenticator's code when enrolled), sign-out and the clinic switcher. A new session id at
/// every sign-in, so a session planted before sign-in is worthless.
struct LoginPages {
    let state: ServerState
    let secureCookies: Bool

    struct LoginContent: Encodable {
        let email: String
        let next: String
        let loginToken: String
        let error: String?
    }

    func register(public routes: any RoutesBuilder, signedIn: any RoutesBuilder) {
        routes.get("login", use: form)
        routes.post("login", use: signIn)
        signedIn.post("logout", use: signOut)
        signedIn.post("clinic", use: switchClinic)
    }

    func form(_ req: Request) async throws -> Response {
        try await loginPage(req, email: "", error: nil, status: .ok)
    }

    private func loginPage(_ req: Request, email: String, error: String?, status: HTTPResponseStatus) async throws -> Response {
        let token = WebCookies.randomToken()
        let response = try await req.render(
            "login", title: "Sign in", section: "login",
            LoginContent(
                email: email, next: Self.safeNext(req.query[String.self, at: "next"]),
                loginToken: token, error: error), status: status)
        response.cookies[WebCookies.preLogin] = WebCookies.value(token, expires: nil, secure: secureCookies)
        // The form carries a one-time token and may show the typed email: never keep it in a cache.
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    func signIn(_ req: Request) async throws -> Response {
        let form = try FormFields(req)
        guard let cookie = req.cookies[WebCookies.preLogin]?.string, let sent = form["_login"], WebCookies.sameSecret(cookie, sent) else {
            return try await loginPage(req, email: form["email"] ?? "", error: "The sign-in form expired. Please try again.", status: .forbidden)
        }
        guard let email = form["email"], let password = form.values["password"]?.first, !password.isEmpty else {
            return try await loginPage(req, email: form["email"] ?? "", error: "Enter your email and password.", status: .badRequest)
        }
        let address = req.remoteAddress?.ipAddress ?? "unknown"
        switch try await SignIn.attempt(email: email, password: password, address: address, state: state, now: requestNow(state)) {
        case .throttled(let retryAfter):
            return try await loginPage(
                req, email: email, error: "Too many failed sign-ins. Wait \(SignIn.wording(retryAfter)) and try again.", status: .tooManyRequests)
        case .wrongCredentials:
            return try await loginPage(req, email: email, error: "The email or password is wrong.", status: .unauthorized)
        case .signedIn(let user):
            let memberships = try await state.directory.memberships(userID: user.id)
            guard !memberships.isEmpty else {
                return try await loginPage(req, email: email, error: "This account is not a member of any clinic.", status: .forbidden)
            }
            let accounts = AccountStore(database: state.database, auditKey: state.auditKey)
            guard try await !accounts.hasTwoFactor(userID: user.id) else {
                // The password was right; the session waits for the authenticator's code (SignInCodePages).
                let challenge = try await accounts.startChallenge(userID: user.id, now: requestNow(state))
                let response = req.redirect(
                    to: "/login/code?next=" + (Self.safeNext(form["next"]).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
                response.cookies[WebCookies.challenge] = WebCookies.value(
                    challenge, expires: requestNow(state).addingTimeInterval(AccountStore.challengeLifetime), secure: secureCookies)
                return response
            }
            return try await startSession(req, user: user, next: form["next"])
        }
    }

    /// Signs the user in after every factor passed: a new session id (a session planted before sign-in is worthless;
    /// the user's sessions on other computers go on, listed on their account page where they can end them), the
    /// sign-in noted for the owner's staff page, and the sign-in form's one-time cookies cleared.
    func startSession(_ req: Request, user: User, next: String?) async throws -> Response {
        let memberships = try await state.directory.memberships(userID: user.id)
        let credentials = CredentialStore(database: state.database)
        if let old = req.cookies[WebCookies.session]?.string { try await credentials.deleteSession(token: old) }
        let session = try await credentials.createSession(userID: user.id, clinicID: memberships.first?.clinicID, now: requestNow(state))
        try await AccountStore(database: state.database, auditKey: state.auditKey).recordSignIn(userID: user.id, now: requestNow(state))
        let response = req.redirect(to: Self.safeNext(next))
        response.cookies[WebCookies.session] = WebCookies.value(session.token, expires: session.expiresAt, secure: secureCookies)
        response.cookies[WebCookies.preLogin] = WebCookies.cleared(secure: secureCookies)
        response.cookies[WebCookies.challenge] = WebCookies.cleared(secure: secureCookies)
        return response
    }

    func signOut(_ req: Request) async throws -> Response {
        let user = try req.user()
        try await CredentialStore(database: state.database).deleteSession(token: user.sessionToken)
        let response = req.redirect(to: "/login")
        response.cookies[WebCookies.session] = WebCookies.cleared(secure: secureCookies)
        return response
    }

    func switchClinic(_ req: Request) async throws -> Response {
        let user = try req.user()
        let form = try FormFields(req)
        guard let id = form["clinicId"].flatMap(UUID.init(uuidString:)), user.clinics.contains(where: { $0.id == id }) else {
            throw PageError(.forbidden, "Not your clinic", "You can switch only to a clinic where you are a member.")
        }
        try await CredentialStore(database: state.database).setSessionClinic(token: user.sessionToken, clinicID: id)
        return req.done("/today", .clinicSwitched)
    }

    /// Only a local path may follow sign-in, so the form cannot be used to send someone elsewhere. Browsers drop tabs
    /// and line breaks from a URL and read a backslash as a slash, so `/\t/evil.example` and `/\\evil.example` are
    /// `//evil.example`, another host: only visible ASCII is kept, as every path Stratum links to is.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.utf8.count < 500, next.hasPrefix("/"), !next.hasPrefix("//"),
            next.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\\") })
        else { return "/today" }
        return next
    }
}
