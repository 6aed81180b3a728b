import Foundation
import StratumCore
import StratumStore
import Vapor

/// Stratum's own consent texts, shown until the clinic adds its own (clinic settings). A text never changes once
/// used: a new wording gets a new version, and every signature records the version read.
enum ConsentTexts {
    static let treatmentVersion = "treatment-2026.1"
    static let photoVersion = "photo-2026.1"

    static let treatment: [String] = [
        "I agree to a course of microneedling (collagen induction therapy) of the areas discussed with my practitioner.",
        "I understand that many fine needles make small channels in the skin, that redness like a mild sunburn, swelling, tenderness, pinpoint bleeding, dryness and flaking are expected, and that they usually settle within 3 days (up to 7 after deep sessions).",
        "I understand the rare complications: bruising, bleeding, changes in skin colour (darker or lighter patches), infection including cold sores, reactions to products, and scarring.",
        "I understand that results build over weeks to months, that they differ from person to person, and that a course usually needs 6 to 10 sessions.",
        "I have answered the screening questions truthfully and will tell the clinic before each session if anything has changed (new medicines, pregnancy, infection, sunburn).",
        "I will follow the aftercare advice I am given and call the clinic at once for spreading redness, warmth, pus or fever, painful blisters, bleeding that does not stop, or redness lasting more than 7 days.",
        "I may withdraw this consent at any time; the record of what was done stays in my file."
    ]

    static let photo: [String] = [
        "I agree that the clinic takes standard photographs of the treated areas at my visits to follow the result.",
        "Record only: the photographs stay in my clinical record and are seen only by the staff treating me.",
        "In-clinic display: the photographs may also be shown to other patients inside the clinic, without my name.",
        "Publication: the photographs may also be published (website, leaflets, scientific articles), without my name.",
        "I may withdraw or narrow this consent at any time; published material already printed cannot be recalled."
    ]
}

/// Signing consent in the treatment room: the text shown in full, the patient types their full name and confirms.
struct ConsentPages {
    let state: ServerState

    struct Content: Encodable {
        let patientId: String
        let patientName: String
        let treatmentText: [String]
        let treatmentVersion: String
        let photoText: [String]
        let photoVersion: String
        let kind: String
        let tier: String
        let signedByName: String
        let errors: FieldErrors
        let hasErrors: Bool
    }

    func register(_ routes: any RoutesBuilder) {
        routes.get("patients", ":patientId", "consents", "new", use: form)
        routes.post("patients", ":patientId", "consents", use: sign)
        routes.post("patients", ":patientId", "consents", ":consentId", "withdraw", use: withdraw)
    }

    /// Records from the chart that the patient withdrew a consent, on the day given; the store refuses a day after
    /// the clinic's today or before the signing, and audits the withdrawal.
    func withdraw(_ req: Request) async throws -> Response {
        let id = try PatientPages.patientID(req)
        let consentID = try req.recordID("consentId", or: PageError(.notFound, "No such consent", "The consent is not on this patient's chart."))
        let p = try await req.authorize(.update, .consent, patientID: id, state: state)
        let f = try FormFields(req)
        guard let day = LocalDate(iso: f["withdrawnOn"] ?? "") else {
            throw PageError(.badRequest, "Date of withdrawal missing", "Withdrawn on: enter the day the patient withdrew (YYYY-MM-DD).")
        }
        do {
            _ = try await state.scope(p.organizationID).consents.withdraw(consentID: consentID, patientID: id, on: day, req.access(p))
        } catch StoreError.invalid(let field, let problem) where field == "withdrawnOn" {
            throw PageError(.unprocessableEntity, "Withdrawal not recorded", "Withdrawn on: \(PageValues.sentence(problem))")
        } catch StoreError.notFound(_) {
            throw PageError(.notFound, "No such consent", "The consent is not on this patient's chart.")
        } catch StoreError.conflict(let why) {
            throw PageError(.conflict, "Withdrawal not recorded", PageValues.sentence(why))
        }
        return req.done("/patients/\(PageValues.id(id))", .consentWithdrawn, wrote: id, p, state: state)
    }

