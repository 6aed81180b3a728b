import Foundation
import StratumCore
@testable import StratumStore
import Testing

/// A patient of organization A with an email, an active course and one recorded session at 1.5 mm on `day0`.
func portalPatient(_ db: StratumDatabase, _ orgs: TwoOrganizations, email: String) async throws -> (Patient, Course) {
    let a = orgs.scopeA(db)
    if try await a.stock.lots().isEmpty {
        _ = try await a.stock.receive(
            LotDraft(
                clinicID: orgs.clinicA.id, modelID: nil, product: "Test cartridge", gtin: testGTIN, lot: testLot,
                expiry: LocalDate(iso: "2028-01-31")!, quantity: 500), orgs.ctxA)
    }
    var d = draft(orgs.clinicA.id)
    d.email = email
    let p = try await a.patients.create(d, confirmDuplicate: true, orgs.ctxA)
    let (request, _) = photoagingPlan(p)
    let proposed = try await a.courses.create(patientID: p.id, clinicID: orgs.clinicA.id, request: request, goal: nil, orgs.ctxA)
    let course = try await a.courses.accept(courseID: proposed.id, acknowledgements: acknowledgingCautions(proposed), orgs.ctxA)
    let zones = [ZoneDose(zone: cheeks, depthMM: 1.5, passes: 2), ZoneDose(zone: forehead, depthMM: 0.5, passes: 2)]
    _ = try await a.sessions.record(
        courseID: course.id, clinicID: orgs.clinicA.id, checkedSession(p, practitioner: orgs.userA.id, date: day0, zones: zones), orgs.ctxA)
    return (p, course)
}

func portalMail(_ token: String, _ r: PortalRecipient) -> OutgoingMail {
    OutgoingMail(kind: "portal-link", recipient: r.email, subject: "Portal", body: "token=\(token)", idempotencyKey: "portal:\(token.prefix(16))")
}

let mirasBirthDate = LocalDate(iso: "1988-03-14")!

