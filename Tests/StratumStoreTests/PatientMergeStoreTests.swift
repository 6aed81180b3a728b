import FluentKit
import Foundation
import SQLKit
import StratumCore
@testable import StratumStore
import Testing

/// An accepted photoaging course for `p`, and organization A's test lot in stock.
private func course(for p: Patient, _ a: OrganizationScope, _ orgs: TwoOrganizations) async throws -> Course {
    if try await a.stock.lots().isEmpty {
        _ = try await a.stock.receive(
            LotDraft(
                clinicID: orgs.clinicA.id, modelID: nil, product: "Test cartridge", gtin: testGTIN, lot: testLot,
                expiry: LocalDate(iso: "2028-01-31")!, quantity: 500), orgs.ctxA)
    }
    let (request, _) = photoagingPlan(p)
    let c = try await a.courses.create(patientID: p.id, clinicID: orgs.clinicA.id, request: request, goal: "Softer lines", orgs.ctxA)
    return try await a.courses.accept(courseID: c.id, acknowledgements: acknowledgingCautions(c), orgs.ctxA)
}

/// A photo row of the chart, as the photo store writes it after its checks (the image file is not needed here).
private func photoRow(_ db: StratumDatabase, _ orgs: TwoOrganizations, patient: UUID, course: UUID, sha: String) async throws {
    try await db.write { database in
        let m = PhotoRow()
        m.id = UUID()
        m.organizationID = orgs.a.id
        m.patientID = patient
        m.courseID = course
        m.view = "front"
        m.visit = "baseline"
        m.takenOn = day0.description
        m.sha256 = sha
        m.mediaType = "image/jpeg"
        m.byteCount = 100
        m.width = 10
        m.height = 10
        m.removedJSON = "[]"
        m.hadLocation = false
        m.uploadedBy = orgs.userA.id
        m.createdAt = Date()
        try await m.create(on: database)
    }
}

private let zones = [ZoneDose(zone: cheeks, depthMM: 0.5, passes: 2)]

private func part(_ lot: String, _ serial: String) -> EquipmentReference {
    EquipmentReference(part: PartReference(gtin: testGTIN, lot: lot, serial: serial))
}

