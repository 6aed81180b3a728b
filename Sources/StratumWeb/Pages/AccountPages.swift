import Foundation
import StratumCore
import StratumStore
import Vapor

/// One's own account, for every role: the browsers signed in and the API tokens, each of which can be ended here,
/// and two-factor sign-in (enrolment by a QR code Stratum draws itself, recovery codes shown once, turning it off).
struct AccountPages {
    let state: ServerState

    func register(_ routes: any RoutesBuilder) {
        routes.get("account", use: show)
        routes.post("account", "sessions", ":sessionId", "revoke", use: revokeSession)
        routes.post("account", "tokens", ":tokenId", "revoke", use: revokeToken)
        routes.get("account", "two-factor", use: twoFactor)
        routes.post("account", "two-factor", use: confirm)
        routes.post("account", "two-factor", "disable", use: disable)
        routes.post("account", "two-factor", "recovery-codes", use: renewCodes)
    }

    struct Content: Encodable {
        struct Session: Encodable {
            let id: String
            let started: String
            let lastSeen: String
            let current: Bool
        }
        struct Token: Encodable {
            let id: String
            let name: String
            let created: String
            let expires: String
            let lastUsed: String
            let revoked: Bool
        }
        let name: String
        let sessions: [Session]
        let tokens: [Token]
        let twoFactor: Bool
        let twoFactorRequired: Bool
        let recoveryCodesLeft: Int
        let state: TraceFormState
        /// The private calendar feed, for those who are booked (CalendarFeedPages).
        let feed: CalendarFeedPages.Status?
    }

    struct EnrolContent: Encodable {
        let qr: String
        let secret: String
        let mustEnrol: Bool
        let state: TraceFormState
    }

    struct CodesContent: Encodable {
        let codes: [String]
    }

    private var accounts: AccountStore { AccountStore(database: state.database, auditKey: state.auditKey) }
    static let notFound = PageError(.notFound, "Not found", "It is not one of your sessions or tokens.")

    func show(_ req: Request) async throws -> Response {
        try await render(req, form: .none, status: .ok)
    }

    private func render(_ req: Request, form: TraceFormState, status: HTTPResponseStatus) async throws -> Response {
        let u = try req.user()
        let now = requestNow(state)
        let sessions = try await accounts.sessions(userID: u.principal.userID, now: now)
        let tokens = try await CredentialStore(database: state.database).tokens(userID: u.principal.userID)
        let status2 = try await accounts.twoFactorStatus(userID: u.principal.userID)
        let content = Content(
            name: u.displayName,
            sessions: sessions.map {
                .init(
                    id: PageValues.id($0.id), started: PageValues.time($0.createdAt), lastSeen: PageValues.time($0.lastSeenAt),
                    current: $0.id == u.sessionID)
            },
            tokens: tokens.map {
                .init(
                    id: PageValues.id($0.id), name: $0.name, created: PageValues.time($0.createdAt),
                    expires: $0.expiresAt.map(PageValues.time) ?? "never", lastUsed: $0.lastUsedAt.map(PageValues.time) ?? "never",
                    revoked: $0.revokedAt != nil || ($0.expiresAt.map { $0 <= now } ?? false))
            },
            twoFactor: status2.enabled, twoFactorRequired: status2.required, recoveryCodesLeft: status2.recoveryCodesLeft, state: form,
            feed: try await CalendarFeedPages.status(u.principal, state: state))
        return try await req.render("account", title: "Your account", section: "account", content, status: status)
    }

    func revokeSession(_ req: Request) async throws -> Response {
        let u = try req.user()
        let id = try req.recordID("sessionId", or: Self.notFound)
        do {
            try await accounts.revokeSession(
                id: id, userID: u.principal.userID, organizationID: u.principal.organizationID, now: requestNow(state), requestID: requestID)
        } catch StoreError.notFound { throw Self.notFound }
        return id == u.sessionID ? req.redirect(to: "/login") : req.done("/account", .accountSaved)
    }

