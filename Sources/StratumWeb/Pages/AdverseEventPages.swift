import Foundation
import StratumCore
import StratumStore
import Vapor

/// Reporting a complication (POLICY §6): type, onset, CTCAE grade with its definitions on the form, suspected
/// causes, links to the session's device, lot, pack and topical; then follow-up entries until it is closed.
struct AdverseEventPages {
    let state: ServerState
    let today: @Sendable () -> LocalDate

    func register(_ routes: any RoutesBuilder) {
        routes.get("patients", ":patientId", "adverse-events", "new", use: newForm)
        routes.post("patients", ":patientId", "adverse-events", use: report)
        routes.get("adverse-events", ":eventId", use: show)
        routes.post("adverse-events", ":eventId", "follow-ups", use: followUp)
        routes.post("adverse-events", ":eventId", "close", use: close)
    }

    struct Option: Encodable {
        let value: String
        let label: String
        let checked: Bool
    }

    /// A CTCAE grade with its definition, shown beside the choice so the grade is picked by what it means.
    struct GradeOption: Encodable {
        let value: String
        let label: String
        let definition: String
        let checked: Bool
    }

    struct Values: Encodable {
        var type = ""
        var onset = ""
        var grade = ""
        var causes: [String] = []
        var sessionId = ""
        var devicePart = ""
        var lot = ""
        var pack = ""
        var topical = ""
        var notes = ""
        /// Zones ticked as affected ("site:side"); none ticked means every zone of the linked session.
        var zones: [String] = []
    }

    struct FormContent: Encodable {
        let patientId: String
        let patientName: String
        let values: Values
        let types: [Option]
        let grades: [GradeOption]
        let causes: [Option]
        let sessions: [Option]
        /// The zones of the patient's sessions, to tick those the event affects (`REACTION-UNRESOLVED` holds only them).
        let zones: [Option]
        let errors: FieldErrors
        let hasErrors: Bool
    }

    static let notFound = PageError(.notFound, "No such adverse event", "The event does not exist in your organization.")

    func newForm(_ req: Request) async throws -> Response {
        let id = try PatientPages.patientID(req)
        let p = try await req.authorize(.create, .adverseEvent, patientID: id, state: state)
        let scope = state.scope(p.organizationID)
        guard let patient = try await scope.patients.get(id, req.access(p)) else { throw PatientPages.notFound }
        var values = Values()
        values.onset = today().description
        values.sessionId = req.query[String.self, at: "session"] ?? ""
        // The session's own equipment is proposed as the links, so a cluster can be traced without retyping.
        if let sid = UUID(uuidString: values.sessionId), let s = try await scope.sessions.get(sessionID: sid, req.access(p)), s.patientID == id {
            values.lot = s.sterility.singleUsePart?.lot ?? ""
            values.devicePart = s.sterility.singleUsePart?.serial ?? ""
            values.topical = [s.topical?.product, s.topical?.lot].compactMap { $0 }.joined(separator: ", lot ")
        }
        return try await render(req, p, patient, values: values, errors: FieldErrors(), status: .ok)
    }