@Suite("Patient portal: one-time links, the date of birth, patient-scoped sessions and their audit")
struct PortalStoreTests {
    @Test(
        "a link request answers alike for known and unknown emails, and mails a link to each patient record with the email",
        arguments: Backend.available)
    func requestLink(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let (p, _) = try await portalPatient(db, orgs, email: "Mira.Okafor@example.com")
            let other = try await orgs.scopeB(db).patients.create(
                {
                    var d = draft(orgs.clinicB.id); d.email = "mira.okafor@example.com"; return d
                }(), orgs.ctxB)
            let portal = PortalStore(database: db, auditKey: testAuditKey)
            #expect(try await portal.requestLink(email: "ghost@example.com", address: "10.0.0.1", now: at(0), requestID: "r", mail: portalMail))
            #expect(try await mailedTokens(db, kind: "portal-link").isEmpty, "no patient has the email: no mail")
            #expect(
                try await portal.requestLink(email: "  MIRA.okafor@example.com ", address: "10.0.0.1", now: at(1), requestID: "r", mail: portalMail))
            let due = try await MailOutbox(database: db).claimDue(now: at(86400), limit: 10).filter { $0.mail.kind == "portal-link" }
            #expect(due.count == 2, "one link per patient record with the email, in each organization")
            #expect(Set(due.map(\.organizationID)) == [orgs.a.id, orgs.b.id])
            #expect(due.allSatisfy { $0.mail.recipient == "mira.okafor@example.com" })
            let links = try await allAuditRows(db).map(\.entry).filter { $0.resource == "portal.link" }
            #expect(Set(links.compactMap(\.patientID)) == [p.id, other.id] && links.allSatisfy { $0.action == "create" && $0.actorID == nil })
            try await expectAuditIntact(db)
        }
    }

    @Test(
        "a link opens one session with the patient's date of birth, once and within 15 minutes; five wrong dates end it",
        arguments: Backend.available)
    func signIn(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let (p, _) = try await portalPatient(db, orgs, email: "mira@example.com")
            let portal = PortalStore(database: db, auditKey: testAuditKey)
            for i in 0..<3 {
                _ = try await portal.requestLink(
                    email: "mira@example.com", address: "10.0.0.\(i)", now: at(Double(i)), requestID: "r", mail: portalMail)
            }
            let tokens = try await mailedTokens(db, kind: "portal-link")
            #expect(tokens.count == 3)
            #expect(try await portal.signIn(token: tokens[0], birthDate: mirasBirthDate, now: at(15 * 60 + 1), requestID: "r") == nil, "expired")
            #expect(try await portal.signIn(token: "not-a-link", birthDate: mirasBirthDate, now: at(10), requestID: "r") == nil, "unknown")
            let wrong = LocalDate(iso: "1988-03-15")!
            for _ in 0..<PortalInputRules.linkFailures {
                #expect(try await portal.signIn(token: tokens[1], birthDate: wrong, now: at(20), requestID: "r") == nil)
            }
            #expect(
                try await portal.signIn(token: tokens[1], birthDate: mirasBirthDate, now: at(21), requestID: "r") == nil,
                "five wrong dates end the link")
            let opened = try #require(try await portal.signIn(token: tokens[2], birthDate: mirasBirthDate, now: at(30), requestID: "r"))
            #expect(try await portal.signIn(token: tokens[2], birthDate: mirasBirthDate, now: at(31), requestID: "r") == nil, "a link works once")
            let session = try #require(try await portal.session(token: opened.token, now: at(40)))
            #expect(session.patientID == p.id && session.organizationID == orgs.a.id && session.clinicID == orgs.clinicA.id)
            #expect(opened.expiresAt == at(30 + 12 * 3600))
            let signIns = try await allAuditRows(db).map(\.entry).filter { $0.resource == "portal.sign-in" }
            #expect(signIns.count == PortalInputRules.linkFailures + 1)
            #expect(signIns.allSatisfy { $0.actorID == p.id && $0.patientID == p.id && $0.action == "sign-in" })
            #expect(signIns.filter { $0.outcome == .denied }.count == PortalInputRules.linkFailures)
            try await expectAuditIntact(db)
        }
    }

    @Test("another patient's link with my date of birth gets the same nil as a dead link, and counts against that link", arguments: Backend.available)
    func anotherPatientsLink(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            _ = try await portalPatient(db, orgs, email: "mira@example.com")
            let ada = try await orgs.scopeA(db).patients.create(
                {
                    var d = draft(orgs.clinicA.id, given: "Ada", family: "Byrne", birth: "1990-07-01"); d.email = "ada@example.com"; return d
                }(),
                orgs.ctxA)
            let portal = PortalStore(database: db, auditKey: testAuditKey)
            _ = try await portal.requestLink(email: "ada@example.com", address: "10.0.0.1", now: at(0), requestID: "r", mail: portalMail)
            let token = try #require(try await mailedTokens(db, kind: "portal-link").first)
            #expect(try await portal.signIn(token: token, birthDate: mirasBirthDate, now: at(5), requestID: "r") == nil)
            let denied = try await lastAudit(db)
            #expect(denied.outcome == .denied && denied.patientID == ada.id && denied.actorID == ada.id)
            #expect(try await portal.signIn(token: token, birthDate: ada.birthDate, now: at(6), requestID: "r") != nil)
        }
    }

    @Test("link requests are throttled per email and per address, whether a patient has the email or not", arguments: Backend.available)
    func throttle(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            _ = try await portalPatient(db, orgs, email: "mira@example.com")
            let portal = PortalStore(database: db, auditKey: testAuditKey)
            for email in ["mira@example.com", "ghost@example.com"] {
                for i in 0..<PortalInputRules.linksPerEmailPerHour {
                    #expect(try await portal.requestLink(email: email, address: "10.0.1.\(i)", now: at(Double(i)), requestID: "r", mail: portalMail))
                }
                #expect(try await !portal.requestLink(email: email, address: "10.0.2.1", now: at(10), requestID: "r", mail: portalMail))
                #expect(try await portal.requestLink(email: email, address: "10.0.2.1", now: at(3700), requestID: "r", mail: portalMail))
            }
            #expect(try await mailedTokens(db, kind: "portal-link").count == PortalInputRules.linksPerEmailPerHour + 1)
            for i in 0..<PortalInputRules.linksPerAddressPerHour {
                _ = try await portal.requestLink(email: "walk\(i)@example.com", address: "10.9.9.9", now: at(5000), requestID: "r", mail: portalMail)
            }
            #expect(try await !portal.requestLink(email: "mira@example.com", address: "10.9.9.9", now: at(5001), requestID: "r", mail: portalMail))
        }
    }

    @Test(
        "a session reads only its patient's home, audited once with the patient as actor; it ends idle, at 12 hours and at sign-out",
        arguments: Backend.available)
    func sessionAndHome(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let (p, course) = try await portalPatient(db, orgs, email: "mira@example.com")
            let portal = PortalStore(database: db, auditKey: testAuditKey)
            _ = try await portal.requestLink(email: "mira@example.com", address: "10.0.0.1", now: at(0), requestID: "r", mail: portalMail)
            let token = try #require(try await mailedTokens(db, kind: "portal-link").first)
            let opened = try #require(try await portal.signIn(token: token, birthDate: mirasBirthDate, now: at(10), requestID: "r"))
            let session = try #require(try await portal.session(token: opened.token, now: at(20)))
            let before = try await allAuditRows(db).count
            let home = try await portal.home(session, now: at(20), requestID: "home")
            #expect(home.givenName == p.givenName && home.familyName == p.familyName)
            #expect(home.lastSession == .init(date: day0, depthMM: 1.5))
            #expect(home.plannedVisits == course.plannedVisits.map(\.date) && !home.plannedVisits.isEmpty)
            #expect(home.clinicName == orgs.clinicA.name && home.clinicTimezone == "Europe/London")
            let rows = try await allAuditRows(db).dropFirst(before).map(\.entry)
            #expect(rows.count == 1, "one page, one audit row")
            #expect(rows.first?.actorID == p.id && rows.first?.patientID == p.id && rows.first?.resource == "portal.home")
            #expect(rows.first?.action == "read" && rows.first?.organizationID == orgs.a.id)

            #expect(try await portal.session(token: opened.token, now: at(20 + 29 * 60)) != nil)
            #expect(try await portal.session(token: opened.token, now: at(20 + 29 * 60 + 30 * 60 + 1)) == nil, "30 minutes idle end it")
            _ = try await portal.requestLink(email: "mira@example.com", address: "10.0.0.1", now: at(7200), requestID: "r", mail: portalMail)
            let second = try #require(try await mailedTokens(db, kind: "portal-link").last)
            let next = try #require(try await portal.signIn(token: second, birthDate: mirasBirthDate, now: at(7210), requestID: "r"))
            var t = 7210.0
            while t < 7210 + 12 * 3600 - 60 {
                t += 20 * 60
                _ = try await portal.session(token: next.token, now: at(min(t, 7210 + 12 * 3600 - 1)))
            }
            #expect(try await portal.session(token: next.token, now: at(7210 + 12 * 3600)) == nil, "12 hours end it however active")
            _ = try await portal.requestLink(email: "mira@example.com", address: "10.0.0.1", now: at(90000), requestID: "r", mail: portalMail)
            let third = try #require(try await mailedTokens(db, kind: "portal-link").last)
            let last = try #require(try await portal.signIn(token: third, birthDate: mirasBirthDate, now: at(90010), requestID: "r"))
            try await portal.signOut(token: last.token, now: at(90020), requestID: "r")
            #expect(try await portal.session(token: last.token, now: at(90021)) == nil)
            let signedOut = try await lastAudit(db)
            #expect(signedOut.resource == "portal.sign-out" && signedOut.actorID == p.id && signedOut.patientID == p.id)
            #expect(try await CredentialStore(database: db).session(token: last.token, now: at(90010)) == nil, "no staff session")
            try await expectAuditIntact(db)
        }
    }
}
