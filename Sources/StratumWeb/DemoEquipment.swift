import Foundation
import StratumCore
import StratumStore

/// The demo clinics' traceability registry, keeping the rules it demonstrates: a pen handpiece model and the
/// 12-needle cartridge that fits it (the demo sessions' depths lie in the cartridge's range), a 36-needle cartridge
/// for another pen (so `DEV-INCOMPATIBLE` has something to refuse) nearing its expiry, reusable rollers and a stamp
/// in packs, a handpiece and a lot per clinic, and a sterilizer at Central whose packs are assembled before their
/// cycle runs.
struct DemoEquipment {
    static let cartridgeGTIN = "09506000134352"
    static let cartridgeLot = "DEMO-CART-01"
    let handpieceSerial: [UUID: String]
    /// Each clinic's cartridge lot: a session uses its own clinic's stock.
    let lotByClinic: [UUID: String]
    let lotExpiry: LocalDate
    private(set) var serial = 1000

    /// The equipment of the next demo session at `clinicID`: a fresh cartridge serial of the clinic's lot and the
    /// clinic's handpiece, cleaned and disinfected before this patient as a clinic does between patients.
    mutating func next(clinicID: UUID, scope: OrganizationScope, ctx: AccessContext) async throws -> EquipmentReference {
        serial += 1
        let hp = handpieceSerial[clinicID]!
        try await clean(hp, scope: scope, ctx: ctx)
        return EquipmentReference(part: PartReference(gtin: Self.cartridgeGTIN, lot: lotByClinic[clinicID]!, serial: "SN\(serial)"),
                                  handpieceSerial: hp)
    }

    /// The end of the demo day: every handpiece cleaned after its last patient, so none is left due for cleaning.
    func cleanAll(scope: OrganizationScope, ctx: AccessContext) async throws {
        for hp in handpieceSerial.values.sorted() { try await clean(hp, scope: scope, ctx: ctx) }
    }

    private func clean(_ serial: String, scope: OrganizationScope, ctx: AccessContext) async throws {
        if let h = try await scope.devices.handpieces().first(where: { $0.serial == serial }) {
            _ = try await scope.devices.recordCleaning(handpieceID: h.id, method: "Wipe with 70% alcohol, barrier sleeve replaced", ctx.fresh())
        }
    }

