import Foundation
import OpenAPIRuntime
import StratumCore
import StratumStore

extension APIHandler {
    /// The patient in the caller's organization, or 404 (another organization's looks the same).
    func patient(_ id: UUID, _ p: Principal) async throws -> Patient {
        guard let found = try await state.scope(p.organizationID).patients.get(id, access(p)) else { throw APIProblem.notFound("patient") }
        return found
    }

    /// The facts the rules read, from the record and its latest screening (none: every answer missing).
    func facts(_ patient: Patient, on date: LocalDate, _ p: Principal) async throws -> PatientFacts {
        try await state.scope(p.organizationID).screenings.facts(of: patient, on: date, access(p))
    }

    // MARK: Screenings

    func listScreenings(_ input: Operations.ListScreenings.Input) async throws -> Operations.ListScreenings.Output {
        let id = try uuid(input.path.patientId, "patientId")
        let p = try await authorize(.read, .screening, patientID: id)
        _ = try await patient(id, p)
        let all = try await state.scope(p.organizationID).screenings.history(patientID: id, access(p))
        return .ok(.init(body: .json(.init(items: all.map(Components.Schemas.Screening.init)))))
    }

    func recordScreening(_ input: Operations.RecordScreening.Input) async throws -> Operations.RecordScreening.Output {
        let id = try uuid(input.path.patientId, "patientId")
        let p = try await authorize(.create, .screening, patientID: id)
        guard case .json = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        // The core's reader on the body the contract check parsed: a dated answer's null ("never") stays apart from
        // a missing one ("unanswered"), which a generated optional cannot tell.
        let response = try ValidatedBody.read(RequestReader.screening(value:))
        let record = try await state.scope(p.organizationID).screenings.record(patientID: id, response: response, access(p))
        return .created(.init(body: .json(.init(record))))
    }

    // MARK: Consents

    func listConsents(_ input: Operations.ListConsents.Input) async throws -> Operations.ListConsents.Output {
        let id = try uuid(input.path.patientId, "patientId")
        let p = try await authorize(.read, .consent, patientID: id)
        _ = try await patient(id, p)
        let all = try await state.scope(p.organizationID).consents.list(patientID: id, access(p))
        return .ok(.init(body: .json(.init(items: all.map(Components.Schemas.Consent.init)))))
    }

    func signConsent(_ input: Operations.SignConsent.Input) async throws -> Operations.SignConsent.Output {
        let id = try uuid(input.path.patientId, "patientId")
        let p = try await authorize(.create, .consent, patientID: id)
        guard case .json(let b) = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        guard b.confirmed else { throw APIProblem.badField("confirmed", "the signer must confirm they have read and agree") }
        let kind: ConsentKind
        switch b.kind {
        case .treatment:
            guard b.photoTier == nil else { throw APIProblem.notAccepted("photoTier", "only a photo consent has a tier") }
            kind = .treatment
        case .photo:
            guard let tier = b.photoTier.flatMap({ PhotoConsentTier(rawValue: $0.rawValue) }) else {
                throw APIProblem.notAccepted("photoTier", "a photo consent needs record-only, in-clinic or publication")
            }
            kind = .photo(tier)
        }
        for (field, v) in [("signedByName", b.signedByName), ("textVersion", b.textVersion)] where v.allSatisfy(\.isWhitespace) {
            throw APIProblem.badField(field, "must not be blank")
        }
        let signedOn = try b.signedOn.map { text in
            guard let d = LocalDate(iso: text) else { throw APIProblem.badField("signedOn", "\"\(text.prefix(40))\" is not a date (YYYY-MM-DD)") }
            return d
        }
        let consent = try await state.scope(p.organizationID).consents.sign(
            patientID: id, kind: kind, textVersion: b.textVersion,
            signedByName: b.signedByName, signedOn: signedOn, access(p))
        return .created(.init(body: .json(.init(consent))))
    }

