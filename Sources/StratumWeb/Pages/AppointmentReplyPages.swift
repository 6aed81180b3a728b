import Foundation
import StratumCore
import StratumStore
import Vapor

/// The patient's answers to a booked visit: the page a reminder's link opens (no sign-in; the link is the key to that
/// one visit until it starts) and the portal's list of upcoming visits. Both confirm or cancel through
/// `ReminderStore`'s doors; neither shows anything clinical. Opening the link changes nothing: a mail scanner that
/// fetches every link must not cancel a visit, so the answer is a form.
struct AppointmentReplyPages {
    let state: ServerState
    let secureCookies: Bool

    func register(public routes: any RoutesBuilder) {
        routes.get("appointments", "reply", ":token", use: linkPage)
        routes.grouped(PublicFormMiddleware()).post("appointments", "reply", ":token", use: linkAnswer)
        let portal = routes.grouped(PortalSessionMiddleware(state: state, secureCookies: secureCookies))
        portal.get("portal", "appointments", use: portalPage)
        portal.post("portal", "appointments", ":appointmentId", use: portalAnswer)
    }

    private var store: ReminderStore { ReminderStore(database: state.database, auditKey: state.auditKey) }
    private var requestID: String { RequestContext.current?.requestID ?? "none" }

    /// A visit as the patient reads it.
    struct Visit: Encodable {
        let id: String
        let when: String
        let minutes: Int
        let status: String
        let booked: Bool
        let confirmed: Bool
        let clinicName: String
        /// Nil when the clinic gave none (an empty string would count as true in the template).
        let clinicPhone: String?
    }

    static func visit(_ a: PatientAppointment) -> Visit {
        Visit(
            id: PageValues.id(a.id), when: ReminderSchedule.wording(a.startsAt, timeZone: a.clinicTimezone), minutes: a.minutes,
            status: a.status == .booked ? (a.confirmedAt == nil ? "Booked" : "Confirmed") : "Cancelled", booked: a.status == .booked,
            confirmed: a.confirmedAt != nil, clinicName: a.clinicName, clinicPhone: a.clinicPhone.flatMap { $0.isEmpty ? nil : $0 })
    }

    struct LinkContent: Encodable {
        let loginToken: String
        let action: String
        let visit: Visit
        let preCare: [String]
        let message: String?
        let error: String?
    }

    /// The same page for every link that does not open a visit: unknown, for a visit that has started, or mistyped.
    static let ended = "This link has ended: the visit has started, or the link is not one we sent. Call your clinic if anything has changed."

    /// Reads the answer a form sent; nil when it is neither confirm nor cancel.
    static func answer(_ form: FormFields) -> AppointmentAnswer? { form["answer"].flatMap(AppointmentAnswer.init(rawValue:)) }

    func linkPage(_ req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        guard let a = try await store.appointment(replyToken: token, now: requestNow(state), requestID: requestID) else {
            throw PageError(.notFound, "This link has ended", Self.ended)
        }
        return try await linkRender(req, token: token, a, message: nil, error: nil, status: .ok)
    }

    private func linkRender(
        _ req: Request, token: String, _ a: PatientAppointment, message: String?, error: String?, status: HTTPResponseStatus
    ) async throws -> Response {
        let action = "/appointments/reply/" + (token.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(["-", "_"])) ?? "")
        return try await PublicForm.render(req, "appointment-reply", title: "Your visit", secure: secureCookies, status: status) {
            LinkContent(
                loginToken: $0, action: action, visit: Self.visit(a), preCare: PreCareAdvice.items.map(\.text), message: message, error: error)
        }
    }

    func linkAnswer(_ req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        guard let answer = Self.answer(try FormFields(req)) else {
            guard let a = try await store.appointment(replyToken: token, now: requestNow(state), requestID: requestID) else {
                throw PageError(.notFound, "This link has ended", Self.ended)
            }
            return try await linkRender(
                req, token: token, a, message: nil, error: "Answer: choose confirm or cancel.", status: .unprocessableEntity)
        }
        guard let a = try await store.answer(replyToken: token, answer, now: requestNow(state), requestID: requestID) else {
            throw PageError(.notFound, "This link has ended", Self.ended)
        }
        return try await linkRender(req, token: token, a, message: Self.outcome(a), error: nil, status: .ok)
    }

    static func outcome(_ a: PatientAppointment) -> String {
        switch a.status {
        case .booked: "Thank you: your visit is confirmed."
        default: "Your visit is cancelled. Call the clinic to book another time."
        }
    }

    // MARK: Portal

    struct PortalContent: Encodable {
        let csrf: String
        let visits: [Visit]
        let hasVisits: Bool
        let preCare: [String]
        let message: String?
        let error: String?
    }

    func portalPage(_ req: Request) async throws -> Response {
        try await portalRender(req, message: nil, error: nil, status: .ok)
    }

    private func portalRender(_ req: Request, message: String?, error: String?, status: HTTPResponseStatus) async throws -> Response {
        guard let session = req.portalSession else { throw PageError(.unauthorized, "Your session has ended", "Sign in again.") }
        let visits = try await store.upcoming(session, now: requestNow(state), requestID: requestID).map(Self.visit)
        let content = PortalContent(
            csrf: session.csrfToken, visits: visits, hasVisits: !visits.isEmpty, preCare: PreCareAdvice.items.map(\.text), message: message,
            error: error)
        return try await req.render("portal-appointments", title: "Your visits", section: "portal", content, status: status)
    }

    func portalAnswer(_ req: Request) async throws -> Response {
        guard let session = req.portalSession else { throw PageError(.unauthorized, "Your session has ended", "Sign in again.") }
        guard let answer = Self.answer(try FormFields(req)) else {
            return try await portalRender(req, message: nil, error: "Answer: choose confirm or cancel.", status: .unprocessableEntity)
        }
        // Another patient's visit, an unknown id and a visit already past are answered alike.
        guard let id = req.parameters.get("appointmentId").flatMap(UUID.init(uuidString:)),
            let a = try await store.answer(session, appointmentID: id, answer, now: requestNow(state), requestID: requestID)
        else { throw PageError(.notFound, "No such visit", "This visit is not one of your upcoming visits.") }
        return try await portalRender(req, message: Self.outcome(a), error: nil, status: .ok)
    }
}
