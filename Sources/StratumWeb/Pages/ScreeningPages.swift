import Foundation
import StratumCore
import StratumStore
import Vapor

/// The screening questionnaire (POLICY §3): every question in plain words, grouped, pre-filled from the latest
/// version; saving records a new version and shows its findings with severity, rule ID and evidence.
struct ScreeningPages {
    let state: ServerState
    let today: @Sendable () -> LocalDate

    /// Questions grouped as a practitioner asks them; every `ScreeningKey` appears exactly once (a test checks it).
    static let groups: [(title: String, keys: [ScreeningKey])] = [
        (
            "The skin of the areas to be treated",
            [
                .activeInfectionInArea, .openWoundInArea, .skinCancerOrChangingLesionInArea,
                .activeAcneInArea, .sunburnInArea, .recentTanning, .retinoidOrAcidLast2Days
            ]
        ),
        ("Medicines", [.isotretinoinCurrent, .isotretinoinLastDose, .anticoagulants, .immunosuppressed]),
        (
            "Health",
            [
                .pregnantOrBreastfeeding, .bleedingDisorder, .poorlyControlledDiabetes, .autoimmuneSkinDisease,
                .keloidHistory, .herpesHistory
            ]
        ),
        ("Allergies", [.stainlessSteelAllergy, .anaestheticAllergy, .metalAllergy, .topicalAllergy]),
        ("Earlier treatment of the areas", [.radiotherapyToArea, .surgeryOrTraumaInArea, .deepPeelOrDermabrasion])
    ]

    struct Question: Encodable {
        let key: String
        let text: String
        let rule: String
        let isDate: Bool
        /// "yes", "no", "never", "date" or "" (unanswered).
        let answer: String
        let date: String
        let error: String?
    }

    struct Group: Encodable {
        let title: String
        let questions: [Question]
    }

    struct Content: Encodable {
        let patientId: String
        let patientName: String
        let answeredOn: String
        let groups: [Group]
        let latest: Latest?
        let errors: FieldErrors
        let hasErrors: Bool
        /// Answers the patient gave at home, awaiting review here (`HomeScreeningPages`).
        let home: HomeAwaiting?
    }

    struct HomeAwaiting: Encodable {
        let id: String
        let answeredOn: String
        let rules: [String]
        let hasRules: Bool
        let blocking: Bool
    }

    struct Latest: Encodable {
        let version: Int
        let answeredOn: String
        let findings: [PageValues.FindingView]
        let hasFindings: Bool
        let blocking: Bool
        let unanswered: Int
    }

    func register(_ routes: any RoutesBuilder) {
        routes.get("patients", ":patientId", "screening", use: form)
        routes.post("patients", ":patientId", "screening", use: save)
    }

    func form(_ req: Request) async throws -> Response {
        let id = try PatientPages.patientID(req)
        let p = try await req.authorize(.create, .screening, patientID: id, state: state)
        let scope = state.scope(p.organizationID)
        guard let patient = try await scope.patients.get(id, req.access(p)) else { throw PatientPages.notFound }
        let latest = try await scope.screenings.latest(patientID: id, req.access(p))
        var typed: [String: (String, String)] = [:]
        for (key, answer) in latest?.answers ?? [:] {
            switch answer {
            case .yesNo(let v): typed[key.rawValue] = (v ? "yes" : "no", "")
            case .lastDate(nil): typed[key.rawValue] = ("never", "")
            case .lastDate(let d?): typed[key.rawValue] = ("date", d.description)
            }
        }
        return try await render(
            req, patient: patient, answeredOn: today().description, typed: typed, latest: latest,
            errors: FieldErrors(), status: .ok)
    }

