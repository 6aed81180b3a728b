import Foundation
import StratumCore

/// The demo clinics' traceability registry, keeping the rules it demonstrates: a pen handpiece model and the
/// 12-needle cartridge that fits it (the demo sessions' depths lie in the cartridge's range), a 36-needle cartridge
/// for another pen (so `DEV-INCOMPATIBLE` has something to refuse) nearing its expiry, reusable rollers and a stamp
/// in packs, a handpiece and a lot per clinic, and a sterilizer at Central whose packs are assembled before their
/// cycle runs. A few dozen acts whatever the number of patients: written through the stores' doors by both loaders.
enum DemoRegistry {
    static let cartridgeGTIN = "09506000134352"
    static let cartridgeLot = "DEMO-CART-01"
    /// How a clinic cleans its pen between patients and at the end of the day (`DEV-HANDPIECE`).
    static let cleaningMethod = "Wipe with 70% alcohol, barrier sleeve replaced"

    static func lotExpiry(today: LocalDate) -> LocalDate { today.adding(days: 540) }

    /// Each clinic's handpiece serial, in the order of `DemoClinics.all`.
    static func handpieceSerial(_ clinicIndex: Int) -> String { "HP-\(1001 + clinicIndex)" }

    /// Each clinic's cartridge lot: a session uses its own clinic's stock.
    static func lot(_ clinicIndex: Int) -> String { clinicIndex == 0 ? cartridgeLot : "DEMO-CART-\(String(format: "%02d", clinicIndex + 1))" }

    /// The equipment of a demo session at `clinicID`: a fresh cartridge serial of the clinic's lot and the clinic's
    /// handpiece, cleaned and disinfected before this patient as a clinic does between patients.
    static func equipment(clinicID: UUID, clinics: DemoClinics, serial: String?) -> EquipmentReference {
        let i = clinics.all.firstIndex(of: clinicID)!
        return EquipmentReference(part: PartReference(gtin: cartridgeGTIN, lot: lot(i), serial: serial), handpieceSerial: handpieceSerial(i))
    }

    /// Writes the registry through the stores' doors, each act audited as `ctx`.
    static func load(scope: OrganizationScope, clinics: DemoClinics, today: LocalDate, ctx: AccessContext) async throws {
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
        let expiry = lotExpiry(today: today)
        for (i, clinic) in clinics.all.enumerated() {
            _ = try await scope.devices.addHandpiece(clinicID: clinic, modelID: pen.id, serial: handpieceSerial(i), ctx)
            _ = try await scope.stock.receive(
                LotDraft(
                    clinicID: clinic, modelID: cartridge12.id, product: "Demo 12-needle cartridge",
                    gtin: cartridgeGTIN, lot: lot(i), expiry: expiry, quantity: 2000), ctx)
        }
        _ = try await scope.stock.receive(
            LotDraft(
                clinicID: clinics.central, modelID: cartridge36.id, product: "Demo 36-needle cartridge",
                gtin: "09506000134369", lot: "DEMO-CART-36", expiry: today.adding(days: 20), quantity: 50), ctx)
        let sterilizer = try await scope.sterilization.addSterilizer(clinicID: clinics.central, name: "Autoclave A", serial: "AC-2291", ctx)
        _ = try await scope.clinicSettings.update(clinicID: clinics.central, ClinicDetailsDraft(packShelfLife: .days(180)), ctx)
        // Cycle 1 passed everything and its packs are released; cycle 2 awaits its biological indicator; one pack
        // is assembled and waiting for the next load. Each pack is assembled on its cycle's morning, before it runs.
        for (number, biological, released) in [(1, BiologicalIndicatorResult.pass, true), (2, .pending, false)] {
            let cycleDate = today.adding(days: number - 3)
            let morning = ctx.at(cycleDate, hour: 8)
            var codes: [String] = []
            for model in [roller05.id, stamp10.id] {
                codes.append(try await scope.sterilization.assemble(clinicID: clinics.central, items: [PackItemDraft(modelID: model)], morning).code)
            }
            _ = try await scope.sterilization.recordCycle(
                sterilizerID: sterilizer.id,
                CycleDraft(
                    number: number, date: cycleDate, type: "Pre-vacuum steam", temperatureC: 134, minutes: 4,
                    pressureKPa: 206, physical: .passed, chemical: .pass, biological: biological, packCodes: codes), ctx)
            if released {
                for code in codes {
                    if let p = try await scope.sterilization.pack(code: code) { _ = try await scope.sterilization.release(packID: p.id, ctx) }
                }
            }
        }
        _ = try await scope.sterilization.assemble(clinicID: clinics.central, items: [PackItemDraft(modelID: roller10.id)], ctx)
    }
}

extension AccessContext {
    /// The same caller at the present moment, for a sequence of demo writes that must be ordered in time.
    func fresh() -> AccessContext { AccessContext(actorID: actorID, clinicID: clinicID, requestID: requestID, now: Date()) }

    /// The same caller at `hour` o'clock UTC on `day`, for demo records of an earlier day.
    func at(_ day: LocalDate, hour: Int) -> AccessContext {
        AccessContext(
            actorID: actorID, clinicID: clinicID, requestID: requestID,
            now: Date(timeIntervalSince1970: Double(day.dayNumber) * 86_400 + Double(hour) * 3_600))
    }
}
