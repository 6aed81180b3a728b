import Foundation
import StratumCore
@testable import StratumStore
import Testing

@Suite("Clinic policy: the owner narrows the shipped policy, never widens it, and the store's doors judge by it")
struct ClinicPolicyStoreTests {
    @Test("a widening override is refused with every reason and nothing is stored", arguments: Backend.available)
    func wideningRefused(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let settings = orgs.scopeA(db).clinicSettings
            let wider = ClinicPolicyOverride(
                severities: [.scrAnticoagulant: .info], sites: [.forehead: .init(stopAbove: 2.0)],
                indications: [.scars: .init(allowedIntervalWeeks: 2...8)])
            do {
                _ = try await settings.setPolicy(clinicID: orgs.clinicA.id, wider, orgs.ctxA)
                Issue.record("a widening override was stored")
            } catch let r as OverrideRefusals {
                #expect(
                    r.refusals.map(\.path) == ["severities.SCR-ANTICOAGULANT", "sites.forehead.stopAboveMM", "indications.scars.intervalWeeks"])
                #expect(r.refusals[1].reason.contains("may only lower it"))
            }
            let stored = try await settings.policy(clinicID: orgs.clinicA.id)
            #expect(stored.override == ClinicPolicyOverride() && stored.changes.isEmpty && stored.updatedAt == nil)
            #expect(stored.effective.version == ClinicalPolicy.shippedVersion)
            #expect(try await settingChanges(db, orgs.clinicA.id).isEmpty)
            #expect(try await allAuditRows(db).isEmpty)
        }
    }

    @Test(
        "the owner lowers the forehead's caution ceiling: a plan that was acceptable now gets DEPTH-SITE-CAUTION, and a session is judged by it",
        arguments: Backend.available)
    func lowerForeheadCeiling(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let (p, course) = try await activeCourse(db, orgs)
            _ = try await a.screenings.record(patientID: p.id, response: ScreeningResponse(answeredOn: day0, answers: completeAnswers()), orgs.ctxA)
            _ = try await a.consents.sign(
                patientID: p.id, kind: .treatment, textVersion: "treatment-test", signedByName: "Mira Okafor", signedOn: day0, orgs.ctxA)
            let foreheadCaution = { (f: [Finding]) in f.contains { $0.rule == .depthSiteCaution && $0.zone?.site == .forehead } }
            let (request, _) = photoagingPlan(p)
            let before = try await a.courses.create(patientID: p.id, clinicID: orgs.clinicA.id, request: request, goal: nil, orgs.ctxA)
            #expect(!foreheadCaution(before.findings), "\(before.findings.map(\.rule))")
            #expect(before.policyVersion == ClinicalPolicy.shippedVersion)
            let dose = sessionDocument(date: day0, zones: [ZoneDose(zone: forehead, depthMM: 0.75, passes: 3)])
            let checkedBefore = try #require(try await a.sessions.check(courseID: course.id, dose, orgs.ctxA))
            #expect(!foreheadCaution(checkedBefore.findings))

            let set = try await a.clinicSettings.setPolicy(
                clinicID: orgs.clinicA.id, ClinicPolicyOverride(sites: [.forehead: .init(cautionAbove: 0.5)]), ctx(orgs.ctxA, now: at(5)))
            #expect(set.effective.site(.forehead).cautionAbove == 0.5 && set.effective.site(.forehead).stopAbove == 1.5)
            #expect(set.changes.map(\.summary) == ["forehead caution above 0.5 mm (shipped 1 mm)"])
            #expect(set.updatedAt == at(5) && set.updatedBy == orgs.userA.id)
            let rows = try await settingChanges(db, orgs.clinicA.id)
            #expect(rows.map { [$0.0, $0.1 ?? "—", $0.2 ?? "—"] } == [["policy.sites.forehead.cautionAboveMM", "—", "0.5 mm"]])
            let audit = try await lastAudit(db)
            #expect(audit.action == "update" && audit.resource == "clinic" && audit.patientID == nil)

            // The same request planned again: the store asks the core with the clinic's policy.
            let after = try await a.courses.create(patientID: p.id, clinicID: orgs.clinicA.id, request: request, goal: nil, orgs.ctxA)
            #expect(foreheadCaution(after.findings), "\(after.findings.map(\.rule))")
            #expect(after.policyVersion == ClinicalPolicy.shippedVersion + "+clinic")
            #expect(try await a.courses.preview(clinicID: orgs.clinicA.id, request: request)?.findings == after.findings)
            // Another organization's clinic keeps the shipped policy.
            let pb = try await orgs.scopeB(db).patients.create(draft(orgs.clinicB.id), orgs.ctxB)
            let (requestB, _) = photoagingPlan(pb)
            let other = try await orgs.scopeB(db).courses.create(patientID: pb.id, clinicID: orgs.clinicB.id, request: requestB, goal: nil, orgs.ctxB)
            #expect(!foreheadCaution(other.findings))

            // The session door: the same dose now raises the caution; raised to a stop, it refuses the recording.
            let checked = try #require(try await a.sessions.check(courseID: course.id, dose, orgs.ctxA))
            #expect(foreheadCaution(checked.findings) && checked.policyVersion.hasSuffix("+clinic"))
            _ = try await a.clinicSettings.setPolicy(
                clinicID: orgs.clinicA.id,
                ClinicPolicyOverride(severities: [.depthSiteCaution: .stop], sites: [.forehead: .init(cautionAbove: 0.5)]), orgs.ctxA)
            do {
                _ = try await a.sessions.record(
                    courseID: course.id, clinicID: orgs.clinicA.id, sessionDocument(date: day0, zones: dose.zones, acknowledging: checked),
                    orgs.ctxA)
                Issue.record("a session above the clinic's stop was recorded")
            } catch let r as ClinicalRefusal {
                #expect(r.hasStop && r.blocking.map(\.rule) == [.depthSiteCaution], "\(r.blocking.map(\.rule))")
            }
            #expect(try await a.sessions.list(courseID: course.id, orgs.ctxA).isEmpty)
            let history = try await settingChanges(db, orgs.clinicA.id)
            #expect(history.last.map { [$0.0, $0.1 ?? "—", $0.2 ?? "—"] } == ["policy.severities.DEPTH-SITE-CAUTION", "—", "stop"])

            // Back to the shipped policy: the stored override is cleared and the change recorded.
            let cleared = try await a.clinicSettings.setPolicy(clinicID: orgs.clinicA.id, ClinicPolicyOverride(), orgs.ctxA)
            #expect(cleared.changes.isEmpty && cleared.effective.version == ClinicalPolicy.shippedVersion)
            #expect(try await settingChanges(db, orgs.clinicA.id).count == 4)
            try await expectAuditIntact(db)
        }
    }
}
