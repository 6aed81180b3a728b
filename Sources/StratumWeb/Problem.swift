import Foundation
import OpenAPIRuntime
import StratumCore
import StratumStore
import Vapor

/// An RFC 9457 problem: the HTTP answer to a client's mistake or a clinical refusal. The one place that maps
/// core findings and store errors to HTTP.
public struct APIProblem: Error, Sendable {
    public let status: HTTPResponseStatus
    public let title: String
    public let detail: String?
    public let errors: [(path: String, problem: String)]
    public let rules: [String]
    /// Every finding of a clinical refusal, so the client can show them all at once.
    public let findings: [Finding]
    /// Members a problem type adds to the document (`candidates` of a possible duplicate patient).
    public let extensions: [(String, JSONValue)]

    public init(
        _ status: HTTPResponseStatus, _ title: String, detail: String? = nil,
        errors: [(path: String, problem: String)] = [], rules: [String] = [], findings: [Finding] = [],
        extensions: [(String, JSONValue)] = []
    ) {
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = errors
        self.rules = rules
        self.findings = findings
        self.extensions = extensions
    }

    static let unauthenticated = APIProblem(
        .unauthorized, "Authentication required",
        detail: "Send a valid bearer token (POST /api/v1/auth/tokens issues one).")
    static func forbidden(_ action: Action, _ resource: Resource, _ role: Role) -> APIProblem {
        APIProblem(.forbidden, "Not permitted", detail: "The \(role.rawValue) role may not \(action.rawValue) \(resource.rawValue) records.")
    }
    static func notFound(_ what: String) -> APIProblem { APIProblem(.notFound, "Not found", detail: "No such \(what).") }
    static func badInput(_ e: DocumentError) -> APIProblem {
        APIProblem(.badRequest, "Bad input", detail: e.description, errors: [(e.path, e.problem)])
    }
    static func badField(_ path: String, _ problem: String) -> APIProblem {
        APIProblem(.badRequest, "Bad input", detail: "\(path): \(problem)", errors: [(path, problem)])
    }
    /// A request of the right shape whose members do not fit together, or name a record that is not here: 422, the
    /// status of a refusal for what a request means rather than how it is written.
    static func notAccepted(_ path: String, _ problem: String) -> APIProblem {
        APIProblem(.unprocessableEntity, "Not accepted", detail: "\(path): \(problem)", errors: [(path, problem)])
    }

    /// The problem document.
    var json: JSONValue {
        var m: [(String, JSONValue)] = [
            ("type", .string("about:blank")),
            ("title", .string(title)),
            ("status", .number(Double(status.code)))
        ]
        if let detail { m.append(("detail", .string(detail))) }
        if !errors.isEmpty {
            m.append(("errors", .array(errors.map { .object([("path", .string($0.path)), ("problem", .string($0.problem))]) })))
        }
        if !rules.isEmpty { m.append(("rules", .array(rules.map { .string($0) }))) }
        if !findings.isEmpty { m.append(("findings", .array(findings.map(ResultWriter.finding)))) }
        m.append(contentsOf: extensions)
        return .object(m)
    }

    func response() -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "application", subType: "problem+json")
        return Response(status: status, headers: headers, body: .init(string: JSONWriter.write(json, pretty: false)))
    }
}

extension APIProblem {
    /// Maps any error to a problem, never leaking internals or patient data for a server fault.
    static func from(_ error: any Error) -> APIProblem {
        switch error {
        case let p as APIProblem: return p
        case let e as DocumentError: return .badInput(e)
        case let r as ClinicalRefusal:
            return APIProblem(
                .unprocessableEntity, r.hasStop ? "Refused by the clinical policy" : "Cautions need a practitioner's acknowledgement",
                detail: r.hasStop
                    ? "A stop finding cannot be overridden; resolve its cause first."
                    : "Acknowledge each caution with a reason (acknowledgements: [{rule, zone, reason}]).",
                rules: r.blocking.map(\.rule.rawValue).reduce(into: []) { if !$0.contains($1) { $0.append($1) } },
                findings: r.findings)
        case let r as AssessmentRefusal:
            // A second baseline repeats what the record holds (409); a rule's refusal names the rule (422).
            if let finding = r.finding {
                return APIProblem(
                    .unprocessableEntity, "Refused by the clinical policy", detail: r.description, errors: [(r.field, r.problem)],
                    rules: [finding.rule.rawValue], findings: [finding])
            }
            return APIProblem(
                r.duplicate ? .conflict : .unprocessableEntity, r.duplicate ? "Conflict" : "Not accepted", detail: r.description,
                errors: [(r.field, r.problem)])
        case let e as PossibleDuplicates: return .duplicates(e)
        case let r as OverrideRefusals:
            // A clinic's policy may only narrow the shipped one: every widening member with the core's reason.
            return APIProblem(
                .unprocessableEntity, "Not accepted: a clinic may only narrow the policy",
                detail: r.refusals.map(\.description).joined(separator: "; "), errors: r.refusals.map { ($0.path, $0.reason) })
        case let e as StoreError:
            switch e {
            case .notFound(let what): return .notFound(what)
            case .conflict(let why): return APIProblem(.conflict, "Conflict", detail: why)
            case .state(let c): return .state(c)
            case .invalid(let field, let problem):
                return APIProblem(.unprocessableEntity, "Not accepted", detail: "\(field): \(problem)", errors: [(field, problem)])
            case .consent(let why): return APIProblem(.forbidden, "Not covered by the patient's consent", detail: why, errors: [("consent", why)])
            default: return APIProblem(.internalServerError, "Server error")
            }
        case let e as DecodingError: return decoding(e)
        case let abort as any AbortError:
            if abort.status == .payloadTooLarge {
                return APIProblem(.payloadTooLarge, "Request body too large", detail: "The body is larger than the server accepts.")
            }
            return APIProblem(abort.status, abort.status.reasonPhrase, detail: abort.status.code < 500 ? abort.reason : nil)
        case let e as any HTTPResponseConvertible where e.httpStatus.code < 500:
            // The OpenAPI runtime's own refusals of a request's shape (content type, a missing query parameter).
            let status = HTTPResponseStatus(statusCode: e.httpStatus.code)
            return APIProblem(status, status.reasonPhrase, detail: String(String(describing: e).prefix(300)))
        default:
            return APIProblem(.internalServerError, "Server error")
        }
    }

