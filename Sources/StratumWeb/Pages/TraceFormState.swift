import Foundation
import StratumStore
import Vapor

/// A traceability form as posted, kept so a refused form comes back as typed with its error beside the field.
/// `form` names which of the page's forms it was, so only that one is refilled.
struct TraceFormState: Encodable {
    var form = ""
    var values: [String: String] = [:]
    var errors = FieldErrors()

    static let none = TraceFormState()

    enum CodingKeys: String, CodingKey { case form, values, errors, hasErrors }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(form, forKey: .form)
        try c.encode(values, forKey: .values)
        try c.encode(errors, forKey: .errors)
        try c.encode(!errors.isEmpty, forKey: .hasErrors)
    }

    init() {}

    init(form: String, _ f: FormFields, fields: [String]) {
        self.form = form
        for name in fields { values[name] = f.values[name]?.first ?? "" }
    }

    /// The store's refusal of one field, shown beside it; a conflict (a state change refused) on the form itself.
    mutating func add(_ e: StoreError, fieldNames: [String: String] = [:]) -> Bool {
        switch e {
        case .invalid(let field, let problem):
            errors.add(fieldNames[field] ?? field, PageValues.sentence(problem))
            return true
        case .conflict(let why):
            errors.add("form", why)
            return true
        case .notFound(let what):
            errors.add("form", "No such \(what).")
            return true
        default:
            return false
        }
    }
}

extension TraceFormState {
    /// Runs a traceability form's store change with the update permission; a refusal of the store (or of the lot
    /// reader shared with the API) comes back as the page re-rendered by `render`, the form as typed beside its error.
    static func submit(
        _ req: Request, state: ServerState, _ form: TraceFormState, fieldNames: [String: String] = [:],
        render: (TraceFormState, HTTPResponseStatus) async throws -> Response,
        _ body: (Principal, OrganizationScope) async throws -> Response
    ) async throws -> Response {
        let p = try await req.authorize(.update, .sterility, state: state)
        var form = form
        do {
            return try await body(p, state.scope(p.organizationID))
        } catch let e as StoreError {
            guard form.add(e, fieldNames: fieldNames) else { throw e }
            return try await render(form, .unprocessableEntity)
        } catch let problem as APIProblem where problem.status == .badRequest || problem.status == .unprocessableEntity {
            // The shared readers name the field (lotDraft, the device model's lengths): the form shows it beside it.
            for e in problem.errors { form.errors.add(e.path, PageValues.sentence(e.problem)) }
            return try await render(form, problem.status)
        }
    }
}
