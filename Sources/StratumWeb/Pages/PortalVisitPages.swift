import Foundation
import StratumCore
import StratumStore
import Vapor

/// The portal's forms before a visit (issue 16, decision 0019): the screening questions answered at home, kept as
/// answers awaiting the practitioner's review, and the clinic's consent read and signed with the typed full name.
/// Like every portal page, no address carries an id: both read and write the session's own patient.
struct PortalVisitPages {
    let state: ServerState

    func register(_ signedIn: any RoutesBuilder) {
        signedIn.get("portal", "screening", use: screeningForm)
        signedIn.post("portal", "screening", use: answerScreening)
        signedIn.get("portal", "consent", use: consentForm)
        signedIn.post("portal", "consent", use: signConsent)
    }

    private var store: PortalScreeningStore { PortalScreeningStore(database: state.database, auditKey: state.auditKey) }
    private var requestID: String { RequestContext.current?.requestID ?? "none" }

    private func session(_ req: Request) throws -> PortalSession {
        guard let s = req.portalSession else { throw PageError(.unauthorized, "Your session has ended", "Sign in again.") }
        return s
    }

    // MARK: Screening at home

    struct ScreeningContent: Encodable {
        let csrf: String
        let name: String
        let awaitingSince: String?
        let lastConfirmedOn: String?
        let groups: [ScreeningAnswersForm.Group]
        let errors: FieldErrors
        let hasErrors: Bool
    }

    /// The patient's words for a refused answer; the field is the question, shown beside it and in the summary.
    static func problem(_ key: ScreeningKey, _ p: HomeScreeningProblem) -> String {
        let question = key.question.replacingOccurrences(of: " (leave empty if never)", with: "")
        switch p {
        case .unanswered: return "\(question) Please answer this question."
        case .wrongKind: return key.isDate ? "\(question) Choose “Never”, or “On” with the date." : "\(question) Choose yes or no."
        case .afterAnswering: return "\(question) The date cannot be after today."
        }
    }

    func screeningForm(_ req: Request) async throws -> Response {
        let s = try session(req)
        let st = try await store.screening(s, now: requestNow(state), requestID: requestID)
        return try await renderScreening(req, s, st, form: ScreeningAnswersForm(st.awaiting?.answers ?? [:]), errors: FieldErrors(), status: .ok)
    }

    func answerScreening(_ req: Request) async throws -> Response {
        let s = try session(req)
        let f = try FormFields(req)
        let now = requestNow(state)
        let st = try await store.screening(s, now: now, requestID: requestID)
        let today = LocalDate.clinicDay(at: now, timeZone: st.clinicTimezone)
        var (form, answers, errors) = ScreeningAnswersForm.read(f, answeredOn: today, problem: Self.problem)
        if errors.isEmpty {
            do {
                _ = try await store.answer(s, answers: answers, now: now, requestID: requestID)
                return req.done("/portal", .screeningSaved)
            } catch StoreError.invalid(let field, let problem) {
                let key = ScreeningKey(rawValue: field)
                errors.add(field, key.map { "\($0.question) \(PageValues.sentence(problem))" } ?? PageValues.sentence(problem))
            }
        }
        return try await renderScreening(req, s, st, form: form, errors: errors, status: .unprocessableEntity)
    }

    private func renderScreening(
        _ req: Request, _ s: PortalSession, _ st: PortalScreeningState, form: ScreeningAnswersForm, errors: FieldErrors,
        status: HTTPResponseStatus
    ) async throws -> Response {
        try await req.render(
            "portal-screening", title: "Your health questions before your visit", section: "portal",
            ScreeningContent(
                csrf: s.csrfToken, name: "\(st.givenName) \(st.familyName)", awaitingSince: st.awaiting?.answeredOn.description,
                lastConfirmedOn: st.lastConfirmedOn?.description, groups: form.groups(errors), errors: errors, hasErrors: !errors.isEmpty),
            status: status)
    }

    // MARK: Consent

    struct ConsentContent: Encodable {
        struct Signed: Encodable {
            let kind: String
            let version: String
            let signedOn: String
            let inPortal: Bool
        }
        let csrf: String
        let name: String
        let treatmentText: [String]
        let treatmentVersion: String
        let photoText: [String]
        let photoVersion: String
        let signed: [Signed]
        let hasSigned: Bool
        let kind: String
        let tier: String
        let signedByName: String
        let errors: FieldErrors
        let hasErrors: Bool
    }

    private struct Typed {
        var kind = "treatment"
        var tier = ""
        var name = ""
    }

    func consentForm(_ req: Request) async throws -> Response {
        let s = try session(req)
        let st = try await store.consent(s, now: requestNow(state), requestID: requestID)
        return try await renderConsent(req, s, st, Typed(), errors: FieldErrors(), status: .ok)
    }

