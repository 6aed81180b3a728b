import Foundation
import StratumCore
import StratumStore
import Vapor

/// The patient portal: asking for a sign-in link by email, opening it with the date of birth, and the home page with
/// the planned visits and the aftercare of the last session. No page takes a patient or record id from the request:
/// everything shown is the signed-in patient's, as `PortalStore` reads it for the session.
struct PortalPages {
    let state: ServerState
    let secureCookies: Bool
    let linkBase: String

    func register(public routes: any RoutesBuilder) {
        let forms = routes.grouped(PublicFormMiddleware())
        routes.get("portal", "sign-in", use: requestForm)
        forms.post("portal", "sign-in", use: requestLink)
        routes.get("portal", "sign-in", ":token", use: birthDateForm)
        forms.post("portal", "sign-in", ":token", use: signIn)
        let signedIn = routes.grouped(PortalSessionMiddleware(state: state, secureCookies: secureCookies))
        signedIn.get("portal", use: home)
        signedIn.post("portal", "sign-out", use: signOut)
        PortalVisitPages(state: state).register(signedIn)
    }

    private var store: PortalStore { PortalStore(database: state.database, auditKey: state.auditKey) }
    private var requestID: String { RequestContext.current?.requestID ?? "none" }

    struct RequestContent: Encodable {
        let loginToken: String
        let sent: Bool
        let email: String
        let error: String?
    }

    struct BirthDateContent: Encodable {
        let loginToken: String
        let action: String
        let error: String?
    }

    // MARK: Asking for a link

    func requestForm(_ req: Request) async throws -> Response {
        try await requestPage(req, RequestState(sent: false, email: "", error: nil), status: .ok)
    }

    private struct RequestState {
        let sent: Bool
        let email: String
        let error: String?
    }

    private func requestPage(_ req: Request, _ s: RequestState, status: HTTPResponseStatus) async throws -> Response {
        try await PublicForm.render(req, "portal-request", title: "Your patient portal", secure: secureCookies, status: status) {
            RequestContent(loginToken: $0, sent: s.sent, email: s.email, error: s.error)
        }
    }

    func requestLink(_ req: Request) async throws -> Response {
        let email = try FormFields(req).values["email"]?.first ?? ""
        if let p = PortalInputRules.emailProblem(email) {
            return try await requestPage(
                req, RequestState(sent: false, email: String(email.prefix(AccountInputRules.emailMaxLength)), error: "Email: \(p)."),
                status: .unprocessableEntity)
        }
        let base = linkBase
        let accepted = try await store.requestLink(
            email: email, address: req.remoteAddress?.ipAddress ?? "unknown", now: requestNow(state), requestID: requestID,
            mail: { PortalMail.link(token: $0, base: base, recipient: $1) })
        return try await requestPage(
            req,
            RequestState(
                sent: accepted, email: "",
                error: accepted ? nil : "Too many link requests for this email or from this network. Try again in an hour."),
            status: accepted ? .ok : .tooManyRequests)
    }

    // MARK: Signing in with the link

    /// The date-of-birth form. It is shown for any link, live or not, so the page tells nobody which links work.
    func birthDateForm(_ req: Request) async throws -> Response {
        try await birthDatePage(req, error: nil, status: .ok)
    }