    func form(_ req: Request) async throws -> Response {
        let id = try PatientPages.patientID(req)
        let p = try await req.authorize(.create, .consent, patientID: id, state: state)
        guard let patient = try await state.scope(p.organizationID).patients.get(id, req.access(p)) else { throw PatientPages.notFound }
        return try await render(
            req, p, patient, kind: req.query[String.self, at: "kind"] == "photo" ? "photo" : "treatment", tier: "",
            name: "", errors: FieldErrors(), status: .ok)
    }

    func sign(_ req: Request) async throws -> Response {
        let id = try PatientPages.patientID(req)
        let p = try await req.authorize(.create, .consent, patientID: id, state: state)
        let scope = state.scope(p.organizationID)
        guard let patient = try await scope.patients.get(id, req.access(p)) else { throw PatientPages.notFound }
        let f = try FormFields(req)
        var errors = FieldErrors()
        let kindText = f["kind"] ?? ""
        let tierText = f["tier"] ?? ""
        let name = f["signedByName"] ?? ""
        var kind: ConsentKind?
        switch kindText {
        case "treatment": kind = .treatment
        case "photo":
            if let tier = PhotoConsentTier(rawValue: tierText) {
                kind = .photo(tier)
            } else {
                errors.add("tier", "Choose how far the photographs may travel: record only, in-clinic display or publication.")
            }
        default: errors.add("kind", "Choose treatment or photograph consent.")
        }
        if name.count < 3 || !name.contains(" ") { errors.add("signedByName", "Type the signer's full name (given and family name).") }
        if let problem = RecordInputRules.textProblem(name, max: RecordInputRules.consentSignerMaxLength) {
            errors.add("signedByName", PageValues.sentence(problem.description))
        }
        if f["confirmed"] != "yes" { errors.add("confirmed", "The signer must confirm they have read and agree to the text.") }
        guard errors.isEmpty, let kind else {
            return try await render(req, p, patient, kind: kindText, tier: tierText, name: name, errors: errors, status: .badRequest)
        }
        // The version of the text the form showed; the store refuses one the clinic does not have.
        let shown = try await texts(p)
        let version = f["textVersion-\(kindText)"] ?? (kindText == "photo" ? shown.photoVersion : shown.treatmentVersion)
        do {
            _ = try await scope.consents.sign(patientID: id, kind: kind, textVersion: version, signedByName: name, req.access(p))
        } catch StoreError.invalid(let field, let problem) where field == "textVersion" {
            errors.add("kind", "The consent text changed while the form was open (\(problem)); read the current text and sign again.")
            return try await render(req, p, patient, kind: kindText, tier: tierText, name: name, errors: errors, status: .unprocessableEntity)
        }
        return req.done("/patients/\(PageValues.id(id))", .consentSigned, wrote: id, p, state: state)
    }

    /// The texts the signing clinic asks patients to read: its current version of each kind, else Stratum's own.
    struct Shown {
        var treatment = ConsentTexts.treatment
        var treatmentVersion = ConsentTexts.treatmentVersion
        var photo = ConsentTexts.photo
        var photoVersion = ConsentTexts.photoVersion
    }

    private func texts(_ p: Principal) async throws -> Shown {
        var shown = Shown()
        let current = try await state.scope(p.organizationID).clinicSettings.currentConsentTexts(clinicID: p.clinicID)
        if let t = current[.treatment] {
            shown.treatment = ConsentTextRules.paragraphs(t.text)
            shown.treatmentVersion = t.version
        }
        if let t = current[.photo] {
            shown.photo = ConsentTextRules.paragraphs(t.text)
            shown.photoVersion = t.version
        }
        return shown
    }

    private func render(
        _ req: Request, _ p: Principal, _ patient: Patient, kind: String, tier: String, name: String, errors: FieldErrors,
        status: HTTPResponseStatus
    ) async throws -> Response {
        let shown = try await texts(p)
        return try await req.render(
            "consent", title: "Consent · \(patient.givenName) \(patient.familyName)", section: "patients",
            Content(
                patientId: PageValues.id(patient.id), patientName: "\(patient.givenName) \(patient.familyName)",
                treatmentText: shown.treatment, treatmentVersion: shown.treatmentVersion,
                photoText: shown.photo, photoVersion: shown.photoVersion, kind: kind, tier: tier,
                signedByName: name, errors: errors, hasErrors: !errors.isEmpty), status: status)
    }
}
