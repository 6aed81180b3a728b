import Foundation
import StratumCore
@testable import StratumStore
import Testing

/// A plan whose only cautions are the patient's anticoagulants (SCR-ANTICOAGULANT) and, for a stop, her pregnancy.
private func plan(_ p: Patient, _ overrides: [ScreeningKey: ScreeningAnswer]) -> (PlanRequest, PlanResult) {
    let facts = PatientFacts(
        birthDate: p.birthDate, sex: p.sex, fitzpatrick: p.fitzpatrick,
        screening: ScreeningResponse(answeredOn: day0, answers: completeAnswers(overrides)))
    let request = PlanRequest(patient: facts, indications: [.photoaging], zones: [cheeks, forehead], device: testPen, startDate: day0)
    return (request, CoursePlanner.plan(request))
}

@Suite("Plan acknowledgements: a course is accepted only with a reason for each caution, never under a stop")
struct PlanAcknowledgementTests {
    @Test("a do-not-treat plan is refused at creation with its stops, and nothing is written", arguments: Backend.available)
    func doNotTreatNotStored(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let p = try await a.patients.create(draft(orgs.clinicA.id), orgs.ctxA)
            let (request, result) = plan(p, [.pregnantOrBreastfeeding: .yesNo(true)])
            #expect(result.decision == .doNotTreat)
            let auditBefore = try await allAuditRows(db).count
            do {
                _ = try await a.courses.create(patientID: p.id, clinicID: orgs.clinicA.id, request: request, goal: nil, orgs.ctxA)
                Issue.record("a do-not-treat plan was stored")
            } catch let refusal as ClinicalRefusal {
                #expect(refusal.hasStop)
                #expect(refusal.blocking.map(\.rule) == [.scrPregnancy])
            }
            #expect(try await a.courses.list(patientID: p.id, orgs.ctxA).isEmpty)
            #expect(try await allAuditRows(db).count == auditBefore + 1, "only the list read is audited")
        }
    }

    @Test("each caution needs a reason: refused without, accepted with, the reasons kept with the course", arguments: Backend.available)
    func cautionsAcknowledged(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let p = try await a.patients.create(draft(orgs.clinicA.id), orgs.ctxA)
            let (request, result) = plan(p, [.anticoagulants: .yesNo(true)])
            #expect(result.decision == .proceedWithCaution)
            let cautions = result.findings.filter { $0.severity == .caution }
            #expect(cautions.map(\.rule).contains(.scrAnticoagulant))
            let course = try await a.courses.create(
                patientID: p.id, clinicID: orgs.clinicA.id, request: request,
                goal: nil, orgs.ctxA)

            // No reason: refused, naming every unacknowledged caution; the course stays proposed.
            do {
                _ = try await a.courses.accept(courseID: course.id, orgs.ctxA)
                Issue.record("accepted without acknowledging its cautions")
            } catch let refusal as ClinicalRefusal {
                #expect(!refusal.hasStop)
                #expect(Set(refusal.blocking.map(\.rule)) == Set(cautions.map(\.rule)))
            }
            #expect(try await a.courses.get(courseID: course.id, orgs.ctxA)?.status == .proposed)

            // A blank reason, or a reason for a caution the plan did not raise, is refused naming the field.
            let blank = cautions.map { AcknowledgementDraft(rule: $0.rule, zone: $0.zone, reason: "  ") }
            await #expect(
                throws: StoreError.invalid(
                    field: "acknowledgements[0].reason",
                    problem: "give the clinical reason for accepting \(cautions[0].rule.rawValue)")
            ) {
                _ = try await a.courses.accept(courseID: course.id, acknowledgements: blank, orgs.ctxA)
            }
            let good = cautions.map {
                AcknowledgementDraft(rule: $0.rule, zone: $0.zone, reason: "Stopped aspirin for a week with her GP's agreement")
            }
            let stray = good + [AcknowledgementDraft(rule: .scrKeloid, reason: "no keloid history")]
            await #expect(
                throws: StoreError.invalid(
                    field: "acknowledgements[\(good.count)].rule",
                    problem: "the plan raised no caution SCR-KELOID to acknowledge")
            ) {
                _ = try await a.courses.accept(courseID: course.id, acknowledgements: stray, orgs.ctxA)
            }
            #expect(try await a.courses.get(courseID: course.id, orgs.ctxA)?.status == .proposed)

            let accepted = try await a.courses.accept(courseID: course.id, acknowledgements: good, ctx(orgs.ctxA, now: at(200)))
            #expect(accepted.status == .active)
            #expect(accepted.acceptedBy == orgs.ctxA.actorID)
            #expect(accepted.acknowledgements.count == good.count)
            #expect(accepted.acknowledgements.allSatisfy { $0.reason == "Stopped aspirin for a week with her GP's agreement" })
            #expect(accepted.acknowledgements.allSatisfy { $0.acknowledgedBy == orgs.ctxA.actorID && $0.acknowledgedAt == at(200) })
            #expect(try await a.courses.get(courseID: course.id, orgs.ctxA) == accepted)
            try await expectAuditIntact(db)
        }
    }

    @Test("the gate: a zone acknowledgement covers that zone only; a rule-wide one covers every zone")
    func gateZones() {
        let left = Zone(site: .cheek, side: .left), right = Zone(site: .cheek, side: .right)
        func caution(_ z: Zone) -> Finding {
            Finding(rule: .depthSiteCaution, severity: .caution, message: "deep", zone: z, evidence: "WEB", source: "")
        }
        let findings = [caution(left), caution(right)]
        #expect(
            PlanGate.blocking(findings, acknowledgements: [Acknowledgement(rule: .depthSiteCaution, zone: left, reason: "r")]) == [caution(right)])
        #expect(PlanGate.blocking(findings, acknowledgements: [Acknowledgement(rule: .depthSiteCaution, zone: nil, reason: "r")]).isEmpty)
        #expect(
            AcknowledgementGate.unmatched(
                [Acknowledgement(rule: .depthSiteCaution, zone: Zone(site: .chin, side: .midline), reason: "r")],
                findings: findings
            ).count == 1)
    }
}
