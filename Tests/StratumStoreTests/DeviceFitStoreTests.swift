import FluentKit
import Foundation
import StratumCore
@testable import StratumStore
import Testing

/// Organization A's pen (a handpiece model), its 12-needle cartridge, a 36-needle cartridge for another pen, a lot of
/// each, and a handpiece of the 12-needle pen cleaned and ready.
private struct PenStock {
    let pen: DeviceModelRecord
    let lot12: DeviceLot
    let lot36: DeviceLot
    let handpiece: Handpiece

    static func make(_ a: OrganizationScope, _ orgs: TwoOrganizations) async throws -> PenStock {
        let range = DeviceSpec(kind: .pen, length: .adjustable(DepthRange(0.25, 2.5)), needleMaterial: .stainlessSteel)
        let pen = try await a.devices.addModel(name: "Pen 12", spec: range, needleCount: 12, singleUseHead: false, part: .handpiece, orgs.ctxA)
        let pen36 = try await a.devices.addModel(name: "Pen 36", spec: range, needleCount: 36, singleUseHead: false, part: .handpiece, orgs.ctxA)
        let c12 = try await a.devices.addModel(
            name: "Cartridge 12", spec: range, needleCount: 12, singleUseHead: true, part: .cartridge,
            fits: [pen.id], orgs.ctxA)
        let c36 = try await a.devices.addModel(
            name: "Cartridge 36", spec: range, needleCount: 36, singleUseHead: true, part: .cartridge,
            fits: [pen36.id], orgs.ctxA)
        let lot12 = try await a.stock.receive(
            LotDraft(
                clinicID: orgs.clinicA.id, modelID: c12.id, product: "12-needle cartridge",
                gtin: "09506000134352", lot: "C12-1", expiry: day0.adding(days: 400), quantity: 20), orgs.ctxA)
        let lot36 = try await a.stock.receive(
            LotDraft(
                clinicID: orgs.clinicA.id, modelID: c36.id, product: "36-needle cartridge",
                gtin: "09506000134369", lot: "C36-1", expiry: day0.adding(days: 400), quantity: 20), orgs.ctxA)
        let hp = try await a.devices.addHandpiece(clinicID: orgs.clinicA.id, modelID: pen.id, serial: "HP-12", orgs.ctxA)
        _ = try await a.devices.recordCleaning(handpieceID: hp.id, method: "70% alcohol", orgs.ctxA)
        return PenStock(pen: pen, lot12: lot12, lot36: lot36, handpiece: hp)
    }

    func part(_ lot: DeviceLot, serial: String) -> EquipmentReference {
        EquipmentReference(part: PartReference(gtin: lot.gtin, lot: lot.lot, serial: serial), handpieceSerial: handpiece.serial)
    }
}