    func withdrawConsent(_ input: Operations.WithdrawConsent.Input) async throws -> Operations.WithdrawConsent.Output {
        let id = try uuid(input.path.patientId, "patientId")
        let consentID = try uuid(input.path.consentId, "consentId")
        let p = try await authorize(.update, .consent, patientID: id)
        var on: LocalDate?
        if case .json(let b)? = input.body, let text = b.withdrawnOn {
            guard let d = LocalDate(iso: text) else { throw APIProblem.badField("withdrawnOn", "\"\(text.prefix(40))\" is not a date (YYYY-MM-DD)") }
            on = d
        }
        let consent = try await state.scope(p.organizationID).consents.withdraw(consentID: consentID, patientID: id, on: on, access(p))
        return .ok(.init(body: .json(.init(consent))))
    }

    // MARK: Courses

    func listCourses(_ input: Operations.ListCourses.Input) async throws -> Operations.ListCourses.Output {
        let id = try uuid(input.path.patientId, "patientId")
        let p = try await authorize(.read, .course, patientID: id)
        _ = try await patient(id, p)
        let all = try await state.scope(p.organizationID).courses.list(patientID: id, access(p))
        return .ok(.init(body: .json(.init(items: all.map(Components.Schemas.Course.init)))))
    }

    func proposeCourse(_ input: Operations.ProposeCourse.Input) async throws -> Operations.ProposeCourse.Output {
        let id = try uuid(input.path.patientId, "patientId")
        let p = try await authorize(.create, .course, patientID: id)
        guard case .json = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        guard case .object(var members) = try ValidatedBody.required() else { throw APIProblem.badField("(body)", "expected an object") }
        if members.contains(where: { $0.0 == "patient" }) {
            throw APIProblem.badField("patient", "the patient comes from the record; leave it out")
        }
        var goal: String?
        if let g = members.first(where: { $0.0 == "goal" })?.1 {
            guard case .string(let text) = g else { throw APIProblem.badField("goal", "expected text") }
            goal = text
            members.removeAll { $0.0 == "goal" }
        }
        let record = try await patient(id, p)
        var start = LocalDate(dayNumber: 0)
        if case .string(let s)? = members.first(where: { $0.0 == "startDate" })?.1, let d = LocalDate(iso: s) { start = d }
        let patientFacts = try await facts(record, on: start, p)
        members.insert(("patient", ResultWriter.patient(patientFacts)), at: 0)
        let proposal = JSONValue.object(members)
        let doc = try ValidatedBody.read { _ throws(DocumentError) in try RequestReader.plan(value: proposal) }
        // The store plans with the clinic's own policy (its override of the shipped one).
        let course = try await state.scope(p.organizationID).courses.create(
            patientID: id, clinicID: p.clinicID, request: doc.request, goal: goal, access(p))
        return .created(.init(body: .json(.init(course))))
    }

    func acceptCourse(_ input: Operations.AcceptCourse.Input) async throws -> Operations.AcceptCourse.Output {
        let id = try uuid(input.path.courseId, "courseId")
        let p = try await authorize(.update, .course)
        var acks: [AcknowledgementDraft] = []
        if case .json(let b)? = input.body {
            for (i, a) in (b.acknowledgements ?? []).enumerated() {
                guard let rule = RuleID(rawValue: a.rule.rawValue) else {
                    throw APIProblem.badField("acknowledgements[\(i)].rule", "unknown rule ID")
                }
                var zone: Zone?
                if let z = a.zone {
                    guard let site = SiteID(rawValue: z.site.rawValue) else {
                        throw APIProblem.badField("acknowledgements[\(i)].zone.site", "unknown site")
                    }
                    guard let side = Side(rawValue: z.side.rawValue) else {
                        throw APIProblem.badField("acknowledgements[\(i)].zone.side", "unknown side")
                    }
                    zone = Zone(site: site, side: side)
                }
                acks.append(AcknowledgementDraft(rule: rule, zone: zone, reason: a.reason))
            }
        }
        // The store reads the plan's findings and refuses a stop or an unacknowledged caution (ClinicalRefusal).
        let accepted = try await state.scope(p.organizationID).courses.accept(courseID: id, acknowledgements: acks, access(p))
        return .ok(.init(body: .json(.init(accepted))))
    }

