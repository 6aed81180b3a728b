import Foundation
import StratumCore
import StratumStore
import Vapor

/// Documenting a session in the treatment room: pre-filled from the plan, re-checked by the server as values
/// change (without losing input), cautions acknowledged with a reason, signed to lock, addenda after.
struct SessionPages {
    let state: ServerState
    let today: @Sendable () -> LocalDate

    func register(_ routes: any RoutesBuilder) {
        routes.get("courses", ":courseId", "sessions", "new", use: newForm)
        routes.post("courses", ":courseId", "sessions", "check", use: check)
        routes.post("courses", ":courseId", "sessions", use: record)
        routes.get("sessions", ":sessionId", use: show)
        routes.post("sessions", ":sessionId", "sign", use: sign)
        routes.post("sessions", ":sessionId", "addenda", use: addAddendum)
    }

    struct FormContent: Encodable {
        let courseId: String
        let patientId: String
        let patientName: String
        let device: String
        let isPen: Bool
        let form: SessionForm
        let errors: FieldErrors
        let hasErrors: Bool
        let checked: Bool
        let decision: String
        let decisionText: String
        let findings: [CheckedFinding]
        let hasFindings: Bool
        let refused: Bool
        let lots: [PageValues.Choice]
        let packs: [PageValues.Choice]
        let handpieces: [PageValues.Choice]
        /// Shown to a user who documents for someone else (an assistant): whom they document for.
        let choosesPractitioner: Bool
        let practitioners: [AdverseEventPages.Option]
        /// The clinic's policy the session is judged under.
        let policy: PolicyNote
        /// A screening the patient answered at home, awaiting review: the check ignores it until it is confirmed.
        var homeScreening: HomeScreeningPages.Awaiting? = nil
    }

    /// The live re-check's answer to the page's script.
    struct CheckAnswer: Content {
        let decision: String
        let decisionText: String
        let findings: [CheckedFinding]
        let fieldErrors: [String: String]
    }

    private func load(_ req: Request, _ p: Principal) async throws -> (Course, Patient) {
        let id = try CoursePages.courseID(req)
        let scope = state.scope(p.organizationID)
        guard let course = try await scope.courses.get(courseID: id, req.access(p)),
            let patient = try await scope.patients.get(course.patientID, req.access(p))
        else { throw CoursePages.courseNotFound }
        guard course.status == .active else {
            throw PageError(.conflict, "Course not active", "Sessions are documented on an accepted course; this one is \(course.status.rawValue).")
        }
        return (course, patient)
    }

