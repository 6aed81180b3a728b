import Foundation
import StratumCore
@testable import StratumStore
import Testing

@Suite("Adverse events and assessments")
struct OutcomeStoreTests {
    @Test(
        "an adverse event is reported with its grade, causes and links, listed, shown on Today while open, closed once",
        arguments: Backend.available)
    func adverseEvents(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let (p, course) = try await activeCourse(db, orgs)
            let a = orgs.scopeA(db)
            let s1 = try await a.sessions.record(
                courseID: course.id, clinicID: orgs.clinicA.id,
                checkedSession(
                    p, practitioner: orgs.userA.id, date: day0,
                    zones: [ZoneDose(zone: cheeks, depthMM: 0.5, passes: 3)]), orgs.ctxA)
            let links = AdverseEventLinks(devicePart: "HP-12", lot: "LOT-2291", pack: nil, topical: "HA serum lot 7")
            let e = try await a.adverseEvents.report(
                patientID: p.id, sessionID: s1.id, type: .infectionBacterial, onset: day0.adding(days: 3),
                grade: .moderate, suspectedCauses: [.toolSterility, .topicalProduct], links: links,
                notes: "Pustules on the left cheek", orgs.ctxA)
            #expect(e.status == .open && e.grade == .moderate && e.sessionID == s1.id)
            #expect(e.suspectedCauses == [.toolSterility, .topicalProduct])
            #expect(e.links == links)
            let other = try await a.patients.create(draft(orgs.clinicA.id, given: "Ines", family: "Duarte"), orgs.ctxA)
            let e2 = try await a.adverseEvents.report(
                patientID: other.id, sessionID: nil, type: .bruising, onset: day0, grade: .mild,
                suspectedCauses: [.needleTechnique], notes: "  ", orgs.ctxA)
            #expect(e2.notes == nil)
            #expect(e2.links == AdverseEventLinks())

            let before = try await allAuditRows(db).count
            let today = try await a.adverseEvents.openEvents(orgs.ctxA)
            #expect(today.map(\.id) == [e2.id, e.id], "oldest onset first")
            let touched = try await allAuditRows(db).dropFirst(before)
            #expect(Set(touched.compactMap(\.entry.patientID)) == [p.id, other.id], "each patient on the Today page is audited")
            #expect(touched.count == 2)

            let closed = try await a.adverseEvents.close(eventID: e.id, ctx(orgs.ctxA, now: at(7200)))
            #expect(closed.status == .closed && closed.closedAt == at(7200))
            await #expect(throws: StoreError.conflict("adverse event is already closed")) {
                _ = try await a.adverseEvents.close(eventID: e.id, orgs.ctxA)
            }
            #expect(try await a.adverseEvents.openEvents(orgs.ctxA).map(\.id) == [e2.id])
            #expect(try await a.adverseEvents.list(patientID: p.id, orgs.ctxA) == [closed])
            // A session of another patient cannot be named as the cause.
            await #expect(throws: StoreError.notFound("session")) {
                _ = try await a.adverseEvents.report(
                    patientID: other.id, sessionID: s1.id, type: .bruising, onset: day0, grade: .mild,
                    suspectedCauses: [], notes: nil, orgs.ctxA)
            }
            try await expectAuditIntact(db)
        }
    }

    @Test(
        "an open event takes follow-up entries with the grade at each review, in date order; a closed one takes none; another organization sees none",
        arguments: Backend.available)
    func followUps(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let p = try await a.patients.create(draft(orgs.clinicA.id), orgs.ctxA)
            let e = try await a.adverseEvents.report(
                patientID: p.id, sessionID: nil, type: .prolongedErythema, onset: day0, grade: .moderate,
                suspectedCauses: [.needleLength], notes: nil, orgs.ctxA)
            let later = try await a.adverseEvents.addFollowUp(
                eventID: e.id, notedOn: day0.adding(days: 14), grade: .mild,
                text: "Fading; continue emollient", orgs.ctxA)
            let first = try await a.adverseEvents.addFollowUp(
                eventID: e.id, notedOn: day0.adding(days: 7), grade: nil,
                text: "  Unchanged redness  ", orgs.ctxA)
            #expect(first.text == "Unchanged redness" && first.grade == nil)
            #expect(try await a.adverseEvents.followUps(eventID: e.id, orgs.ctxA).map(\.id) == [first.id, later.id])
            #expect(try await a.adverseEvents.get(eventID: e.id, orgs.ctxA)?.id == e.id)
            await #expect(throws: StoreError.conflict("a follow-up needs text")) {
                _ = try await a.adverseEvents.addFollowUp(eventID: e.id, notedOn: day0, grade: nil, text: " ", orgs.ctxA)
            }
            let b = orgs.scopeB(db).adverseEvents
            #expect(try await b.get(eventID: e.id, orgs.ctxB) == nil)
            await #expect(throws: StoreError.notFound("adverse event")) { _ = try await b.followUps(eventID: e.id, orgs.ctxB) }
            await #expect(throws: StoreError.notFound("adverse event")) {
                _ = try await b.addFollowUp(eventID: e.id, notedOn: day0, grade: nil, text: "forged", orgs.ctxB)
            }
            #expect(try await lastAudit(db).outcome == .denied)
            _ = try await a.adverseEvents.close(eventID: e.id, orgs.ctxA)
            await #expect(throws: StoreError.conflict("adverse event is already closed")) {
                _ = try await a.adverseEvents.addFollowUp(eventID: e.id, notedOn: day0.adding(days: 21), grade: nil, text: "late", orgs.ctxA)
            }
            #expect(try await a.adverseEvents.followUps(eventID: e.id, orgs.ctxA).count == 2)
            try await expectAuditIntact(db)
        }
    }

    @Test("another organization cannot report on, list, close or see the open events of a patient", arguments: Backend.available)
    func adverseEventsCrossOrganization(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let p = try await a.patients.create(draft(orgs.clinicA.id), orgs.ctxA)
            let e = try await a.adverseEvents.report(
                patientID: p.id, sessionID: nil, type: .pigmentation, onset: day0, grade: .mild,
                suspectedCauses: [.needleLength], notes: nil, orgs.ctxA)
            let b = orgs.scopeB(db).adverseEvents
            #expect(try await b.openEvents(orgs.ctxB).isEmpty)
            await #expect(throws: StoreError.notFound("adverse event")) { _ = try await b.close(eventID: e.id, orgs.ctxB) }
            #expect(try await lastAudit(db).outcome == .denied)
            await #expect(throws: StoreError.notFound("patient")) { _ = try await b.list(patientID: p.id, orgs.ctxB) }
            await #expect(throws: StoreError.notFound("patient")) {
                _ = try await b.report(
                    patientID: p.id, sessionID: nil, type: .bruising, onset: day0, grade: .mild, suspectedCauses: [],
                    notes: nil, orgs.ctxB)
            }
            let last = try await lastAudit(db)
            #expect(last.outcome == .denied && last.organizationID == orgs.b.id && last.patientID == p.id)
            #expect(try await a.adverseEvents.list(patientID: p.id, orgs.ctxA).map(\.status) == [.open])
            try await expectAuditIntact(db)
        }
    }

    @Test("assessments record a score on a scale, tied to the patient's course, listed in the order taken", arguments: Backend.available)
    func assessments(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let (p, course) = try await activeCourse(db, orgs)
            let a = orgs.scopeA(db).assessments
            // GAIS rates change after the first session (OUT-GAIS-BASELINE): the course has one.
            _ = try await orgs.scopeA(db).sessions.record(
                courseID: course.id, clinicID: orgs.clinicA.id,
                checkedSession(
                    p, practitioner: orgs.userA.id, date: day0,
                    zones: [ZoneDose(zone: cheeks, depthMM: 0.5, passes: 2)]), orgs.ctxA)
            let later = try await a.record(
                patientID: p.id, courseID: course.id, scale: "GAIS", score: 2, kind: .visit,
                assessedOn: day0.adding(days: 28), ctx(orgs.ctxA, now: at(36 * 86_400)))
            let baseline = try await a.record(
                patientID: p.id, courseID: course.id, scale: "VSS", score: nil,
                items: ["height": 1, "vascularity": 2, "pigmentation": 1, "pliability": 3], kind: .baseline,
                assessedOn: day0, ctx(orgs.ctxA, now: at(36 * 86_400 + 1)))
            // The total is computed from the items, which are kept in the scale's order.
            #expect(baseline.score == 7 && baseline.itemsJSON == #"{"vascularity":2,"pigmentation":1,"pliability":3,"height":1}"#)
            #expect(baseline.assessedBy == orgs.userA.id)
            #expect(try await a.list(patientID: p.id, orgs.ctxA) == [baseline, later])
            // Each refusal names the field and the scale's rule, and writes nothing.
            await #expect(throws: StoreError.invalid(field: "score", problem: "GAIS scores run from 1 to 5")) {
                _ = try await a.record(patientID: p.id, courseID: nil, scale: "GAIS", score: 6, kind: .visit, assessedOn: day0, orgs.ctxA)
            }
            await #expect(throws: StoreError.invalid(field: "items.height", problem: "scores are whole numbers from 0 to 3")) {
                _ = try await a.record(
                    patientID: p.id, courseID: nil, scale: "VSS", score: nil,
                    items: ["height": 4, "vascularity": 2, "pigmentation": 1, "pliability": 3], kind: .visit, assessedOn: day0, orgs.ctxA)
            }
            await #expect(throws: StoreError.invalid(field: "score", problem: "8 does not match the items' total 7")) {
                _ = try await a.record(
                    patientID: p.id, courseID: nil, scale: "VSS", score: 8,
                    items: ["height": 1, "vascularity": 2, "pigmentation": 1, "pliability": 3], kind: .visit, assessedOn: day0, orgs.ctxA)
            }
            await #expect(throws: StoreError.self) {
                _ = try await a.record(patientID: p.id, courseID: nil, scale: "Not-a-scale", score: 1, kind: .visit, assessedOn: day0, orgs.ctxA)
            }
            await #expect(throws: StoreError.self) {
                _ = try await a.record(patientID: p.id, courseID: nil, scale: "GAIS", score: .nan, kind: .visit, assessedOn: day0, orgs.ctxA)
            }
            // Another patient's course cannot carry this patient's score.
            let other = try await orgs.scopeA(db).patients.create(draft(orgs.clinicA.id, given: "Ines", family: "Duarte"), orgs.ctxA)
            await #expect(throws: StoreError.notFound("course")) {
                _ = try await a.record(patientID: other.id, courseID: course.id, scale: "GAIS", score: 1, kind: .visit, assessedOn: day0, orgs.ctxA)
            }
            // Another organization can neither add nor list.
            let b = orgs.scopeB(db).assessments
            await #expect(throws: StoreError.notFound("patient")) { _ = try await b.list(patientID: p.id, orgs.ctxB) }
            #expect(try await lastAudit(db).outcome == .denied)
            await #expect(throws: StoreError.notFound("patient")) {
                _ = try await b.record(patientID: p.id, courseID: nil, scale: "GAIS", score: 1, kind: .visit, assessedOn: day0, orgs.ctxB)
            }
            let last = try await lastAudit(db)
            #expect(last.outcome == .denied && last.organizationID == orgs.b.id && last.patientID == p.id)
            #expect(try await a.list(patientID: p.id, orgs.ctxA).count == 2)
            try await expectAuditIntact(db)
        }
    }
}
