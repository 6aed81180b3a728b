import FluentKit
import Foundation
import StratumCore
@testable import StratumStore
import Testing

@Suite("A failed biological indicator's reach before it is recorded; a recall opened in error closed with its reason")
struct RecallCorrectionStoreTests {
    @Test(
        "the reach shown before a failure is recorded is what the recall then reaches; showing it changes nothing",
        arguments: Backend.available)
    func reachBeforeFailure(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            // Autoclave T: cycle 1 passed its indicator; 2 and 3 are pending. Cycle 3 is about to be read as failed,
            // so 2 and 3 are exposed. Patients: one on cycle 1 (not exposed), one on 2, two on 3.
            let (_, c1, p1) = try await releasedPacks(a, orgs, count: 2, cycle: 1)
            let (_, c2, p2) = try await releasedPacks(a, orgs, count: 2, cycle: 2)
            let (_, c3, p3) = try await releasedPacks(a, orgs, count: 3, cycle: 3)
            _ = try await a.sterilization.readBiological(cycleID: c1.id, .pass, orgs.ctxA)
            for code in [p1[0].code, p2[0].code, p3[0].code, p3[1].code] {
                let (p, c) = try await activeCourse(db, orgs)
                _ = try await a.sessions.record(courseID: c.id, clinicID: orgs.clinicA.id, packSession(p, orgs, pack: code), orgs.ctxA)
            }
            let auditBefore = try await allAuditRows(db).count

            let reach = try await a.recalls.reach(failing: c3.id)
            #expect(
                reach == RecallReach(cycles: [2, 3], sessions: 3, patients: 3, packs: 2),
                "cycle 2's unused pack and cycle 3's third pack would be quarantined")
            // Nothing changed: the indicator is still pending, no recall, no pack withdrawn, nothing audited.
            #expect(try await a.sterilization.cycle(c3.id)?.biological == .pending)
            #expect(try await a.recalls.summaries().isEmpty)
            #expect(try await a.sterilization.pack(id: p2[1].id)?.state == .released)
            #expect(try await allAuditRows(db).count == auditBefore)
            // Another organization's cycle is not there to preview.
            await #expect(throws: StoreError.notFound("cycle")) { _ = try await orgs.scopeB(db).recalls.reach(failing: c3.id) }

            let (_, recallID) = try await a.sterilization.readBiological(cycleID: c3.id, .fail, orgs.ctxA)
            let opened = try #require(recallID)
            let (recall, exposures) = try #require(try await a.recalls.get(recallID: opened, orgs.ctxA))
            #expect(recall.patients.count == reach.patients && exposures.count == reach.sessions)
            var quarantined = 0
            for pack in p2 + p3 where try await a.sterilization.pack(id: pack.id)?.state == .quarantined { quarantined += 1 }
            #expect(quarantined == reach.packs)
            #expect(try await a.sterilization.pack(id: p1[1].id)?.state == .released, "cycle 1 passed: not exposed")
            // Once read, there is nothing left to preview.
            await #expect(throws: StoreError.conflict("the biological indicator of cycle 3 is already read: fail")) {
                _ = try await a.recalls.reach(failing: c3.id)
            }
            try await expectAuditIntact(db)
        }
    }

    @Test(
        "a recall opened in error closes with the reason, audited; nobody is followed up; its packs stay quarantined",
        arguments: Backend.available)
    func closeInError(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let (_, cycle, packs) = try await releasedPacks(a, orgs, count: 2, cycle: 5)
            let (_, opened) = try await a.sterilization.readBiological(cycleID: cycle.id, .fail, orgs.ctxA)
            let id = try #require(opened)

            // A reason is required, and a refused closure changes nothing.
            await #expect(throws: StoreError.invalid(field: "reason", problem: "required")) {
                try await a.recalls.closeInError(recallID: id, reason: "   ", orgs.ctxA)
            }
            await #expect(throws: StoreError.invalid(field: "reason", problem: "at most 500 characters")) {
                try await a.recalls.closeInError(recallID: id, reason: String(repeating: "x", count: 501), orgs.ctxA)
            }
            await #expect(throws: StoreError.notFound("recall")) {
                try await orgs.scopeB(db).recalls.closeInError(recallID: id, reason: "not ours", orgs.ctxB)
            }
            #expect(try await a.recalls.summaries(openOnly: true).map(\.id) == [id])

            let when = Date(timeIntervalSince1970: 1_795_000_000)
            let ctx = AccessContext(actorID: orgs.userA.id, clinicID: orgs.clinicA.id, requestID: "req-error", now: when)
            try await a.recalls.closeInError(recallID: id, reason: "  opened in error: wrong cycle selected ", ctx)
            let (recall, _) = try #require(try await a.recalls.get(recallID: id, orgs.ctxA))
            #expect(!recall.isOpen && recall.closedInError)
            #expect(recall.closedInErrorReason == "opened in error: wrong cycle selected")
            #expect(recall.closedBy == orgs.userA.id && recall.closedAt == when)
            // Off Today: no open recall, and the list says it was closed in error.
            #expect(try await a.recalls.summaries(openOnly: true).isEmpty)
            #expect(try await a.recalls.summaries().map { [$0.isOpen, $0.closedInError] } == [[false, true]])
            // Closed is closed: neither a second closure nor a follow-up is taken.
            await #expect(throws: StoreError.conflict("the recall is already closed")) {
                try await a.recalls.closeInError(recallID: id, reason: "again", orgs.ctxA)
            }
            await #expect(throws: StoreError.conflict("the recall is already closed")) { try await a.recalls.close(recallID: id, orgs.ctxA) }
            await #expect(throws: StoreError.conflict("the recall is closed")) {
                try await a.recalls.setStatus(recallID: id, patientID: UUID(), .contacted, note: nil, orgs.ctxA)
            }
            // Nothing the recall withdrew comes back by itself: its packs stay quarantined and cannot be released.
            for pack in packs {
                #expect(try await a.sterilization.pack(id: pack.id)?.state == .quarantined)
                await #expect(throws: StoreError.self) { _ = try await a.sterilization.release(packID: pack.id, orgs.ctxA) }
                #expect(try await a.sterilization.pack(id: pack.id)?.state == .quarantined)
            }
            // A lot recalled by mistake: its recall closes in error, and the lot stays recalled (a recall is final).
            let lot = try await a.stock.receive(
                LotDraft(
                    clinicID: orgs.clinicA.id, modelID: nil, product: "Cartridge 12", gtin: testGTIN,
                    lot: "ERR-1", expiry: LocalDate(iso: "2028-01-31")!, quantity: 20), orgs.ctxA)
            let (_, lotRecall) = try await a.stock.setStatus(lotID: lot.id, .recalled, reason: "Notice for another lot", orgs.ctxA)
            try await a.recalls.closeInError(recallID: try #require(lotRecall), reason: "opened in error: wrong lot scanned", orgs.ctxA)
            #expect(try await a.stock.lots().first { $0.id == lot.id }?.status == .recalled)
            // One audit row per closure, by whom, naming no patient.
            let closures = try await allAuditRows(db).filter { $0.entry.resource == "recall" && $0.entry.action == "close-in-error" }
            #expect(closures.count == 2 && closures.allSatisfy { $0.entry.actorID == orgs.userA.id && $0.entry.patientID == nil })
            try await expectAuditIntact(db)
        }
    }
}
