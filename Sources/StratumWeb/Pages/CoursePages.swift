import Foundation
import StratumCore
import StratumStore
import Vapor

/// Planning a course on the map: indications, zones and device in, the planner's proposal out (dates, depth per
/// zone per session, findings); sessions and interval can be adjusted within the policy's limits before proposing.
struct CoursePages {
    let state: ServerState
    let today: @Sendable () -> LocalDate

    func register(_ routes: any RoutesBuilder) {
        routes.get("patients", ":patientId", "courses", "new", use: newForm)
        routes.post("patients", ":patientId", "courses", "preview", use: preview)
        routes.post("patients", ":patientId", "courses", use: propose)
        routes.get("courses", ":courseId", use: show)
        routes.post("courses", ":courseId", "accept", use: accept)
    }

    // MARK: The form

    struct Values: Encodable {
        var indications: [String] = []
        var zones: [String] = []
        var deviceKind = "pen"
        var depthMin = "0.25"
        var depthMax = "2.5"
        var fixedLength = ""
        var material = NeedleMaterial.stainlessSteel.rawValue
        var startDate = ""
        var sessions = ""
        var intervalWeeks = ""
        var goal = ""
        var goalScore = ""
    }

    struct Option: Encodable {
        let value: String
        let label: String
        let checked: Bool
    }

    struct PlanView: Encodable {
        let decision: String
        let decisionText: String
        let findings: [PageValues.FindingView]
        let hasFindings: Bool
        let zoneNames: [String]
        let rows: [Row]
        let intervalWeeks: Int
        let outcomeScale: String
        let assessments: [String]
        let canPropose: Bool
    }

    struct Row: Encodable {
        let number: Int
        let date: String
        let depths: [Cell]
    }

    /// One adjustable depth of the proposed plan: the form field and the depth in it.
    struct Cell: Encodable {
        let field: String
        let label: String
        let value: String
    }

    struct FormContent: Encodable {
        let patientId: String
        let patientName: String
        let values: Values
        let indications: [Option]
        let zones: [Option]
        let materials: [Option]
        let errors: FieldErrors
        let hasErrors: Bool
        let blockedBy: [PageValues.FindingView]
        let blocked: Bool
        let plan: PlanView?
        /// The clinic's policy the preview is made under.
        let policy: PolicyNote
    }

    func newForm(_ req: Request) async throws -> Response {
        let id = try PatientPages.patientID(req)
        let p = try await req.authorize(.create, .course, patientID: id, state: state)
        guard let patient = try await state.scope(p.organizationID).patients.get(id, req.access(p)) else { throw PatientPages.notFound }
        var values = Values()
        values.startDate = today().description
        return try await render(req, p, patient, values: values, errors: FieldErrors(), plan: nil, status: .ok)
    }

    func preview(_ req: Request) async throws -> Response {
        let id = try PatientPages.patientID(req)
        let p = try await req.authorize(.create, .course, patientID: id, state: state)
        guard let patient = try await state.scope(p.organizationID).patients.get(id, req.access(p)) else { throw PatientPages.notFound }
        let (values, errors, request) = try await read(req, p, patient)
        guard let request else { return try await render(req, p, patient, values: values, errors: errors, plan: nil, status: .badRequest) }
        let result = try await plan(request, p)
        return try await render(req, p, patient, values: values, errors: errors, plan: Self.planView(result, zones: request.zones), status: .ok)
    }

    func propose(_ req: Request) async throws -> Response {
        let id = try PatientPages.patientID(req)
        let p = try await req.authorize(.create, .course, patientID: id, state: state)
        let scope = state.scope(p.organizationID)
        guard let patient = try await scope.patients.get(id, req.access(p)) else { throw PatientPages.notFound }
        let (values, errors, request) = try await read(req, p, patient)
        guard let request else { return try await render(req, p, patient, values: values, errors: errors, plan: nil, status: .badRequest) }
        do {
            let course = try await scope.courses.create(
                patientID: id, clinicID: p.clinicID, request: request,
                goal: values.goal.isEmpty ? nil : values.goal,
                goalScore: PageValues.number(values.goalScore), req.access(p))
            return req.done("/courses/\(PageValues.id(course.id))", .coursePlanned, wrote: course.patientID, p, state: state)
        } catch is ClinicalRefusal {
            // The store keeps no do-not-treat plan: it is shown, with its stops, and nothing is saved.
            return try await render(
                req, p, patient, values: values, errors: errors, plan: Self.planView(try await plan(request, p), zones: request.zones),
                status: .unprocessableEntity)
        }
    }

