import Vapor

/// The forms a person fills in before they have a session (sign-in, its code step, an invitation, a password
/// reset): a double-submit token in a cookie and a hidden field `_login` stands in for the session's CSRF token.
enum PublicForm {
    /// Renders a public page with a fresh token for its form, never cached (it may show the typed email).
    static func render<C: Encodable>(
        _ req: Request, _ template: String, title: String, secure: Bool, status: HTTPResponseStatus,
        _ content: (_ token: String) -> C
    ) async throws -> Response {
        let token = WebCookies.randomToken()
        let response = try await req.render(template, title: title, section: "login", content(token), status: status)
        response.cookies[WebCookies.preLogin] = WebCookies.value(token, expires: nil, secure: secure)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    /// Whether the posted form carries the token its cookie holds.
    static func valid(_ req: Request, _ form: FormFields) -> Bool {
        guard let cookie = req.cookies[WebCookies.preLogin]?.string, let sent = form["_login"] else { return false }
        return WebCookies.sameSecret(cookie, sent)
    }
}

/// Refuses a public form's POST whose `_login` token does not match its cookie, before anything is read or
/// written: the same 403 as a signed-in form with a wrong CSRF token.
struct PublicFormMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.method == .POST else { return try await next.respond(to: request) }
        guard PublicForm.valid(request, try FormFields(request)) else {
            throw PageError(.forbidden, "This form has expired", "Reload the page and submit it again. (CSRF token missing or wrong.)")
        }
        return try await next.respond(to: request)
    }
}