    func revokeToken(_ req: Request) async throws -> Response {
        let u = try req.user()
        let id = try req.recordID("tokenId", or: Self.notFound)
        do {
            try await accounts.revokeToken(
                id: id, userID: u.principal.userID, organizationID: u.principal.organizationID, now: requestNow(state), requestID: requestID)
        } catch StoreError.notFound { throw Self.notFound }
        return req.done("/account", .accountSaved)
    }

    func twoFactor(_ req: Request) async throws -> Response {
        let u = try req.user()
        guard try await !accounts.hasTwoFactor(userID: u.principal.userID) else { return req.redirect(to: "/account") }
        return try await enrolPage(req, form: .none, status: .ok)
    }

    private func enrolPage(_ req: Request, form: TraceFormState, status: HTTPResponseStatus) async throws -> Response {
        let u = try req.user()
        let totp = try await accounts.beginEnrolment(userID: u.principal.userID)
        let email = try await state.directory.user(id: u.principal.userID)?.email ?? u.displayName
        let uri = totp.uri(issuer: "Stratum", account: email)
        let qr = try QRCode(uri, level: .medium).svg(module: 5, label: "QR code to enrol Stratum in an authenticator app")
        // The secret grouped by four, for typing into an app that cannot scan.
        let grouped = stride(from: 0, to: totp.base32Secret.count, by: 4).map {
            let s = totp.base32Secret
            return String(s[s.index(s.startIndex, offsetBy: $0)..<s.index(s.startIndex, offsetBy: min($0 + 4, s.count))])
        }.joined(separator: " ")
        return try await req.render(
            "two-factor", title: "Two-factor sign-in", section: "account",
            EnrolContent(qr: qr, secret: grouped, mustEnrol: u.mustEnrolTwoFactor, state: form), status: status)
    }

    func confirm(_ req: Request) async throws -> Response {
        try await withCode(req, form: "two-factor", shownOn: { try await enrolPage($0, form: $1, status: .unprocessableEntity) }) {
            user, code, organization in
            let codes = try await accounts.confirmEnrolment(
                userID: user, code: code, organizationID: organization, now: requestNow(state), requestID: requestID)
            return try await req.render(
                "recovery-codes", title: "Your recovery codes", section: "account", CodesContent(codes: codes),
                flash: Flash.text(Flash.twoFactorOn.rawValue))
        }
    }

    func renewCodes(_ req: Request) async throws -> Response {
        try await withCode(req, form: "renew", shownOn: { try await render($0, form: $1, status: .unprocessableEntity) }) {
            user, code, organization in
            let codes = try await accounts.renewRecoveryCodes(
                userID: user, code: code, organizationID: organization, now: requestNow(state), requestID: requestID)
            return try await req.render("recovery-codes", title: "Your recovery codes", section: "account", CodesContent(codes: codes))
        }
    }

    func disable(_ req: Request) async throws -> Response {
        try await withCode(req, form: "disable", shownOn: { try await render($0, form: $1, status: .unprocessableEntity) }) {
            user, code, organization in
            try await accounts.disableTwoFactor(userID: user, code: code, organizationID: organization, now: requestNow(state), requestID: requestID)
            return req.done("/account", .accountSaved)
        }
    }

    /// Runs a two-factor act with the code typed (the user, the code, the organization the act is audited in); the
    /// store's refusal is shown on the page it came from, nothing changed.
    private func withCode(
        _ req: Request, form name: String, shownOn page: (Request, TraceFormState) async throws -> Response,
        _ act: (UUID, String, UUID) async throws -> Response
    ) async throws -> Response {
        let u = try req.user()
        let f = try FormFields(req)
        do {
            return try await act(u.principal.userID, f["code"] ?? "", u.principal.organizationID)
        } catch let e as StoreError {
            var form = TraceFormState(form: name, f, fields: [])
            guard form.add(e) else { throw e }
            return try await page(req, form)
        }
    }

    private var requestID: String { RequestContext.current?.requestID ?? "none" }
}
