import Foundation
import StratumCore
import StratumStore
import Vapor

/// The pages a mailed link opens, before any session: taking up an invitation, asking for a password reset and
/// choosing the new password. A link that no longer works (unknown, used, withdrawn, expired) gets one neutral
/// page, and asking for a reset answers the same whether the email has an account or not.
struct AccountLinkPages {
    let state: ServerState
    let secureCookies: Bool
    let linkBase: String

    func register(public routes: any RoutesBuilder) {
        let forms = routes.grouped(PublicFormMiddleware())
        routes.get("invitations", ":token", use: invitation)
        forms.post("invitations", ":token", use: acceptInvitation)
        routes.get("password", "forgot", use: forgot)
        forms.post("password", "forgot", use: requestReset)
        routes.get("password", "reset", ":token", use: resetForm)
        forms.post("password", "reset", ":token", use: reset)
    }

    struct InvitationContent: Encodable {
        let loginToken: String
        let organization: String
        let email: String
        let places: [String]
        let existingAccount: Bool
        let state: TraceFormState
    }

    struct ForgotContent: Encodable {
        let loginToken: String
        let sent: Bool
        let error: String?
    }

    struct ResetContent: Encodable {
        let loginToken: String
        let state: TraceFormState
    }

    static let linkEnded = PageError(
        .notFound, "This link no longer works",
        "Links work once and for a limited time. Ask the clinic's owner for a new invitation, or ask for a new password reset link.")

    private var accounts: AccountStore { AccountStore(database: state.database, auditKey: state.auditKey) }

    // MARK: Invitations

    func invitation(_ req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        guard let link = try await accounts.invitation(token: token, now: requestNow(state)) else { throw Self.linkEnded }
        return try await invitationPage(req, link, form: .none, status: .ok)
    }

    private func invitationPage(_ req: Request, _ link: InvitationLink, form: TraceFormState, status: HTTPResponseStatus) async throws -> Response {
        try await PublicForm.render(req, "invitation", title: "Join \(link.organizationName)", secure: secureCookies, status: status) {
            InvitationContent(
                loginToken: $0, organization: link.organizationName, email: link.email,
                places: link.places.map { "\($0.clinicName) (\($0.role.rawValue))" }, existingAccount: link.existingAccount, state: form)
        }
    }

    func acceptInvitation(_ req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        let f = try FormFields(req)
        guard let link = try await accounts.invitation(token: token, now: requestNow(state)) else { throw Self.linkEnded }
        var form = TraceFormState(form: "invitation", f, fields: ["displayName"])
        let password = f.values["password"]?.first ?? ""
        let joining: AccountStore.Joining
        if link.existingAccount {
            switch try await SignIn.attempt(
                email: link.email, password: password, address: req.remoteAddress?.ipAddress ?? "unknown", state: state, now: requestNow(state))
            {
            case .signedIn(let user): joining = .existingAccount(userID: user.id)
            case .wrongCredentials:
                form.errors.add("password", "The password of your existing account is wrong.")
                return try await invitationPage(req, link, form: form, status: .unauthorized)
            case .throttled(let wait):
                form.errors.add("password", "Too many failed attempts. Wait \(SignIn.wording(wait)) and try again.")
                return try await invitationPage(req, link, form: form, status: .tooManyRequests)
            }
        } else {
            if let problem = Passwords.problem(password) { form.errors.add("password", "The password \(problem).") }
            if password != (f.values["confirm"]?.first ?? "") { form.errors.add("confirm", "The two passwords differ.") }
            if let p = AccountInputRules.displayNameProblem(f["displayName"] ?? "") { form.errors.add("displayName", "Your name: \(p).") }
            if !form.errors.isEmpty { return try await invitationPage(req, link, form: form, status: .unprocessableEntity) }
            let hash = try await Passwords.onHashingPool { try Passwords.hash(password) }
            joining = .newAccount(displayName: f["displayName"] ?? "", passwordHash: hash)
        }
        do {
            _ = try await accounts.acceptInvitation(
                token: token, joining, now: requestNow(state), requestID: RequestContext.current?.requestID ?? "none")
        } catch let e as StoreError {
            if case .notFound = e { throw Self.linkEnded }
            guard form.add(e) else { throw e }
            return try await invitationPage(req, link, form: form, status: .unprocessableEntity)
        }
        return req.done("/login", .passwordSet)
    }

    // MARK: Password reset

    func forgot(_ req: Request) async throws -> Response {
        try await PublicForm.render(req, "password-forgot", title: "Forgot your password", secure: secureCookies, status: .ok) {
            ForgotContent(loginToken: $0, sent: false, error: nil)
        }
    }

    func requestReset(_ req: Request) async throws -> Response {
        let f = try FormFields(req)
        let email = f["email"] ?? ""
        if let p = AccountInputRules.emailProblem(email) {
            return try await PublicForm.render(
                req, "password-forgot", title: "Forgot your password", secure: secureCookies, status: .unprocessableEntity
            ) { ForgotContent(loginToken: $0, sent: false, error: "Email: \(p).") }
        }
        let base = linkBase
        let accepted = try await accounts.requestPasswordReset(
            email: email, address: req.remoteAddress?.ipAddress ?? "unknown", now: requestNow(state),
            requestID: RequestContext.current?.requestID ?? "none", mail: { StaffMail.passwordReset(token: $0, base: base, user: $1) })
        return try await PublicForm.render(
            req, "password-forgot", title: "Forgot your password", secure: secureCookies, status: accepted ? .ok : .tooManyRequests
        ) {
            ForgotContent(
                loginToken: $0, sent: accepted,
                error: accepted ? nil : "Too many reset requests for this email or from this network. Try again in an hour.")
        }
    }

    func resetForm(_ req: Request) async throws -> Response {
        guard try await accounts.resetLinkValid(token: req.parameters.get("token") ?? "", now: requestNow(state)) else { throw Self.linkEnded }
        return try await resetPage(req, form: .none, status: .ok)
    }

    private func resetPage(_ req: Request, form: TraceFormState, status: HTTPResponseStatus) async throws -> Response {
        try await PublicForm.render(req, "password-reset", title: "Choose a new password", secure: secureCookies, status: status) {
            ResetContent(loginToken: $0, state: form)
        }
    }

    func reset(_ req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        guard try await accounts.resetLinkValid(token: token, now: requestNow(state)) else { throw Self.linkEnded }
        let f = try FormFields(req)
        var form = TraceFormState(form: "reset", f, fields: [])
        let password = f.values["password"]?.first ?? ""
        if let problem = Passwords.problem(password) { form.errors.add("password", "The password \(problem).") }
        if password != (f.values["confirm"]?.first ?? "") { form.errors.add("confirm", "The two passwords differ.") }
        if !form.errors.isEmpty { return try await resetPage(req, form: form, status: .unprocessableEntity) }
        let hash = try await Passwords.onHashingPool { try Passwords.hash(password) }
        do {
            _ = try await accounts.resetPassword(
                token: token, passwordHash: hash, now: requestNow(state), requestID: RequestContext.current?.requestID ?? "none")
        } catch StoreError.notFound { throw Self.linkEnded }
        let response = req.done("/login", .passwordSet)
        response.cookies[WebCookies.session] = WebCookies.cleared(secure: secureCookies)
        return response
    }
}
