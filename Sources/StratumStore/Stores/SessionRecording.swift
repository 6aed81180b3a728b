import FluentKit
import Foundation
import StratumCore

/// The one door for recording a treatment session, whichever way it came in (API, page, CLI): the store reads the
/// facts from the record, asks the core (`SessionCheck`, then `RecordingGate`), writes and audits in one transaction.
extension SessionStore {
    /// Records the session `doc` describes on an active course, judged on the record as it stands inside the same
    /// transaction, so nothing can change between the check and the write (a consent withdrawn, a pack recalled, a
    /// session recorded at the same moment). The signed-in user (`ctx.actorID`) writes it; they treated, or they
    /// document for `doc.practitionerID`. One audit row whatever the outcome: `create session`, allowed, or denied
    /// for a refusal, which is typed: `ClinicalRefusal` (a stop, or a caution without a reason), `StoreError.state`
    /// (the course is not active), `StoreError.invalid` (the field at fault), `StoreError.notFound`.
    public func record(courseID: UUID, clinicID: UUID, _ doc: SessionRecordDocument, _ ctx: AccessContext) async throws -> TreatmentSession {
        let actorID = try scope.requireActor(ctx)
        return try await scope.db.write { database -> Scoped<TreatmentSession> in
            try await lockRow(CourseRow.schema, id: courseID, on: database)
            guard let course = try await self.courses(database).filter(\.$id == courseID).first() else {
                return try await self.scope.deny(ctx, patientID: nil, action: .create, resource: "session", missing: "course", on: database)
            }
            let judged: (SessionDraft, ResolvedEquipment, LocalDate)
            do {
                judged = try await self.judge(doc, course: course, clinicID: clinicID, actorID: actorID, ctx, on: database)
            } catch let refusal as ClinicalRefusal {
                return try await self.scope.refuse(ctx, patientID: course.patientID, action: .create, resource: "session", refusal, on: database)
            } catch let refusal as StoreError {
                return try await self.scope.refuse(ctx, patientID: course.patientID, action: .create, resource: "session", refusal, on: database)
            }
            // Nothing was written before this point: a refusal above commits its audit row alone.
            return .found(
                try await self.insert(
                    judged.0, course: course, clinicID: clinicID, actorID: actorID, resolved: judged.1,
                    today: judged.2, ctx, on: database))
        }.get()
    }

    /// What the session form's live re-check shows: every session rule on `doc` for the course, with the facts from
    /// the record read as one snapshot; nothing is written but the read's audit row. Nil when the course is not in
    /// this organization.
    public func check(courseID: UUID, _ doc: SessionRecordDocument, _ ctx: AccessContext) async throws -> CheckResult? {
        guard let facts = try await facts(courseID: courseID, on: doc.date, equipment: doc.equipment, ctx) else { return nil }
        return SessionCheck.check(Self.proposal(facts, doc), policy: facts.policy)
    }

    /// The proposal the rules judge: what the practitioner entered, everything else (the equipment's state included)
    /// from the record. No screening on file: every answer missing, which the screening rules refuse.
    public static func proposal(_ facts: SessionFacts, _ doc: SessionRecordDocument) -> SessionProposal {
        let screening = facts.screening?.response ?? ScreeningResponse(answeredOn: doc.date, answers: [:])
        return SessionProposal(
            patient: PatientFacts(
                birthDate: facts.patient.birthDate, sex: facts.patient.sex, fitzpatrick: facts.patient.fitzpatrick,
                screening: screening),
            indications: facts.course.indications, device: facts.course.device, date: doc.date, zones: doc.zones,
            sterility: facts.sterility, handpiece: facts.handpiece, topical: doc.topical, consentSigned: facts.consentSigned,
            previousSessions: facts.previousSessions, clusterAlerts: facts.clusterAlerts, registered: facts.registered)
    }

    /// Reads the facts and judges `doc` on them; throws the typed refusal, writes nothing.
    private func judge(
        _ doc: SessionRecordDocument, course: CourseRow, clinicID: UUID, actorID: UUID, _ ctx: AccessContext,
        on database: any Database
    ) async throws -> (SessionDraft, ResolvedEquipment, LocalDate) {
        guard course.status == CourseStatus.active.rawValue else { throw StoreError.state(.courseNotActive(status: course.status)) }
        // The core's input limits, whichever door built the document: a value no session can have is never judged.
        if let first = SessionInputRules.problems(doc).first {
            throw StoreError.invalid(field: first.field.description, problem: first.problem.description)
        }
        // The clinic's row, read once: its time zone decides today, its override the policy that judges the session.
        guard let clinic = try await scope.clinic(clinicID, on: database) else { throw StoreError.notFound("clinic") }
        // Lot expiry and intervals judged against an invented day would be judged wrongly: refuse before judging.
        let today = LocalDate.clinicDay(at: ctx.now, timeZone: clinic.timezone)
        if let problem = RecordDate.futureProblem(doc.date, today: today) { throw StoreError.invalid(field: "date", problem: problem) }
        guard
            let (facts, resolved) = try await facts(
                of: course, judgedBy: try ClinicSettingsStore.setting(clinic).effective, on: doc.date, excluding: nil,
                equipment: doc.equipment, on: database)
        else {
            throw StoreError.notFound("patient")
        }
        // The clinic's own policy (the shipped one, narrowed by its override) judges the session.
        let result = SessionCheck.check(Self.proposal(facts, doc), policy: facts.policy)
        var draft = SessionDraft(
            practitionerID: doc.practitionerID ?? actorID, date: doc.date, zones: doc.zones, endPoints: doc.endPoints,
            device: facts.registered.judgedDevice(planned: facts.course.device), equipment: doc.equipment,
            topical: doc.topical, reactions: doc.reactions, result: result,
            acknowledgements: doc.acknowledgements.map { AcknowledgementDraft(rule: $0.rule, zone: $0.zone, reason: $0.reason) })
        draft.documentedBy = actorID
        try Self.validate(draft)
        guard try await scope.hasMember(draft.practitionerID, on: database) else { throw StoreError.notFound("practitioner") }
        try await scope.requireTreatingPractitioner(draft, clinicID: clinicID, on: database)
        return (draft, resolved, today)
    }
}