    func newForm(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.create, .session, state: state)
        let (course, patient) = try await load(req, p)
        let recorded = try await state.scope(p.organizationID).sessions.list(courseID: course.id, req.access(p)).count
        var form = SessionForm.prefilled(course: course, recorded: recorded, on: today())
        let handpieces = try await state.scope(p.organizationID).devices.handpieces().filter { $0.inService && $0.clinicID == p.clinicID }
        if course.device.kind == .pen, handpieces.count == 1 { form.handpiece = handpieces[0].serial }
        return try await render(req, course, patient, form: form, errors: FieldErrors(), findings: nil, refused: false, status: .ok)
    }

    /// The re-check: JSON for the page's script, the whole page again for a browser without it.
    func check(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.create, .session, state: state)
        let (course, patient) = try await load(req, p)
        let (form, formErrors, doc) = SessionForm.read(try FormFields(req), course: course)
        var errors = formErrors
        var result: CheckResult?
        if let doc {
            do {
                guard let checked = try await state.scope(p.organizationID).sessions.check(courseID: course.id, doc, req.access(p)) else {
                    throw CoursePages.courseNotFound
                }
                result = checked
            } catch let e as StoreError {
                guard let field = Self.formField(e, doc) else { throw e }
                errors.add(field.name, field.message)
            }
        }
        if req.headers.first(name: "X-Requested-With") == "stratum-check" {
            let items = CheckedFinding.list(result?.findings ?? [], reasons: [:])
            let answer = CheckAnswer(
                decision: result?.decision.rawValue ?? "incomplete",
                decisionText: result.map { PageValues.decisionText($0.decision) } ?? "Complete the highlighted fields to check the session.",
                findings: items, fieldErrors: errors.byField)
            let response = Response(status: .ok)
            try response.content.encode(answer, as: .json)
            return response
        }
        return try await render(
            req, course, patient, form: form, errors: errors, findings: result?.findings, refused: false,
            status: errors.isEmpty ? .ok : .badRequest)
    }

    /// Records through the store's one door before reading anything else: the act is one audit row, as through the
    /// API. Only a refused form reads the course again to show itself (the refusal already audited the access).
    func record(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.create, .session, state: state)
        let courseID = try CoursePages.courseID(req)
        let fields = try FormFields(req)
        // The zones the form posted, judged by the store against the course like the API's.
        let (_, _, doc) = SessionForm.read(fields, zones: SessionForm.postedZones(fields))
        func refused(_ add: (inout FieldErrors) -> Void = { _ in }, findings: [Finding]? = nil, status: HTTPResponseStatus) async throws -> Response {
            let (course, patient) = try await load(req, p)
            var (form, errors, _) = SessionForm.read(fields, course: course)
            add(&errors)
            return try await render(
                req, course, patient, form: form, errors: errors, findings: findings, refused: status != .badRequest, status: status)
        }
        guard let doc else { return try await refused(status: .badRequest) }
        do {
            let session = try await state.scope(p.organizationID).sessions.record(courseID: courseID, clinicID: p.clinicID, doc, req.access(p))
            // An assistant documents but does not read the record afterwards: back to the course's patient list.
            guard Permissions.allows(p.role, .read, .session) else { return req.done("/", .sessionRecorded) }
            return req.done("/sessions/\(PageValues.id(session.id))", .sessionRecorded, wrote: session.patientID, p, state: state)
        } catch let refusal as ClinicalRefusal {
            return try await refused(findings: refusal.findings, status: .unprocessableEntity)
        } catch StoreError.state(.courseNotActive(let status)) {
            throw PageError(.conflict, "Course not active", "Sessions are documented on an accepted course; this one is \(status).")
        } catch let e as StoreError {
            guard let field = Self.formField(e, doc) else { throw e }
            return try await refused({ $0.add(field.name, field.message) }, status: .unprocessableEntity)
        }
    }

    /// The form field a typed store refusal belongs to: the date, the zones, an unknown lot, pack or handpiece (or a
    /// second use caught by the database), the practitioner, or the reason of the acknowledgement it names.
    static func formField(_ e: StoreError, _ doc: SessionRecordDocument) -> (name: String, message: String)? {
        guard case .invalid(let field, let problem) = e else { return nil }
        if let i = AcknowledgementField.index(field), i < doc.acknowledgements.count {
            let a = doc.acknowledgements[i]
            return ("ack|\(a.rule.rawValue)|\(a.zone.map(PageValues.zoneKey) ?? "")", PageValues.sentence(problem))
        }
        let name = [
            "equipment.part": "scan", "equipment.pack": "packCode", "equipment.handpiece": "handpiece",
            "practitionerId": "practitionerId", "date": "date", "zones": "zones"
        ][field]
        return name.map { ($0, PageValues.sentence(problem)) }
    }

    /// `checked`: the findings of a check or refusal to show (nil: not checked yet).
    private func render(
        _ req: Request, _ course: Course, _ patient: Patient, form: SessionForm, errors: FieldErrors, findings checked: [Finding]?,
        refused: Bool, status: HTTPResponseStatus
    ) async throws -> Response {
        let result = checked.map(Decision.init(findings:))
        let findings = CheckedFinding.list(checked ?? [], reasons: form.reasons)
        let p = try await req.authorize(.create, .session, state: state)
        let scope = state.scope(p.organizationID)
        let today = today()
        // The signed-in clinic's stock only: another clinic's lot, pack or handpiece is not in this room.
        let lots = try await scope.stock.lots(clinicID: p.clinicID).filter { $0.status == .available && $0.expiry >= today && $0.used < $0.quantity }
            .map { PageValues.Choice(value: "\($0.gtin)|\($0.lot)", label: "\($0.product) · lot \($0.lot) · exp. \($0.expiry)") }
        let packs = try await scope.sterilization.packs(state: .released, clinicID: p.clinicID)
            .map { PageValues.Choice(value: $0.code, label: "\($0.code) · \($0.contents)") }
        let handpieces = try await scope.devices.handpieces(clinicID: p.clinicID).filter(\.inService)
            .map {
                PageValues.Choice(
                    value: $0.serial, label: "\($0.serial)\($0.cleanedSinceLastUse ? " · cleaned since last use" : " · NOT cleaned since last use")")
            }
        // Someone who does not treat documents for a practitioner of this clinic, named on the form.
        let choosesPractitioner = p.role != .practitioner && p.role != .owner
        let practitioners =
            choosesPractitioner
            ? try await scope.practitioners(clinicID: p.clinicID).map {
                AdverseEventPages.Option(
                    value: PageValues.id($0.id), label: $0.label, checked: form.practitionerId.lowercased() == PageValues.id($0.id))
            }
            : []
        let content = FormContent(
            courseId: PageValues.id(course.id), patientId: PageValues.id(patient.id), patientName: "\(patient.givenName) \(patient.familyName)",
            device: PageValues.device(course.device), isPen: course.device.kind == .pen, form: form, errors: errors, hasErrors: !errors.isEmpty,
            checked: result != nil, decision: result?.rawValue ?? "", decisionText: result.map(PageValues.decisionText) ?? "",
            findings: findings, hasFindings: !findings.isEmpty, refused: refused, lots: lots, packs: packs, handpieces: handpieces,
            choosesPractitioner: choosesPractitioner, practitioners: practitioners,
            policy: PolicyNote(try await state.scope(p.organizationID).clinicSettings.policy(clinicID: p.clinicID)),
            homeScreening: try await HomeScreeningPages.awaiting(req, p, patientID: patient.id, state: state))
        return try await req.render(
            "session-new", title: "Document session · \(patient.givenName) \(patient.familyName)", section: "patients",
            content, status: status)
    }

    // MARK: A recorded session

    struct ShowContent: Encodable {
        struct ZoneView: Encodable {
            let name: String
            let depth: String
            let passes: Int
            let endPoint: String
        }
        struct AckView: Encodable {
            let rule: String
            let zone: String?
            let reason: String
            let at: String
            let by: String
        }
        struct AddendumView: Encodable {
            let text: String
            let at: String
            let author: String
        }
        /// Who treated, who documented (and for whom), who signed: issue 12, reproduction 4.
        let authorship: String
        let signedBy: String
        /// "Late entry: written … for a session on …" when recorded after the session's day; nil otherwise.
        let lateEntry: String?
        let id: String
        let courseId: String
        let patientId: String
        let patientName: String
        let date: String
        let device: String
        let sterility: String
        let topical: String?
        let reactions: String
        let zones: [ZoneView]
        let decision: String
        let decisionText: String
        let findings: [PageValues.FindingView]
        let hasFindings: Bool
        let acknowledgements: [AckView]
        let hasAcknowledgements: Bool
        let signed: Bool
        let signedAt: String
        let canSign: Bool
        let canAddend: Bool
        let addenda: [AddendumView]
        let hasAddenda: Bool
        /// The policy the session was judged under, and the clinic's changes in force.
        let policy: PolicyNote
    }

    static let sessionNotFound = PageError(.notFound, "No such session", "The session does not exist in your organization.")

    static func sessionID(_ req: Request) throws -> UUID {
        try req.recordID("sessionId", or: sessionNotFound)
    }

    func show(_ req: Request) async throws -> Response {
        let id = try Self.sessionID(req)
        let p = try await req.authorize(.read, .session, state: state)
        let scope = state.scope(p.organizationID)
        guard let s = try await scope.sessions.get(sessionID: id, req.access(p)),
            let patient = try await scope.patients.get(s.patientID, req.access(p))
        else { throw Self.sessionNotFound }
        let content = ShowContent(
            authorship: AuthorshipText.session(s), signedBy: AuthorshipText.by("Signed", s.signer, at: s.signedAt),
            lateEntry: s.lateEntry ? "Late entry: written \(PageValues.time(s.writtenAt)) for the session on \(s.date)" : nil,
            id: PageValues.id(s.id), courseId: PageValues.id(s.courseID), patientId: PageValues.id(patient.id),
            patientName: "\(patient.givenName) \(patient.familyName)", date: s.date.description, device: PageValues.device(s.device),
            sterility: Self.sterilityText(s.sterility, handpiece: s.handpiece, equipment: s.equipment),
            topical: s.topical.map {
                "\($0.product ?? "unnamed product"), lot \($0.lot ?? "not recorded")\($0.approvedForIntradermal ? "" : " (not approved for intradermal use)")"
            },
            reactions: s.reactions.isEmpty ? "none recorded" : s.reactions.map(\.rawValue).joined(separator: ", "),
            zones: s.zones.map {
                .init(name: PageValues.zoneName($0.zone), depth: PageValues.mm($0.depthMM), passes: $0.passes, endPoint: $0.endPoint ?? "—")
            },
            decision: s.decision.rawValue, decisionText: PageValues.decisionText(s.decision), findings: PageValues.findings(s.findings),
            hasFindings: !s.findings.isEmpty,
            acknowledgements: s.acknowledgements.map {
                .init(
                    rule: $0.rule.rawValue, zone: $0.zone.map(PageValues.zoneName), reason: $0.reason, at: PageValues.time($0.acknowledgedAt),
                    by: AuthorshipText.name(s.staff.author($0.acknowledgedBy, at: s.clinicID)))
            },
            hasAcknowledgements: !s.acknowledgements.isEmpty, signed: s.isSigned, signedAt: PageValues.time(s.signedAt),
            canSign: !s.isSigned && Permissions.allows(p.role, .sign, .session),
            canAddend: s.isSigned && Permissions.allows(p.role, .update, .session),
            addenda: s.addenda.map { .init(text: $0.text, at: PageValues.time($0.createdAt), author: s.author(of: $0).label) },
            hasAddenda: !s.addenda.isEmpty,
            policy: PolicyNote(try await scope.clinicSettings.policy(clinicID: s.clinicID), judgedUnder: s.policyVersion))
        return try await req.render("session", title: "Session \(s.date) · \(patient.givenName) \(patient.familyName)", section: "patients", content)
    }

    static func sterilityText(_ s: SterilityFacts, handpiece: HandpieceFacts?, equipment: EquipmentReference?) -> String {
        var parts: [String] = []
        if let code = equipment?.packCode { parts.append("Pack \(code)") }
        if let serial = equipment?.handpieceSerial { parts.append("Handpiece \(serial)") }
        if let part = s.singleUsePart {
            parts.append("Single-use part, lot \(part.lot), expires \(part.expiry)\(part.serial.map { ", serial \($0)" } ?? "")")
        }
        if let pack = s.pack {
            parts.append(
                "Sterilization pack: cycle \(pack.cycleStatus.rawValue), chemical indicator \(pack.chemicalIndicator.rawValue), biological indicator \(pack.biologicalIndicator.rawValue)\(pack.expiresOn.map { ", shelf life to \($0)" } ?? "")\(pack.wrapCompromised ? ", wrap compromised" : "")"
            )
        }
        if let h = handpiece { parts.append(h.cleanedSinceLastUse ? "handpiece cleaned and disinfected" : "handpiece cleaning not recorded") }
        return parts.isEmpty ? "No sterile part recorded" : parts.joined(separator: "; ")
    }

    func sign(_ req: Request) async throws -> Response {
        let id = try Self.sessionID(req)
        let p = try await req.authorize(.sign, .session, state: state)
        let s = try await state.scope(p.organizationID).sessions.sign(sessionID: id, by: p.userID, req.access(p))
        return req.done("/sessions/\(PageValues.id(id))", .sessionSigned, wrote: s.patientID, p, state: state)
    }

    func addAddendum(_ req: Request) async throws -> Response {
        let id = try Self.sessionID(req)
        let p = try await req.authorize(.update, .session, state: state)
        let text = try FormFields(req)["text"] ?? ""
        let limit = RecordInputRules.addendumMaxLength
        guard !text.isEmpty, RecordInputRules.textProblem(text, max: limit) == nil else {
            throw PageError(
                .badRequest, "The addendum is empty, too long or holds a control character",
                "Write the addendum (at most \(limit.formatted()) characters) and add it again.")
        }
        let s = try await state.scope(p.organizationID).sessions.addAddendum(sessionID: id, text: text, req.access(p))
        return req.done("/sessions/\(PageValues.id(id))", .addendumAdded, wrote: s.patientID, p, state: state)
    }
}
