import FluentKit
import Foundation
import StratumCore
@testable import StratumStore
import StratumTestFixtures
import Testing

/// Noon UTC of `date` (Europe/London is on UTC in November: the clinic's day is the same).
func noon(_ date: LocalDate) -> Date { Date(timeIntervalSince1970: Double(date.dayNumber) * 86_400 + 43_200) }

/// A portal session of the patient, as `PortalStore.signIn` would open it.
func portalSession(_ p: Patient, _ orgs: TwoOrganizations) -> PortalSession {
    PortalSession(
        id: UUID(), patientID: p.id, organizationID: orgs.a.id, clinicID: orgs.clinicA.id, csrfToken: "csrf",
        expiresAt: Date.distantFuture)
}

func checkInStore(_ db: StratumDatabase) -> PortalCheckInStore {
    PortalCheckInStore(database: db, auditKey: testAuditKey, vault: testVault(db))
}

func testVault(_ db: StratumDatabase) -> PhotoVault {
    PhotoVault(
        database: db, dataDirectory: FileManager.default.temporaryDirectory.appendingPathComponent("stratum-vault-\(UUID())").path,
        auditKey: testAuditKey)
}

func allRows<M: Model>(_ type: M.Type, _ db: StratumDatabase) async throws -> [M] {
    try await db.read { try await M.query(on: $0).all() }
}

@Suite("The portal's daily check-in: stored for days 1–7, a warning sign's flag and draft, confirmed or dismissed")
struct PortalCheckInStoreTests {
    let calm = CheckInAnswers(redness: .mild, swelling: .none, pain: 2, signs: [])

