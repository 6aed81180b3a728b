import Foundation
import StratumCore
@testable import StratumStore
import Testing

/// An instant written out, so the clinic's today in each test is fixed.
private func instant(_ iso: String) -> Date { ISO8601DateFormatter().date(from: iso)! }

@Suite("A record that admits only what happened: dates, late entries, consent in force, birth dates")
struct RecordDateStoreTests {
    /// 2026-11-10 noon in London (Alder Central's zone).
    static let noon = instant("2026-11-10T12:00:00Z")
    static let today = LocalDate(iso: "2026-11-10")!

    @Test(
        "a session, assessment, adverse event, follow-up, screening and consent dated after the clinic's today are refused naming the field; nothing is written",
        arguments: Backend.available)
    func futureDatesRefused(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let (p, course) = try await activeCourse(db, orgs)
            let a = orgs.scopeA(db)
            let c = ctx(orgs.ctxA, now: Self.noon)
            let tomorrow = Self.today.adding(days: 1)
            func field(_ expected: String, _ act: () async throws -> Void) async {
                do { try await act(); Issue.record("\(expected) in the future was accepted") } catch let StoreError.invalid(f, problem) {
                    #expect(f == expected)
                    #expect(problem.contains("\(tomorrow)") || problem.contains(Self.today.adding(days: 9).description), "\(problem)")
                } catch { Issue.record("\(expected): \(error)") }
            }
            let zones = [ZoneDose(zone: cheeks, depthMM: 0.5, passes: 3)]
            // Reproduction 1 of issue 12: a session 9 days ahead.
            let nineDays = Self.today.adding(days: 9)
            await field("date") {
                _ = try await a.sessions.record(
                    courseID: course.id, clinicID: orgs.clinicA.id,
                    checkedSession(p, practitioner: orgs.userA.id, date: nineDays, zones: zones), c)
            }
            await field("date") {
                _ = try await a.sessions.record(courseID: course.id, clinicID: orgs.clinicA.id, sessionDocument(date: nineDays, zones: zones), c)
            }
            #expect(try await a.sessions.list(courseID: course.id, c).isEmpty)
            let recorded = try await a.sessions.record(
                courseID: course.id, clinicID: orgs.clinicA.id,
                checkedSession(p, practitioner: orgs.userA.id, date: Self.today, zones: zones), c)
            await field("date") {
                _ = try await a.sessions.update(
                    sessionID: recorded.id, checkedSession(p, practitioner: orgs.userA.id, date: tomorrow, zones: zones), c)
            }
            #expect(try await a.sessions.get(sessionID: recorded.id, c)?.date == Self.today)
            await field("assessedOn") {
                _ = try await a.assessments.record(
                    patientID: p.id, courseID: course.id, scale: "GAIS", score: 2, kind: .visit, assessedOn: tomorrow, c)
            }
            await field("onset") {
                _ = try await a.adverseEvents.report(
                    patientID: p.id, sessionID: nil, type: .bruising, onset: tomorrow, grade: .mild,
                    suspectedCauses: [], notes: nil, c)
            }
            let event = try await a.adverseEvents.report(
                patientID: p.id, sessionID: nil, type: .bruising, onset: Self.today, grade: .mild,
                suspectedCauses: [], notes: nil, c)
            await field("notedOn") {
                _ = try await a.adverseEvents.addFollowUp(eventID: event.id, notedOn: tomorrow, grade: nil, text: "Settling", c)
            }
            await field("answeredOn") {
                _ = try await a.screenings.record(patientID: p.id, response: ScreeningResponse(answeredOn: tomorrow, answers: completeAnswers()), c)
            }
            await field("signedOn") {
                _ = try await a.consents.sign(
                    patientID: p.id, kind: .treatment, textVersion: "t1", signedByName: "Mira Okafor", signedOn: tomorrow, c)
            }
            await field("signedAt") {
                _ = try await a.consents.sign(
                    patientID: p.id, kind: .treatment, textVersion: "t1", signedByName: "Mira Okafor",
                    signedAt: Self.noon.addingTimeInterval(86_400), c)
            }
            #expect(try await a.consents.list(patientID: p.id, c).isEmpty)
            #expect(try await a.screenings.history(patientID: p.id, c).isEmpty)
            #expect(try await a.assessments.list(patientID: p.id, c).isEmpty)
            try await expectAuditIntact(db)
        }
    }

    @Test("today is the clinic's: at 23:30 UTC it is already tomorrow in Berlin, not yet in London", arguments: Backend.available)
    func clinicTimeZone(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let late = instant("2026-11-10T23:30:00Z")
            let eleventh = LocalDate(iso: "2026-11-11")!
            let pb = try await orgs.scopeB(db).patients.create(draft(orgs.clinicB.id), ctx(orgs.ctxB, now: late))
            let screening = ScreeningResponse(answeredOn: eleventh, answers: completeAnswers())
            _ = try await orgs.scopeB(db).screenings.record(patientID: pb.id, response: screening, ctx(orgs.ctxB, now: late))
            let pa = try await orgs.scopeA(db).patients.create(draft(orgs.clinicA.id), ctx(orgs.ctxA, now: late))
            await #expect(throws: StoreError.self) {
                _ = try await orgs.scopeA(db).screenings.record(patientID: pa.id, response: screening, ctx(orgs.ctxA, now: late))
            }
        }
    }

    @Test("a session for an earlier day is stored as a late entry with the time it was written; today's is not", arguments: Backend.available)
    func lateEntry(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let (p, course) = try await activeCourse(db, orgs)
            let s = orgs.scopeA(db).sessions
            let zones = [ZoneDose(zone: cheeks, depthMM: 0.5, passes: 3)]
            let c = ctx(orgs.ctxA, now: Self.noon)
            let earlier = try await s.record(
                courseID: course.id, clinicID: orgs.clinicA.id,
                checkedSession(p, practitioner: orgs.userA.id, date: Self.today.adding(days: -8), zones: zones), c)
            #expect(earlier.lateEntry && earlier.writtenAt == Self.noon)
            let fromStore = try await s.get(sessionID: earlier.id, c)
            #expect(fromStore?.lateEntry == true && fromStore?.writtenAt == Self.noon, "stored, not recomputed")
            // Read back a week later: still the same late entry, written at the same time.
            #expect(try await s.get(sessionID: earlier.id, ctx(orgs.ctxA, now: Self.noon.addingTimeInterval(7 * 86_400)))?.writtenAt == Self.noon)
            let onTheDay = try await s.record(
                courseID: course.id, clinicID: orgs.clinicA.id,
                checkedSession(p, practitioner: orgs.userA.id, date: Self.today, zones: [ZoneDose(zone: forehead, depthMM: 0.25, passes: 2)]), c)
            #expect(!onTheDay.lateEntry && onTheDay.writtenAt == Self.noon)
            // Corrected the next day for the same day: the correction is written late.
            let later = Self.noon.addingTimeInterval(86_400)
            let corrected = try await s.update(
                sessionID: onTheDay.id,
                checkedSession(p, practitioner: orgs.userA.id, date: Self.today, zones: [ZoneDose(zone: forehead, depthMM: 0.25, passes: 3)]),
                ctx(orgs.ctxA, now: later))
            #expect(corrected.lateEntry && corrected.writtenAt == later)
        }
    }

    @Test("SCR-CONSENT: a treatment consent counts from its signing day until the day it is withdrawn", arguments: Backend.available)
    func consentInForce(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let (p, course) = try await activeCourse(db, orgs)
            let a = orgs.scopeA(db)
            let c = ctx(orgs.ctxA, now: Self.noon)
            let signed = LocalDate(iso: "2026-11-01")!
            let consent = try await a.consents.sign(
                patientID: p.id, kind: .treatment, textVersion: "t1", signedByName: "Mira Okafor",
                signedOn: signed, c)
            #expect(consent.signedOn == signed && consent.withdrawnOn == nil)
            func inForce(_ d: LocalDate) async throws -> Bool {
                try #require(try await a.sessions.facts(courseID: course.id, on: d, c)).consentSigned
            }
            #expect(try await inForce(signed.adding(days: -1)) == false, "a session before the signing day is not covered")
            #expect(try await inForce(signed))
            let zones = [ZoneDose(zone: cheeks, depthMM: 0.5, passes: 3)]
            // The door of the pages and the API: the judge checks the facts the store read.
            _ = try await a.screenings.record(
                patientID: p.id, response: ScreeningResponse(answeredOn: LocalDate(iso: "2026-10-29")!, answers: completeAnswers()), c)
            func judged(_ d: LocalDate) async throws -> TreatmentSession {
                let check = try #require(try await a.sessions.check(courseID: course.id, sessionDocument(date: d, zones: zones), c))
                return try await a.sessions.record(
                    courseID: course.id, clinicID: orgs.clinicA.id, sessionDocument(date: d, zones: zones, acknowledging: check), c)
            }
            do { _ = try await judged(LocalDate(iso: "2026-10-30")!); Issue.record("a session before the consent was signed was recorded") } catch let
                r as ClinicalRefusal
            { #expect(r.blocking.map(\.rule) == [.scrConsent]) }

            await #expect(throws: StoreError.invalid(field: "withdrawnOn", problem: "2026-10-31 is before the consent was signed (2026-11-01)")) {
                _ = try await a.consents.withdraw(consentID: consent.id, on: LocalDate(iso: "2026-10-31")!, c)
            }
            await #expect(throws: StoreError.self) { _ = try await a.consents.withdraw(consentID: consent.id, on: Self.today.adding(days: 1), c) }
            let withdrawnOn = LocalDate(iso: "2026-11-08")!
            let rowsBefore = try await allAuditRows(db).count
            let withdrawn = try await a.consents.withdraw(consentID: consent.id, on: withdrawnOn, c)
            #expect(withdrawn.withdrawnOn == withdrawnOn && withdrawn.withdrawnAt == Self.noon)
            let rows = try await allAuditRows(db)
            #expect(rows.count == rowsBefore + 1 && rows.last?.entry.action == "withdraw" && rows.last?.entry.patientID == p.id)
            #expect(try await inForce(withdrawnOn) == false, "withdrawn on the session's day")
            #expect(try await inForce(Self.today) == false)
            #expect(try await inForce(withdrawnOn.adding(days: -1)), "a session dated before the withdrawal still counted")
            do { _ = try await judged(Self.today); Issue.record("a session after the withdrawal was recorded") } catch let r as ClinicalRefusal {
                #expect(r.blocking.map(\.rule) == [.scrConsent])
            }
            let before = try await judged(LocalDate(iso: "2026-11-05")!)
            #expect(before.decision != .doNotTreat && before.lateEntry)
            #expect(try await a.consents.hasSignedTreatmentConsent(patientID: p.id, on: LocalDate(iso: "2026-11-05")!, c))
            #expect(try await a.consents.hasSignedTreatmentConsent(patientID: p.id, c) == false)
            try await expectAuditIntact(db)
        }
    }

    @Test(
        "birth dates run from 120 years ago to today: 2030 and 1800 are refused naming birthDate, on create and update",
        arguments: Backend.available)
    func birthDates(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let c = ctx(orgs.ctxA, now: Self.noon)
            for bad in ["2030-01-05", "1800-06-01", "2026-11-11", "1906-11-09"] {
                await #expect(throws: StoreError.self) { _ = try await a.patients.create(draft(orgs.clinicA.id, birth: bad), c) }
                do { _ = try await a.patients.create(draft(orgs.clinicA.id, birth: bad), c) } catch let StoreError.invalid(field, _) {
                    #expect(field == "birthDate")
                }
            }
            #expect(try await a.patients.search(name: "Okafor", birthDate: nil, c).isEmpty, "nothing was written")
            let p = try await a.patients.create(draft(orgs.clinicA.id, birth: "1906-11-10"), c)
            await #expect(
                throws: StoreError.invalid(
                    field: "birthDate", problem: "2030-01-05 is after today (2026-11-10): a birth date cannot be in the future")
            ) {
                _ = try await a.patients.update(p.id, draft(orgs.clinicA.id, birth: "2030-01-05"), c)
            }
            #expect(try await a.patients.get(p.id, c)?.birthDate == LocalDate(iso: "1906-11-10"))
            _ = try await a.patients.update(p.id, draft(orgs.clinicA.id, birth: "2026-11-10"), c)
        }
    }
}
