import Foundation
import StratumCore
import StratumStore
import Vapor

/// A patient's reported warning sign and its adverse-event draft: the practitioner confirms it (an adverse event, which
/// holds back the next session by `REACTION-UNRESOLVED`) with the type and grade they judge, or dismisses it with a
/// reason. Either closes the report on Today.
struct CheckInFlagPages {
    let state: ServerState

    func register(_ routes: any RoutesBuilder) {
        routes.get("patient-reports", ":flagId", use: show)
        routes.get("patient-reports", ":flagId", "photo", use: photo)
        routes.post("patient-reports", ":flagId", "confirm", use: confirm)
        routes.post("patient-reports", ":flagId", "dismiss", use: dismiss)
    }

    static let notFound = PageError(.notFound, "No such report", "The report does not exist in your organization.")

    private func store(_ p: Principal) -> CheckInFlagStore { CheckInFlagStore(scope: state.scope(p.organizationID), vault: state.photoVault) }

    struct Option: Encodable {
        let value: String
        let label: String
        let checked: Bool
    }

    struct Content: Encodable {
        let id: String
        let patientId: String
        let patientName: String
        let sessionDate: String
        let day: Int
        let reportedOn: String
        let redness: String
        let swelling: String
        let pain: Int
        let signs: [String]
        let hasPhoto: Bool
        let open: Bool
        let status: String
        let dismissReason: String
        let adverseEventId: String
        let types: [Option]
        let grades: [AdverseEventPages.GradeOption]
        let notes: String
        let reason: String
        let canDecide: Bool
        let errors: FieldErrors
        let hasErrors: Bool
    }

    struct Typed {
        var type = ""
        var grade = ""
        var notes = ""
        var reason = ""
    }

    func show(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.read, .adverseEvent, state: state)
        return try await render(req, p, typed: nil, errors: FieldErrors(), status: .ok)
    }

    private func render(_ req: Request, _ p: Principal, typed: Typed?, errors: FieldErrors, status: HTTPResponseStatus) async throws -> Response {
        let id = try req.recordID("flagId", or: Self.notFound)
        guard let f = try await store(p).get(flagID: id, req.access(p)) else { throw Self.notFound }
        let t = typed ?? Typed(type: f.draftType.rawValue, grade: String(f.draftGrade.rawValue))
        let content = Content(
            id: PageValues.id(f.id), patientId: PageValues.id(f.patientID), patientName: f.patientName, sessionDate: f.sessionDate.description,
            day: f.checkIn.day, reportedOn: f.checkIn.reportedOn.description, redness: f.checkIn.answers.redness.label,
            swelling: f.checkIn.answers.swelling.label, pain: f.checkIn.answers.pain, signs: f.checkIn.warningSigns.map(\.label),
            hasPhoto: f.checkIn.hasPhoto && Permissions.allows(p.role, .read, .photo), open: f.status == .open, status: f.status.rawValue,
            dismissReason: f.dismissReason ?? "", adverseEventId: f.adverseEventID.map(PageValues.id) ?? "",
            types: AdverseEventType.allCases.map { Option(value: $0.rawValue, label: $0.label, checked: $0.rawValue == t.type) },
            grades: CTCAEGrade.allCases.map {
                .init(value: String($0.rawValue), label: "Grade \($0.rawValue)", definition: $0.definition, checked: String($0.rawValue) == t.grade)
            }, notes: t.notes, reason: t.reason, canDecide: Permissions.allows(p.role, .create, .adverseEvent), errors: errors,
            hasErrors: !errors.isEmpty)
        return try await req.render("patient-report", title: "Report from \(f.patientName)", section: "today", content, status: status)
    }

    func confirm(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.create, .adverseEvent, state: state)
        let id = try req.recordID("flagId", or: Self.notFound)
        let f = try FormFields(req)
        let typed = Typed(type: f["type"] ?? "", grade: f["grade"] ?? "", notes: f["notes"] ?? "")
        var errors = FieldErrors()
        let type = AdverseEventType(rawValue: typed.type)
        if type == nil { errors.add("type", "Type: choose the type of event.") }
        let grade = Int(typed.grade).flatMap(CTCAEGrade.init(rawValue:))
        if grade == nil { errors.add("grade", "Grade: choose the CTCAE grade, 1 to 5.") }
        guard errors.isEmpty, let type, let grade else { return try await render(req, p, typed: typed, errors: errors, status: .unprocessableEntity) }
        do {
            let event = try await store(p).confirm(flagID: id, type: type, grade: grade, notes: f["notes"], req.access(p))
            return req.done("/adverse-events/\(PageValues.id(event.id))", .eventReported)
        } catch let e as StoreError {
            return try await refused(req, p, e, typed: typed)
        }
    }

    func dismiss(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.create, .adverseEvent, state: state)
        let id = try req.recordID("flagId", or: Self.notFound)
        let f = try FormFields(req)
        let typed = Typed(reason: f["reason"] ?? "")
        do {
            try await store(p).dismiss(flagID: id, reason: typed.reason, req.access(p))
            return req.done("/today", .reportDismissed)
        } catch let e as StoreError {
            return try await refused(req, p, e, typed: typed)
        }
    }

    private func refused(_ req: Request, _ p: Principal, _ e: StoreError, typed: Typed) async throws -> Response {
        var errors = FieldErrors()
        switch e {
        case .invalid(let field, let problem): errors.add(field, "\(field.capitalized): \(PageValues.sentence(problem))")
        case .conflict(let why): errors.add("form", PageValues.sentence(why))
        case .notFound: throw Self.notFound
        default: throw e
        }
        return try await render(req, p, typed: typed, errors: errors, status: e.isConflict ? .conflict : .unprocessableEntity)
    }

    func photo(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.read, .photo, state: state)
        let id = try req.recordID("flagId", or: Self.notFound)
        guard let (type, bytes) = try await store(p).photo(flagID: id, req.access(p)) else { throw Self.notFound }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: type)
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(data: Data(bytes)))
    }
}
