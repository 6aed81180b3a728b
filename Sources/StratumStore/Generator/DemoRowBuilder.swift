import FluentKit
import Foundation
import StratumCore

/// Turns a demo patient into the rows each door would have written for the same acts, refusing what the door would
/// refuse: a birth date out of range, a clinical date after the clinic's today, a stop or an unacknowledged caution,
/// an acknowledgement of nothing, a score off its scale or against the outcome-scale rules. Every value is set the
/// way the door sets it, with the door's own encoders (`PatientStore.apply`, `SessionStore.apply`, `StoredJSON`,
/// `ScreeningStore.findings`) and the registry as the door's resolver reads it.
struct DemoRowBuilder: Sendable {
    let organizationID: UUID
    let clinics: DemoClinics
    /// Each clinic's today at the moment of writing: what the doors refuse dates after and mark late entries before.
    let today: [UUID: LocalDate]
    /// Each clinic's cartridge lot and handpiece, resolved once: the facts every session there is judged and stored with.
    let resolved: [UUID: ResolvedEquipment]
    let handpieceIDs: [String: UUID]
    private var clock: Date

    /// Reads what the rows refer to: the clinics' time zones and the registry `DemoRegistry.load` wrote.
    static func read(scope: OrganizationScope, clinics: DemoClinics, now: Date) async throws -> DemoRowBuilder {
        try await scope.db.read { database in
            var today: [UUID: LocalDate] = [:]
            var resolved: [UUID: ResolvedEquipment] = [:]
            for id in clinics.all {
                guard
                    let clinic = try await ClinicRow.query(on: database).filter(\.$id == id)
                        .filter(\.$organizationID == scope.organizationID).first()
                else { throw StoreError.notFound("clinic") }
                let day = LocalDate.clinicDay(at: now, timeZone: clinic.timezone)
                today[id] = day
                var eq = try await scope.resolve(
                    DemoRegistry.equipment(clinicID: id, clinics: clinics, serial: nil), on: day, excluding: nil,
                    on: database)
                // Every demo session follows the handpiece's cleaning for that patient.
                eq.handpieceFacts = HandpieceFacts(cleanedSinceLastUse: true)
                resolved[id] = eq
            }
            var handpieceIDs: [String: UUID] = [:]
            for h in try await HandpieceRow.query(on: database).filter(\.$organizationID == scope.organizationID).all() {
                handpieceIDs[h.serial] = h.id!
            }
            return DemoRowBuilder(
                organizationID: scope.organizationID, clinics: clinics, today: today, resolved: resolved,
                handpieceIDs: handpieceIDs, clock: now)
        }
    }

    private init(
        organizationID: UUID, clinics: DemoClinics, today: [UUID: LocalDate], resolved: [UUID: ResolvedEquipment],
        handpieceIDs: [String: UUID], clock: Date
    ) {
        self.organizationID = organizationID
        self.clinics = clinics
        self.today = today
        self.resolved = resolved
        self.handpieceIDs = handpieceIDs
        self.clock = clock
    }

    /// The moment of the next act: ten microseconds after the last, so the record keeps the acts' order (a cleaning
    /// before its session, the end-of-day cleaning after the last one).
    private mutating func tick() -> Date {
        clock = clock.addingTimeInterval(0.000_01)
        return clock
    }

    /// The doors count days in the acting clinic's zone: Central, the demo's signed-in clinic, unless the act names one.
    private func refuseFuture(_ date: LocalDate, field: String, clinicID: UUID? = nil) throws {
        if let problem = RecordDate.futureProblem(date, today: today[clinicID ?? clinics.central]!) {
            throw StoreError.invalid(field: field, problem: problem)
        }
    }

    mutating func add(_ p: DemoPatient, to rows: inout DemoRows) throws {
        let org = organizationID, actor = clinics.practitionerID
        if let problem = RecordDate.birthDateProblem(p.draft.birthDate, today: today[p.draft.clinicID]!) {
            throw StoreError.invalid(field: "birthDate", problem: problem)
        }
        let patient = PatientRow()
        patient.id = UUID()
        patient.organizationID = org
        patient.createdAt = tick()
        PatientStore.apply(p.draft, to: patient, at: patient.createdAt)
        rows.patients.append(patient)
        let patientID = patient.id!

        guard let response = p.screening else { return }
        try refuseFuture(response.answeredOn, field: "answeredOn")
        let screening = ScreeningRow()
        screening.id = UUID()
        screening.organizationID = org
        screening.patientID = patientID
        screening.version = 1
        screening.answeredOn = response.answeredOn.description
        screening.answersJSON = StoredJSON.text(StoredJSON.answers(response.answers))
        screening.findingsJSON = StoredJSON.text(
            StoredJSON.findings(
                ScreeningStore.findings(
                    patient: Patient(patient), response: response,
                    policy: .standard)))
        screening.policyVersion = ClinicalPolicy.standard.version
        screening.recordedBy = actor
        screening.createdAt = tick()
        rows.screenings.append(screening)

        guard p.consentSigned else { return }
        try refuseFuture(response.answeredOn, field: "signedOn")
        let consent = ConsentRow()
        consent.id = UUID()
        consent.organizationID = org
        consent.patientID = patientID
        consent.kind = "treatment"
        consent.photoTier = nil
        consent.textVersion = "2026-11"
        consent.signedByName = p.signerName.trimmingCharacters(in: .whitespacesAndNewlines)
        consent.signedAt = tick()
        consent.signedOn = response.answeredOn.description
        consent.recordedBy = actor
        consent.withdrawnAt = nil
        rows.consents.append(consent)

        guard let planned = p.course else { return }
        try addCourse(planned, patientID: patientID, clinicID: p.draft.clinicID, to: &rows)
    }

