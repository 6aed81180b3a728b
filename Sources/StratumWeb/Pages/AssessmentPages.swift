import Foundation
import StratumCore
import StratumStore
import Vapor

/// Recording an outcome score on a known scale (POLICY §1): the range and level meanings are on the form, and a
/// score outside the scale is refused with the allowed range.
struct AssessmentPages {
    let state: ServerState
    let today: @Sendable () -> LocalDate

    func register(_ routes: any RoutesBuilder) {
        routes.get("patients", ":patientId", "assessments", "new", use: newForm)
        routes.post("patients", ":patientId", "assessments", use: record)
    }

    struct Option: Encodable {
        let value: String
        let label: String
        let checked: Bool
    }

    struct ScaleHelp: Encodable {
        let name: String
        let range: String
        let direction: String
        let levels: [String]
        let hasLevels: Bool
    }

    struct Values: Encodable {
        var courseId = ""
        var scale = ""
        var score = ""
        var kind = "visit"
        var date = ""
        /// Item fields as typed, by form field name (`item-<scale>-<key>`).
        var items: [String: String] = [:]
    }

    /// The items of a composite scale on the form, with their ranges and definitions (EVIDENCE §6).
    struct ItemGroup: Encodable {
        struct Field: Encodable {
            let name: String
            let label: String
            let range: String
            let definition: String
            let value: String
            let error: String?
        }
        let scale: String
        let scaleName: String
        let fields: [Field]
        let rule: String
    }

    static func fieldName(_ scale: OutcomeScale, _ key: String) -> String { "item-\(scale.rawValue)-\(key)" }

    /// The form's name for a field the store names as the API does.
    static let formField = ["assessedOn": "date", "courseId": "courseId", "kind": "kind", "scale": "scale", "score": "score"]

    struct Content: Encodable {
        let patientId: String
        let patientName: String
        let values: Values
        let courses: [Option]
        let scales: [Option]
        let kinds: [Option]
        let help: [ScaleHelp]
        let itemGroups: [ItemGroup]
        /// Where Cancel leads: the course's progress when the score belongs to a course, else the chart.
        let back: String
        let errors: FieldErrors
        let hasErrors: Bool
    }

    func newForm(_ req: Request) async throws -> Response {
        let id = try PatientPages.patientID(req)
        let p = try await req.authorize(.create, .assessment, patientID: id, state: state)
        let scope = state.scope(p.organizationID)
        guard let patient = try await scope.patients.get(id, req.access(p)) else { throw PatientPages.notFound }
        var values = Values()
        values.date = today().description
        let courses = try await scope.courses.list(patientID: id, req.access(p))
        if let wanted = req.query[String.self, at: "course"], let c = courses.first(where: { PageValues.id($0.id) == wanted.lowercased() }) {
            values.courseId = PageValues.id(c.id)
            values.scale = OutcomeScale.primary(for: c.indications).rawValue
        } else if let c = courses.first(where: { $0.status == .active }) ?? courses.first {
            values.courseId = PageValues.id(c.id)
            values.scale = OutcomeScale.primary(for: c.indications).rawValue
        }
        return try await render(req, patient, courses, values: values, errors: FieldErrors(), status: .ok)
    }