    @Test("a check-in is stored with the patient as actor, once a day, only on days 1 to 7", arguments: Backend.available)
    func stored(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let (p, _) = try await portalPatient(db, orgs, email: "mira@example.com")
            let s = portalSession(p, orgs)
            let store = checkInStore(db)
            let today = try #require(try await store.today(s, now: noon(day0.adding(days: 3)), requestID: "r"))
            #expect(today.day == 3 && today.sessionDate == day0 && today.depthMM == 1.5 && today.reportedToday == nil && !today.photosAllowed)
            let receipt = try await store.submit(s, answers: calm, photo: nil, now: noon(day0.adding(days: 3)), requestID: "r")
            #expect(receipt.checkIn.day == 3 && receipt.assessment.warningSigns.isEmpty && receipt.clinicName == "Alder Central")
            #expect(receipt.assessment.expectedCourse.contains { $0.contains("redness can last up to 7 days") }, "a 1.5 mm session")
            let audit = try await lastAudit(db)
            #expect(audit.actorID == p.id && audit.patientID == p.id && audit.action == "create" && audit.resource == "portal.check-in")
            #expect(try await allRows(CheckInFlagRow.self, db).isEmpty, "no warning sign, no flag")

            let before = try await allAuditRows(db).count
            await #expect(throws: StoreError.self) {
                try await store.submit(s, answers: calm, photo: nil, now: noon(day0.adding(days: 3)).addingTimeInterval(3600), requestID: "r")
            }
            for (n, field) in [(0, "day"), (8, "day")] {
                await #expect {
                    try await store.submit(s, answers: calm, photo: nil, now: noon(day0.adding(days: n)), requestID: "r")
                } throws: {
                    ($0 as? StoreError)
                        == .invalid(field: field, problem: "the check-in is open on days 1 to 7 after your session of \(day0); today is day \(n)")
                }
            }
            await #expect {
                try await store.submit(
                    s, answers: CheckInAnswers(redness: .mild, swelling: .mild, pain: 11, signs: []), photo: nil,
                    now: noon(day0.adding(days: 4)), requestID: "r")
            } throws: { if case .invalid(field: "pain", _)? = $0 as? StoreError { true } else { false } }
            #expect(try await allRows(PortalCheckInRow.self, db).count == 1, "the refusals wrote nothing")
            #expect(try await allAuditRows(db).count == before)
            #expect(try await store.today(s, now: noon(day0.adding(days: 3)), requestID: "r")?.reportedToday?.id == receipt.checkIn.id)
            try await expectAuditIntact(db)
        }
    }

    @Test(
        "a warning sign writes the check-in, the clinic's flag and an adverse-event draft together; Today lists it",
        arguments: Backend.available)
    func warningSign(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let (p, _) = try await portalPatient(db, orgs, email: "mira@example.com")
            let store = checkInStore(db)
            let receipt = try await store.submit(
                portalSession(p, orgs), answers: CheckInAnswers(redness: .moderate, swelling: .mild, pain: 5, signs: [.pus]), photo: nil,
                now: noon(day0.adding(days: 3)), requestID: "r")
            #expect(receipt.assessment.needsTheClinic && receipt.checkIn.warningSigns == [.pus])
            let flags = try await allRows(CheckInFlagRow.self, db)
            #expect(flags.count == 1 && flags[0].checkInID == receipt.checkIn.id && flags[0].status == "open")
            #expect(flags[0].draftType == "infection-bacterial" && flags[0].draftGrade == 2 && flags[0].onset == day0.adding(days: 3).description)
            #expect(try await allRows(AdverseEventRow.self, db).isEmpty, "a draft is not an adverse event yet")
            let clinic = CheckInFlagStore(scope: orgs.scopeA(db), vault: testVault(db))
            let open = try await clinic.open(clinicID: orgs.clinicA.id, orgs.ctxA)
            #expect(open.map(\.patientName) == ["Mira Okafor"] && open[0].checkIn.day == 3 && open[0].draftType == .infectionBacterial)
            let listed = try await lastAudit(db)
            #expect(listed.resource == "check-in.flag" && listed.actorID == orgs.userA.id)
            // Another organization sees nothing of it.
            let other = CheckInFlagStore(scope: orgs.scopeB(db), vault: testVault(db))
            #expect(try await other.open(clinicID: orgs.clinicB.id, orgs.ctxB).isEmpty)
            #expect(try await other.get(flagID: open[0].id, orgs.ctxB) == nil)
            await #expect(throws: StoreError.notFound("report")) {
                try await other.confirm(flagID: open[0].id, type: .infectionBacterial, grade: .moderate, notes: nil, orgs.ctxB)
            }
            try await expectAuditIntact(db)
        }
    }

    @Test("redness worse than the day before after day 3 raises a flag", arguments: Backend.available)
    func worsening(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let (p, _) = try await portalPatient(db, orgs, email: "mira@example.com")
            let s = portalSession(p, orgs)
            let store = checkInStore(db)
            _ = try await store.submit(s, answers: calm, photo: nil, now: noon(day0.adding(days: 3)), requestID: "r")
            let worse = try await store.submit(
                s, answers: CheckInAnswers(redness: .severe, swelling: .mild, pain: 4, signs: []), photo: nil,
                now: noon(day0.adding(days: 5)), requestID: "r")
            #expect(worse.checkIn.warningSigns == [.worseningRedness])
            #expect(try await allRows(CheckInFlagRow.self, db).count == 1)
        }
    }

    @Test(
        "confirming the draft records the adverse event and closes the flag; the next session is then refused by REACTION-UNRESOLVED",
        arguments: Backend.available)
    func confirm(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let (p, course) = try await portalPatient(db, orgs, email: "mira@example.com")
            _ = try await checkInStore(db).submit(
                portalSession(p, orgs), answers: CheckInAnswers(redness: .moderate, swelling: .mild, pain: 5, signs: [.pus, .fever]),
                photo: nil, now: noon(day0.adding(days: 3)), requestID: "r")
            let clinic = CheckInFlagStore(scope: orgs.scopeA(db), vault: testVault(db))
            let flag = try #require(try await clinic.open(clinicID: orgs.clinicA.id, orgs.ctxA).first)
            let event = try await clinic.confirm(
                flagID: flag.id, type: flag.draftType, grade: flag.draftGrade, notes: "Seen by phone", ctx(orgs.ctxA, now: noon(day0.adding(days: 3)))
            )
            #expect(event.type == .infectionBacterial && event.grade == .moderate && event.sessionID == flag.sessionID && event.status == .open)
            #expect(event.onset == day0.adding(days: 3) && event.recordedBy == orgs.userA.id && Set(event.zones) == [cheeks, forehead])
            let closed = try #require(try await clinic.get(flagID: flag.id, orgs.ctxA))
            #expect(closed.status == .confirmed && closed.adverseEventID == event.id && closed.closedBy == orgs.userA.id)
            #expect(try await clinic.open(clinicID: orgs.clinicA.id, orgs.ctxA).isEmpty, "off Today")
            let actions = try await allAuditRows(db).map(\.entry).suffix(4).map { "\($0.action) \($0.resource)" }
            #expect(actions.contains("create adverse-event") && actions.contains("close check-in.flag"))
            await #expect(throws: StoreError.conflict("this report is already confirmed")) {
                try await clinic.confirm(flagID: flag.id, type: .infectionBacterial, grade: .moderate, notes: nil, orgs.ctxA)
            }

            // The next session, as the clinic records one: held back by REACTION-UNRESOLVED, exactly as for an event
            // the clinic reported itself.
            let a = orgs.scopeA(db)
            let next = day0.adding(days: 28)
            let previous = try await a.sessions.previousSessions(courseID: course.id, before: next, orgs.ctxA)
            #expect(previous.map(\.openAdverseEvent) == [true])
            let draft = checkedSession(
                p, practitioner: orgs.userA.id, date: next, zones: [ZoneDose(zone: cheeks, depthMM: 1.5, passes: 2)], previous: previous)
            #expect(draft.result.findings.contains { $0.rule == .reactionUnresolved && $0.severity == .stop })
            await #expect {
                try await a.sessions.record(courseID: course.id, clinicID: orgs.clinicA.id, draft, orgs.ctxA)
            } throws: { ($0 as? ClinicalRefusal)?.blocking.map(\.rule).contains(.reactionUnresolved) == true }
            try await expectAuditIntact(db)
        }
    }

    @Test("dismissing needs a reason, records it and closes the flag without an adverse event", arguments: Backend.available)
    func dismiss(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let (p, _) = try await portalPatient(db, orgs, email: "mira@example.com")
            _ = try await checkInStore(db).submit(
                portalSession(p, orgs), answers: CheckInAnswers(redness: .mild, swelling: .none, pain: 1, signs: [.darkPatches]), photo: nil,
                now: noon(day0.adding(days: 6)), requestID: "r")
            let clinic = CheckInFlagStore(scope: orgs.scopeA(db), vault: testVault(db))
            let flag = try #require(try await clinic.open(clinicID: orgs.clinicA.id, orgs.ctxA).first)
            #expect(flag.draftType == .pigmentation && flag.draftGrade == .mild)
            let before = try await allAuditRows(db).count
            for blank in ["", "   \n"] {
                await #expect(throws: StoreError.invalid(field: "reason", problem: "must not be blank")) {
                    try await clinic.dismiss(flagID: flag.id, reason: blank, orgs.ctxA)
                }
            }
            #expect(try await allAuditRows(db).count == before)
            #expect(try await clinic.get(flagID: flag.id, orgs.ctxA)?.status == .open)
            try await clinic.dismiss(flagID: flag.id, reason: "Photo reviewed: a scab, not pigmentation", orgs.ctxA)
            let closed = try #require(try await clinic.get(flagID: flag.id, orgs.ctxA))
            #expect(closed.status == .dismissed && closed.dismissReason == "Photo reviewed: a scab, not pigmentation" && closed.adverseEventID == nil)
            #expect(try await allAuditRows(db).map(\.entry).contains { $0.action == "close" && $0.resource == "check-in.flag" })
            #expect(try await allRows(AdverseEventRow.self, db).isEmpty)
            await #expect(throws: StoreError.conflict("this report is already dismissed")) {
                try await clinic.dismiss(flagID: flag.id, reason: "again", orgs.ctxA)
            }
            try await expectAuditIntact(db)
        }
    }

    @Test(
        "a check-in photo and the patient's own photos need a photo consent in force; each image is served only to its patient",
        arguments: Backend.available)
    func photos(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let (p, course) = try await portalPatient(db, orgs, email: "mira@example.com")
            let (q, _) = try await portalPatient(db, orgs, email: "zoltan@example.com")
            let vault = testVault(db)
            let store = PortalCheckInStore(database: db, auditKey: testAuditKey, vault: vault)
            let s = portalSession(p, orgs)
            let now = noon(day0.adding(days: 2))
            await #expect(throws: StoreError.consent("photos in the portal need your photo consent in force; ask your clinic")) {
                try await store.submit(s, answers: self.calm, photo: PhotoSamples.jpeg(1), now: now, requestID: "r")
            }
            #expect(try await allRows(PortalCheckInRow.self, db).isEmpty)
            #expect(try await store.photos(s, now: now, requestID: "r") == PortalPhotos(allowed: false, coursePhotos: [], checkInPhotos: []))
            let a = orgs.scopeA(db)
            var consents: [UUID] = []
            for patient in [p, q] {
                consents.append(
                    try await a.consents.sign(
                        patientID: patient.id, kind: .photo(.recordOnly), textVersion: "photo-2026.1", signedByName: "Signer", orgs.ctxA
                    ).id)
            }
            await #expect {
                try await store.submit(s, answers: self.calm, photo: PhotoSamples.gif, now: now, requestID: "r")
            } throws: { if case .invalid(field: "photo", _)? = $0 as? StoreError { true } else { false } }
            let receipt = try await store.submit(s, answers: calm, photo: PhotoSamples.phoneJPEG, now: now, requestID: "r")
            #expect(receipt.checkIn.hasPhoto)
            let baseline = try await a.photos(vault).add(
                patientID: p.id, PhotoDraft(courseID: course.id, view: .front, zone: nil, visit: .baseline, takenOn: day0),
                upload: PhotoSamples.jpeg(3), orgs.ctxA)
            let mine = try await store.photos(s, now: now, requestID: "r")
            #expect(mine.allowed && mine.checkInPhotos.map(\.checkInID) == [receipt.checkIn.id] && mine.coursePhotos.map(\.id) == [baseline.id])
            #expect(try await store.image(s, id: baseline.id, now: now, requestID: "r")?.mediaType == "image/jpeg")
            #expect(try await store.image(portalSession(q, orgs), id: baseline.id, now: now, requestID: "r") == nil)
            let image = try #require(try await store.image(s, id: receipt.checkIn.id, now: now, requestID: "r"))
            #expect(image.mediaType == "image/jpeg" && !PhotoSamples.contains(image.bytes, "Jane Doe"), "the clinic's reader stripped the metadata")
            // Another patient's session finds nothing under this id, and the refusal is audited.
            #expect(try await store.image(portalSession(q, orgs), id: receipt.checkIn.id, now: now, requestID: "r") == nil)
            let denied = try await lastAudit(db)
            #expect(denied.outcome == .denied && denied.actorID == q.id && denied.resource == "portal.photo")
            #expect(try await store.photos(portalSession(q, orgs), now: now, requestID: "r").checkInPhotos.isEmpty)
            // Withdrawn, the consent no longer lets the portal show the patient's photos.
            _ = try await a.consents.withdraw(consentID: consents[0], orgs.ctxA)
            #expect(try await store.photos(s, now: now, requestID: "r").allowed == false)
            #expect(try await store.image(s, id: baseline.id, now: now, requestID: "r") == nil)
            // The clinic sees the photo on the flagged draft only; this check-in raised none.
            #expect(try await CheckInFlagStore(scope: a, vault: vault).photo(flagID: receipt.checkIn.id, orgs.ctxA) == nil)
            try await expectAuditIntact(db)
        }
    }
}