    /// 409 naming the record's state in `conflict` (`RecordConflict.kind`), so a client branches without reading text.
    static func state(_ c: RecordConflict) -> APIProblem {
        let title: String
        switch c {
        case .courseNotActive: title = "Course not active"
        case .courseNotProposed: title = "Course not proposed"
        case .sessionSigned: title = "Session signed"
        case .sessionNotSigned: title = "Session not signed"
        case .lastOwner: title = "Last owner"
        case .doubleBooked: title = "Double-booked"
        case .appointmentNotBooked: title = "Appointment not booked"
        case .appointmentNotStarted: title = "Appointment not started"
        case .notAppointmentDay: title = "Not the appointment's day"
        case .checkedIn: title = "Checked in"
        }
        return APIProblem(.conflict, title, detail: c.description, extensions: [("conflict", .string(c.kind))])
    }

    /// 409 with the candidates (`DuplicatePatientProblem`): who they are and where, nothing of their records.
    static func duplicates(_ e: PossibleDuplicates) -> APIProblem {
        let candidates: [JSONValue] = e.candidates.map { c in
            .object([
                ("id", .string(c.id.uuidString.lowercased())), ("givenName", .string(c.givenName)),
                ("familyName", .string(c.familyName)), ("birthDate", .string(c.birthDate.description)),
                ("clinicId", .string(c.clinicID.uuidString.lowercased())), ("clinicName", .string(c.clinicName)),
                ("matchedOn", .array(c.matches.map { .string($0.rawValue) }))
            ])
        }
        return APIProblem(
            .conflict, "Possible duplicate patient",
            detail: "\(e.candidates.count) registered patient(s) may be this person; nothing was written. "
                + "Send confirmDuplicate: true if this is a different person.",
            errors: [("confirmDuplicate", "required to register a possible duplicate")],
            extensions: [("candidates", .array(candidates))])
    }

    static func decoding(_ e: DecodingError) -> APIProblem {
        func path(_ ctx: DecodingError.Context, _ last: (any CodingKey)? = nil) -> String {
            var keys = ctx.codingPath
            if let last { keys.append(last) }
            var out = ""
            for k in keys {
                if let i = k.intValue { out += "[\(i)]" } else { out += out.isEmpty ? k.stringValue : ".\(k.stringValue)" }
            }
            return out.isEmpty ? "(body)" : out
        }
        switch e {
        case .keyNotFound(let key, let ctx): return .badField(path(ctx, key), "required field is missing")
        case .typeMismatch(let type, let ctx): return .badField(path(ctx), "expected \(describe(type))")
        case .valueNotFound(let type, let ctx): return .badField(path(ctx), "expected \(describe(type)), got null")
        case .dataCorrupted(let ctx):
            let why = ctx.debugDescription.isEmpty ? "malformed value" : ctx.debugDescription
            return .badField(path(ctx), why.count > 200 ? String(why.prefix(200)) : why)
        @unknown default: return APIProblem(.badRequest, "Bad input")
        }
    }

    static func describe(_ type: Any.Type) -> String {
        let name = String(describing: type)
        if name.contains("Int") { return "a whole number" }
        if name.contains("Double") || name.contains("Float") { return "a number" }
        if name.contains("Bool") { return "true or false" }
        if name.contains("String") { return "a string" }
        if name.contains("Array") { return "an array" }
        return "an object"
    }
}