@Suite("Patients: possible duplicates at registration and merging two charts of one person (issue 12, reproduction 5)")
struct PatientMergeStoreTests {
    @Test(
        "a second Rosa Rossi, 1983-04-09 is refused with the candidate until confirmed; phone and email match normalised",
        arguments: Backend.available)
    func duplicates(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            var rosa = draft(orgs.clinicA.id, given: "Rosa", family: "Rossi", birth: "1983-04-09")
            rosa.phone = "+39 06 1234 5678"
            rosa.email = "Rosa.Rossi@example.com"
            let first = try await a.patients.create(rosa, orgs.ctxA)
            // Organization B's Rosa Rossi is not A's business.
            _ = try await orgs.scopeB(db).patients.create(draft(orgs.clinicB.id, given: "Rosa", family: "Rossi", birth: "1983-04-09"), orgs.ctxB)

            let second = draft(orgs.clinicA.id, given: "Rosa", family: "  ROSSI ", birth: "1983-04-09")
            let refused = await #expect(throws: PossibleDuplicates.self) { try await a.patients.create(second, orgs.ctxA) }
            let candidate = try #require(refused?.candidates.first)
            #expect(refused?.candidates.count == 1)
            #expect(candidate.id == first.id && candidate.clinicName == "Alder Central" && candidate.birthDate == first.birthDate)
            #expect(candidate.matches == [.nameAndBirthDate])
            let shown = try await lastAudit(db)
            #expect(shown.action == "duplicate-check" && shown.patientID == first.id && shown.outcome == .allowed)
            #expect(try await a.patients.search(name: "rossi", birthDate: nil, orgs.ctxA).count == 1, "the refusal wrote nothing")

            var byPhone = draft(orgs.clinicA.id, given: "R.", family: "Bianchi", birth: "1990-01-01")
            byPhone.phone = "0039 (06) 1234-5678"
            let phone = await #expect(throws: PossibleDuplicates.self) { try await a.patients.create(byPhone, orgs.ctxA) }
            #expect(phone?.candidates.map(\.matches) == [[.phone]])
            var byEmail = draft(orgs.clinicA.id, given: "Rosa", family: "Verdi", birth: "1990-01-01")
            byEmail.email = " rosa.rossi@EXAMPLE.com"
            let email = await #expect(throws: PossibleDuplicates.self) { try await a.patients.create(byEmail, orgs.ctxA) }
            #expect(email?.candidates.map(\.matches) == [[.email]])
            var unrelated = draft(orgs.clinicA.id, given: "Rosa", family: "Rossi", birth: "1983-04-10")
            unrelated.phone = "12"
            _ = try await a.patients.create(unrelated, orgs.ctxA)

            let confirmed = try await a.patients.create(second, confirmDuplicate: true, orgs.ctxA)
            #expect(confirmed.id != first.id)
            #expect(try await lastAudit(db).action == "create")
            try await expectAuditIntact(db)
        }
    }

    @Test(
        "merging two charts moves every record to the survivor; both ids answer the survivor; audited on both",
        arguments: Backend.available)
    func merge(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let keep = try await a.patients.create(draft(orgs.clinicA.id, given: "Rosa", family: "Rossi", birth: "1983-04-09"), orgs.ctxA)
            let dup = try await a.patients.create(
                draft(orgs.clinicA.id, given: "Rosa", family: "Rossi", birth: "1983-04-09"),
                confirmDuplicate: true, orgs.ctxA)
            let c1 = try await course(for: keep, a, orgs)
            let c2 = try await course(for: dup, a, orgs)
            _ = try await a.stock.receive(
                LotDraft(
                    clinicID: orgs.clinicA.id, modelID: nil, product: "Test cartridge", gtin: testGTIN, lot: "LOT-B",
                    expiry: LocalDate(iso: "2028-01-31")!, quantity: 50), orgs.ctxA)
            // Screenings: the duplicate's is the newer answer and must stay the one sessions are judged on.
            _ = try await a.screenings.record(
                patientID: keep.id, response: ScreeningResponse(answeredOn: day0, answers: completeAnswers()), orgs.ctxA)
            _ = try await a.screenings.record(
                patientID: dup.id,
                response: ScreeningResponse(
                    answeredOn: day0.adding(days: 3),
                    answers: completeAnswers()), orgs.ctxA)
            // Sessions: one on the survivor, two on the duplicate; both charts used lot LOT-2291, the duplicate also LOT-B.
            let s1 = try await a.sessions.record(
                courseID: c1.id, clinicID: orgs.clinicA.id,
                checkedSession(
                    keep, practitioner: orgs.userA.id, date: day0, zones: zones,
                    equipment: part(testLot, "S-1")), orgs.ctxA)
            let s2 = try await a.sessions.record(
                courseID: c2.id, clinicID: orgs.clinicA.id,
                checkedSession(
                    dup, practitioner: orgs.userA.id, date: day0, zones: zones,
                    equipment: part(testLot, "S-2")), orgs.ctxA)
            let first = PriorSession(
                date: day0, zones: zones.map { ZoneDepth(zone: $0.zone, depthMM: $0.depthMM) }, reactionsResolvedWithinDays: nil,
                openAdverseEvent: false)
            _ = try await a.sessions.record(
                courseID: c2.id, clinicID: orgs.clinicA.id,
                checkedSession(
                    dup, practitioner: orgs.userA.id, date: day0.adding(days: 28), zones: zones,
                    previous: [first], equipment: part("LOT-B", "B-1")), orgs.ctxA)
            for (p, s) in [(keep, s1), (dup, s2)] {
                _ = try await a.adverseEvents.report(
                    patientID: p.id, sessionID: s.id, type: .bruising, onset: day0.adding(days: 1), grade: .mild,
                    suspectedCauses: [.needleTechnique], notes: nil, orgs.ctxA)
            }
            _ = try await a.assessments.record(
                patientID: dup.id, courseID: c2.id, scale: "GAIS", score: 3, kind: .visit,
                assessedOn: day0.adding(days: 27), orgs.ctxA)
            try await photoRow(db, orgs, patient: keep.id, course: c1.id, sha: String(repeating: "a", count: 64))
            try await photoRow(db, orgs, patient: dup.id, course: c2.id, sha: String(repeating: "b", count: 64))
            try await photoRow(db, orgs, patient: dup.id, course: c2.id, sha: String(repeating: "c", count: 64))
            // Recalls: lot LOT-2291 reaches both charts (one recall), LOT-B only the duplicate.
            let lots = try await a.stock.lots()
            let lotA = try #require(lots.first { $0.lot == testLot })
            let lotB = try #require(lots.first { $0.lot == "LOT-B" })
            let shared = try #require(try await a.stock.setStatus(lotID: lotA.id, .recalled, reason: "Field safety notice", orgs.ctxA).1)
            try await a.recalls.setStatus(recallID: shared, patientID: keep.id, .followUpDone, note: "Called", orgs.ctxA)
            try await a.recalls.setStatus(recallID: shared, patientID: dup.id, .contacted, note: "Left a message", orgs.ctxA)
            _ = try #require(try await a.stock.setStatus(lotID: lotB.id, .recalled, reason: "Field safety notice", orgs.ctxA).1)

            let before = (try await a.patients.counts(patientID: keep.id), try await a.patients.counts(patientID: dup.id))
            #expect(before.1.sessions == 2 && before.1.photos == 2 && before.1.adverseEvents == 1 && before.1.recalls == 2)
            let preview = try await a.patients.mergePreview(survivorID: keep.id, duplicateID: dup.id, orgs.ctxA)
            #expect(preview.survivorCounts == before.0 && preview.duplicateCounts == before.1)

            let survivor = try await a.patients.merge(survivorID: keep.id, duplicateID: dup.id, orgs.ctxA)
            #expect(survivor.id == keep.id)
            let after = try await a.patients.counts(patientID: keep.id)
            var expected = before.0 + before.1
            expected.recalls -= 1  // one recall reached both charts: its two contact rows are now one
            #expect(after == expected)
            #expect(try await a.patients.counts(patientID: dup.id) == ChartCounts())
            // The merged id answers the survivor; lists show one Rosa Rossi.
            #expect(try await a.patients.get(dup.id, orgs.ctxA)?.id == keep.id)
            #expect(try await a.patients.currentID(dup.id) == keep.id)
            #expect(try await a.patients.search(name: "Rossi", birthDate: nil, orgs.ctxA).map(\.id) == [keep.id])
            // The chart holds both charts' records; the duplicate's newer screening is now the latest version.
            let chart = try #require(try await a.charts.chart(patientID: keep.id, orgs.ctxA))
            #expect(chart.sessions.count == 3 && chart.courses.count == 2 && chart.adverseEvents.count == 2)
            #expect(chart.screenings.map(\.version) == [2, 1])
            #expect(try await a.screenings.latest(patientID: keep.id, orgs.ctxA)?.answeredOn == day0.adding(days: 3))
            // The shared recall keeps the earlier step and both notes; the recall lists the survivor only.
            let (recall, exposures) = try #require(try await a.recalls.get(recallID: shared, orgs.ctxA))
            #expect(recall.patients.map(\.patientID) == [keep.id])
            #expect(recall.patients.first?.status == .contacted)
            #expect(recall.patients.first?.note?.contains("Left a message") == true)
            #expect(Set(exposures.map(\.patientID)) == [keep.id] && exposures.count == 2)
            // No new record attaches to the merged chart: it has none to show.
            await #expect(throws: StoreError.notFound("patient")) {
                try await a.adverseEvents.report(
                    patientID: dup.id, sessionID: nil, type: .bruising, onset: day0, grade: .mild,
                    suspectedCauses: [], notes: nil, orgs.ctxA)
            }
            let merges = try await allAuditRows(db).filter { $0.entry.action == "merge" }.map(\.entry)
            #expect(Set(merges.map(\.patientID)) == [keep.id, dup.id] && merges.allSatisfy { $0.outcome == .allowed })
            try await expectAuditIntact(db)
        }
    }

    @Test(
        "a merge with itself, with another organization's chart, of a merged chart, or with the same photo in both is refused and changes nothing",
        arguments: Backend.available)
    func refusals(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let p = try await a.patients.create(draft(orgs.clinicA.id, given: "Ada", family: "Lind"), orgs.ctxA)
            let q = try await a.patients.create(draft(orgs.clinicA.id, given: "Ada", family: "Lind"), confirmDuplicate: true, orgs.ctxA)
            let other = try await orgs.scopeB(db).patients.create(draft(orgs.clinicB.id, given: "Ada", family: "Lind"), orgs.ctxB)
            await #expect(throws: StoreError.invalid(field: "duplicateId", problem: "is this same chart; choose the other chart of the person")) {
                try await a.patients.merge(survivorID: p.id, duplicateID: p.id, orgs.ctxA)
            }
            await #expect(throws: StoreError.notFound("patient")) { try await a.patients.merge(survivorID: p.id, duplicateID: other.id, orgs.ctxA) }
            await #expect(throws: StoreError.notFound("patient")) {
                try await orgs.scopeB(db).patients.merge(survivorID: other.id, duplicateID: q.id, orgs.ctxB)
            }
            #expect(try await lastAudit(db).outcome == .denied)

            let cp = try await course(for: p, a, orgs)
            let cq = try await course(for: q, a, orgs)
            let sha = String(repeating: "d", count: 64)
            try await photoRow(db, orgs, patient: p.id, course: cp.id, sha: sha)
            try await photoRow(db, orgs, patient: q.id, course: cq.id, sha: sha)
            await #expect(throws: StoreError.conflict("1 photo(s) are stored in both charts; the merge would hold one image twice")) {
                try await a.patients.merge(survivorID: p.id, duplicateID: q.id, orgs.ctxA)
            }
            #expect(try await a.patients.counts(patientID: q.id).courses == 1, "the refused merge moved nothing")
            #expect(try await a.patients.currentID(q.id) == q.id)

            let r = try await a.patients.create(draft(orgs.clinicA.id, given: "Ada", family: "Lind"), confirmDuplicate: true, orgs.ctxA)
            let t = try await a.patients.create(draft(orgs.clinicA.id, given: "Ada", family: "Lind"), confirmDuplicate: true, orgs.ctxA)
            _ = try await a.patients.merge(survivorID: p.id, duplicateID: r.id, orgs.ctxA)
            await #expect(
                throws: StoreError.conflict("chart \(r.id.uuidString.lowercased()) was already merged into \(p.id.uuidString.lowercased())")
            ) {
                try await a.patients.merge(survivorID: q.id, duplicateID: r.id, orgs.ctxA)
            }
            // A survivor merged later carries its merged ids along: each answers the final chart.
            _ = try await a.patients.merge(survivorID: t.id, duplicateID: p.id, orgs.ctxA)
            #expect(try await a.patients.currentID(r.id) == t.id)
            #expect(try await a.patients.get(r.id, orgs.ctxA)?.id == t.id)
            try await expectAuditIntact(db)
        }
    }
}
