import Foundation
import SQLKit
import StratumCore
@testable import StratumStore
import Testing

@Suite("Sessions: recorded under their check, locked by signing, corrected by addenda")
struct SessionStoreTests {
    @Test("a session is stored with its zones, findings and acknowledgements, and reads back as recorded", arguments: Backend.available)
    func recordAndRead(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let (p, course) = try await activeCourse(db, orgs)
            let s = orgs.scopeA(db).sessions
            let zones = [ZoneDose(zone: cheeks, depthMM: 0.5, passes: 3), ZoneDose(zone: forehead, depthMM: 0.25, passes: 2)]
            let d = checkedSession(p, practitioner: orgs.userA.id, date: day0, zones: zones)
            // Fitzpatrick V: SCR-PHOTOTYPE is a caution, so at least one acknowledgement is stored.
            #expect(d.acknowledgements.map(\.rule).contains(.scrPhototype))
            // Written a week after day0: the record admits no session dated after the clinic's today.
            let written = at(14 * 86_400)
            let recorded = try await s.record(courseID: course.id, clinicID: orgs.clinicA.id, d, ctx(orgs.ctxA, now: written))
            #expect(recorded.patientID == p.id)
            #expect(Set(recorded.zones.map(\.zone)) == [cheeks, forehead])
            #expect(recorded.zones.first { $0.zone == cheeks }?.endPoint == "erythema")
            #expect(recorded.zones.first { $0.zone == forehead }?.depthMM == 0.25)
            #expect(recorded.zones.first { $0.zone == forehead }?.passes == 2)
            #expect(recorded.decision == d.result.decision)
            #expect(recorded.findings == d.result.findings)
            #expect(recorded.device == testPen)
            #expect(
                recorded.sterility
                    == SterilityFacts(
                        singleUsePart: SingleUsePart(
                            lot: testLot, expiry: LocalDate(iso: "2028-01-31")!,
                            serial: nil, previouslyUsed: false, lotRecalled: false), pack: nil))
            #expect(recorded.handpiece == nil)
            #expect(recorded.equipment == testPart)
            #expect(recorded.reactions == d.reactions)
            #expect(recorded.acknowledgements.count == d.acknowledgements.count)
            #expect(recorded.acknowledgements.allSatisfy { $0.acknowledgedBy == orgs.userA.id && $0.acknowledgedAt == written })
            #expect(!recorded.isSigned)
            #expect(try await s.get(sessionID: recorded.id, orgs.ctxA) == recorded)
            #expect(try await s.list(courseID: course.id, orgs.ctxA) == [recorded])
            try await expectAuditIntact(db)
        }
    }

    @Test(
        "the recording door reads the facts in its own transaction and judges them with the core: consent and earlier sessions count, a refusal is typed and writes only its audit row, a recording is one row",
        arguments: Backend.available)
    func judgedRecording(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let (p, course) = try await activeCourse(db, orgs)
            let a = orgs.scopeA(db)
            let zones = [ZoneDose(zone: cheeks, depthMM: 0.5, passes: 3)]
            let first = try await a.sessions.record(
                courseID: course.id, clinicID: orgs.clinicA.id,
                checkedSession(p, practitioner: orgs.userA.id, date: day0, zones: zones), orgs.ctxA)
            let later = day0.adding(days: 28)
            // No screening and no consent on file yet: the record, not the client, says so.
            let rowsBefore = try await allAuditRows(db).count
            do {
                _ = try await a.sessions.record(courseID: course.id, clinicID: orgs.clinicA.id, sessionDocument(date: later, zones: zones), orgs.ctxA)
                Issue.record("a session without a consent on file was recorded")
            } catch let r as ClinicalRefusal {
                #expect(r.hasStop && r.blocking.map(\.rule).contains(.scrConsent), "\(r.blocking.map(\.rule))")
            }
            let afterRefusal = try await allAuditRows(db)
            #expect(afterRefusal.count == rowsBefore + 1, "a refused recording writes nothing but the audit row of the attempt")
            #expect(
                afterRefusal.last?.entry.outcome == .denied && afterRefusal.last?.entry.patientID == p.id
                    && afterRefusal.last?.entry.action == "create")
            #expect(try await a.sessions.list(courseID: course.id, orgs.ctxA).map(\.id) == [first.id])
            _ = try await a.screenings.record(patientID: p.id, response: ScreeningResponse(answeredOn: day0, answers: completeAnswers()), orgs.ctxA)
            _ = try await a.consents.sign(
                patientID: p.id, kind: .treatment, textVersion: "treatment-test", signedByName: "Mira Okafor",
                signedOn: day0, orgs.ctxA)
            let facts = try #require(try await a.sessions.facts(courseID: course.id, on: later, orgs.ctxA))
            #expect(facts.previousSessions.map(\.date) == [first.date] && facts.consentSigned)
            let check = try #require(try await a.sessions.check(courseID: course.id, sessionDocument(date: later, zones: zones), orgs.ctxA))
            #expect(check.decision != .doNotTreat, "\(check.findings.map(\.rule))")
            // A caution left without a reason is refused naming it; an acknowledgement of something not found names its field.
            if let caution = check.findings.first(where: { $0.severity == .caution }) {
                await #expect(throws: ClinicalRefusal.self) {
                    _ = try await a.sessions.record(
                        courseID: course.id, clinicID: orgs.clinicA.id, sessionDocument(date: later, zones: zones), orgs.ctxA)
                }
                _ = caution
            }
            var stray = sessionDocument(date: later, zones: zones, acknowledging: check)
            stray = SessionRecordDocument(
                date: stray.date, zones: stray.zones, endPoints: stray.endPoints, equipment: stray.equipment,
                topical: nil, reactions: stray.reactions,
                acknowledgements: stray.acknowledgements + [Acknowledgement(rule: .scrKeloid, zone: nil, reason: "not a finding here")])
            do {
                _ = try await a.sessions.record(courseID: course.id, clinicID: orgs.clinicA.id, stray, orgs.ctxA)
                Issue.record("an acknowledgement of a caution the check did not raise was accepted")
            } catch let StoreError.invalid(field, _) {
                #expect(field == "acknowledgements[\(stray.acknowledgements.count - 1)].rule")
            }
            let rowsBeforeRecording = try await allAuditRows(db).count
            let recorded = try await a.sessions.record(
                courseID: course.id, clinicID: orgs.clinicA.id,
                sessionDocument(date: later, zones: zones, acknowledging: check), orgs.ctxA)
            let rows = try await allAuditRows(db)
            #expect(rows.count == rowsBeforeRecording + 1, "one recording, one audit row")
            #expect(rows.last?.entry.action == "create" && rows.last?.entry.resource == "session" && rows.last?.entry.patientID == p.id)
            #expect(recorded.date == later && recorded.findings == check.findings && recorded.documentedBy == orgs.userA.id)
            await #expect(throws: StoreError.notFound("course")) {
                _ = try await orgs.scopeB(db).sessions.record(
                    courseID: course.id, clinicID: orgs.clinicB.id, sessionDocument(date: later, zones: zones), orgs.ctxB)
            }
            try await expectAuditIntact(db)
        }
    }

    @Test("signing locks the session: edits refused, addenda only after signing, signing only once", arguments: Backend.available)
    func signedLock(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let (p, course) = try await activeCourse(db, orgs)
            let s = orgs.scopeA(db).sessions
            let d = checkedSession(p, practitioner: orgs.userA.id, date: day0, zones: [ZoneDose(zone: cheeks, depthMM: 0.5, passes: 3)])
            let recorded = try await s.record(courseID: course.id, clinicID: orgs.clinicA.id, d, orgs.ctxA)

            await #expect(throws: StoreError.state(.sessionNotSigned)) {
                _ = try await s.addAddendum(sessionID: recorded.id, text: "Patient called: redness settled", orgs.ctxA)
            }
            // Before signing, the record may still be corrected.
            var corrected = d
            corrected.zones = [ZoneDose(zone: cheeks, depthMM: 0.5, passes: 4)]
            let updated = try await s.update(sessionID: recorded.id, corrected, orgs.ctxA)
            #expect(updated.zones.map(\.passes) == [4])

            let signed = try await s.sign(sessionID: recorded.id, by: orgs.userA.id, ctx(orgs.ctxA, now: at(900)))
            #expect(signed.signedAt == at(900) && signed.signedBy == orgs.userA.id && signed.isSigned)
            await #expect(throws: StoreError.state(.sessionSigned)) {
                _ = try await s.update(sessionID: recorded.id, d, orgs.ctxA)
            }
            await #expect(throws: StoreError.state(.sessionSigned)) {
                _ = try await s.sign(sessionID: recorded.id, by: orgs.userA.id, orgs.ctxA)
            }
            let withNote = try await s.addAddendum(
                sessionID: recorded.id, text: "Passes were 4, not 3 as first written", ctx(orgs.ctxA, now: at(1800)))
            #expect(withNote.addenda.map(\.text) == ["Passes were 4, not 3 as first written"])
            #expect(withNote.addenda[0].authorID == orgs.userA.id)
            let read = try #require(try await s.get(sessionID: recorded.id, orgs.ctxA))
            #expect(read.zones.map(\.passes) == [4], "the signed record is unchanged by the refused edit")
            #expect(read.signedAt == at(900))
            #expect(read.addenda.count == 1)
            try await expectAuditIntact(db)
        }
    }

    @Test("sessions are refused on a proposed course, for do-not-treat, and with a caution unacknowledged", arguments: Backend.available)
    func refusals(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let p = try await a.patients.create(draft(orgs.clinicA.id), orgs.ctxA)
            let (request, _) = photoagingPlan(p)
            let proposed = try await a.courses.create(
                patientID: p.id, clinicID: orgs.clinicA.id, request: request,
                goal: nil, orgs.ctxA)
            let zones = [ZoneDose(zone: cheeks, depthMM: 0.5, passes: 3)]
            let ok = checkedSession(p, practitioner: orgs.userA.id, date: day0, zones: zones)
            await #expect(throws: StoreError.state(.courseNotActive(status: "proposed"))) {
                _ = try await a.sessions.record(courseID: proposed.id, clinicID: orgs.clinicA.id, ok, orgs.ctxA)
            }
            let course = try await a.courses.accept(courseID: proposed.id, acknowledgements: acknowledgingCautions(proposed), orgs.ctxA)

            // No signed consent: SCR-CONSENT is a stop, which no acknowledgement can override.
            let noConsent = checkedSession(p, practitioner: orgs.userA.id, date: day0, zones: zones, consentSigned: false)
            #expect(noConsent.result.decision == .doNotTreat)
            do {
                _ = try await a.sessions.record(courseID: course.id, clinicID: orgs.clinicA.id, noConsent, orgs.ctxA)
                Issue.record("a do-not-treat session was recorded")
            } catch let r as ClinicalRefusal { #expect(r.hasStop && r.blocking.map(\.rule) == [.scrConsent]) }
            var unacknowledged = ok
            unacknowledged.acknowledgements = []
            await #expect(throws: ClinicalRefusal.self) {
                _ = try await a.sessions.record(courseID: course.id, clinicID: orgs.clinicA.id, unacknowledged, orgs.ctxA)
            }
            var blankReason = ok
            blankReason.acknowledgements = ok.acknowledgements.map { AcknowledgementDraft(rule: $0.rule, zone: $0.zone, reason: " ") }
            await #expect(throws: StoreError.self) {
                _ = try await a.sessions.record(courseID: course.id, clinicID: orgs.clinicA.id, blankReason, orgs.ctxA)
            }
            var unrelated = ok
            unrelated.acknowledgements.append(AcknowledgementDraft(rule: .scrKeloid, reason: "not a finding here"))
            await #expect(
                throws: StoreError.invalid(
                    field: "acknowledgements[\(unrelated.acknowledgements.count - 1)].rule",
                    problem: "the check raised no caution SCR-KELOID to acknowledge")
            ) {
                _ = try await a.sessions.record(courseID: course.id, clinicID: orgs.clinicA.id, unrelated, orgs.ctxA)
            }
            #expect(try await a.sessions.list(courseID: course.id, orgs.ctxA).isEmpty)
            try await expectAuditIntact(db)
        }
    }

    @Test("a session and its zones and acknowledgements are written together or not at all", arguments: Backend.available)
    func atomic(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let (p, course) = try await activeCourse(db, orgs)
            let d = checkedSession(p, practitioner: orgs.userA.id, date: day0, zones: [ZoneDose(zone: cheeks, depthMM: 0.5, passes: 3)])
            try #require(!d.acknowledgements.isEmpty)
            // An actor that is no user: the acknowledgement rows, written after the session and its zones, break a foreign key.
            let ghost = AccessContext(actorID: UUID(), clinicID: orgs.clinicA.id, requestID: "ghost")
            await #expect(throws: (any Error).self) {
                _ = try await orgs.scopeA(db).sessions.record(courseID: course.id, clinicID: orgs.clinicA.id, d, ghost)
            }
            for table in ["treatment_sessions", "zone_treatments", "finding_acknowledgements"] {
                let n = try await db.read {
                    try await ($0 as! any SQLDatabase).select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
                        .from(table).first()?.decode(column: "n", as: Int.self)
                }
                #expect(n == 0, "\(table) kept a row of the failed session")
            }
            try await expectAuditIntact(db)
        }
    }

    @Test("another organization cannot record on, read, list, sign or annotate a course's sessions", arguments: Backend.available)
    func crossOrganization(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let (p, course) = try await activeCourse(db, orgs)
            let d = checkedSession(p, practitioner: orgs.userA.id, date: day0, zones: [ZoneDose(zone: cheeks, depthMM: 0.5, passes: 3)])
            let recorded = try await orgs.scopeA(db).sessions.record(courseID: course.id, clinicID: orgs.clinicA.id, d, orgs.ctxA)
            let before = try await allAuditRows(db).count
            let b = orgs.scopeB(db).sessions
            #expect(try await b.get(sessionID: recorded.id, orgs.ctxB) == nil)
            await #expect(throws: StoreError.notFound("course")) { _ = try await b.list(courseID: course.id, orgs.ctxB) }
            await #expect(throws: StoreError.notFound("course")) {
                _ = try await b.previousSessions(courseID: course.id, before: day0, orgs.ctxB)
            }
            var foreign = d
            foreign.practitionerID = orgs.userB.id
            await #expect(throws: StoreError.notFound("course")) {
                _ = try await b.record(courseID: course.id, clinicID: orgs.clinicB.id, foreign, orgs.ctxB)
            }
            await #expect(throws: StoreError.notFound("session")) { _ = try await b.update(sessionID: recorded.id, foreign, orgs.ctxB) }
            await #expect(throws: StoreError.notFound("session")) { _ = try await b.sign(sessionID: recorded.id, by: orgs.userB.id, orgs.ctxB) }
            let denied = try await allAuditRows(db).dropFirst(before)
            #expect(denied.count == 6)
            #expect(denied.allSatisfy { $0.entry.outcome == .denied && $0.entry.organizationID == orgs.b.id && $0.entry.patientID == nil })
            // Organization A may not name B's practitioner or clinic either.
            await #expect(throws: StoreError.notFound("practitioner")) {
                _ = try await orgs.scopeA(db).sessions.record(courseID: course.id, clinicID: orgs.clinicA.id, foreign, orgs.ctxA)
            }
            await #expect(throws: StoreError.notFound("clinic")) {
                _ = try await orgs.scopeA(db).sessions.record(courseID: course.id, clinicID: orgs.clinicB.id, d, orgs.ctxA)
            }
            await #expect(throws: StoreError.notFound("practitioner")) {
                _ = try await orgs.scopeA(db).sessions.sign(sessionID: recorded.id, by: orgs.userB.id, orgs.ctxA)
            }
            let still = try #require(try await orgs.scopeA(db).sessions.get(sessionID: recorded.id, orgs.ctxA))
            #expect(!still.isSigned)
            try await expectAuditIntact(db)
        }
    }

    @Test(
        "previous sessions feed the interval rules: INT-MIN fires 3 days later, REACTION-UNRESOLVED while an event is open",
        arguments: Backend.available)
    func previousSessionsFeedTheCheck(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let (p, course) = try await activeCourse(db, orgs)
            let a = orgs.scopeA(db)
            let first = checkedSession(p, practitioner: orgs.userA.id, date: day0, zones: [ZoneDose(zone: cheeks, depthMM: 0.5, passes: 3)])
            let s1 = try await a.sessions.record(courseID: course.id, clinicID: orgs.clinicA.id, first, orgs.ctxA)

            #expect(try await a.sessions.previousSessions(courseID: course.id, before: day0.adding(days: -1), orgs.ctxA).isEmpty)
            let prior = try await a.sessions.previousSessions(courseID: course.id, before: day0.adding(days: 3), orgs.ctxA)
            #expect(
                prior == [
                    PriorSession(
                        date: day0, zones: [ZoneDepth(zone: cheeks, depthMM: 0.5)], reactionsResolvedWithinDays: nil,
                        openAdverseEvent: false)
                ])
            // The same day counts (two sessions in a day is what INT-MIN is for), unless it is the session being re-checked.
            #expect(try await a.sessions.previousSessions(courseID: course.id, before: day0, orgs.ctxA).count == 1)
            #expect(try await a.sessions.previousSessions(courseID: course.id, before: day0, excluding: s1.id, orgs.ctxA).isEmpty)

            let tooSoon = checkedSession(
                p, practitioner: orgs.userA.id, date: day0.adding(days: 3),
                zones: [ZoneDose(zone: Zone(site: .cheek, side: .left), depthMM: 0.5, passes: 3)], previous: prior)
            #expect(tooSoon.result.findings.contains { $0.rule == .intMin }, "bilateral cheeks 3 days ago overlap the left cheek")

            let event = try await a.adverseEvents.report(
                patientID: p.id, sessionID: s1.id, type: .prolongedErythema,
                onset: day0.adding(days: 2), grade: .mild, suspectedCauses: [.needleTechnique],
                notes: nil, orgs.ctxA)
            let withEvent = try await a.sessions.previousSessions(courseID: course.id, before: day0.adding(days: 28), orgs.ctxA)
            #expect(withEvent.map(\.openAdverseEvent) == [true])
            let held = checkedSession(
                p, practitioner: orgs.userA.id, date: day0.adding(days: 28),
                zones: [ZoneDose(zone: cheeks, depthMM: 0.75, passes: 3)], previous: withEvent)
            #expect(held.result.findings.contains { $0.rule == .reactionUnresolved })
            _ = try await a.adverseEvents.close(eventID: event.id, orgs.ctxA)
            #expect(
                try await a.sessions.previousSessions(courseID: course.id, before: day0.adding(days: 28), orgs.ctxA)
                    .map(\.openAdverseEvent) == [false])

            // An event reported without a session is attributed to the latest session before its onset.
            _ = try await a.adverseEvents.report(
                patientID: p.id, sessionID: nil, type: .bruising, onset: day0.adding(days: 1),
                grade: .mild, suspectedCauses: [], notes: "noticed at home", orgs.ctxA)
            #expect(
                try await a.sessions.previousSessions(courseID: course.id, before: day0.adding(days: 28), orgs.ctxA)
                    .map(\.openAdverseEvent) == [true])

            // A second course of the same patient sees the first course's session: skin does not know course boundaries.
            let (request, _) = photoagingPlan(p, start: day0.adding(days: 7))
            let second = try await a.courses.create(
                patientID: p.id, clinicID: orgs.clinicA.id, request: request,
                goal: nil, orgs.ctxA)
            #expect(try await a.sessions.previousSessions(courseID: second.id, before: day0.adding(days: 7), orgs.ctxA).count == 1)
            try await expectAuditIntact(db)
        }
    }
}
