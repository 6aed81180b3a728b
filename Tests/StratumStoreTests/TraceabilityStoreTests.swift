import FluentKit
import Foundation
import SQLKit
import StratumCore
@testable import StratumStore
import Testing

extension AccessContext {
    /// The same caller at 08:00 UTC on `day`: a pack is assembled before the cycle that sterilizes it.
    func on(_ day: LocalDate) -> AccessContext {
        AccessContext(
            actorID: actorID, clinicID: clinicID, requestID: requestID, now: Date(timeIntervalSince1970: Double(day.dayNumber) * 86_400 + 8 * 3_600))
    }
}

/// Organization A's catalogue entry named `name`, added on first use: a reusable roller or stamp of `length` mm.
func catalogueModel(
    _ a: OrganizationScope, _ orgs: TwoOrganizations, _ name: String = "Test roller 0.5", kind: DeviceKind = .roller,
    length: Double = 0.5, material: NeedleMaterial = .titanium
) async throws -> UUID {
    if let m = try await a.devices.models().first(where: { $0.name == name }) { return m.id }
    return try await a.devices.addModel(
        name: name, spec: DeviceSpec(kind: kind, length: .fixed(length), needleMaterial: material),
        needleCount: 192, singleUseHead: false, orgs.ctxA
    ).id
}

/// A sterilizer with one cycle of `packs` released packs, for sessions that name a pack.
func releasedPacks(
    _ a: OrganizationScope, _ orgs: TwoOrganizations, count: Int, sterilizer name: String = "Autoclave T",
    cycle number: Int = 1, biological: BiologicalIndicatorResult = .pending
) async throws -> (Sterilizer, SterilizationCycle, [SterilizationPack]) {
    var sterilizer: Sterilizer
    if let existing = try await a.sterilization.sterilizers().first(where: { $0.name == name }) {
        sterilizer = existing
    } else {
        sterilizer = try await a.sterilization.addSterilizer(clinicID: orgs.clinicA.id, name: name, serial: "SN-\(name)", orgs.ctxA)
    }
    var codes: [String] = []
    let roller = try await catalogueModel(a, orgs)
    let cycleDate = day0.adding(days: number - 10)
    for i in 0..<count {
        codes.append(
            try await a.sterilization.assemble(
                clinicID: orgs.clinicA.id, items: [PackItemDraft(modelID: roller)], note: "tray \(i)",
                orgs.ctxA.on(cycleDate)
            ).code)
    }
    let cycle = try await a.sterilization.recordCycle(
        sterilizerID: sterilizer.id,
        CycleDraft(
            number: number, date: cycleDate, type: "Pre-vacuum steam", temperatureC: 134, minutes: 4, pressureKPa: 206,
            physical: .passed, chemical: .pass, biological: biological, packCodes: codes), orgs.ctxA)
    var packs: [SterilizationPack] = []
    for code in codes {
        let p = try #require(try await a.sterilization.pack(code: code))
        packs.append(try await a.sterilization.release(packID: p.id, orgs.ctxA))
    }
    return (sterilizer, cycle, packs)
}

/// A roller session on `course`, pack-borne (no pen, so no handpiece rule), with every caution acknowledged.
func packSession(_ p: Patient, _ orgs: TwoOrganizations, pack code: String, date: LocalDate = day0) -> SessionDraft {
    checkedSession(
        p, practitioner: orgs.userA.id, date: date, zones: [ZoneDose(zone: cheeks, depthMM: 0.5, passes: 2)],
        equipment: EquipmentReference(packCode: code))
}

