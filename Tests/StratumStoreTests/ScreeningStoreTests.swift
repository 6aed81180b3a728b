import Foundation
import StratumCore
@testable import StratumStore
import Testing

@Suite("Screenings: versioned answers with the findings of their rule-set version")
struct ScreeningStoreTests {
    @Test("each screening is a new version; answers and findings read back as recorded", arguments: Backend.available)
    func versioning(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let p = try await a.patients.create(draft(orgs.clinicA.id), orgs.ctxA)
            // First visit: two questions left open, isotretinoin stopped three months ago.
            var first = completeAnswers([.isotretinoinLastDose: .lastDate(LocalDate(iso: "2026-08-01")!)])
            first[.keloidHistory] = nil
            first[.metalAllergy] = nil
            let v1 = try await a.screenings.record(
                patientID: p.id, response: ScreeningResponse(answeredOn: day0, answers: first),
                ctx(orgs.ctxA, now: at(40 * 86_400)))  // written after both answer days: no record is dated ahead of the clinic's today
            #expect(v1.version == 1)
            #expect(v1.answers == first)
            #expect(v1.answers[.keloidHistory] == nil)
            #expect(v1.policyVersion == ClinicalPolicy.shippedVersion)
            let rules1 = Set(v1.findings.map(\.rule))
            #expect(rules1.contains(.scrIncomplete))
            #expect(rules1.contains(.scrIsotretinoinRecent))
            #expect(rules1.contains(.scrPhototype), "Fitzpatrick V is a finding of the patient, stored with the screening")

            // Second visit: complete, cold sores, never took isotretinoin.
            let second = completeAnswers([.herpesHistory: .yesNo(true)])
            let v2 = try await a.screenings.record(
                patientID: p.id,
                response: ScreeningResponse(answeredOn: day0.adding(days: 30), answers: second),
                ctx(orgs.ctxA, now: at(40 * 86_400 + 60)))
            #expect(v2.version == 2)
            #expect(!v2.findings.map(\.rule).contains(.scrIncomplete))
            // Without zones the screening cannot know the face is treated, so SCR-HSV waits for the plan.
            #expect(!v2.findings.map(\.rule).contains(.scrHSV))
            #expect(v2.answers[.isotretinoinLastDose] == .lastDate(nil), "never is kept as an answer, not as a missing key")

            let latest = try #require(try await a.screenings.latest(patientID: p.id, orgs.ctxA))
            // The latest version as the rules read it (facts, not the names of who recorded it).
            #expect(
                latest.id == v2.id && latest.version == v2.version && latest.answers == v2.answers && latest.findings == v2.findings
                    && latest.recordedBy == v2.recordedBy && latest.answeredOn == v2.answeredOn)
            let history = try await a.screenings.history(patientID: p.id, orgs.ctxA)
            #expect(history.map(\.version) == [2, 1])
            #expect(history[1] == v1, "the first version is unchanged by the second")
            // The stored findings are the core's, recomputed identically from the patient and the answers.
            #expect(v1.findings == ScreeningStore.findings(patient: p, response: v1.response, policy: .standard))
            try await expectAuditIntact(db)
        }
    }

    @Test(
        "another organization can neither read nor add to a patient's screenings, and the attempts are audited as denied",
        arguments: Backend.available)
    func crossOrganization(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let p = try await orgs.scopeA(db).patients.create(draft(orgs.clinicA.id), orgs.ctxA)
            _ = try await orgs.scopeA(db).screenings.record(
                patientID: p.id,
                response: ScreeningResponse(answeredOn: day0, answers: completeAnswers()), orgs.ctxA)
            let b = orgs.scopeB(db).screenings
            #expect(try await b.latest(patientID: p.id, orgs.ctxB) == nil)
            var last = try await lastAudit(db)
            #expect(last.outcome == .denied && last.organizationID == orgs.b.id && last.resource == "patient.screening")
            await #expect(throws: StoreError.notFound("patient")) { _ = try await b.history(patientID: p.id, orgs.ctxB) }
            #expect(try await lastAudit(db).outcome == .denied)
            await #expect(throws: StoreError.notFound("patient")) {
                _ = try await b.record(patientID: p.id, response: ScreeningResponse(answeredOn: day0, answers: completeAnswers()), orgs.ctxB)
            }
            last = try await lastAudit(db)
            #expect(last.action == "create" && last.outcome == .denied && last.patientID == p.id)
            // Organization A still has exactly one version.
            #expect(try await orgs.scopeA(db).screenings.history(patientID: p.id, orgs.ctxA).map(\.version) == [1])
            // A patient with no screening yet reads as nil, allowed.
            let q = try await orgs.scopeA(db).patients.create(draft(orgs.clinicA.id, given: "Ines", family: "Duarte"), orgs.ctxA)
            #expect(try await orgs.scopeA(db).screenings.latest(patientID: q.id, orgs.ctxA) == nil)
            #expect(try await lastAudit(db).outcome == .allowed)
            try await expectAuditIntact(db)
        }
    }

    @Test("a screening needs the user who records it", arguments: Backend.available)
    func anonymousRefused(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let p = try await orgs.scopeA(db).patients.create(draft(orgs.clinicA.id), orgs.ctxA)
            let anonymous = AccessContext(actorID: nil, clinicID: orgs.clinicA.id, requestID: "r")
            await #expect(throws: StoreError.self) {
                _ = try await orgs.scopeA(db).screenings.record(
                    patientID: p.id,
                    response: ScreeningResponse(answeredOn: day0, answers: completeAnswers()), anonymous)
            }
            #expect(try await orgs.scopeA(db).screenings.history(patientID: p.id, orgs.ctxA).isEmpty)
            try await expectAuditIntact(db)
        }
    }
}

@Suite("A denied patient update is recorded")
struct PatientUpdateAuditTests {
    @Test("updating another organization's patient leaves a denied audit row", arguments: Backend.available)
    func deniedUpdateAudited(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let p = try await orgs.scopeA(db).patients.create(draft(orgs.clinicA.id), orgs.ctxA)
            await #expect(throws: StoreError.notFound("patient")) {
                _ = try await orgs.scopeB(db).patients.update(p.id, draft(orgs.clinicB.id), orgs.ctxB)
            }
            let last = try await lastAudit(db)
            #expect(last.action == "update" && last.outcome == .denied && last.organizationID == orgs.b.id)
            try await expectAuditIntact(db)
        }
    }
}