    func report(_ req: Request) async throws -> Response {
        let id = try PatientPages.patientID(req)
        let p = try await req.authorize(.create, .adverseEvent, patientID: id, state: state)
        let scope = state.scope(p.organizationID)
        guard let patient = try await scope.patients.get(id, req.access(p)) else { throw PatientPages.notFound }
        let f = try FormFields(req)
        var v = Values(
            type: f["type"] ?? "", onset: f["onset"] ?? "", grade: f["grade"] ?? "", causes: f.all("cause"),
            sessionId: f["sessionId"] ?? "", devicePart: f["devicePart"] ?? "", lot: f["lot"] ?? "", pack: f["pack"] ?? "",
            topical: f["topical"] ?? "", notes: f["notes"] ?? "", zones: f.all("zone"))
        var errors = FieldErrors()
        let type = AdverseEventType(rawValue: v.type)
        if type == nil { errors.add("type", "Choose the type of event.") }
        let onset = LocalDate(iso: v.onset)
        if onset == nil { errors.add("onset", "Enter the date it began (YYYY-MM-DD).") }
        let grade = Int(v.grade).flatMap(CTCAEGrade.init(rawValue:))
        if grade == nil { errors.add("grade", "Choose the CTCAE grade, 1 to 5.") }
        let causes = v.causes.compactMap(SuspectedCause.init(rawValue:))
        if causes.count != v.causes.count { errors.add("causes", "Choose suspected causes from the list.") }
        var sessionID: UUID?
        if !v.sessionId.isEmpty {
            sessionID = UUID(uuidString: v.sessionId)
            if sessionID == nil { errors.add("sessionId", "Choose the session from the list.") }
        }
        let texts = [
            ("devicePart", v.devicePart, RecordInputRules.adverseEventIdentifierMaxLength),
            ("lot", v.lot, RecordInputRules.adverseEventIdentifierMaxLength),
            ("pack", v.pack, RecordInputRules.adverseEventIdentifierMaxLength),
            ("topical", v.topical, RecordInputRules.adverseEventTopicalMaxLength),
            ("notes", v.notes, RecordInputRules.adverseEventNotesMaxLength)
        ]
        for (field, value, max) in texts {
            if let problem = RecordInputRules.textProblem(value, max: max) { errors.add(field, PageValues.sentence(problem.description)) }
        }
        let zones = v.zones.compactMap { PageValues.zone(key: $0) }
        if zones.count != v.zones.count { errors.add("zones", "Tick the affected zones from the list.") }
        guard errors.isEmpty, let type, let onset, let grade else {
            v.causes = v.causes.filter { SuspectedCause(rawValue: $0) != nil }
            return try await render(req, p, patient, values: v, errors: errors, status: .badRequest)
        }
        let links = AdverseEventLinks(
            devicePart: v.devicePart.nilIfEmpty, lot: v.lot.nilIfEmpty, pack: v.pack.nilIfEmpty, topical: v.topical.nilIfEmpty)
        let event: AdverseEvent
        do {
            event = try await scope.adverseEvents.report(
                patientID: id, sessionID: sessionID, type: type, onset: onset, grade: grade,
                suspectedCauses: causes, links: links, notes: v.notes.nilIfEmpty, zones: zones, req.access(p))
        } catch StoreError.invalid(let field, let problem) where field == "zones" || field == "onset" {
            // The store's refusals (a zone outside the session, an onset after the clinic's today) on their field.
            errors.add(field, PageValues.sentence(problem))
            return try await render(req, p, patient, values: v, errors: errors, status: .unprocessableEntity)
        } catch StoreError.notFound(_) {
            errors.add("sessionId", "That session is not one of this patient's.")
            return try await render(req, p, patient, values: v, errors: errors, status: .badRequest)
        }
        return req.done("/adverse-events/\(PageValues.id(event.id))", .eventReported, wrote: event.patientID, p, state: state)
    }

    private func render(
        _ req: Request, _ p: Principal, _ patient: Patient, values: Values, errors: FieldErrors,
        status: HTTPResponseStatus
    ) async throws -> Response {
        let scope = state.scope(p.organizationID)
        var sessions: [Option] = []
        var zoneKeys: [String: String] = [:]
        if Permissions.allows(p.role, .read, .session) {
            for course in try await scope.courses.list(patientID: patient.id, req.access(p)) {
                for s in try await scope.sessions.list(courseID: course.id, req.access(p)) {
                    // Offered: the linked session's zones when one is chosen, else every zone the patient was treated on.
                    if values.sessionId.isEmpty || values.sessionId.lowercased() == PageValues.id(s.id) {
                        for z in s.zones { zoneKeys[PageValues.zoneKey(z.zone)] = PageValues.zoneName(z.zone) }
                    }
                    let id = PageValues.id(s.id)
                    sessions.append(
                        Option(
                            value: id, label: "\(s.date) — \(s.zones.map { PageValues.zoneName($0.zone) }.joined(separator: ", "))",
                            checked: values.sessionId.lowercased() == id))
                }
            }
        }
        let content = FormContent(
            patientId: PageValues.id(patient.id), patientName: "\(patient.givenName) \(patient.familyName)", values: values,
            types: AdverseEventType.allCases.map { Option(value: $0.rawValue, label: $0.label, checked: values.type == $0.rawValue) },
            grades: CTCAEGrade.allCases.map {
                GradeOption(
                    value: String($0.rawValue), label: "Grade \($0.rawValue)", definition: $0.definition,
                    checked: values.grade == String($0.rawValue))
            },
            causes: SuspectedCause.allCases.map { Option(value: $0.rawValue, label: $0.label, checked: values.causes.contains($0.rawValue)) },
            sessions: sessions.sorted { $0.label > $1.label },
            zones: zoneKeys.sorted { $0.value < $1.value }.map { Option(value: $0.key, label: $0.value, checked: values.zones.contains($0.key)) },
            errors: errors, hasErrors: !errors.isEmpty)
        return try await req.render(
            "adverse-event-new", title: "Adverse event · \(patient.givenName) \(patient.familyName)",
            section: "patients", content, status: status)
    }

    // MARK: An event and its follow-ups

    struct ShowContent: Encodable {
        struct Entry: Encodable {
            let date: String
            let grade: String
            let text: String
            let by: String
        }
        let id: String
        let patientId: String
        let patientName: String
        let type: String
        let onset: String
        let grade: Int
        let gradeDefinition: String
        let causes: String
        let links: String
        let notes: String?
        let sessionId: String?
        let open: Bool
        let closedAt: String
        /// The zones it affects, who reported it and who closed it (issue 12).
        let zones: String
        let recordedBy: String
        let closedBy: String
        let entries: [Entry]
        let hasEntries: Bool
        let canUpdate: Bool
        let today: String
        let grades: [Option]
    }

