import Foundation
import StratumCore
import StratumStore

/// Checking and recording a treatment session, shared by the API and the pages so both judge a session the same
/// way: the facts (patient, screening, consent, earlier sessions) always come from the record, never the client.
struct SessionWorkflow {
    let state: ServerState
    let principal: Principal
    let access: AccessContext

    /// Why a session was not recorded: the findings still blocking it, with the whole check for display.
    struct Refusal: Error {
        let blocking: [Finding]
        let result: CheckResult
        var hasStop: Bool { blocking.contains { $0.severity == .stop } }
    }

    var scope: OrganizationScope { state.scope(principal.organizationID) }

    /// The facts the rules read, from the record and its latest screening (none: every answer missing).
    func facts(_ patient: Patient, on date: LocalDate) async throws -> PatientFacts {
        let screening = try await scope.screenings.latest(patientID: patient.id, access)
        return PatientFacts(birthDate: patient.birthDate, sex: patient.sex, fitzpatrick: patient.fitzpatrick,
                            screening: screening?.response ?? ScreeningResponse(answeredOn: date, answers: [:]))
    }

    /// Runs every session rule on `doc` for `course` with the record's facts, read as one snapshot; nothing is
    /// written but the audit row of the read.
    func check(course: Course, patient: Patient, _ doc: SessionRecordDocument, excluding: UUID? = nil) async throws -> CheckResult {
        guard let facts = try await scope.sessions.facts(courseID: course.id, on: doc.date, excluding: excluding,
                                                              equipment: doc.equipment, access) else {
            throw StoreError.notFound("course")
        }
        return SessionCheck.check(Self.proposal(facts, doc))
    }

    /// The proposal the rules judge: what the practitioner entered, with everything else (the equipment's state
    /// included) from the record.
    static func proposal(_ facts: SessionFacts, _ doc: SessionRecordDocument) -> SessionProposal {
        let screening = facts.screening?.response ?? ScreeningResponse(answeredOn: doc.date, answers: [:])
        return SessionProposal(
            patient: PatientFacts(birthDate: facts.patient.birthDate, sex: facts.patient.sex, fitzpatrick: facts.patient.fitzpatrick,
                                  screening: screening),
            indications: facts.course.indications, device: facts.course.device, date: doc.date, zones: doc.zones,
            sterility: facts.sterility, handpiece: facts.handpiece, topical: doc.topical, consentSigned: facts.consentSigned,
            previousSessions: facts.previousSessions, clusterAlerts: facts.clusterAlerts, registered: facts.registered)
    }

    /// Re-checks and records the session in one transaction with the facts read in it; any stop, or a caution
    /// without an acknowledgement, is a `Refusal` and nothing is written.
    func record(courseID: UUID, _ doc: SessionRecordDocument) async throws -> TreatmentSession {
        // An assistant documents for the practitioner who treated (named in the document); the store checks that
        // they treat at this clinic and keeps both.
        let practitionerID = doc.practitionerID ?? principal.userID
        let writer = principal.userID
        return try await scope.sessions.record(courseID: courseID, clinicID: principal.clinicID, on: doc.date, equipment: doc.equipment, judgedBy: { facts in
            let result = SessionCheck.check(Self.proposal(facts, doc))
            let blocking = RecordingGate.blocking(result, acknowledgements: doc.acknowledgements)
            guard blocking.isEmpty else { throw Refusal(blocking: blocking, result: result) }
            var draft = SessionDraft(practitionerID: practitionerID, date: doc.date, zones: doc.zones, endPoints: doc.endPoints,
                                device: facts.registered.judgedDevice(planned: facts.course.device), equipment: doc.equipment, topical: doc.topical,
                                reactions: doc.reactions, result: result,
                                acknowledgements: doc.acknowledgements.map { AcknowledgementDraft(rule: $0.rule, zone: $0.zone, reason: $0.reason) })
            draft.documentedBy = writer
            return draft
        }, access)
    }
}