@Suite("Traceability in the store: no session without sterile needles, no part twice, recalls, clusters")
struct TraceabilityStoreTests {
    @Test(
        "a session naming no needles, an unreleased pack, a recalled or expired lot or an unknown item is refused and writes nothing",
        arguments: Backend.available)
    func noSterileNoSession(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let (p, course) = try await activeCourse(db, orgs)
            let a = orgs.scopeA(db)
            func record(_ e: EquipmentReference) async throws -> TreatmentSession {
                try await a.sessions.record(
                    courseID: course.id, clinicID: orgs.clinicA.id,
                    checkedSession(
                        p, practitioner: orgs.userA.id, date: day0, zones: [ZoneDose(zone: cheeks, depthMM: 0.5, passes: 2)],
                        equipment: e), orgs.ctxA)
            }
            // A stop names its rule (typed); a label that names nothing says so on its field.
            func refusal(_ e: EquipmentReference) async -> String {
                do { _ = try await record(e); return "recorded" } catch let r as ClinicalRefusal {
                    return r.blocking.map(\.rule.rawValue).joined(separator: ",")
                } catch { return "\(error)" }
            }
            #expect(await refusal(EquipmentReference()).hasPrefix("DEV-NO-STERILE-PART"))
            let stamp = try await catalogueModel(a, orgs, "Test stamp 1.0", kind: .stamp, length: 1.0)
            let assembled = try await a.sterilization.assemble(clinicID: orgs.clinicA.id, items: [PackItemDraft(modelID: stamp)], orgs.ctxA)
            #expect(await refusal(EquipmentReference(packCode: assembled.code)).hasPrefix("DEV-PACK-NOT-RELEASED"))
            #expect(await refusal(EquipmentReference(packCode: "PK-NOSUCH")).contains("no sterilization pack is labelled PK-NOSUCH"))
            let unknown = EquipmentReference(part: PartReference(gtin: "09506000134369", lot: "NOPE", serial: nil))
            #expect(await refusal(unknown).contains("not in the clinic's stock"))
            let old = try await a.stock.receive(
                LotDraft(
                    clinicID: orgs.clinicA.id, modelID: nil, product: "Old cartridge", gtin: "09506000134369",
                    lot: "OLD-1", expiry: day0.adding(days: -1), quantity: 10), orgs.ctxA)
            #expect(await refusal(EquipmentReference(part: PartReference(gtin: old.gtin, lot: old.lot, serial: "A1"))).hasPrefix("DEV-LOT-EXPIRED"))
            let lot = try #require(try await a.stock.lots().first { $0.lot == testLot })
            _ = try await a.stock.setStatus(lotID: lot.id, .quarantined, reason: "Supplier notice pending", orgs.ctxA)
            #expect(await refusal(testPart).hasPrefix("DEV-LOT-RECALLED"))
            // Another organization's pack is unknown here, like a missing one.
            let b = orgs.scopeB(db)
            let theirRoller = try await b.devices.addModel(
                name: "Their roller", spec: DeviceSpec(kind: .roller, length: .fixed(0.5), needleMaterial: .titanium),
                needleCount: 192, singleUseHead: false, orgs.ctxB)
            let theirs = try await b.sterilization.assemble(clinicID: orgs.clinicB.id, items: [PackItemDraft(modelID: theirRoller.id)], orgs.ctxB)
            #expect(await refusal(EquipmentReference(packCode: theirs.code)).contains("no sterilization pack is labelled"))
            #expect(try await a.sessions.list(courseID: course.id, orgs.ctxA).isEmpty)
            let bound = try await db.read { try await SessionEquipmentRow.query(on: $0).count() }
            #expect(bound == 0)
            try await expectAuditIntact(db)
        }
    }

    @Test(
        "a pack is bound once and becomes used; a serial once; serial-less parts count against the lot's quantity",
        arguments: Backend.available)
    func neverTwice(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let (p1, c1) = try await activeCourse(db, orgs)
            let (p2, c2) = try await activeCourse(db, orgs)
            let (_, _, packs) = try await releasedPacks(a, orgs, count: 1)
            let s1 = try await a.sessions.record(courseID: c1.id, clinicID: orgs.clinicA.id, packSession(p1, orgs, pack: packs[0].code), orgs.ctxA)
            #expect(s1.equipment?.packCode == packs[0].code)
            #expect(try await a.sterilization.pack(id: packs[0].id)?.state == .used)
            let reuse = await #expect(throws: ClinicalRefusal.self) {
                _ = try await a.sessions.record(courseID: c2.id, clinicID: orgs.clinicA.id, packSession(p2, orgs, pack: packs[0].code), orgs.ctxA)
            }
            #expect(reuse?.blocking.map(\.rule) == [.devReuse])
            let facts = try #require(
                try await a.sessions.facts(courseID: c2.id, on: day0, equipment: EquipmentReference(packCode: packs[0].code), orgs.ctxA))
            #expect(facts.sterility.pack?.state == .used)

            let serial = EquipmentReference(part: PartReference(gtin: testGTIN, lot: testLot, serial: "SN-1"))
            _ = try await a.sessions.record(
                courseID: c1.id, clinicID: orgs.clinicA.id,
                checkedSession(
                    p1, practitioner: orgs.userA.id, date: day0.adding(days: 28), zones: [ZoneDose(zone: cheeks, depthMM: 0.5, passes: 2)],
                    equipment: serial), orgs.ctxA)
            do {
                _ = try await a.sessions.record(
                    courseID: c2.id, clinicID: orgs.clinicA.id,
                    checkedSession(
                        p2, practitioner: orgs.userA.id, date: day0, zones: [ZoneDose(zone: cheeks, depthMM: 0.5, passes: 2)],
                        equipment: serial), orgs.ctxA)
                Issue.record("a serial was used twice")
            } catch {
                #expect(refusalText(error).hasPrefix("DEV-REUSE"))
            }
            let two = try await a.stock.receive(
                LotDraft(
                    clinicID: orgs.clinicA.id, modelID: nil, product: "Pair", gtin: "09506000134369",
                    lot: "PAIR", expiry: day0.adding(days: 100), quantity: 1), orgs.ctxA)
            let pair = EquipmentReference(part: PartReference(gtin: two.gtin, lot: two.lot, serial: nil))
            _ = try await a.sessions.record(
                courseID: c2.id, clinicID: orgs.clinicA.id,
                checkedSession(
                    p2, practitioner: orgs.userA.id, date: day0, zones: [ZoneDose(zone: cheeks, depthMM: 0.5, passes: 2)],
                    equipment: pair), orgs.ctxA)
            let counted = try #require(try await a.sessions.facts(courseID: c1.id, on: day0.adding(days: 56), equipment: pair, orgs.ctxA))
            #expect(counted.sterility.singleUsePart?.previouslyUsed == true, "the only package of the lot is used")
        }
    }

    @Test("the database itself refuses a second binding of a pack or a lot's serial, whatever the code does", arguments: Backend.available)
    func constraint(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let (p1, c1) = try await activeCourse(db, orgs)
            let (_, _, packs) = try await releasedPacks(a, orgs, count: 1)
            let s1 = try await a.sessions.record(courseID: c1.id, clinicID: orgs.clinicA.id, packSession(p1, orgs, pack: packs[0].code), orgs.ctxA)
            let (p2, c2) = try await activeCourse(db, orgs)
            let s2 = try await a.sessions.record(
                courseID: c2.id, clinicID: orgs.clinicA.id,
                checkedSession(p2, practitioner: orgs.userA.id, date: day0, zones: [ZoneDose(zone: cheeks, depthMM: 0.5, passes: 2)]),
                orgs.ctxA)
            // s2's binding rewritten straight in the table to name s1's pack, as a buggy path would: refused.
            await #expect(throws: (any Error).self) {
                try await db.write { database in
                    try await (database as! any SQLDatabase).raw(
                        """
                        UPDATE session_equipment SET pack_id = \(bind: packs[0].id) WHERE session_id = \(bind: s2.id)
                        """
                    ).run()
                }
            }
            // Both bindings on one lot: the same serial twice is refused, a different one is not.
            let lot = try #require(try await a.stock.lots().first { $0.lot == testLot })
            try await db.write { database in
                try await (database as! any SQLDatabase).raw(
                    """
                    UPDATE session_equipment SET lot_id = \(bind: lot.id), serial = 'X-1' WHERE session_id = \(bind: s1.id)
                    """
                ).run()
            }
            await #expect(throws: (any Error).self) {
                try await db.write { database in
                    try await (database as! any SQLDatabase).raw(
                        """
                        UPDATE session_equipment SET serial = 'X-1' WHERE session_id = \(bind: s2.id)
                        """
                    ).run()
                }
            }
            try await db.write { database in
                try await (database as! any SQLDatabase).raw(
                    """
                    UPDATE session_equipment SET serial = 'X-2' WHERE session_id = \(bind: s2.id)
                    """
                ).run()
            }
            #expect(try await db.read { try await SessionEquipmentRow.query(on: $0).count() } == 2)
        }
    }

    @Test("eight concurrent sessions naming one pack: exactly one is recorded, the others refused with DEV-REUSE", arguments: Backend.available)
    func concurrentDoubleUse(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            var courses: [(Patient, Course)] = []
            for _ in 0..<8 { courses.append(try await activeCourse(db, orgs)) }
            let (_, _, packs) = try await releasedPacks(a, orgs, count: 1)
            let code = packs[0].code
            let outcomes = await withTaskGroup(of: String.self) { group in
                for (p, c) in courses {
                    group.addTask {
                        do {
                            _ = try await a.sessions.record(courseID: c.id, clinicID: orgs.clinicA.id, packSession(p, orgs, pack: code), orgs.ctxA)
                            return "recorded"
                        } catch {
                            return refusalText(error)
                        }
                    }
                }
                var all: [String] = []
                for await o in group { all.append(o) }
                return all
            }
            #expect(outcomes.filter { $0 == "recorded" }.count == 1, "\(outcomes)")
            #expect(outcomes.filter { $0.hasPrefix("DEV-REUSE") }.count == 7, "\(outcomes)")
            #expect(try await db.read { try await SessionEquipmentRow.query(on: $0).filter(\.$packID == packs[0].id).count() } == 1)
            try await expectAuditIntact(db)
        }
    }

    @Test("scripted recall: a failed biological indicator lists exactly the patients of the packs since the last pass", arguments: Backend.available)
    func recallScenario(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            // Autoclave T: cycle 1 passes its biological indicator, 2 and 3 are pending, 4 passes later.
            // Autoclave U: one cycle, pending, never implicated.
            var byCycle: [Int: [SterilizationPack]] = [:]
            var cycles: [Int: SterilizationCycle] = [:]
            for n in 1...4 {
                let (_, c, packs) = try await releasedPacks(a, orgs, count: 3, cycle: n)
                byCycle[n] = packs
                cycles[n] = c
            }
            let (_, _, other) = try await releasedPacks(a, orgs, count: 1, sterilizer: "Autoclave U", cycle: 1)
            _ = try await a.sterilization.readBiological(cycleID: cycles[1]!.id, .pass, orgs.ctxA)
            _ = try await a.sterilization.readBiological(cycleID: cycles[4]!.id, .pass, orgs.ctxA)
            // Seven patients: two on cycle 1, one on 2, two on 3 (one pack of 3 stays unused), one on 4, one on Autoclave U.
            var patientOf: [String: UUID] = [:]
            let plan: [(Int, Int)] = [(1, 0), (1, 1), (2, 0), (3, 0), (3, 1), (4, 0)]
            for (cycle, index) in plan {
                let (p, c) = try await activeCourse(db, orgs)
                let code = byCycle[cycle]![index].code
                _ = try await a.sessions.record(courseID: c.id, clinicID: orgs.clinicA.id, packSession(p, orgs, pack: code), orgs.ctxA)
                patientOf[code] = p.id
            }
            let (pu, cu) = try await activeCourse(db, orgs)
            _ = try await a.sessions.record(courseID: cu.id, clinicID: orgs.clinicA.id, packSession(pu, orgs, pack: other[0].code), orgs.ctxA)

            // The clinic's assistant is told by mail; a deactivated owner and the practitioner are not.
            let dir = Directory(database: db)
            let assistant = try await dir.createUser(email: "sterile@alder.example", displayName: "S. Assistant", passwordHash: "x")
            _ = try await dir.addMembership(userID: assistant.id, clinicID: orgs.clinicA.id, role: .assistant)
            let gone = try await dir.createUser(email: "gone@alder.example", displayName: "G. Owner", passwordHash: "x")
            _ = try await dir.addMembership(userID: gone.id, clinicID: orgs.clinicA.id, role: .owner)
            try await db.write { database in try await UserRow.query(on: database).filter(\.$id == gone.id).set(\.$disabledAt, to: Date()).update() }

            let (failed, recallID) = try await a.sterilization.readBiological(cycleID: cycles[3]!.id, .fail, orgs.ctxA)
            #expect(failed.biological == .fail)
            let id = try #require(recallID)
            let notices = try await MailOutbox(database: db).list(organizationID: orgs.a.id).filter { $0.mail.kind == "recall-notice" }
            #expect(notices.map(\.mail.recipient) == ["sterile@alder.example"])
            let notice = try #require(notices.first?.mail)
            #expect(notice.body.contains("3 patients") && notice.body.contains("\(OutgoingMail.linkBase)/recalls/\(id.uuidString.lowercased())"))
            #expect(!notice.body.contains("Okafor") && !notice.subject.contains("Okafor"), "no patient is named")
            let (recall, exposures) = try #require(try await a.recalls.get(recallID: id, orgs.ctxA))
            let expected: Set<UUID> = [patientOf[byCycle[2]![0].code]!, patientOf[byCycle[3]![0].code]!, patientOf[byCycle[3]![1].code]!]
            #expect(Set(recall.patients.map(\.patientID)) == expected)
            #expect(Set(exposures.map(\.patientID)) == expected)
            #expect(exposures.count == 3 && exposures.allSatisfy { $0.via.hasPrefix("pack PK-") && $0.patientName.contains(" ") })
            #expect(recall.patients.allSatisfy { $0.status == .toContact })
            // The unused packs of the exposed cycles are quarantined; cycle 1's and 4's stay as they were.
            #expect(try await a.sterilization.pack(id: byCycle[3]![2].id)?.state == .quarantined)
            #expect(try await a.sterilization.pack(id: byCycle[2]![1].id)?.state == .quarantined)
            #expect(try await a.sterilization.pack(id: byCycle[1]![2].id)?.state == .released)
            #expect(try await a.sterilization.pack(id: byCycle[4]![1].id)?.state == .released)
            // The same list through the exposure query, and the summary Today shows.
            #expect(
                Set(try await a.recalls.exposures(cycleID: cycles[2]!.id, orgs.ctxA).map(\.patientID)) == [],
                "cycle 2 did not fail: no recall of its own")
            #expect(try await a.recalls.summaries(openOnly: true).map(\.toContact) == [3])
            // Follow-up: the recall closes only when every patient's follow-up is done.
            await #expect(throws: StoreError.conflict("3 patient(s) of the recall have no follow-up done yet")) {
                try await a.recalls.close(recallID: id, orgs.ctxA)
            }
            for pid in expected {
                try await a.recalls.setStatus(recallID: id, patientID: pid, .followUpDone, note: "Called, no signs of infection", orgs.ctxA)
            }
            try await a.recalls.close(recallID: id, orgs.ctxA)
            #expect(try await a.recalls.summaries(openOnly: true).isEmpty)
            // Reading the recall was an access to each exposed patient's record.
            let rows = try await allAuditRows(db).filter { $0.entry.resource == "recall" && $0.entry.action == "read" }
            #expect(Set(rows.compactMap(\.entry.patientID)) == expected)
            try await expectAuditIntact(db)
        }
    }

    @Test("a recalled lot lists every session that used it and refuses it from then on", arguments: Backend.available)
    func lotRecall(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let (p1, c1) = try await activeCourse(db, orgs)
            let (p2, c2) = try await activeCourse(db, orgs)
            for (p, c, serial) in [(p1, c1, "S-1"), (p2, c2, "S-2")] {
                _ = try await a.sessions.record(
                    courseID: c.id, clinicID: orgs.clinicA.id,
                    checkedSession(
                        p, practitioner: orgs.userA.id, date: day0, zones: [ZoneDose(zone: cheeks, depthMM: 0.5, passes: 2)],
                        equipment: EquipmentReference(part: PartReference(gtin: testGTIN, lot: testLot, serial: serial))), orgs.ctxA)
            }
            let lot = try #require(try await a.stock.lots().first { $0.lot == testLot })
            #expect(lot.used == 2)
            let (recalled, recallID) = try await a.stock.setStatus(lotID: lot.id, .recalled, reason: "Manufacturer field safety notice", orgs.ctxA)
            #expect(recalled.status == .recalled)
            let opened = try #require(recallID)
            let (recall, exposures) = try #require(try await a.recalls.get(recallID: opened, orgs.ctxA))
            #expect(Set(recall.patients.map(\.patientID)) == [p1.id, p2.id])
            #expect(Set(exposures.map(\.via)) == ["serial S-1", "serial S-2"])
            let facts = try #require(
                try await a.sessions.facts(
                    courseID: c1.id, on: day0.adding(days: 28),
                    equipment: EquipmentReference(part: PartReference(gtin: testGTIN, lot: testLot, serial: "S-3")), orgs.ctxA))
            #expect(facts.sterility.singleUsePart?.lotRecalled == true)
            await #expect(throws: StoreError.conflict("the lot is recalled; a recall is final")) {
                _ = try await a.stock.setStatus(lotID: lot.id, .available, reason: "undo", orgs.ctxA)
            }
        }
    }

    @Test("AE-CLUSTER: two infections within 30 days after sessions with one handpiece stop it until reviewed", arguments: Backend.available)
    func cluster(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let pen = try await a.devices.addModel(name: "Pen", spec: testPen, needleCount: 12, singleUseHead: true, orgs.ctxA)
            let hp = try await a.devices.addHandpiece(clinicID: orgs.clinicA.id, modelID: pen.id, serial: "HP-9", orgs.ctxA)
            var sessions: [(Patient, Course, TreatmentSession)] = []
            for i in 0..<3 {
                let (p, c) = try await activeCourse(db, orgs)
                // On the day of the sessions (day0), never before it: the record admits no session dated after its writing.
                let now = at(Double(i) * 100 + 8 * 86_400)
                _ = try await a.devices.recordCleaning(handpieceID: hp.id, method: "Alcohol wipe", ctx(orgs.ctxA, now: now))
                let facts = try #require(
                    try await a.sessions.facts(
                        courseID: c.id, on: day0, equipment: EquipmentReference(part: testPart.part, handpieceSerial: "HP-9"), orgs.ctxA))
                #expect(facts.handpiece?.cleanedSinceLastUse == true)
                let s = try await a.sessions.record(
                    courseID: c.id, clinicID: orgs.clinicA.id,
                    checkedSession(
                        p, practitioner: orgs.userA.id, date: day0, zones: [ZoneDose(zone: cheeks, depthMM: 0.5, passes: 2)],
                        equipment: EquipmentReference(part: testPart.part, handpieceSerial: "HP-9")),
                    ctx(orgs.ctxA, now: now.addingTimeInterval(10)))
                sessions.append((p, c, s))
            }
            let used = try #require(try await a.devices.handpieces().first)
            #expect(!used.cleanedSinceLastUse, "used after its last cleaning")
            #expect(try await a.clusters.alerts().isEmpty)
            _ = try await a.adverseEvents.report(
                patientID: sessions[0].0.id, sessionID: sessions[0].2.id, type: .infectionBacterial,
                onset: day0.adding(days: 3), grade: .moderate, suspectedCauses: [.toolSterility], notes: nil, orgs.ctxA)
            #expect(try await a.clusters.alerts().isEmpty, "one infection is no cluster")
            _ = try await a.adverseEvents.report(
                patientID: sessions[1].0.id, sessionID: sessions[1].2.id, type: .infectionBacterial,
                onset: day0.adding(days: 20), grade: .mild, suspectedCauses: [.toolSterility], notes: nil, orgs.ctxA)
            // Both sessions used the handpiece and a part of the same lot: each is implicated.
            let alerts = try await a.clusters.alerts()
            #expect(Set(alerts.map(\.label)) == ["handpiece HP-9", "lot \(testLot) of Test cartridge"])
            #expect(alerts.allSatisfy { $0.finding.rule == .aeCluster && $0.finding.severity == .stop && $0.onsets.count == 2 })
            #expect(alerts.first { $0.source == .handpiece }?.finding.message.contains("handpiece HP-9") == true)
            // The handpiece is stopped: the next session naming it is refused, even cleaned.
            let (p, c) = try await activeCourse(db, orgs)
            _ = try await a.devices.recordCleaning(handpieceID: hp.id, method: "Alcohol wipe", orgs.ctxA)
            let equipment = EquipmentReference(part: testPart.part, handpieceSerial: "HP-9")
            let facts = try #require(try await a.sessions.facts(courseID: c.id, on: day0, equipment: equipment, orgs.ctxA))
            #expect(facts.clusterAlerts.map(\.finding.rule) == [.aeCluster, .aeCluster])
            do {
                _ = try await a.sessions.record(
                    courseID: c.id, clinicID: orgs.clinicA.id,
                    checkedSession(
                        p, practitioner: orgs.userA.id, date: day0, zones: [ZoneDose(zone: cheeks, depthMM: 0.5, passes: 2)],
                        equipment: equipment), orgs.ctxA)
                Issue.record("a session with a clustered handpiece was recorded")
            } catch {
                #expect(refusalText(error).hasPrefix("AE-CLUSTER"))
            }
            // A review releases it; a session without that handpiece was never affected.
            await #expect(throws: StoreError.invalid(field: "note", problem: "a review says what was found and done")) {
                try await a.clusters.review(source: .handpiece, identifier: hp.id.uuidString, note: " ", orgs.ctxA)
            }
            try await a.clusters.review(source: .handpiece, identifier: hp.id.uuidString, note: "Handpiece replaced; cleaning retrained", orgs.ctxA)
            #expect(try await a.clusters.alerts().map(\.source) == [.lot])
            let lot = try #require(try await a.stock.lots().first { $0.lot == testLot })
            try await a.clusters.review(source: .lot, identifier: lot.id.uuidString, note: "Supplier confirms sterility of the lot", orgs.ctxA)
            #expect(try await a.clusters.alerts().isEmpty)
            let after = try #require(try await a.sessions.facts(courseID: c.id, on: day0, equipment: equipment, orgs.ctxA))
            #expect(after.clusterAlerts.isEmpty)
        }
    }
}

/// A refusal as these tests compare it: the blocking rule IDs of a clinical refusal (typed), else the error's text.
func refusalText(_ error: any Error) -> String {
    if let r = error as? ClinicalRefusal { return r.blocking.map(\.rule.rawValue).joined(separator: ",") }
    return "\(error)"
}