    func record(_ req: Request) async throws -> Response {
        let id = try PatientPages.patientID(req)
        let p = try await req.authorize(.create, .assessment, patientID: id, state: state)
        let scope = state.scope(p.organizationID)
        guard let patient = try await scope.patients.get(id, req.access(p)) else { throw PatientPages.notFound }
        let courses = try await scope.courses.list(patientID: id, req.access(p))
        let f = try FormFields(req)
        var v = Values(courseId: f["courseId"] ?? "", scale: f["scale"] ?? "", score: f["score"] ?? "", kind: f["kind"] ?? "", date: f["date"] ?? "")
        for scale in OutcomeScale.allCases {
            for i in scale.items { if let typed = f[Self.fieldName(scale, i.key)] { v.items[Self.fieldName(scale, i.key)] = typed } }
        }
        var errors = FieldErrors()
        var courseID: UUID?
        if !v.courseId.isEmpty {
            courseID = courses.first { PageValues.id($0.id) == v.courseId.lowercased() }?.id
            if courseID == nil { errors.add("courseId", "Choose one of this patient's courses.") }
        }
        let scale = OutcomeScale(rawValue: v.scale)
        if scale == nil { errors.add("scale", "Choose the scale the score is on.") }
        let typedScore = v.score.isEmpty ? nil : PageValues.number(v.score)
        if !v.score.isEmpty && typedScore == nil { errors.add("score", "Enter the score as a number.") }
        var items: [String: Double]?
        var score: Double?
        if let scale {
            let typed = scale.items.compactMap { i in v.items[Self.fieldName(scale, i.key)].map { (i.key, $0) } }
            if !typed.isEmpty {
                var parsed: [String: Double] = [:]
                for (key, text) in typed {
                    if let n = PageValues.number(text) {
                        parsed[key] = n
                    } else {
                        errors.add(Self.fieldName(scale, key), "Enter \(key) as a number.")
                    }
                }
                items = parsed
            }
            if errors.byField["score"] == nil {
                do { score = try scale.score(entered: typedScore, items: items) } catch {
                    let field = error.item == "score" ? "score" : Self.fieldName(scale, error.item)
                    let label = scale.items.first { $0.key == error.item }?.label ?? "Score"
                    errors.add(field, "\(label): \(error.problem).")
                }
            }
        }
        let kind = AssessmentKind(rawValue: v.kind)
        if kind == nil { errors.add("kind", "Choose when in the course this assessment is.") }
        let date = LocalDate(iso: v.date)
        if date == nil { errors.add("date", "Enter the date assessed (YYYY-MM-DD).") }
        guard errors.isEmpty, let scale, let score, let kind, let date else {
            return try await render(req, patient, courses, values: v, errors: errors, status: .badRequest)
        }
        do {
            _ = try await scope.assessments.record(
                patientID: id, courseID: courseID, scale: scale.rawValue, score: items == nil ? score : nil,
                items: items, kind: kind,
                assessedOn: date, req.access(p))
        } catch let refusal as AssessmentRefusal {
            // The store's outcome-scale rules (OUT-GAIS-BASELINE, one baseline per scale) on the field they concern.
            errors.add(Self.formField[refusal.field] ?? refusal.field, refusal.problem.prefix(1).uppercased() + refusal.problem.dropFirst() + ".")
            return try await render(req, patient, courses, values: v, errors: errors, status: refusal.duplicate ? .conflict : .unprocessableEntity)
        } catch StoreError.invalid(let field, let problem) where Self.formField[field] != nil {
            // The store's refusal of a date after the clinic's today, on the form's date field.
            errors.add(Self.formField[field]!, PageValues.sentence(problem))
            return try await render(req, patient, courses, values: v, errors: errors, status: .unprocessableEntity)
        }
        let back = courseID.map { "/courses/\(PageValues.id($0))/progress" } ?? "/patients/\(PageValues.id(id))"
        return req.done(back, .assessmentSaved)
    }

    private func render(
        _ req: Request, _ patient: Patient, _ courses: [Course], values: Values, errors: FieldErrors,
        status: HTTPResponseStatus
    ) async throws -> Response {
        let content = Content(
            patientId: PageValues.id(patient.id), patientName: "\(patient.givenName) \(patient.familyName)", values: values,
            courses: courses.map {
                Option(
                    value: PageValues.id($0.id),
                    label: "\($0.indications.map(PageValues.indicationName).joined(separator: ", ")) (\($0.status.rawValue))",
                    checked: values.courseId.lowercased() == PageValues.id($0.id))
            },
            scales: OutcomeScale.allCases.map { Option(value: $0.rawValue, label: $0.name, checked: values.scale == $0.rawValue) },
            kinds: AssessmentKind.allCases.map {
                Option(value: $0.rawValue, label: $0.rawValue.replacingOccurrences(of: "-", with: " "), checked: values.kind == $0.rawValue)
            },
            help: OutcomeScale.allCases.map {
                ScaleHelp(
                    name: $0.name, range: "\(OutcomeScale.text($0.range.lowerBound))–\(OutcomeScale.text($0.range.upperBound))",
                    direction: $0.lowerIsBetter ? "lower is better" : "higher is better", levels: $0.levels,
                    hasLevels: !$0.levels.isEmpty)
            },
            itemGroups: OutcomeScale.allCases.filter { !$0.items.isEmpty }.map { scale in
                ItemGroup(
                    scale: scale.rawValue, scaleName: scale.name,
                    fields: scale.items.map { i in
                        let name = Self.fieldName(scale, i.key)
                        return .init(
                            name: name, label: i.label, range: "\(OutcomeScale.text(i.range.lowerBound))–\(OutcomeScale.text(i.range.upperBound))",
                            definition: i.definition, value: values.items[name] ?? "", error: errors.byField[name])
                    }, rule: scale == .mmasi ? "Total = Σ weight × area × darkness (forehead, each malar 0.3; chin 0.1)" : "Total = sum of the items")
            },
            back: courses.contains { PageValues.id($0.id) == values.courseId.lowercased() }
                ? "/courses/\(values.courseId.lowercased())/progress" : "/patients/\(PageValues.id(patient.id))",
            errors: errors, hasErrors: !errors.isEmpty)
        return try await req.render(
            "assessment-new", title: "Assessment · \(patient.givenName) \(patient.familyName)", section: "patients",
            content, status: status)
    }
}

extension PageValues {
    /// A planned assessment as the plan lists it: when, what is scored and the photo set ("2027-03-10 baseline: Glogau
    /// photoaging type, Fitzpatrick wrinkle class; standard photo set").
    static func plannedAssessment(_ a: PlannedAssessment) -> String {
        var what = a.scales.map(\.name)
        if a.photoSet { what.append("standard photo set") }
        return "\(a.date) \(a.kind.rawValue.replacingOccurrences(of: "-", with: " "))" + (what.isEmpty ? "" : ": " + what.joined(separator: "; "))
    }
}
