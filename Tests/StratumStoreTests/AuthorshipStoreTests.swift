import Foundation
import SQLKit
import StratumCore
@testable import StratumStore
import Testing

/// Issue 12, reproductions 4 and 7: every clinical record names who wrote, signed and added to it; an adverse event
/// names the zones it affects and belongs to its session's clinic.
@Suite("Authorship and adverse events by zone")
struct AuthorshipStoreTests {
    /// Late enough that every session of these tests is in the clinic's past.
    static let written = at(60 * 86_400)
    static let leftCheek = Zone(site: .cheek, side: .left)
    static let rightCheek = Zone(site: .cheek, side: .right)
    static let face = [
        ZoneDose(zone: forehead, depthMM: 0.25, passes: 2), ZoneDose(zone: leftCheek, depthMM: 0.5, passes: 3),
        ZoneDose(zone: rightCheek, depthMM: 0.5, passes: 3)
    ]

    /// An assistant of clinic A.
    static func assistant(_ db: StratumDatabase, _ orgs: TwoOrganizations) async throws -> User {
        let dir = Directory(database: db)
        let u = try await dir.createUser(email: "a.assistant@alder.example", displayName: "A. Assistant", passwordHash: "x")
        _ = try await dir.addMembership(userID: u.id, clinicID: orgs.clinicA.id, role: .assistant)
        return u
    }