    private mutating func addCourse(_ planned: DemoCourse, patientID: UUID, clinicID: UUID, to rows: inout DemoRows) throws {
        let org = organizationID, actor = clinics.practitionerID
        let plan = planned.plan
        if plan.decision == .doNotTreat {
            throw ClinicalRefusal(blocking: plan.findings.filter { $0.severity == .stop }, findings: plan.findings)
        }
        let (course, visits) = CourseStore.proposedRows(
            patientID: patientID, clinicID: clinicID, request: planned.request, result: plan,
            goal: planned.goal, goalScore: nil, organizationID: org, by: actor, at: tick())
        rows.courses.append(course)
        rows.plannedVisits += visits
        let courseID = course.id!

        guard let acknowledgements = planned.acceptance else { return }
        let acks = acknowledgements.map { Acknowledgement(rule: $0.rule, zone: $0.zone, reason: $0.reason) }
        let blocking = PlanGate.blocking(plan.findings, acknowledgements: acks)
        guard blocking.isEmpty else { throw ClinicalRefusal(blocking: blocking, findings: plan.findings) }
        if let i = acks.firstIndex(where: {
            $0.reason.allSatisfy(\.isWhitespace) || !AcknowledgementGate.unmatched([$0], findings: plan.findings).isEmpty
        }) {
            throw StoreError.invalid(field: "acknowledgements[\(i)]", problem: "no reason, or no caution \(acks[i].rule.rawValue) to acknowledge")
        }
        let accepted = tick()
        rows.courseAcknowledgements += CourseStore.acknowledgementRows(
            acknowledgements, courseID: courseID, organizationID: org,
            by: actor, at: accepted)
        course.status = CourseStatus.active.rawValue
        course.acceptedAt = accepted
        course.acceptedBy = actor

        var sessions: [TreatmentSessionRow] = []
        var scores: [AssessmentRow] = []
        for visit in planned.visits {
            clean(visit.handpieceSerial, into: &rows)
            guard let draft = visit.draft else { break }
            let session = try addSession(draft, courseID: courseID, patientID: patientID, clinicID: visit.clinicID, to: &rows)
            sessions.append(session)
            for s in visit.scores {
                scores.append(try addScore(s, patientID: patientID, courseID: courseID, sessions: sessions, earlier: scores, to: &rows))
            }
        }
        if let first = sessions.first {
            rows.outcomes.append(
                Self.outcome(
                    course: course, indications: planned.request.indications, practitionerID: first.practitionerID,
                    sessions: sessions, scores: scores))
        }
    }

    private mutating func addSession(
        _ draft: SessionDraft, courseID: UUID, patientID: UUID, clinicID: UUID,
        to rows: inout DemoRows
    ) throws -> TreatmentSessionRow {
        let org = organizationID, actor = clinics.practitionerID
        try SessionStore.validate(draft)
        try refuseFuture(draft.date, field: "date", clinicID: clinicID)
        var eq = resolved[clinicID]!
        eq.serial = draft.equipment.part?.serial
        eq.sterility.singleUsePart?.serial = eq.serial
        // What the door's equipment check refuses: a stop of the sterility, fit or cluster rules on the registry's facts.
        let equipmentFindings =
            SterilityRules.findings(
                sterility: eq.sterility, handpiece: eq.handpieceFacts,
                device: eq.registered.judgedDevice(planned: draft.device), date: draft.date, policy: .standard)
            + DeviceFitRules.findings(zones: draft.zones, equipment: eq.registered, policy: .standard) + eq.clusterAlerts.map(\.finding)
        let stops = equipmentFindings.filter { $0.severity == .stop }
        guard stops.isEmpty else { throw ClinicalRefusal(blocking: stops, findings: equipmentFindings) }

        let m = TreatmentSessionRow()
        m.id = UUID()
        m.organizationID = org
        m.courseID = courseID
        m.clinicID = clinicID
        m.createdAt = tick()
        m.lateEntry = draft.date < today[clinicID]!
        m.writtenAt = m.createdAt
        SessionStore.apply(draft, eq, to: m)
        rows.sessions.append(m)
        let sessionID = m.id!

        let bound = OrganizationScope.bindingRow(
            eq, sessionID: sessionID, patientID: patientID, clinicID: clinicID, date: draft.date,
            at: m.createdAt, organizationID: org)
        rows.equipment.append(bound)

        let (zones, sessionAcks) = SessionStore.detailRows(draft, sessionID: sessionID, organizationID: org, by: actor, at: m.createdAt)
        rows.zones += zones
        rows.sessionAcknowledgements += sessionAcks
        m.signedAt = tick()
        m.signedBy = actor
        return m
    }