    func save(_ req: Request) async throws -> Response {
        let id = try PatientPages.patientID(req)
        let p = try await req.authorize(.create, .screening, patientID: id, state: state)
        let scope = state.scope(p.organizationID)
        guard let patient = try await scope.patients.get(id, req.access(p)) else { throw PatientPages.notFound }
        let f = try FormFields(req)
        var errors = FieldErrors()
        var typed: [String: (String, String)] = [:]
        var answers: [ScreeningKey: ScreeningAnswer] = [:]
        let answeredOn = LocalDate(iso: f["answeredOn"] ?? "")
        if answeredOn == nil { errors.add("answeredOn", "Enter the date the questions were answered (YYYY-MM-DD).") }
        for key in ScreeningKey.allCases {
            let choice = f[key.rawValue] ?? ""
            let dateText = f[key.rawValue + "-date"] ?? ""
            typed[key.rawValue] = (choice, dateText)
            switch (key.isDate, choice) {
            case (false, "yes"): answers[key] = .yesNo(true)
            case (false, "no"): answers[key] = .yesNo(false)
            case (true, "never"): answers[key] = .lastDate(nil)
            case (true, "date"):
                guard let d = LocalDate(iso: dateText) else {
                    errors.add(key.rawValue, "Enter when it last happened (YYYY-MM-DD), or choose “never”.")
                    continue
                }
                if let answeredOn, d > answeredOn { errors.add(key.rawValue, "The date cannot be after the screening date.") }
                answers[key] = .lastDate(d)
            case (_, ""): break  // Unanswered is allowed: SCR-INCOMPLETE names it, and a session refuses it.
            default: errors.add(key.rawValue, key.isDate ? "Choose “never” or give a date." : "Choose yes or no.")
            }
        }
        guard errors.isEmpty, let answeredOn else {
            let latest = try await scope.screenings.latest(patientID: id, req.access(p))
            return try await render(
                req, patient: patient, answeredOn: f["answeredOn"] ?? "", typed: typed, latest: latest,
                errors: errors, status: .badRequest)
        }
        do {
            _ = try await scope.screenings.record(patientID: id, response: ScreeningResponse(answeredOn: answeredOn, answers: answers), req.access(p))
        } catch StoreError.invalid(let field, let problem) where field == "answeredOn" {
            // The store refuses a screening dated after the clinic's today; shown on the date field.
            errors.add(field, PageValues.sentence(problem))
            let latest = try await scope.screenings.latest(patientID: id, req.access(p))
            return try await render(
                req, patient: patient, answeredOn: f["answeredOn"] ?? "", typed: typed, latest: latest,
                errors: errors, status: .unprocessableEntity)
        }
        return req.done("/patients/\(PageValues.id(id))/screening", .screeningSaved, wrote: id, p, state: state)
    }

    private func render(
        _ req: Request, patient: Patient, answeredOn: String, typed: [String: (String, String)],
        latest: ScreeningRecord?, errors: FieldErrors, status: HTTPResponseStatus
    ) async throws -> Response {
        let groups = Self.groups.map { g in
            Group(
                title: g.title,
                questions: g.keys.map { k in
                    // The form offers "Never" as its own choice, so the CLI's "(leave empty if never)" does not apply here.
                    Question(
                        key: k.rawValue, text: k.question.replacingOccurrences(of: " (leave empty if never)", with: ""), rule: k.rule.rawValue,
                        isDate: k.isDate, answer: typed[k.rawValue]?.0 ?? "",
                        date: typed[k.rawValue]?.1 ?? "", error: errors.byField[k.rawValue])
                })
        }
        let latestView = latest.map { l in
            Latest(
                version: l.version, answeredOn: l.answeredOn.description, findings: PageValues.findings(l.findings),
                hasFindings: !l.findings.isEmpty, blocking: l.findings.contains { $0.severity == .stop },
                unanswered: ScreeningKey.allCases.count - l.answers.count)
        }
        let p = try req.user().principal
        let home = try await state.scope(p.organizationID).homeScreenings.awaiting(patientID: patient.id, req.access(p)).map { h in
            HomeAwaiting(
                id: PageValues.id(h.id), answeredOn: h.answeredOn.description,
                rules: h.findings.filter { $0.severity >= .caution }.map(\.rule.rawValue),
                hasRules: h.findings.contains { $0.severity >= .caution }, blocking: h.findings.contains { $0.severity == .stop })
        }
        return try await req.render(
            "screening", title: "Screening · \(patient.givenName) \(patient.familyName)", section: "patients",
            Content(
                patientId: PageValues.id(patient.id), patientName: "\(patient.givenName) \(patient.familyName)",
                answeredOn: answeredOn, groups: groups, latest: latestView, errors: errors, hasErrors: !errors.isEmpty,
                home: home),
            status: status)
    }
}