    @Test(
        "an assistant documents for the practitioner: the session keeps both, with names and roles; signer and addendum author are named",
        arguments: Backend.available)
    func documentedForPractitioner(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let (p, course) = try await activeCourse(db, orgs)
            let helper = try await Self.assistant(db, orgs)
            let a = orgs.scopeA(db)
            let byAssistant = ctx(AccessContext(actorID: helper.id, clinicID: orgs.clinicA.id, requestID: "req-asst"), now: Self.written)
            var d = checkedSession(p, practitioner: orgs.userA.id, date: day0, zones: Self.face)
            d.documentedBy = helper.id
            let s = try await a.sessions.record(courseID: course.id, clinicID: orgs.clinicA.id, d, byAssistant)
            #expect(s.practitionerID == orgs.userA.id && s.documentedBy == helper.id && s.documentedForPractitioner)
            #expect(s.practitioner == Author(id: orgs.userA.id, name: "A. Practitioner", role: .practitioner))
            #expect(s.documenter == Author(id: helper.id, name: "A. Assistant", role: .assistant))
            #expect(s.acknowledgements.allSatisfy { s.staff.author($0.acknowledgedBy).name == "A. Assistant" })

            let signed = try await a.sessions.sign(sessionID: s.id, by: orgs.userA.id, ctx(orgs.ctxA, now: Self.written))
            #expect(signed.signer?.label == "A. Practitioner (practitioner)")
            let noted = try await a.sessions.addAddendum(sessionID: s.id, text: "Mild erythema at 24 h by phone", byAssistant)
            #expect(noted.addenda.map { noted.author(of: $0).label } == ["A. Assistant (assistant)"])

            // The chart names them too, from one look-up for the whole chart.
            let chart = try #require(try await a.charts.chart(patientID: p.id, orgs.ctxA))
            #expect(chart.sessions.map(\.documenter.name) == ["A. Assistant"])
            #expect(chart.sessions.map(\.practitioner.name) == ["A. Practitioner"])
            #expect(chart.courses.map(\.proposer.name) == ["A. Practitioner"])

            // A session written by its own practitioner is documented by them.
            let own = try await a.sessions.list(courseID: course.id, orgs.ctxA)
            #expect(own.map(\.documentedBy) == [helper.id])
            try await expectAuditIntact(db)
        }
    }

    @Test("documenting for someone who does not treat at the clinic is refused naming practitionerId", arguments: Backend.available)
    func practitionerMustTreatHere(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let (p, course) = try await activeCourse(db, orgs)
            let helper = try await Self.assistant(db, orgs)
            let byAssistant = ctx(AccessContext(actorID: helper.id, clinicID: orgs.clinicA.id, requestID: "req-asst"), now: Self.written)
            // The assistant names themselves as the treating practitioner.
            var d = checkedSession(p, practitioner: helper.id, date: day0, zones: Self.face)
            d.documentedBy = orgs.userA.id
            await #expect(throws: StoreError.invalid(field: "practitionerId", problem: "name a practitioner of this clinic who treated the patient"))
            {
                _ = try await orgs.scopeA(db).sessions.record(courseID: course.id, clinicID: orgs.clinicA.id, d, byAssistant)
            }
            #expect(try await orgs.scopeA(db).sessions.list(courseID: course.id, orgs.ctxA).isEmpty)
        }
    }

    @Test(
        "reproduction 7: an event on the left cheek holds the left cheek only; default zones are the session's; clinic and closer are kept",
        arguments: Backend.available)
    func eventsByZone(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let (p, course) = try await activeCourse(db, orgs)
            let a = orgs.scopeA(db)
            let now = ctx(orgs.ctxA, now: Self.written)
            let s1 = try await a.sessions.record(
                courseID: course.id, clinicID: orgs.clinicA.id,
                checkedSession(p, practitioner: orgs.userA.id, date: day0, zones: Self.face), now)
            let bruise = try await a.adverseEvents.report(
                patientID: p.id, sessionID: s1.id, type: .bruising, onset: day0.adding(days: 1),
                grade: .mild, suspectedCauses: [.needleTechnique], notes: "small bruise",
                zones: [Self.leftCheek], now)
            #expect(bruise.zones == [Self.leftCheek])
            #expect(bruise.clinicID == orgs.clinicA.id)
            #expect(bruise.recorder.label == "A. Practitioner (practitioner)")
            #expect(try await a.adverseEvents.get(eventID: bruise.id, orgs.ctxA)?.zones == [Self.leftCheek])

            let prior = try await a.sessions.previousSessions(courseID: course.id, before: day0.adding(days: 28), orgs.ctxA)
            #expect(prior.map(\.openAdverseEventZones) == [[Self.leftCheek]])
            let next = checkedSession(p, practitioner: orgs.userA.id, date: day0.adding(days: 28), zones: Self.face, previous: prior)
            let held = Set(next.result.findings.filter { $0.rule == .reactionUnresolved }.compactMap(\.zone))
            #expect(held == [Self.leftCheek], "the right cheek and the forehead proceed")

            // A zone the session did not treat is refused naming the field; nothing is written.
            await #expect(throws: StoreError.self) {
                _ = try await a.adverseEvents.report(
                    patientID: p.id, sessionID: s1.id, type: .bruising, onset: day0.adding(days: 1),
                    grade: .mild, suspectedCauses: [], notes: nil, zones: [Zone(site: .chin, side: .midline)], now)
            }
            do {
                _ = try await a.adverseEvents.report(
                    patientID: p.id, sessionID: s1.id, type: .bruising, onset: day0.adding(days: 1),
                    grade: .mild, suspectedCauses: [], notes: nil, zones: [Zone(site: .chin, side: .midline)], now)
            } catch StoreError.invalid(let field, _) {
                #expect(field == "zones")
            }
            #expect(try await a.adverseEvents.list(patientID: p.id, orgs.ctxA).count == 1)

            // No zones named: every zone of the linked session.
            let erythema = try await a.adverseEvents.report(
                patientID: p.id, sessionID: s1.id, type: .prolongedErythema, onset: day0.adding(days: 2),
                grade: .mild, suspectedCauses: [], notes: nil, now)
            #expect(Set(erythema.zones) == Set(Self.face.map(\.zone)))
            let closed = try await a.adverseEvents.close(eventID: erythema.id, now)
            #expect(closed.closedBy == orgs.userA.id && closed.closer?.name == "A. Practitioner")

            // Closing the bruise lifts the hold.
            _ = try await a.adverseEvents.close(eventID: bruise.id, now)
            #expect(
                try await a.sessions.previousSessions(courseID: course.id, before: day0.adding(days: 28), orgs.ctxA)
                    .map(\.openAdverseEventZones) == [[]])
            try await expectAuditIntact(db)
        }
    }

    @Test(
        "M0016 back-fill: earlier sessions were documented by their practitioner; earlier events take their session's zones and clinic",
        arguments: Backend.available)
    func backFill(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let (p, course) = try await activeCourse(db, orgs)
            let a = orgs.scopeA(db)
            let now = ctx(orgs.ctxA, now: Self.written)
            let s1 = try await a.sessions.record(
                courseID: course.id, clinicID: orgs.clinicA.id,
                checkedSession(p, practitioner: orgs.userA.id, date: day0, zones: Self.face), now)
            let linked = try await a.adverseEvents.report(
                patientID: p.id, sessionID: s1.id, type: .bruising, onset: day0.adding(days: 1),
                grade: .mild, suspectedCauses: [], notes: nil, zones: [Self.leftCheek], now)
            let unlinked = try await a.adverseEvents.report(
                patientID: p.id, sessionID: nil, type: .milia, onset: day0.adding(days: 3),
                grade: .mild, suspectedCauses: [], notes: nil, now)
            // Rows as they stood before M0016.
            try await db.write { database in
                let sql = database as! any SQLDatabase
                try await sql.raw("UPDATE treatment_sessions SET documented_by = NULL").run()
                try await sql.raw("UPDATE adverse_events SET zones_json = NULL, clinic_id = NULL").run()
                try await M0016_PatientsAndAuthorship.backFillAuthorship(on: sql)
            }
            #expect(try await a.sessions.get(sessionID: s1.id, orgs.ctxA)?.documentedBy == orgs.userA.id)
            let back = try #require(try await a.adverseEvents.get(eventID: linked.id, orgs.ctxA))
            #expect(Set(back.zones) == Set(Self.face.map(\.zone)) && back.clinicID == orgs.clinicA.id)
            let loose = try #require(try await a.adverseEvents.get(eventID: unlinked.id, orgs.ctxA))
            #expect(loose.zones.isEmpty && loose.clinicID == p.clinicID)
        }
    }
}
