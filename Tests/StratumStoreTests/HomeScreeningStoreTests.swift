import Foundation
import SQLKit
import StratumCore
@testable import StratumStore
import Testing

/// A portal session for a patient with the email, as the patient opens it: a mailed link and the date of birth.
func portalSession(_ db: StratumDatabase, email: String, at seconds: TimeInterval = 0) async throws -> PortalSession {
    let portal = PortalStore(database: db, auditKey: testAuditKey)
    _ = try await portal.requestLink(email: email, address: "10.0.0.9", now: at(seconds), requestID: "r", mail: portalMail)
    let token = try #require(try await mailedTokens(db, kind: "portal-link").last)
    let opened = try #require(try await portal.signIn(token: token, birthDate: mirasBirthDate, now: at(seconds + 1), requestID: "r"))
    return try #require(try await portal.session(token: opened.token, now: at(seconds + 2)))
}

private func rowsIn(_ db: StratumDatabase, _ table: String) async throws -> Int {
    try await db.read { database in
        let row = try await (database as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM \(ident: table)").first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }
}

@Suite("The screening at home and the consent signed in the portal: kept apart until reviewed, the patient as actor")
struct HomeScreeningStoreTests {
    @Test(
        "a screening answered at home is kept as the patient's, counts for no session until a practitioner confirms it, and the review records the reviewer",
        arguments: Backend.available)
    func reviewedBeforeItCounts(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let (p, course) = try await portalPatient(db, orgs, email: "mira@example.com")
            _ = try await a.screenings.record(patientID: p.id, response: ScreeningResponse(answeredOn: day0, answers: completeAnswers()), orgs.ctxA)
            let session = try await portalSession(db, email: "mira@example.com")
            let portal = PortalScreeningStore(database: db, auditKey: testAuditKey)

            // Every question must be answered at home: refused naming the question, nothing kept.
            var missing = completeAnswers()
            missing[.pregnantOrBreastfeeding] = nil
            await #expect(throws: StoreError.invalid(field: "pregnantOrBreastfeeding", problem: "must be answered")) {
                _ = try await portal.answer(session, answers: missing, now: at(100), requestID: "r")
            }
            await #expect(throws: StoreError.invalid(field: "isotretinoinLastDose", problem: "is not an answer to this question")) {
                _ = try await portal.answer(
                    session, answers: completeAnswers([.isotretinoinLastDose: .yesNo(false)]), now: at(100), requestID: "r")
            }
            #expect(try await rowsIn(db, "home_screenings") == 0)

            let home = try await portal.answer(
                session, answers: completeAnswers([.activeInfectionInArea: .yesNo(true)]), now: at(100), requestID: "answer")
            #expect(home.status == .awaitingReview && home.patientID == p.id && home.reviewedBy == nil)
            #expect(home.findings.contains { $0.rule == .scrInfection && $0.severity == .stop })
            let answered = try await allAuditRows(db).map(\.entry).last { $0.resource == "portal.screening" }
            #expect(answered?.action == "create" && answered?.actorID == p.id && answered?.patientID == p.id && answered?.organizationID == orgs.a.id)

            // The session check and every reader of screenings ignore the unreviewed answers.
            let today = LocalDate.clinicDay(at: Date(), timeZone: "Europe/London")
            let doc = sessionDocument(date: today, zones: [ZoneDose(zone: cheeks, depthMM: 1.0, passes: 2)])
            let before = try #require(try await a.sessions.check(courseID: course.id, doc, orgs.ctxA))
            #expect(!before.findings.contains { $0.rule == .scrInfection }, "unreviewed home answers count for nothing")
            #expect(try await a.screenings.latest(patientID: p.id, orgs.ctxA)?.version == 1)
            let listed = try await a.homeScreenings.awaitingReview(clinicID: orgs.clinicA.id, orgs.ctxA)
            #expect(listed.map(\.screening.id) == [home.id] && listed.first?.patientName == "Mira Okafor")
            #expect(try await orgs.scopeB(db).homeScreenings.awaitingReview(clinicID: orgs.clinicB.id, orgs.ctxB).isEmpty)

            // The review confirms (here unchanged) as a new version answered by the patient, recorded by the reviewer.
            let confirmed = try await a.homeScreenings.confirm(
                homeScreeningID: home.id, patientID: p.id, response: ScreeningResponse(answeredOn: today, answers: home.answers), orgs.ctxA)
            #expect(confirmed.version == 2 && confirmed.answeredByPatient && confirmed.recordedBy == orgs.userA.id)
            let reviewed = try #require(try await a.homeScreenings.get(home.id, patientID: p.id, orgs.ctxA))
            #expect(reviewed.status == .confirmed && reviewed.reviewedBy == orgs.userA.id && reviewed.screeningID == confirmed.id)
            #expect(reviewed.reviewedAt != nil)
            let after = try #require(try await a.sessions.check(courseID: course.id, doc, orgs.ctxA))
            #expect(after.findings.contains { $0.rule == .scrInfection && $0.severity == .stop }, "the confirmed answers count")
            #expect(try await a.homeScreenings.awaitingReview(clinicID: orgs.clinicA.id, orgs.ctxA).isEmpty)
            await #expect(throws: StoreError.conflict("this home screening was already confirmed")) {
                _ = try await a.homeScreenings.confirm(
                    homeScreeningID: home.id, patientID: p.id, response: ScreeningResponse(answeredOn: today, answers: home.answers), orgs.ctxA)
            }
            // Another organization cannot see or confirm it.
            await #expect(throws: StoreError.notFound("home screening")) {
                _ = try await orgs.scopeB(db).homeScreenings.confirm(
                    homeScreeningID: home.id, patientID: p.id, response: ScreeningResponse(answeredOn: today, answers: home.answers), orgs.ctxB)
            }
            try await expectAuditIntact(db)
        }
    }

    @Test("the review corrects the patient's answers before confirming; newer home answers replace unreviewed ones", arguments: Backend.available)
    func correctedAndReplaced(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let (p, _) = try await portalPatient(db, orgs, email: "mira@example.com")
            let session = try await portalSession(db, email: "mira@example.com")
            let portal = PortalScreeningStore(database: db, auditKey: testAuditKey)
            let first = try await portal.answer(session, answers: completeAnswers([.sunburnInArea: .yesNo(true)]), now: at(100), requestID: "r")
            let second = try await portal.answer(session, answers: completeAnswers([.activeAcneInArea: .yesNo(true)]), now: at(200), requestID: "r")
            #expect(try await a.homeScreenings.get(first.id, patientID: p.id, orgs.ctxA)?.status == .superseded)
            #expect(try await a.homeScreenings.awaiting(patientID: p.id, orgs.ctxA)?.id == second.id)
            await #expect(throws: StoreError.conflict("this home screening was already replaced by newer answers")) {
                _ = try await a.homeScreenings.confirm(
                    homeScreeningID: first.id, patientID: p.id, response: ScreeningResponse(answeredOn: day0, answers: completeAnswers()),
                    orgs.ctxA)
            }
            // In the room the acne turns out to be cleared: the corrected answers are what counts.
            let today = LocalDate.clinicDay(at: Date(), timeZone: "Europe/London")
            let confirmed = try await a.homeScreenings.confirm(
                homeScreeningID: second.id, patientID: p.id, response: ScreeningResponse(answeredOn: today, answers: completeAnswers()), orgs.ctxA)
            #expect(confirmed.answeredByPatient && !confirmed.findings.contains { $0.rule == .scrAcneActive })
            #expect(confirmed.answers == completeAnswers())
        }
    }

    @Test(
        "a consent signed in the portal keeps the text version, the typed name, the time and the channel; a name not the patient's is refused",
        arguments: Backend.available)
    func consentInPortal(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let (p, _) = try await portalPatient(db, orgs, email: "mira@example.com")
            let session = try await portalSession(db, email: "mira@example.com")
            let portal = PortalScreeningStore(database: db, auditKey: testAuditKey)
            let rows = try await rowsIn(db, "consents")
            await #expect(
                throws: StoreError.invalid(
                    field: "signedByName",
                    problem: PortalSignatureRules.problem(
                        typed: "Ada Okafor", givenName: "Mira", familyName: "Okafor")!)
            ) {
                _ = try await portal.sign(
                    session, kind: .treatment, textVersion: "treatment-2026.1", typedName: "Ada Okafor", confirmed: true, now: at(100), requestID: "r"
                )
            }
            await #expect(throws: StoreError.invalid(field: "signedByName", problem: "at most 200 characters")) {
                _ = try await portal.sign(
                    session, kind: .treatment, textVersion: "treatment-2026.1", typedName: String(repeating: "M", count: 201), confirmed: true,
                    now: at(100), requestID: "r")
            }
            await #expect(throws: StoreError.invalid(field: "confirmed", problem: "tick to confirm you have read the text and agree")) {
                _ = try await portal.sign(
                    session, kind: .treatment, textVersion: "treatment-2026.1", typedName: "Mira Okafor", confirmed: false, now: at(100),
                    requestID: "r")
            }
            #expect(try await rowsIn(db, "consents") == rows, "nothing written")

            // The clinic's own current text: an older or the shipped version is refused naming it.
            _ = try await a.clinicSettings.addConsentText(
                clinicID: orgs.clinicA.id, kind: .treatment, version: "alder-1", text: "I agree to microneedling.", orgs.ctxA)
            await #expect(throws: StoreError.self) {
                _ = try await portal.sign(
                    session, kind: .treatment, textVersion: "treatment-2026.1", typedName: "Mira Okafor", confirmed: true, now: at(100),
                    requestID: "r")
            }
            let signed = try await portal.sign(
                session, kind: .treatment, textVersion: "alder-1", typedName: "  mira   OKAFOR ", confirmed: true, now: at(300), requestID: "sign")
            #expect(signed.channel == .portal && signed.recordedBy == nil && signed.textVersion == "alder-1")
            #expect(signed.signedByName == "mira   OKAFOR" && signed.signedAt == at(300) && signed.patientID == p.id)
            #expect(signed.recorder.name == "the patient, in the patient portal")
            let audit = try await allAuditRows(db).map(\.entry).last { $0.resource == "patient.consent" }
            #expect(audit?.action == "create" && audit?.actorID == p.id && audit?.patientID == p.id)
            let listed = try await a.consents.list(patientID: p.id, orgs.ctxA)
            #expect(listed.last?.channel == .portal && listed.last?.id == signed.id)
            #expect(listed.dropLast().allSatisfy { $0.channel == .clinic })
            #expect(try await a.consents.hasSignedTreatmentConsent(patientID: p.id, on: signed.signedOn, orgs.ctxA))
            let chart = try #require(try await a.charts.chart(patientID: p.id, orgs.ctxA))
            #expect(chart.consents.contains { $0.channel == .portal })
            try await expectAuditIntact(db)
        }
    }
}
