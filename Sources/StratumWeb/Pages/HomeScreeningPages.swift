import Foundation
import StratumCore
import StratumStore
import Vapor

/// The room's review of a screening the patient answered at home (decision 0019): the patient's answers, what they
/// raise, and the questionnaire pre-filled with them to go through with the patient, correct, and confirm. Only the
/// confirmed version counts for a plan or a session.
struct HomeScreeningPages {
    let state: ServerState
    let today: @Sendable () -> LocalDate

    func register(_ routes: any RoutesBuilder) {
        routes.get("patients", ":patientId", "screening", "home", ":homeScreeningId", use: form)
        routes.post("patients", ":patientId", "screening", "home", ":homeScreeningId", use: confirm)
    }

    /// A home screening awaiting review, as another page mentions it: the session form, whose check ignores it.
    struct Awaiting: Encodable {
        let answeredOn: String
        let reviewPath: String?
    }

    /// The patient's home screening awaiting review, for a role that reads screenings; the review link for one that
    /// may confirm it.
    static func awaiting(_ req: Request, _ p: Principal, patientID: UUID, state: ServerState) async throws -> Awaiting? {
        guard Permissions.allows(p.role, .read, .screening),
            let home = try await state.scope(p.organizationID).homeScreenings.awaiting(patientID: patientID, req.access(p))
        else { return nil }
        return Awaiting(
            answeredOn: home.answeredOn.description,
            reviewPath: Permissions.allows(p.role, .create, .screening)
                ? "/patients/\(PageValues.id(patientID))/screening/home/\(PageValues.id(home.id))" : nil)
    }

    static let notFound = PageError(.notFound, "No such screening", "No screening answered at home by this patient has that id.")

    struct Content: Encodable {
        let patientId: String
        let patientName: String
        let homeId: String
        let answeredOn: String
        let awaiting: Bool
        let status: String
        let findings: [PageValues.FindingView]
        let hasFindings: Bool
        let blocking: Bool
        let groups: [ScreeningAnswersForm.Group]
        let errors: FieldErrors
        let hasErrors: Bool
    }

    func form(_ req: Request) async throws -> Response {
        let id = try PatientPages.patientID(req)
        let homeID = try req.recordID("homeScreeningId", or: Self.notFound)
        let p = try await req.authorize(.create, .screening, patientID: id, state: state)
        let scope = state.scope(p.organizationID)
        guard let patient = try await scope.patients.get(id, req.access(p)),
            let home = try await scope.homeScreenings.get(homeID, patientID: id, req.access(p))
        else { throw Self.notFound }
        return try await render(req, patient, home, form: ScreeningAnswersForm(home.answers), errors: FieldErrors(), status: .ok)
    }

    func confirm(_ req: Request) async throws -> Response {
        let id = try PatientPages.patientID(req)
        let homeID = try req.recordID("homeScreeningId", or: Self.notFound)
        let p = try await req.authorize(.create, .screening, patientID: id, state: state)
        let scope = state.scope(p.organizationID)
        guard let patient = try await scope.patients.get(id, req.access(p)),
            let home = try await scope.homeScreenings.get(homeID, patientID: id, req.access(p))
        else { throw Self.notFound }
        let f = try FormFields(req)
        let day = today()
        var (form, answers, errors) = ScreeningAnswersForm.read(f, answeredOn: day) { key, problem in
            switch problem {
            case .unanswered: "Not answered: ask the patient and record the answer."
            case .wrongKind: key.isDate ? "Choose “never” or give a date." : "Choose yes or no."
            case .afterAnswering: "The date cannot be after today."
            }
        }
        if errors.isEmpty {
            do {
                _ = try await scope.homeScreenings.confirm(
                    homeScreeningID: homeID, patientID: id, response: ScreeningResponse(answeredOn: day, answers: answers), req.access(p))
                return req.done("/patients/\(PageValues.id(id))/screening", .screeningSaved, wrote: id, p, state: state)
            } catch StoreError.invalid(let field, let problem) {
                errors.add(field, PageValues.sentence(problem))
            } catch StoreError.conflict(let why) {
                errors.add("review", PageValues.sentence(why))
            } catch StoreError.notFound(_) {
                throw Self.notFound
            }
        }
        return try await render(req, patient, home, form: form, errors: errors, status: .unprocessableEntity)
    }

    private func render(
        _ req: Request, _ patient: Patient, _ home: HomeScreening, form: ScreeningAnswersForm, errors: FieldErrors, status: HTTPResponseStatus
    ) async throws -> Response {
        let status_ = home.status
        return try await req.render(
            "screening-review", title: "Review screening · \(patient.givenName) \(patient.familyName)", section: "patients",
            Content(
                patientId: PageValues.id(patient.id), patientName: "\(patient.givenName) \(patient.familyName)",
                homeId: PageValues.id(home.id), answeredOn: home.answeredOn.description, awaiting: status_ == .awaitingReview,
                status: status_ == .confirmed ? "confirmed" : status_ == .superseded ? "replaced by the patient's newer answers" : "awaiting review",
                findings: PageValues.findings(home.findings), hasFindings: !home.findings.isEmpty,
                blocking: home.findings.contains { $0.severity == .stop }, groups: form.groups(errors), errors: errors,
                hasErrors: !errors.isEmpty),
            status: status)
    }
}