    static func load(scope: OrganizationScope, clinics: [UUID], today: LocalDate, ctx: AccessContext) async throws -> DemoEquipment {
        let pen = try await scope.devices.addModel(
            name: "Demo Pen 2.5",
            spec: DeviceSpec(kind: .pen, length: .adjustable(DepthRange(0.25, 2.5)), needleMaterial: .stainlessSteel),
            needleCount: 12, singleUseHead: false, part: .handpiece, ctx)
        let penPro = try await scope.devices.addModel(
            name: "Demo Pen Pro (36-needle)",
            spec: DeviceSpec(kind: .pen, length: .adjustable(DepthRange(0.25, 2.0)), needleMaterial: .stainlessSteel),
            needleCount: 36, singleUseHead: false, part: .handpiece, ctx)
        let cartridge12 = try await scope.devices.addModel(
            name: "Demo 12-needle cartridge",
            spec: DeviceSpec(kind: .pen, length: .adjustable(DepthRange(0.25, 2.5)), needleMaterial: .stainlessSteel),
            needleCount: 12, singleUseHead: true, part: .cartridge, fits: [pen.id], ctx)
        let cartridge36 = try await scope.devices.addModel(
            name: "Demo 36-needle cartridge",
            spec: DeviceSpec(kind: .pen, length: .adjustable(DepthRange(0.25, 2.0)), needleMaterial: .stainlessSteel),
            needleCount: 36, singleUseHead: true, part: .cartridge, fits: [penPro.id], ctx)
        let roller05 = try await scope.devices.addModel(
            name: "Demo Roller 0.5",
            spec: DeviceSpec(kind: .roller, length: .fixed(0.5), needleMaterial: .titanium), needleCount: 192, singleUseHead: false, ctx)
        let stamp10 = try await scope.devices.addModel(
            name: "Demo Stamp 1.0",
            spec: DeviceSpec(kind: .stamp, length: .fixed(1.0), needleMaterial: .titanium), needleCount: 35, singleUseHead: false, ctx)
        let roller10 = try await scope.devices.addModel(
            name: "Demo Roller 1.0",
            spec: DeviceSpec(kind: .roller, length: .fixed(1.0), needleMaterial: .stainlessSteel), needleCount: 192, singleUseHead: false, ctx)
        var serials: [UUID: String] = [:]
        var lots: [UUID: String] = [:]
        let expiry = today.adding(days: 540)
        for (i, clinic) in clinics.enumerated() {
            let serial = "HP-\(1001 + i)"
            _ = try await scope.devices.addHandpiece(clinicID: clinic, modelID: pen.id, serial: serial, ctx)
            serials[clinic] = serial
            let lot = i == 0 ? cartridgeLot : "DEMO-CART-\(String(format: "%02d", i + 1))"
            _ = try await scope.stock.receive(LotDraft(clinicID: clinic, modelID: cartridge12.id, product: "Demo 12-needle cartridge",
                                                       gtin: cartridgeGTIN, lot: lot, expiry: expiry, quantity: 2000), ctx)
            lots[clinic] = lot
        }
        _ = try await scope.stock.receive(LotDraft(clinicID: clinics[0], modelID: cartridge36.id, product: "Demo 36-needle cartridge",
                                                   gtin: "09506000134369", lot: "DEMO-CART-36", expiry: today.adding(days: 20), quantity: 50), ctx)
        let sterilizer = try await scope.sterilization.addSterilizer(clinicID: clinics[0], name: "Autoclave A", serial: "AC-2291", ctx)
        try await scope.sterilization.setShelfLife(clinicID: clinics[0], days: 180, ctx)
        // Cycle 1 passed everything and its packs are released; cycle 2 awaits its biological indicator; one pack
        // is assembled and waiting for the next load. Each pack is assembled on its cycle's morning, before it runs.
        for (number, biological, released) in [(1, BiologicalIndicatorResult.pass, true), (2, .pending, false)] {
            let cycleDate = today.adding(days: number - 3)
            let morning = ctx.at(cycleDate, hour: 8)
            var codes: [String] = []
            for model in [roller05.id, stamp10.id] {
                codes.append(try await scope.sterilization.assemble(clinicID: clinics[0], items: [PackItemDraft(modelID: model)], morning).code)
            }
            _ = try await scope.sterilization.recordCycle(sterilizerID: sterilizer.id, CycleDraft(
                number: number, date: cycleDate, type: "Pre-vacuum steam", temperatureC: 134, minutes: 4,
                pressureKPa: 206, physical: .passed, chemical: .pass, biological: biological, packCodes: codes), ctx)
            if released {
                for code in codes {
                    if let p = try await scope.sterilization.pack(code: code) { _ = try await scope.sterilization.release(packID: p.id, ctx) }
                }
            }
        }
        _ = try await scope.sterilization.assemble(clinicID: clinics[0], items: [PackItemDraft(modelID: roller10.id)], ctx)
        return DemoEquipment(handpieceSerial: serials, lotByClinic: lots, lotExpiry: expiry)
    }
}

extension AccessContext {
    /// The same caller at the present moment, for a sequence of demo writes that must be ordered in time.
    func fresh() -> AccessContext { AccessContext(actorID: actorID, clinicID: clinicID, requestID: requestID, now: Date()) }

    /// The same caller at `hour` o'clock UTC on `day`, for demo records of an earlier day.
    func at(_ day: LocalDate, hour: Int) -> AccessContext {
        AccessContext(actorID: actorID, clinicID: clinicID, requestID: requestID,
                      now: Date(timeIntervalSince1970: Double(day.dayNumber) * 86_400 + Double(hour) * 3_600))
    }
}
