import Foundation
import StratumCore
import StratumStore
import Vapor

/// Patient search, registration, editing and the chart.
struct PatientPages {
    let state: ServerState
    let today: @Sendable () -> LocalDate

    func register(_ routes: any RoutesBuilder) {
        routes.get("patients", use: search)
        routes.get("patients", "new", use: newForm)
        routes.post("patients", use: create)
        routes.get("patients", ":patientId", use: chart)
        routes.get("patients", ":patientId", "edit", use: editForm)
        routes.post("patients", ":patientId", use: update)
        PatientMergePages(state: state).register(routes)
    }

    // MARK: Search

    struct Row: Encodable {
        let id: String
        let name: String
        let birthDate: String
        let fitzpatrick: Int
    }

    struct SearchContent: Encodable {
        let name: String
        let birthDate: String
        let searched: Bool
        let results: [Row]
        let hasResults: Bool
        let error: String?
    }

    func search(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.read, .patient, state: state)
        let name = (req.query[String.self, at: "name"] ?? "").trimmingCharacters(in: .whitespaces)
        let birth = (req.query[String.self, at: "birthDate"] ?? "").trimmingCharacters(in: .whitespaces)
        var error: String?
        var rows: [Row] = []
        let searched = !name.isEmpty || !birth.isEmpty
        if searched {
            let date = birth.isEmpty ? nil : LocalDate(iso: birth)
            if !birth.isEmpty, date == nil {
                error = "Birth date: \"\(birth.prefix(40))\" is not a date (YYYY-MM-DD)."
            } else {
                do {
                    rows = try await state.scope(p.organizationID).patients.search(name: name.isEmpty ? nil : name, birthDate: date, req.access(p))
                        .map {
                            Row(
                                id: PageValues.id($0.id), name: "\($0.familyName), \($0.givenName)", birthDate: $0.birthDate.description,
                                fitzpatrick: $0.fitzpatrick)
                        }
                } catch StoreError.invalid(let field, let problem) where field == "name" {
                    error = "Name: \(problem)."
                }
            }
        }
        return try await req.render(
            "patients", title: "Patients", section: "patients",
            SearchContent(
                name: name, birthDate: birth, searched: searched, results: rows, hasResults: !rows.isEmpty, error: error),
            status: error == nil ? .ok : .badRequest)
    }

    // MARK: Create and edit

    struct FormValues: Encodable {
        var givenName = ""
        var familyName = ""
        var birthDate = ""
        var sex = "unknown"
        var fitzpatrick = ""
        var phone = ""
        var email = ""
    }

    struct FormContent: Encodable {
        let action: String
        let heading: String
        let values: FormValues
        let errors: FieldErrors
        let hasErrors: Bool
        let cancel: String
        /// Registered patients who may be this person: shown before creation, with the confirmation it needs.
        let candidates: [Candidate]
        let hasCandidates: Bool
    }

    /// A possible duplicate as the desk sees it: enough to tell two people apart, and a link to the chart.
    struct Candidate: Encodable {
        let id: String
        let name: String
        let birthDate: String
        let clinic: String
        let matchedOn: String

        init(_ c: PatientCandidate) {
            id = PageValues.id(c.id)
            name = "\(c.familyName), \(c.givenName)"
            birthDate = c.birthDate.description
            clinic = c.clinicName
            matchedOn = c.matches.map {
                switch $0 {
                case .nameAndBirthDate: "same family name and birth date"
                case .phone: "same phone"
                case .email: "same email"
                }
            }.joined(separator: ", ")
        }
    }

    func newForm(_ req: Request) async throws -> Response {
        _ = try await req.authorize(.create, .patient, state: state)
        return try await form(req, action: "/patients", heading: "New patient", values: FormValues(), errors: FieldErrors(), cancel: "/patients")
    }

    func create(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.create, .patient, state: state)
        let fields = try FormFields(req)
        let (values, draft, errors) = Self.read(fields, clinicID: p.clinicID)
        guard let draft else {
            return try await form(
                req, action: "/patients", heading: "New patient", values: values, errors: errors, cancel: "/patients", status: .badRequest)
        }
        let patient: Patient
        do {
            patient = try await state.scope(p.organizationID).patients.create(
                draft, confirmDuplicate: fields["confirmDuplicate"] == "yes", req.access(p))
        } catch let duplicates as PossibleDuplicates {
            return try await form(
                req, action: "/patients", heading: "New patient", values: values, errors: FieldErrors(), cancel: "/patients",
                candidates: duplicates.candidates.map(Candidate.init), status: .conflict)
        } catch StoreError.invalid(let field, let problem) where field == "birthDate" {
            var errors = errors
            errors.add(field, PageValues.sentence(problem))
            return try await form(
                req, action: "/patients", heading: "New patient", values: values, errors: errors, cancel: "/patients",
                status: .unprocessableEntity)
        }
        return req.done("/patients/\(PageValues.id(patient.id))", .patientSaved)
    }

    func editForm(_ req: Request) async throws -> Response {
        let id = try Self.patientID(req)
        let p = try await req.authorize(.update, .patient, patientID: id, state: state)
        guard let patient = try await state.scope(p.organizationID).patients.get(id, req.access(p)) else { throw Self.notFound }
        let values = FormValues(
            givenName: patient.givenName, familyName: patient.familyName, birthDate: patient.birthDate.description,
            sex: patient.sex.rawValue, fitzpatrick: String(patient.fitzpatrick), phone: patient.phone ?? "",
            email: patient.email ?? "")
        return try await form(
            req, action: "/patients/\(PageValues.id(id))", heading: "Edit \(patient.givenName) \(patient.familyName)",
            values: values, errors: FieldErrors(), cancel: "/patients/\(PageValues.id(id))")
    }

    func update(_ req: Request) async throws -> Response {
        let id = try Self.patientID(req)
        let p = try await req.authorize(.update, .patient, patientID: id, state: state)
        let scope = state.scope(p.organizationID)
        guard let existing = try await scope.patients.get(id, req.access(p)) else { throw Self.notFound }
        let (values, draft, errors) = Self.read(try FormFields(req), clinicID: existing.clinicID)
        guard let draft else {
            return try await form(
                req, action: "/patients/\(PageValues.id(id))", heading: "Edit \(existing.givenName) \(existing.familyName)",
                values: values, errors: errors, cancel: "/patients/\(PageValues.id(id))", status: .badRequest)
        }
        do {
            _ = try await scope.patients.update(id, draft, req.access(p))
        } catch StoreError.invalid(let field, let problem) where field == "birthDate" {
            // The store's birth-date range (120 years ago to today), on the field.
            var errors = errors
            errors.add(field, PageValues.sentence(problem))
            return try await form(
                req, action: "/patients/\(PageValues.id(id))", heading: "Edit \(existing.givenName) \(existing.familyName)",
                values: values, errors: errors, cancel: "/patients/\(PageValues.id(id))", status: .unprocessableEntity)
        }
        return req.done("/patients/\(PageValues.id(id))", .patientSaved)
    }

    private func form(
        _ req: Request, action: String, heading: String, values: FormValues, errors: FieldErrors, cancel: String,
        candidates: [Candidate] = [], status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        try await req.render(
            "patient-form", title: heading, section: "patients",
            FormContent(
                action: action, heading: heading, values: values, errors: errors, hasErrors: !errors.isEmpty, cancel: cancel,
                candidates: candidates, hasCandidates: !candidates.isEmpty),
            status: status)
    }

    /// How the registration form words a refusal of the core's identity rules.
    static func wording(_ field: String, _ problem: PatientInputRules.Problem) -> String {
        switch problem {
        case .missing: field == "givenName" ? "Enter the given name." : "Enter the family name."
        case .tooLong(let max): "At most \(max) characters."
        case .outOfRange: "Choose a Fitzpatrick phototype from I to VI."
        case .notAnEmail: "Enter an email address like name@example.com."
        case .notAPhoneNumber: "Enter a phone number: digits, spaces and + ( ) - . only."
        case .notADate: "Enter a date as year-month-day."
        case .controlCharacter: "Remove the invisible control character (\(problem))."
        }
    }

    /// The form's values as typed (to show again) and the draft when every field is valid.
    static func read(_ f: FormFields, clinicID: UUID) -> (FormValues, PatientDraft?, FieldErrors) {
        let values = FormValues(
            givenName: f["givenName"] ?? "", familyName: f["familyName"] ?? "", birthDate: f["birthDate"] ?? "",
            sex: f["sex"] ?? "unknown", fitzpatrick: f["fitzpatrick"] ?? "", phone: f["phone"] ?? "", email: f["email"] ?? "")
        var errors = FieldErrors()
        let birth = LocalDate(iso: values.birthDate)
        let sex = Sex(rawValue: values.sex)
        let fitz = Int(values.fitzpatrick)
        // The limits are the core's (PatientInputRules), the same the API's door applies; only the wording is the form's.
        for (field, problem) in PatientInputRules.problems(
            givenName: values.givenName, familyName: values.familyName,
            fitzpatrick: fitz ?? 0, phone: values.phone, email: values.email)
        {
            errors.add(field, Self.wording(field, problem))
        }
        if birth == nil { errors.add("birthDate", "Enter the birth date as YYYY-MM-DD.") }
        if sex == nil { errors.add("sex", "Choose one of female, male, other or unknown.") }
        guard errors.isEmpty, let birth, let sex, let fitz else { return (values, nil, errors) }
        return (
            values,
            PatientDraft(
                clinicID: clinicID, givenName: values.givenName, familyName: values.familyName, birthDate: birth,
                sex: sex, fitzpatrick: fitz, phone: values.phone.isEmpty ? nil : values.phone,
                email: values.email.isEmpty ? nil : values.email), errors
        )
    }

    static let notFound = PageError(.notFound, "No such patient", "The patient does not exist in your organization.")

    static func patientID(_ req: Request) throws -> UUID {
        try req.recordID("patientId", or: notFound)
    }

    // MARK: Chart

    func chart(_ req: Request) async throws -> Response {
        let id = try Self.patientID(req)
        let user = try req.user()
        let role = user.principal.role
        // A chart merged into another answers as the surviving chart.
        if let current = try await state.scope(user.principal.organizationID).patients.currentID(id), current != id {
            return req.redirect(to: "/patients/\(PageValues.id(current))")
        }
        if !Permissions.allows(role, .read, .chart) {
            // The front desk sees who the patient is and the consents, not the clinical record.
            let p = try await req.authorize(.read, .patient, patientID: id, state: state)
            let scope = state.scope(p.organizationID)
            guard let patient = try await scope.patients.get(id, req.access(p)) else { throw Self.notFound }
            let consents = Permissions.allows(role, .read, .consent) ? try await scope.consents.list(patientID: id, req.access(p)) : []
            let view = ChartView(
                patient: patient, screenings: [], consents: consents, courses: [], sessions: [], events: [], assessments: [],
                today: today(), role: role, clinical: false)
            return try await req.render("chart", title: "\(patient.givenName) \(patient.familyName)", section: "patients", view)
        }
        let p = try await req.authorize(.read, .chart, patientID: id, state: state)
        guard let c = try await state.scope(p.organizationID).charts.chart(patientID: id, req.access(p)) else { throw Self.notFound }
        var view = ChartView(
            patient: c.patient, screenings: c.screenings, consents: c.consents, courses: c.courses, sessions: c.sessions,
            events: c.adverseEvents, assessments: c.assessments, today: today(), role: role, clinical: true)
        view.homeScreening = try await HomeScreeningPages.awaiting(req, p, patientID: id, state: state)
        return try await req.render("chart", title: "\(c.patient.givenName) \(c.patient.familyName)", section: "patients", view)
    }
}