    private func birthDatePage(_ req: Request, error: String?, status: HTTPResponseStatus) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        let action = "/portal/sign-in/" + (token.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(["-", "_"])) ?? "")
        return try await PublicForm.render(req, "portal-sign-in", title: "Open your patient portal", secure: secureCookies, status: status) {
            BirthDateContent(loginToken: $0, action: action, error: error)
        }
    }

    /// One answer for every refusal: an unknown, used, expired or ended link, and a date of birth that is not the
    /// link's patient's.
    static let refused = "This link has ended, or the date of birth does not match it. Check the date, or ask for a new link."

    func signIn(_ req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        let typed = try FormFields(req).values["birthDate"]?.first ?? ""
        // No zone's today is later than Kiritimati's (UTC+14): a birth date on it is in no patient's future.
        let latest = LocalDate.clinicDay(at: requestNow(state), timeZone: "Pacific/Kiritimati")
        if let p = PortalInputRules.birthDateProblem(typed, today: latest) {
            return try await birthDatePage(req, error: "Date of birth: \(p).", status: .unprocessableEntity)
        }
        guard let birthDate = LocalDate(iso: typed.trimmingCharacters(in: .whitespaces)) else {
            return try await birthDatePage(req, error: "Date of birth: \(InputProblem.notADate).", status: .unprocessableEntity)
        }
        guard let session = try await store.signIn(token: token, birthDate: birthDate, now: requestNow(state), requestID: requestID) else {
            return try await birthDatePage(req, error: Self.refused, status: .unauthorized)
        }
        let response = req.redirect(to: "/portal")
        response.cookies[PortalCookie.name] = PortalCookie.value(session.token, expires: session.expiresAt, secure: secureCookies)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    // MARK: Home

    struct HomeContent: Encodable {
        struct Step: Encodable {
            let when: String
            let dates: String
            let text: String
            let current: Bool
        }
        let csrf: String
        let name: String
        let visits: [String]
        let hasVisits: Bool
        let hasSession: Bool
        let sessionDate: String
        let dayNumber: Int
        let steps: [Step]
        let callIf: [String]
        let clinicName: String
        /// Nil when the clinic gave none: Leaf counts an empty string as true, which drew an empty call button.
        let clinicPhone: String?
        let clinicTimezone: String
        /// The screening at home and the consent before the visit (`PortalVisitPages`).
        let forms: PortalVisitPages.Cards
    }

    func home(_ req: Request) async throws -> Response {
        guard let session = req.portalSession else { throw PageError(.unauthorized, "Your session has ended", "Sign in again.") }
        let h = try await store.home(session, now: requestNow(state), requestID: requestID)
        let today = LocalDate.clinicDay(at: requestNow(state), timeZone: h.clinicTimezone)
        var steps: [HomeContent.Step] = []
        var callIf: [String] = []
        if let last = h.lastSession {
            let timeline = AftercareTimeline(sessionDate: last.date, depthMM: last.depthMM)
            callIf = timeline.callTheClinicIf
            // Chronological, as on the printed sheet: by first day, the shorter step first, an open-ended step last.
            steps = timeline.steps.sorted { ($0.from, $0.until?.dayNumber ?? .max) < ($1.from, $1.until?.dayNumber ?? .max) }.map { step in
                let dates = step.until.map { $0 == step.from ? step.from.description : "\(step.from) to \($0)" } ?? "from \(step.from)"
                let current = step.from <= today && (step.until.map { today <= $0 } ?? true)
                return .init(when: step.when, dates: dates, text: step.text + ".", current: current)
            }
        }
        let visits = h.plannedVisits.filter { $0 >= today }.map(\.description)
        let content = HomeContent(
            csrf: session.csrfToken, name: "\(h.givenName) \(h.familyName)", visits: visits, hasVisits: !visits.isEmpty,
            hasSession: h.lastSession != nil, sessionDate: h.lastSession?.date.description ?? "",
            dayNumber: h.lastSession.map { today.dayNumber - $0.date.dayNumber } ?? 0, steps: steps, callIf: callIf,
            clinicName: h.clinicName, clinicPhone: h.clinicPhone.flatMap { $0.isEmpty ? nil : $0 }, clinicTimezone: h.clinicTimezone,
            forms: try await PortalVisitPages(state: state).cards(session))
        return try await req.render("portal-home", title: "Your patient portal", section: "portal", content)
    }

    func signOut(_ req: Request) async throws -> Response {
        if let token = req.cookies[PortalCookie.name]?.string {
            try await store.signOut(token: token, now: requestNow(state), requestID: requestID)
        }
        let response = req.redirect(to: "/portal/sign-in")
        response.cookies[PortalCookie.name] = PortalCookie.cleared(secure: secureCookies)
        return response
    }
}