    // MARK: Sessions

    func listSessions(_ input: Operations.ListSessions.Input) async throws -> Operations.ListSessions.Output {
        let id = try uuid(input.path.courseId, "courseId")
        let p = try await authorize(.read, .session)
        let scope = state.scope(p.organizationID)
        guard try await scope.courses.get(courseID: id, access(p)) != nil else { throw APIProblem.notFound("course") }
        let all = try await scope.sessions.list(courseID: id, access(p))
        return .ok(.init(body: .json(.init(items: all.map(Components.Schemas.Session.init)))))
    }

    /// Re-runs every check on the server with facts from the record: any stop, or a caution without a reason, is 422.
    func recordSession(_ input: Operations.RecordSession.Input) async throws -> Operations.RecordSession.Output {
        let courseID = try uuid(input.path.courseId, "courseId")
        let p = try await authorize(.create, .session)
        guard case .json = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        let doc = try ValidatedBody.read(RequestReader.sessionRecord(value:))
        // The store reads the course, patient, screening, consent and earlier sessions inside the recording's own
        // transaction and refuses with a typed error (Problem.swift maps it: 404, 409 course not active, 422).
        let session = try await state.scope(p.organizationID).sessions.record(courseID: courseID, clinicID: p.clinicID, doc, access(p))
        return .created(.init(body: .json(.init(session))))
    }

    func getSession(_ input: Operations.GetSession.Input) async throws -> Operations.GetSession.Output {
        let id = try uuid(input.path.sessionId, "sessionId")
        let p = try await authorize(.read, .session)
        guard let s = try await state.scope(p.organizationID).sessions.get(sessionID: id, access(p)) else { throw APIProblem.notFound("session") }
        return .ok(.init(body: .json(.init(s))))
    }

    func signSession(_ input: Operations.SignSession.Input) async throws -> Operations.SignSession.Output {
        let id = try uuid(input.path.sessionId, "sessionId")
        let p = try await authorize(.sign, .session)
        let s = try await state.scope(p.organizationID).sessions.sign(sessionID: id, by: p.userID, access(p))
        return .ok(.init(body: .json(.init(s))))
    }

    func addAddendum(_ input: Operations.AddAddendum.Input) async throws -> Operations.AddAddendum.Output {
        let id = try uuid(input.path.sessionId, "sessionId")
        let p = try await authorize(.update, .session)
        guard case .json(let b) = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        guard !b.text.allSatisfy(\.isWhitespace) else { throw APIProblem.badField("text", "must not be blank") }
        let s = try await state.scope(p.organizationID).sessions.addAddendum(sessionID: id, text: b.text, access(p))
        return .created(.init(body: .json(.init(s))))
    }

    // MARK: Adverse events and assessments

    func listAdverseEvents(_ input: Operations.ListAdverseEvents.Input) async throws -> Operations.ListAdverseEvents.Output {
        let id = try uuid(input.path.patientId, "patientId")
        let p = try await authorize(.read, .adverseEvent, patientID: id)
        _ = try await patient(id, p)
        let all = try await state.scope(p.organizationID).adverseEvents.list(patientID: id, access(p))
        return .ok(.init(body: .json(.init(items: all.map(Components.Schemas.AdverseEvent.init)))))
    }