    /// The plan the store would make in the signed-in clinic, under the clinic's policy (`CourseStore.preview`).
    private func plan(_ request: PlanRequest, _ p: Principal) async throws -> PlanResult {
        guard let result = try await state.scope(p.organizationID).courses.preview(clinicID: p.clinicID, request: request) else {
            throw PageError(.notFound, "No such clinic", "The clinic is not in your organization.")
        }
        return result
    }

    /// The form as typed, its field errors, and the plan request when every field is valid.
    private func read(_ req: Request, _ p: Principal, _ patient: Patient) async throws -> (Values, FieldErrors, PlanRequest?) {
        let f = try FormFields(req)
        var v = Values()
        v.indications = f.all("indication")
        v.zones = f.all("zone")
        v.deviceKind = f["deviceKind"] ?? ""
        v.depthMin = f["depthMin"] ?? ""
        v.depthMax = f["depthMax"] ?? ""
        v.fixedLength = f["fixedLength"] ?? ""
        v.material = f["material"] ?? ""
        v.startDate = f["startDate"] ?? ""
        v.sessions = f["sessions"] ?? ""
        v.intervalWeeks = f["intervalWeeks"] ?? ""
        v.goal = f["goal"] ?? ""
        v.goalScore = f["goalScore"] ?? ""
        var errors = FieldErrors()
        let indications = v.indications.compactMap(IndicationID.init(rawValue:))
        if indications.isEmpty || indications.count != v.indications.count {
            errors.add("indications", "Choose at least one indication from the list.")
        }
        let zones = v.zones.compactMap(PageValues.zone(key:))
        if zones.isEmpty || zones.count != v.zones.count { errors.add("zones", "Choose at least one zone on the map or in the list.") }
        let kind = DeviceKind(rawValue: v.deviceKind)
        if kind == nil { errors.add("deviceKind", "Choose pen, roller or stamp.") }
        var length: DeviceLength?
        if kind == .pen {
            let lo = PageValues.number(v.depthMin), hi = PageValues.number(v.depthMax)
            if lo == nil { errors.add("depthMin", "Enter the pen's shortest needle length in mm, like 0.25.") }
            if hi == nil { errors.add("depthMax", "Enter the pen's longest needle length in mm, like 2.5.") }
            if let lo, let hi {
                if lo > hi {
                    errors.add("depthMax", "The longest length must not be below the shortest.")
                } else {
                    length = .adjustable(DepthRange(lo, hi))
                }
            }
        } else if kind != nil {
            if let l = PageValues.number(v.fixedLength) {
                length = .fixed(l)
            } else {
                errors.add("fixedLength", "Enter the roller's or stamp's needle length in mm, like 1.0.")
            }
        }
        let material = NeedleMaterial(rawValue: v.material)
        if material == nil { errors.add("material", "Choose the needle material.") }
        let start = LocalDate(iso: v.startDate)
        if start == nil { errors.add("startDate", "Enter the first session's date (YYYY-MM-DD).") }
        var sessions: Int?
        if !v.sessions.isEmpty {
            sessions = Int(v.sessions)
            if sessions == nil || !(CoursePlanner.allowedSessions).contains(sessions!) {
                errors.add(
                    "sessions",
                    "Enter a number of sessions from \(CoursePlanner.allowedSessions.lowerBound) to \(CoursePlanner.allowedSessions.upperBound), or leave it empty for the default."
                )
            }
        }
        var interval: Int?
        if !v.intervalWeeks.isEmpty {
            interval = Int(v.intervalWeeks)
            let weeks = CourseInputRules.intervalWeeks
            if interval == nil || !weeks.contains(interval!) {
                errors.add(
                    "intervalWeeks",
                    "Enter the weeks between sessions, from \(weeks.lowerBound) to \(weeks.upperBound), or leave it empty for the default.")
            }
        }
        if let problem = CourseInputRules.goalProblem(v.goal) {
            errors.add("goal", SessionForm.wording(problem).prefix(1).uppercased() + SessionForm.wording(problem).dropFirst())
        }
        // Depths adjusted in the proposed plan's table; "Reset depths" drops them and shows the planner's again.
        var overrides: [Int: [Zone: Double]] = [:]
        if f["resetDepths"] == nil {
            for n in CoursePlanner.allowedSessions {
                for z in zones {
                    let field = "depth-\(n)-\(PageValues.zoneKey(z))"
                    guard let text = f[field] else { continue }
                    guard let depth = PageValues.number(text) else {
                        errors.add(field, "Session \(n), \(PageValues.zoneName(z)): enter the depth in mm, like 1.25.")
                        continue
                    }
                    overrides[n, default: [:]][z] = depth
                }
            }
        }
        if !v.goalScore.isEmpty {
            let scale = OutcomeScale.primary(for: indications)
            if let problem = PageValues.number(v.goalScore).map(scale.problem(with:)) ?? "enter a number" {
                errors.add("goalScore", "Goal score: \(problem).")
            }
        }
        guard errors.isEmpty, let kind, let length, let material, let start else { return (v, errors, nil) }
        let facts = try await state.scope(p.organizationID).screenings.facts(of: patient, on: start, req.access(p))
        let request = PlanRequest(
            patient: facts, indications: indications, zones: zones,
            device: DeviceSpec(kind: kind, length: length, needleMaterial: material), startDate: start,
            sessions: sessions, intervalWeeks: interval, depthOverrides: overrides)
        return (v, errors, request)
    }