    static func eventID(_ req: Request) throws -> UUID {
        try req.recordID("eventId", or: notFound)
    }

    func show(_ req: Request) async throws -> Response {
        let id = try Self.eventID(req)
        let p = try await req.authorize(.read, .adverseEvent, state: state)
        let scope = state.scope(p.organizationID)
        guard let e = try await scope.adverseEvents.get(eventID: id, req.access(p)),
            let patient = try await scope.patients.get(e.patientID, req.access(p))
        else { throw Self.notFound }
        let entries = try await scope.adverseEvents.followUps(eventID: id, req.access(p))
        let links = [("device part", e.links.devicePart), ("lot", e.links.lot), ("pack", e.links.pack), ("topical", e.links.topical)]
            .compactMap { name, value in value.map { "\(name) \($0)" } }
        let content = ShowContent(
            id: PageValues.id(id), patientId: PageValues.id(patient.id), patientName: "\(patient.givenName) \(patient.familyName)",
            type: e.type.label, onset: e.onset.description, grade: e.grade.rawValue, gradeDefinition: e.grade.definition,
            causes: e.suspectedCauses.isEmpty ? "none given" : e.suspectedCauses.map(\.label).joined(separator: ", "),
            links: links.isEmpty ? "none recorded" : links.joined(separator: "; "), notes: e.notes, sessionId: e.sessionID.map(PageValues.id),
            open: e.status == .open, closedAt: PageValues.time(e.closedAt),
            zones: e.zones.isEmpty ? "the whole area of the session it followed" : e.zones.map(PageValues.zoneName).joined(separator: ", "),
            recordedBy: AuthorshipText.by("Reported", e.recorder, at: e.createdAt),
            closedBy: e.status == .closed
                ? (e.closer.map { AuthorshipText.by("Closed", $0, at: e.closedAt) } ?? "Closed · \(PageValues.time(e.closedAt))") : "",
            entries: entries.map {
                .init(
                    date: $0.notedOn.description, grade: $0.grade.map { "grade \($0.rawValue)" } ?? "", text: $0.text,
                    by: $0.recorder.label)
            },
            hasEntries: !entries.isEmpty, canUpdate: e.status == .open && Permissions.allows(p.role, .update, .adverseEvent),
            today: today().description,
            grades: CTCAEGrade.allCases.map { Option(value: String($0.rawValue), label: "Grade \($0.rawValue)", checked: false) })
        return try await req.render(
            "adverse-event", title: "Adverse event · \(patient.givenName) \(patient.familyName)", section: "patients", content)
    }

    func followUp(_ req: Request) async throws -> Response {
        let id = try Self.eventID(req)
        let p = try await req.authorize(.update, .adverseEvent, state: state)
        let f = try FormFields(req)
        guard let date = LocalDate(iso: f["notedOn"] ?? "") else {
            throw PageError(.badRequest, "Follow-up date missing", "Enter the date of the review (YYYY-MM-DD) and add it again.")
        }
        var grade: CTCAEGrade?
        if let g = f["grade"] {
            guard let parsed = Int(g).flatMap(CTCAEGrade.init(rawValue:)) else {
                throw PageError(.badRequest, "Unknown grade", "Choose a CTCAE grade from 1 to 5, or none.")
            }
            grade = parsed
        }
        let limit = RecordInputRules.adverseEventNotesMaxLength
        guard let text = f["text"], RecordInputRules.textProblem(text, max: limit) == nil else {
            throw PageError(
                .badRequest, "The follow-up is empty, too long or holds a control character",
                "Write what was seen or done (at most \(limit.formatted()) characters).")
        }
        do {
            _ = try await state.scope(p.organizationID).adverseEvents.addFollowUp(eventID: id, notedOn: date, grade: grade, text: text, req.access(p))
        } catch StoreError.invalid(let field, let problem) where field == "notedOn" {
            throw PageError(
                .unprocessableEntity, "Follow-up date in the future", "Date of review: \(PageValues.sentence(problem)) Go back and correct it.")
        }
        return req.done("/adverse-events/\(PageValues.id(id))", .eventUpdated)
    }

    func close(_ req: Request) async throws -> Response {
        let id = try Self.eventID(req)
        let p = try await req.authorize(.update, .adverseEvent, state: state)
        _ = try await state.scope(p.organizationID).adverseEvents.close(eventID: id, req.access(p))
        return req.done("/adverse-events/\(PageValues.id(id))", .eventUpdated)
    }
}

extension String {
    /// Nil for an empty string, for optional form fields.
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