@Suite("Device fit in the store: a session is judged on what the registry says its parts are")
struct DeviceFitStoreTests {
    @Test(
        "reproduction 3: a released pack of a 0.5 mm roller is refused for a 1.25 mm session with DEPTH-DEVICE; at 0.5 mm it is recorded",
        arguments: Backend.available)
    func rollerPackDepth(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let (p, course) = try await activeCourse(db, orgs)
            let a = orgs.scopeA(db)
            let (_, _, packs) = try await releasedPacks(a, orgs, count: 1)
            let deep = checkedSession(
                p, practitioner: orgs.userA.id, date: day0, zones: [ZoneDose(zone: cheeks, depthMM: 1.25, passes: 2)],
                equipment: EquipmentReference(packCode: packs[0].code))
            // The client's own check (the plan's 0.25–2.5 mm pen) saw nothing wrong; the registry's roller decides.
            #expect(!deep.result.findings.contains { $0.rule == .depthDevice })
            let refusal = await #expect(throws: ClinicalRefusal.self) {
                try await a.sessions.record(courseID: course.id, clinicID: orgs.clinicA.id, deep, orgs.ctxA)
            }
            #expect(refusal?.blocking.map(\.rule) == [.depthDevice])
            #expect(try await a.sessions.list(courseID: course.id, orgs.ctxA).isEmpty)
            #expect(try await a.sterilization.pack(id: packs[0].id)?.state == .released)
            // The facts the doors judge carry the registry's roller.
            let facts = try #require(
                try await a.sessions.facts(courseID: course.id, on: day0, equipment: EquipmentReference(packCode: packs[0].code), orgs.ctxA))
            #expect(facts.registered.parts.map(\.name) == ["Test roller 0.5"])
            #expect(facts.registered.parts.first?.length == .fixed(0.5))
            // Near miss: the roller's own length.
            let session = try await a.sessions.record(
                courseID: course.id, clinicID: orgs.clinicA.id, packSession(p, orgs, pack: packs[0].code), orgs.ctxA)
            // The record keeps the device the registry names, not the plan's pen.
            #expect(session.device == DeviceSpec(kind: .roller, length: .fixed(0.5), needleMaterial: .titanium))
            #expect(try await a.sterilization.pack(id: packs[0].id)?.state == .used)
            try await expectAuditIntact(db)
        }
    }

    @Test(
        "reproduction 3: a 36-needle cartridge lot on a 12-needle pen is refused with DEV-INCOMPATIBLE; the 12-needle cartridge is recorded",
        arguments: Backend.available)
    func cartridgeFit(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let (p, course) = try await activeCourse(db, orgs)
            let a = orgs.scopeA(db)
            let stock = try await PenStock.make(a, orgs)
            let zones = [ZoneDose(zone: cheeks, depthMM: 1.0, passes: 2)]
            let wrong = checkedSession(p, practitioner: orgs.userA.id, date: day0, zones: zones, equipment: stock.part(stock.lot36, serial: "S1"))
            let refusal = await #expect(throws: ClinicalRefusal.self) {
                try await a.sessions.record(courseID: course.id, clinicID: orgs.clinicA.id, wrong, orgs.ctxA)
            }
            #expect(refusal?.blocking.map(\.rule) == [.devIncompatible])
            #expect(try await a.sessions.list(courseID: course.id, orgs.ctxA).isEmpty)
            let facts = try #require(
                try await a.sessions.facts(courseID: course.id, on: day0, equipment: stock.part(stock.lot36, serial: "S1"), orgs.ctxA))
            #expect(facts.registered.handpiece?.modelID == stock.pen.id)
            #expect(facts.registered.parts.first?.needleCount == 36)
            let right = checkedSession(p, practitioner: orgs.userA.id, date: day0, zones: zones, equipment: stock.part(stock.lot12, serial: "S2"))
            _ = try await a.sessions.record(courseID: course.id, clinicID: orgs.clinicA.id, right, orgs.ctxA)
            #expect(try await a.sessions.list(courseID: course.id, orgs.ctxA).count == 1)
            try await expectAuditIntact(db)
        }
    }

    @Test(
        "a pack holds catalogue models only: none, a handpiece, a single-use cartridge or another organization's model is refused naming items",
        arguments: Backend.available)
    func packContents(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let stock = try await PenStock.make(a, orgs)
            let cartridge = try #require(stock.lot12.modelID)
            let theirs = try await orgs.scopeB(db).devices.addModel(
                name: "Their roller", spec: DeviceSpec(kind: .roller, length: .fixed(0.5), needleMaterial: .titanium),
                needleCount: 192, singleUseHead: false, orgs.ctxB)
            for items in [[], [PackItemDraft(modelID: stock.pen.id)], [PackItemDraft(modelID: cartridge)], [PackItemDraft(modelID: theirs.id)]] {
                var field = "accepted"
                do { _ = try await a.sterilization.assemble(clinicID: orgs.clinicA.id, items: items, orgs.ctxA) } catch StoreError.invalid(let f, _) {
                    field = f
                }
                #expect(field == "items", "\(items)")
            }
            #expect(try await a.sterilization.packs().isEmpty)
            let roller = try await catalogueModel(a, orgs)
            let pack = try await a.sterilization.assemble(
                clinicID: orgs.clinicA.id, items: [PackItemDraft(modelID: roller, count: 2)], note: "tray A", orgs.ctxA)
            #expect(pack.items == [PackItem(modelID: roller, name: "Test roller 0.5", count: 2)])
            #expect(pack.contents == "2 × Test roller 0.5 (tray A)")
            try await expectAuditIntact(db)
        }
    }

    @Test("a cycle dated before its pack was assembled is refused naming packCodes", arguments: Backend.available)
    func packBeforeCycle(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let roller = try await catalogueModel(a, orgs)
            let sterilizer = try await a.sterilization.addSterilizer(clinicID: orgs.clinicA.id, name: "A1", serial: "S", orgs.ctxA)
            let pack = try await a.sterilization.assemble(clinicID: orgs.clinicA.id, items: [PackItemDraft(modelID: roller)], orgs.ctxA.on(day0))
            func cycle(_ date: LocalDate) async throws -> SterilizationCycle {
                try await a.sterilization.recordCycle(
                    sterilizerID: sterilizer.id,
                    CycleDraft(
                        number: 1, date: date, type: "Steam", temperatureC: 134, minutes: 4, pressureKPa: 206, physical: .passed, chemical: .pass,
                        packCodes: [pack.code]), orgs.ctxA)
            }
            await #expect(
                throws: StoreError.invalid(
                    field: "packCodes", problem: "pack \(pack.code) was assembled on \(day0), after the cycle's date \(day0.adding(days: -1))")
            ) {
                try await cycle(day0.adding(days: -1))
            }
            _ = try await cycle(day0)
            try await expectAuditIntact(db)
        }
    }

    @Test("per clinic: lots, packs, sterilizers, handpieces and recalls are listed for their own clinic only", arguments: Backend.available)
    func perClinic(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let riverside = try await Directory(database: db).createClinic(
                organizationID: orgs.a.id, name: "Alder Riverside", timezone: "Europe/London")
            let (p, course) = try await activeCourse(db, orgs)
            let a = orgs.scopeA(db)
            let (_, cycle, packs) = try await releasedPacks(a, orgs, count: 2)
            let stock = try await PenStock.make(a, orgs)
            _ = try await a.sessions.record(courseID: course.id, clinicID: orgs.clinicA.id, packSession(p, orgs, pack: packs[0].code), orgs.ctxA)
            let (_, recallID) = try await a.sterilization.readBiological(cycleID: cycle.id, .fail, orgs.ctxA)
            #expect(recallID != nil)
            #expect(try await a.stock.lots(clinicID: riverside.id).isEmpty)
            #expect(try await a.sterilization.packs(clinicID: riverside.id).isEmpty)
            #expect(try await a.sterilization.sterilizers(clinicID: riverside.id).isEmpty)
            #expect(try await a.devices.handpieces(clinicID: riverside.id).isEmpty)
            #expect(try await a.recalls.summaries(clinicID: riverside.id).isEmpty)
            #expect(try await a.stock.lots(clinicID: orgs.clinicA.id).map(\.lot).contains(stock.lot12.lot))
            #expect(try await a.sterilization.packs(clinicID: orgs.clinicA.id).count == 2)
            #expect(try await a.sterilization.sterilizers(clinicID: orgs.clinicA.id).count == 1)
            #expect(try await a.devices.handpieces(clinicID: orgs.clinicA.id).map(\.serial) == ["HP-12"])
            #expect(try await a.recalls.summaries(clinicID: orgs.clinicA.id).map(\.id) == [recallID])
            try await expectAuditIntact(db)
        }
    }
}