    private func render(
        _ req: Request, _ p: Principal, _ patient: Patient, values: Values, errors: FieldErrors, plan: PlanView?,
        status: HTTPResponseStatus
    ) async throws -> Response {
        let latest = try await state.scope(p.organizationID).screenings.latest(patientID: patient.id, req.access(p))
        let stops = (latest?.findings ?? []).filter { $0.severity == .stop }
        let content = FormContent(
            patientId: PageValues.id(patient.id), patientName: "\(patient.givenName) \(patient.familyName)", values: values,
            indications: IndicationID.allCases.map {
                Option(value: $0.rawValue, label: PageValues.indicationName($0), checked: values.indications.contains($0.rawValue))
            },
            zones: PageValues.mapZones.map {
                Option(value: PageValues.zoneKey($0), label: PageValues.zoneName($0), checked: values.zones.contains(PageValues.zoneKey($0)))
            },
            materials: NeedleMaterial.allCases.map {
                Option(value: $0.rawValue, label: $0.rawValue.replacingOccurrences(of: "-", with: " "), checked: values.material == $0.rawValue)
            },
            errors: errors, hasErrors: !errors.isEmpty, blockedBy: PageValues.findings(stops), blocked: !stops.isEmpty, plan: plan,
            policy: PolicyNote(try await state.scope(p.organizationID).clinicSettings.policy(clinicID: p.clinicID)))
        return try await req.render(
            "course-new", title: "New course · \(patient.givenName) \(patient.familyName)", section: "patients",
            content, status: status)
    }

    static func planView(_ result: PlanResult, zones: [Zone]) -> PlanView {
        PlanView(
            decision: result.decision.rawValue, decisionText: PageValues.decisionText(result.decision),
            findings: PageValues.findings(result.findings), hasFindings: !result.findings.isEmpty,
            zoneNames: zones.map(PageValues.zoneName),
            rows: result.course.sessions.map { s in
                Row(
                    number: s.number, date: s.date.description,
                    depths: zones.map { z in
                        Cell(
                            field: "depth-\(s.number)-\(PageValues.zoneKey(z))", label: "Session \(s.number), \(PageValues.zoneName(z)), mm",
                            value: s.zones.first { $0.zone == z }.map { PageValues.mm($0.depthMM) } ?? "")
                    })
            },
            intervalWeeks: result.course.intervalWeeks, outcomeScale: result.course.outcomeScale,
            assessments: result.course.assessments.map(PageValues.plannedAssessment),
            canPropose: result.decision != .doNotTreat)
    }