    func reportAdverseEvent(_ input: Operations.ReportAdverseEvent.Input) async throws -> Operations.ReportAdverseEvent.Output {
        let id = try uuid(input.path.patientId, "patientId")
        let p = try await authorize(.create, .adverseEvent, patientID: id)
        guard case .json(let b) = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        guard let onset = LocalDate(iso: b.onset) else { throw APIProblem.badField("onset", "\"\(b.onset.prefix(40))\" is not a date (YYYY-MM-DD)") }
        guard let grade = CTCAEGrade(rawValue: b.grade) else { throw APIProblem.badField("grade", "\(b.grade) is out of range; allowed 1 to 5") }
        let event = try await state.scope(p.organizationID).adverseEvents.report(
            patientID: id, sessionID: try b.sessionId.map { try uuid($0, "sessionId") },
            type: AdverseEventType(rawValue: b._type.rawValue) ?? .other, onset: onset, grade: grade,
            suspectedCauses: (b.suspectedCauses ?? []).compactMap { SuspectedCause(rawValue: $0.rawValue) },
            links: AdverseEventLinks(devicePart: b.devicePart, lot: b.lot, pack: b.pack, topical: b.topical), notes: b.notes,
            zones: try (b.zones ?? []).enumerated().map { i, z in
                guard let site = SiteID(rawValue: z.site.rawValue) else {
                    throw APIProblem.badField("zones[\(i)].site", "\"\(z.site.rawValue)\" is not a known site")
                }
                return Zone(site: site, side: Side(rawValue: z.side.rawValue) ?? .bilateral)
            }, access(p))
        return .created(.init(body: .json(.init(event))))
    }

    func listAssessments(_ input: Operations.ListAssessments.Input) async throws -> Operations.ListAssessments.Output {
        let id = try uuid(input.path.patientId, "patientId")
        let p = try await authorize(.read, .assessment, patientID: id)
        _ = try await patient(id, p)
        let all = try await state.scope(p.organizationID).assessments.list(patientID: id, access(p))
        return .ok(.init(body: .json(.init(items: all.map(Components.Schemas.Assessment.init)))))
    }

    func recordAssessment(_ input: Operations.RecordAssessment.Input) async throws -> Operations.RecordAssessment.Output {
        let id = try uuid(input.path.patientId, "patientId")
        let p = try await authorize(.create, .assessment, patientID: id)
        guard case .json(let b) = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        guard let on = LocalDate(iso: b.assessedOn) else {
            throw APIProblem.badField("assessedOn", "\"\(b.assessedOn.prefix(40))\" is not a date (YYYY-MM-DD)")
        }
        if let s = b.score, !s.isFinite { throw APIProblem.badField("score", "must be a finite number") }
        let a = try await state.scope(p.organizationID).assessments.record(
            patientID: id, courseID: try b.courseId.map { try uuid($0, "courseId") }, scale: b.scale.rawValue, score: b.score,
            items: b.items?.additionalProperties,
            kind: AssessmentKind(rawValue: b.kind.rawValue) ?? .visit, assessedOn: on, access(p))
        return .created(.init(body: .json(.init(a))))
    }

    // MARK: Chart

    func getPatientChart(_ input: Operations.GetPatientChart.Input) async throws -> Operations.GetPatientChart.Output {
        let id = try uuid(input.path.patientId, "patientId")
        let p = try await authorize(.read, .chart, patientID: id)
        guard let chart = try await state.scope(p.organizationID).charts.chart(patientID: id, access(p)) else {
            throw APIProblem.notFound("patient")
        }
        return .ok(.init(body: .json(.init(chart))))
    }

    // MARK: Audit

    func patientAuditLog(_ input: Operations.PatientAuditLog.Input) async throws -> Operations.PatientAuditLog.Output {
        let id = try uuid(input.path.patientId, "patientId")
        let p = try await authorize(.read, .auditLog, patientID: id)
        _ = try await patient(id, p)
        let org = p.organizationID
        let rows = try await state.database.read { try await AuditTrail.rows(patientID: id, organizationID: org, on: $0) }
        return .ok(.init(body: .json(.init(items: rows.map(Components.Schemas.AuditEntry.init)))))
    }
}
