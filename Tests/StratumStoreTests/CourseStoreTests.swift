import Foundation
import StratumCore
@testable import StratumStore
import Testing

@Suite("Courses: the planner's proposal, accepted once")
struct CourseStoreTests {
    @Test("a planned course is saved as proposed with a visit per planned session, and accepted once", arguments: Backend.available)
    func createAndAccept(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let p = try await a.patients.create(draft(orgs.clinicA.id), orgs.ctxA)
            let (request, result) = photoagingPlan(p)
            let course = try await a.courses.create(
                patientID: p.id, clinicID: orgs.clinicA.id, request: request,
                goal: "Softer fine lines", orgs.ctxA)
            #expect(course.status == .proposed)
            #expect(course.acceptedAt == nil)
            #expect(course.indications == [.photoaging])
            #expect(course.zones == [cheeks, forehead])
            #expect(course.device == testPen)
            #expect(course.intervalWeeks == result.course.intervalWeeks)
            #expect(course.decision == result.decision)
            #expect(course.findings == result.findings)
            #expect(course.policyVersion == result.policyVersion)
            #expect(course.planJSON == JSONWriter.write(ResultWriter.document(result)))
            #expect(course.plannedVisits.count == result.course.sessions.count)
            #expect(course.plannedVisits.map(\.number) == Array(1...result.course.sessions.count))
            #expect(course.plannedVisits.map(\.date) == result.course.sessions.map(\.date))
            #expect(course.plannedVisits[0].zones == result.course.sessions[0].zones.map { ZoneDepth(zone: $0.zone, depthMM: $0.depthMM) })

            let accepted = try await a.courses.accept(
                courseID: course.id, acknowledgements: acknowledgingCautions(course), ctx(orgs.ctxA, now: at(100)))
            #expect(accepted.status == .active)
            #expect(accepted.acceptedAt == at(100))
            await #expect(throws: StoreError.state(.courseNotProposed(status: "active"))) {
                _ = try await a.courses.accept(courseID: course.id, orgs.ctxA)
            }
            #expect(try await a.courses.get(courseID: course.id, orgs.ctxA) == accepted)
            #expect(try await a.courses.list(patientID: p.id, orgs.ctxA) == [accepted])
            try await expectAuditIntact(db)
        }
    }

    @Test("another organization's course cannot be read, listed, accepted or planned for its patient", arguments: Backend.available)
    func crossOrganization(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let p = try await a.patients.create(draft(orgs.clinicA.id), orgs.ctxA)
            let (request, _) = photoagingPlan(p)
            let course = try await a.courses.create(
                patientID: p.id, clinicID: orgs.clinicA.id, request: request,
                goal: nil, orgs.ctxA)
            let b = orgs.scopeB(db).courses
            #expect(try await b.get(courseID: course.id, orgs.ctxB) == nil)
            #expect(try await lastAudit(db).outcome == .denied)
            await #expect(throws: StoreError.notFound("course")) { _ = try await b.accept(courseID: course.id, orgs.ctxB) }
            #expect(try await lastAudit(db).outcome == .denied)
            await #expect(throws: StoreError.notFound("patient")) { _ = try await b.list(patientID: p.id, orgs.ctxB) }
            await #expect(throws: StoreError.notFound("patient")) {
                _ = try await b.create(patientID: p.id, clinicID: orgs.clinicB.id, request: request, goal: nil, orgs.ctxB)
            }
            let last = try await lastAudit(db)
            #expect(last.outcome == .denied && last.organizationID == orgs.b.id && last.patientID == p.id)
            // Organization A cannot attach the course to organization B's clinic either.
            await #expect(throws: StoreError.notFound("clinic")) {
                _ = try await a.courses.create(patientID: p.id, clinicID: orgs.clinicB.id, request: request, goal: nil, orgs.ctxA)
            }
            // Nothing changed: still proposed, still one course.
            #expect(try await a.courses.list(patientID: p.id, orgs.ctxA).map(\.status) == [.proposed])
            try await expectAuditIntact(db)
        }
    }
}