    // MARK: A course

    struct CourseContent: Encodable {
        let id: String
        let patientId: String
        let patientName: String
        let indications: String
        let device: String
        let goal: String?
        let goalScore: String?
        let scale: String
        let status: String
        let decision: String
        let decisionText: String
        let findings: [PageValues.FindingView]
        let hasFindings: Bool
        let zoneNames: [String]
        let rows: [VisitRow]
        let intervalWeeks: Int
        let canAccept: Bool
        let canDocument: Bool
        let sessions: [SessionLink]
        let hasSessions: Bool
        /// The plan's cautions, each with the reason field the practitioner fills in to accept the course.
        let cautions: [CautionField]
        /// The cautions as acknowledged when the course was accepted.
        let acknowledgements: [PageValues.AcknowledgementView]
        let hasAcknowledgements: Bool
        let acceptedBy: String?
        let errors: FieldErrors
        let hasErrors: Bool
        /// The policy the plan was made under, and the clinic's changes in force.
        let policy: PolicyNote
    }

    /// One caution of the plan to acknowledge: the finding, and the reason typed for it.
    struct CautionField: Encodable {
        let field: String
        let rule: String
        let zone: String?
        let message: String
        let reason: String
        let error: String?
        let maxLength = AcknowledgementGate.maxReasonLength
    }

    struct VisitRow: Encodable {
        let number: Int
        let date: String
        let depths: [String]
        let recorded: Bool
    }

    struct SessionLink: Encodable {
        let id: String
        let date: String
        let signed: Bool
    }

    static let courseNotFound = PageError(.notFound, "No such course", "The course does not exist in your organization.")

    static func courseID(_ req: Request) throws -> UUID {
        try req.recordID("courseId", or: courseNotFound)
    }

    func show(_ req: Request) async throws -> Response {
        try await showCourse(req, id: try Self.courseID(req), p: try await req.authorize(.read, .course, state: state))
    }

    /// The plan's cautions in the order shown, one per rule and zone: what an acceptance must acknowledge.
    static func cautions(_ course: Course) -> [Finding] {
        var seen: [Finding] = []
        for f in course.findings.ordered() where f.severity == .caution && !seen.contains(where: { $0.rule == f.rule && $0.zone == f.zone }) {
            seen.append(f)
        }
        return seen
    }

    private func showCourse(
        _ req: Request, id: UUID, p: Principal, reasons: [String] = [], errors: FieldErrors = FieldErrors(),
        status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let scope = state.scope(p.organizationID)
        guard let course = try await scope.courses.get(courseID: id, req.access(p)),
            let patient = try await scope.patients.get(course.patientID, req.access(p))
        else { throw Self.courseNotFound }
        let sessions = Permissions.allows(p.role, .read, .session) ? try await scope.sessions.list(courseID: id, req.access(p)) : []
        let content = CourseContent(
            id: PageValues.id(id), patientId: PageValues.id(patient.id), patientName: "\(patient.givenName) \(patient.familyName)",
            indications: course.indications.map(PageValues.indicationName).joined(separator: ", "), device: PageValues.device(course.device),
            goal: course.goal, goalScore: course.goalScore.map(PageValues.mm), scale: OutcomeScale.primary(for: course.indications).name,
            status: course.status.rawValue, decision: course.decision.rawValue,
            decisionText: PageValues.decisionText(course.decision), findings: PageValues.findings(course.findings),
            hasFindings: !course.findings.isEmpty, zoneNames: course.zones.map(PageValues.zoneName),
            rows: course.plannedVisits.map { v in
                VisitRow(
                    number: v.number, date: v.date.description,
                    depths: course.zones.map { z in
                        v.zones.first { $0.zone == z }.map { PageValues.mm($0.depthMM) + " mm" } ?? "—"
                    }, recorded: sessions.count >= v.number)
            },
            intervalWeeks: course.intervalWeeks,
            canAccept: course.status == .proposed && course.decision != .doNotTreat && Permissions.allows(p.role, .update, .course),
            canDocument: course.status == .active && Permissions.allows(p.role, .create, .session),
            sessions: sessions.map { SessionLink(id: PageValues.id($0.id), date: $0.date.description, signed: $0.isSigned) },
            hasSessions: !sessions.isEmpty,
            cautions: course.status == .proposed
                ? Self.cautions(course).enumerated().map { i, f in
                    CautionField(
                        field: "ack-\(i)", rule: f.rule.rawValue, zone: f.zone.map(PageValues.zoneName), message: f.message,
                        reason: i < reasons.count ? reasons[i] : "", error: errors.byField["ack-\(i)"])
                } : [],
            acknowledgements: course.acknowledgements.map(PageValues.acknowledgement),
            hasAcknowledgements: !course.acknowledgements.isEmpty,
            acceptedBy: course.acceptedAt.map { PageValues.time($0) },
            errors: errors, hasErrors: !errors.isEmpty,
            policy: PolicyNote(try await scope.clinicSettings.policy(clinicID: course.clinicID), judgedUnder: course.policyVersion))
        return try await req.render(
            "course", title: "Course · \(patient.givenName) \(patient.familyName)", section: "patients", content,
            status: status)
    }

