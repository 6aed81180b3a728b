import Foundation
import StratumStore
import Vapor

/// The sign-in's second step: after a right password, the authenticator app's six digits or one recovery code.
/// The step lives five minutes in its own cookie; five wrong codes end it and the password is asked again.
struct SignInCodePages {
    let state: ServerState
    let login: LoginPages

    struct Content: Encodable {
        let next: String
        let loginToken: String
        let error: String?
    }

    func register(public routes: any RoutesBuilder) {
        routes.get("login", "code", use: form)
        routes.grouped(PublicFormMiddleware()).post("login", "code", use: submit)
    }

    func form(_ req: Request) async throws -> Response {
        guard req.cookies[WebCookies.challenge]?.string != nil else {
            let response = req.redirect(to: "/login")
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
            return response
        }
        return try await page(req, next: req.query[String.self, at: "next"], error: nil, status: .ok)
    }

    private func page(_ req: Request, next: String?, error: String?, status: HTTPResponseStatus) async throws -> Response {
        try await PublicForm.render(req, "login-code", title: "Sign-in code", secure: login.secureCookies, status: status) {
            Content(next: LoginPages.safeNext(next), loginToken: $0, error: error)
        }
    }

    func submit(_ req: Request) async throws -> Response {
        let form = try FormFields(req)
        guard let challenge = req.cookies[WebCookies.challenge]?.string else { return req.redirect(to: "/login") }
        let accounts = AccountStore(database: state.database, auditKey: state.auditKey)
        switch try await accounts.answerChallenge(token: challenge, code: form["code"] ?? "", now: requestNow(state)) {
        case .passed(let user, _):
            return try await login.startSession(req, user: user, next: form["next"])
        case .wrongCode:
            return try await page(
                req, next: form["next"], error: "That code is not right. Enter the current six digits, or a recovery code.", status: .unauthorized)
        case .ended:
            let response = req.redirect(to: "/login")
            response.cookies[WebCookies.challenge] = WebCookies.cleared(secure: login.secureCookies)
            return response
        }
    }
}