    /// A score as `AssessmentStore.record` takes it: checked against its scale and the outcome-scale rules on the
    /// course's sessions and scores so far.
    private mutating func addScore(
        _ s: DemoScore, patientID: UUID, courseID: UUID, sessions: [TreatmentSessionRow],
        earlier: [AssessmentRow], to rows: inout DemoRows
    ) throws -> AssessmentRow {
        let score: Double
        do { score = try s.scale.score(entered: s.score, items: nil) } catch { throw StoreError.invalid(field: "score", problem: error.problem) }
        try refuseFuture(s.on, field: "assessedOn")
        let baseline = earlier.first { $0.scale == s.scale.rawValue && $0.kind == AssessmentKind.baseline.rawValue }
        let facts = CourseScoreFacts(
            firstSession: sessions.compactMap { LocalDate(iso: $0.date) }.min(), inCourse: true,
            existingBaseline: baseline.flatMap { b in LocalDate(iso: b.assessedOn).map { ($0, b.score) } })
        if let problem = AssessmentRules.problem(scale: s.scale, kind: s.kind, on: s.on, facts: facts) { throw AssessmentRefusal(problem) }
        let m = AssessmentRow()
        m.id = UUID()
        m.organizationID = organizationID
        m.patientID = patientID
        m.courseID = courseID
        m.scale = s.scale.rawValue
        m.score = score
        m.itemsJSON = nil
        m.kind = s.kind.rawValue
        m.assessedOn = s.on.description
        m.assessedBy = clinics.practitionerID
        m.createdAt = tick()
        rows.assessments.append(m)
        return m
    }

    /// The course's outcome-report row as `CourseOutcomeSummary.refresh` leaves it after the course's last session or
    /// score: the sessions, none followed by an adverse event, and the primary scale read by `ScaleReading`.
    static func outcome(
        course: CourseRow, indications: [IndicationID], practitionerID: UUID, sessions: [TreatmentSessionRow],
        scores: [AssessmentRow]
    ) -> CourseOutcomeRow {
        let scale = OutcomeScale.primary(for: indications)
        // Recorded in date order already, as the refresh sorts them.
        let onScale = scores.filter { $0.scale == scale.rawValue }.compactMap { a -> CourseScore? in
            guard let on = LocalDate(iso: a.assessedOn), let kind = AssessmentKind(rawValue: a.kind) else { return nil }
            return CourseScore(score: a.score, on: on, kind: kind, sessionsBefore: sessions.filter { $0.date < a.assessedOn }.count)
        }
        let reading = ScaleReading(scale: scale, scores: onScale)
        let m = CourseOutcomeRow()
        m.id = course.id
        m.organizationID = course.organizationID
        m.clinicID = course.clinicID
        m.indication = indications[0].rawValue
        m.practitionerID = practitionerID
        m.sessions = sessions.count
        m.sessionsWithEvent = 0
        m.firstScore = reading.baseline.map { onScale[$0].score }
        m.lastScore = reading.followUps.last.map { onScale[$0].score }
        m.scores = reading.followUps.count
        return m
    }

    /// A cleaning and disinfection of the handpiece, as `DeviceStore.recordCleaning` writes it.
    mutating func clean(_ serial: String, into rows: inout DemoRows) {
        let c = HandpieceCleaningRow()
        c.id = UUID()
        c.organizationID = organizationID
        c.handpieceID = handpieceIDs[serial]!
        c.method = DemoRegistry.cleaningMethod
        c.cleanedAt = tick()
        c.cleanedBy = clinics.practitionerID
        rows.cleanings.append(c)
    }

    /// The end of the demo day: every handpiece cleaned after its last patient, so none is left due for cleaning.
    mutating func cleanAll(into rows: inout DemoRows) {
        for serial in handpieceIDs.keys.sorted() { clean(serial, into: &rows) }
    }
}