    /// Accepts the course with a reason for each caution; the store judges the plan as stored. A missing reason
    /// re-renders the course with that caution's field in error; a stop refuses the page. The course is read before
    /// the act only to name the cautions the reasons were given for; without a reason the store's door is the first
    /// access, so the act is one audit row as through the API (a refusal's page then reads under that row).
    func accept(_ req: Request) async throws -> Response {
        let id = try Self.courseID(req)
        let p = try await req.authorize(.update, .course, state: state)
        let scope = state.scope(p.organizationID)
        let f = try FormFields(req)
        var given: [Int: String] = [:]
        for (name, values) in f.values where name.hasPrefix("ack-") {
            let reason = (values.first ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if let i = Int(name.dropFirst(4)), !reason.isEmpty { given[i] = reason }
        }
        func cautions() async throws -> [Finding] {
            guard let course = try await scope.courses.get(courseID: id, req.access(p)) else { throw Self.courseNotFound }
            return Self.cautions(course)
        }
        let named = given.isEmpty ? [] : try await cautions()
        let order = given.keys.sorted().filter { $0 < named.count }
        let acks = order.map { AcknowledgementDraft(rule: named[$0].rule, zone: named[$0].zone, reason: given[$0]!) }
        do {
            let accepted = try await scope.courses.accept(courseID: id, acknowledgements: acks, req.access(p))
            return req.done("/courses/\(PageValues.id(id))", .courseAccepted, wrote: accepted.patientID, p, state: state)
        } catch let refusal as ClinicalRefusal {
            guard !refusal.hasStop else {
                throw PageError(
                    .unprocessableEntity, "The plan is do-not-treat",
                    "Resolve its stop findings (\(refusal.blocking.map(\.rule.rawValue).joined(separator: ", "))) and plan again.")
            }
            let all = try await cautions()
            var errors = FieldErrors()
            for b in refusal.blocking {
                if let i = all.firstIndex(where: { $0.rule == b.rule && $0.zone == b.zone }) {
                    errors.add("ack-\(i)", "Give the clinical reason for accepting \(b.rule.rawValue).")
                }
            }
            return try await showCourse(req, id: id, p: p, reasons: all.indices.map { given[$0] ?? "" }, errors: errors, status: .unprocessableEntity)
        } catch StoreError.invalid(let field, let problem) {
            let all = try await cautions()
            var errors = FieldErrors()
            if let i = AcknowledgementField.index(field), i < order.count {
                errors.add("ack-\(order[i])", problem)
            } else {
                errors.add("accept", problem)
            }
            return try await showCourse(req, id: id, p: p, reasons: all.indices.map { given[$0] ?? "" }, errors: errors, status: .unprocessableEntity)
        }
    }
}

/// The store names an acknowledgement's field as `acknowledgements[i].member`; the page needs the index back.
enum AcknowledgementField {
    static func index(_ field: String) -> Int? {
        guard field.hasPrefix("acknowledgements["), let close = field.firstIndex(of: "]") else { return nil }
        return Int(field[field.index(field.startIndex, offsetBy: 17)..<close])
    }
}