    func signConsent(_ req: Request) async throws -> Response {
        let s = try session(req)
        let f = try FormFields(req)
        let now = requestNow(state)
        let st = try await store.consent(s, now: now, requestID: requestID)
        let typed = Typed(
            kind: String((f["kind"] ?? "").prefix(20)), tier: String((f["tier"] ?? "").prefix(20)),
            name: String((f.values["signedByName"]?.first ?? "").prefix(PortalSignatureRules.maxLength + 1)))
        var errors = FieldErrors()
        var kind: ConsentKind?
        switch typed.kind {
        case "treatment": kind = .treatment
        case "photo":
            if let tier = PhotoConsentTier(rawValue: typed.tier) {
                kind = .photo(tier)
            } else {
                errors.add("tier", "Photographs: choose how far your photographs may be shown.")
            }
        default: errors.add("kind", "What you sign: choose the treatment or the photographs.")
        }
        if let p = PortalSignatureRules.problem(typed: f.values["signedByName"]?.first ?? "", givenName: st.givenName, familyName: st.familyName) {
            errors.add("signedByName", "Your full name: \(p).")
        }
        let confirmed = f["confirmed"] == "yes"
        if !confirmed { errors.add("confirmed", "Confirmation: tick the box to confirm you have read the text and agree.") }
        if errors.isEmpty, let kind {
            let version = (typed.kind == "photo" ? f["textVersion-photo"] : f["textVersion-treatment"]) ?? ""
            do {
                _ = try await store.sign(
                    s, kind: kind, textVersion: version, typedName: f.values["signedByName"]?.first ?? "", confirmed: confirmed, now: now,
                    requestID: requestID)
                return req.done("/portal", .consentSigned)
            } catch StoreError.invalid(let field, let problem) {
                let label = ["signedByName": "Your full name", "confirmed": "Confirmation", "textVersion": "Consent text"][field] ?? field
                errors.add(field == "textVersion" ? "kind" : field, "\(label): \(PageValues.sentence(problem))")
            }
        }
        return try await renderConsent(req, s, st, typed, errors: errors, status: .unprocessableEntity)
    }

    /// The texts the patient reads: the clinic's current version of each kind, else Stratum's own (as in the room).
    static func shown(_ st: PortalConsentState) -> ConsentPages.Shown {
        var shown = ConsentPages.Shown()
        if let t = st.texts[.treatment] {
            shown.treatment = ConsentTextRules.paragraphs(t.text)
            shown.treatmentVersion = t.version
        }
        if let t = st.texts[.photo] {
            shown.photo = ConsentTextRules.paragraphs(t.text)
            shown.photoVersion = t.version
        }
        return shown
    }

    private func renderConsent(
        _ req: Request, _ s: PortalSession, _ st: PortalConsentState, _ typed: Typed, errors: FieldErrors, status: HTTPResponseStatus
    ) async throws -> Response {
        let shown = Self.shown(st)
        let signed = st.consents.filter { $0.withdrawnAt == nil }.map { c -> ConsentContent.Signed in
            var kind = "Treatment"
            if case .photo(let tier) = c.kind { kind = "Photographs (\(tier.rawValue))" }
            return .init(kind: kind, version: c.textVersion, signedOn: c.signedOn.description, inPortal: c.channel == .portal)
        }
        return try await req.render(
            "portal-consent", title: "Your consent before your visit", section: "portal",
            ConsentContent(
                csrf: s.csrfToken, name: "\(st.givenName) \(st.familyName)", treatmentText: shown.treatment,
                treatmentVersion: shown.treatmentVersion, photoText: shown.photo, photoVersion: shown.photoVersion, signed: signed,
                hasSigned: !signed.isEmpty, kind: typed.kind, tier: typed.tier, signedByName: typed.name, errors: errors,
                hasErrors: !errors.isEmpty),
            status: status)
    }

    // MARK: Home cards

    struct Cards: Encodable {
        let screening: String
        let consent: String
    }

    /// The home page's two cards: where the screening at home and the treatment consent stand.
    func cards(_ s: PortalSession) async throws -> Cards {
        let v = try await store.visitForms(s, now: requestNow(state))
        let screening =
            v.screeningAwaitingSince.map { "Answered on \($0): your practitioner goes through your answers with you at your visit." }
            ?? v.lastConfirmedOn.map { "Your answers of \($0) were checked with your practitioner. Answer again if anything has changed." }
            ?? "Not answered yet."
        let consent = v.treatmentConsentSignedOn.map { "Signed on \($0)." } ?? "Not signed yet."
        return Cards(screening: screening, consent: consent)
    }
}
