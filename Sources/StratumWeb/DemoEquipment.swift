import Foundation
import StratumCore
import StratumStore

/// The demo clinics' traceability registry: a pen model, a handpiece per clinic, a lot of cartridges, a sterilizer
/// with cycles and packs in every state, so the assistant's pages and the session form have real items to name.
struct DemoEquipment {
    static let cartridgeGTIN = "09506000134352"
    static let cartridgeLot = "DEMO-CART-01"
    let handpieceSerial: [UUID: String]
    let lotExpiry: LocalDate
    private(set) var serial = 1000

    /// The equipment of the next demo session at `clinicID`: a fresh cartridge serial and the clinic's handpiece,
    /// cleaned first so `DEV-HANDPIECE` is satisfied the way a clinic satisfies it.
    mutating func next(clinicID: UUID, scope: OrganizationScope, ctx: AccessContext) async throws -> EquipmentReference {
        serial += 1
        let hp = handpieceSerial[clinicID]!
        if let h = try await scope.devices.handpieces().first(where: { $0.serial == hp }) {
            _ = try await scope.devices.recordCleaning(handpieceID: h.id, method: "Wipe with 70% alcohol, barrier sleeve replaced", ctx.fresh())
        }
        return EquipmentReference(part: PartReference(gtin: Self.cartridgeGTIN, lot: Self.cartridgeLot, serial: "SN\(serial)"),
                                  handpieceSerial: hp)
    }

    static func load(scope: OrganizationScope, clinics: [UUID], today: LocalDate, ctx: AccessContext) async throws -> DemoEquipment {
        let pen = try await scope.devices.addModel(
            name: "Demo Pen 2.5 (12-needle cartridge)",
            spec: DeviceSpec(kind: .pen, length: .adjustable(DepthRange(0.25, 2.5)), needleMaterial: .stainlessSteel),
            needleCount: 12, singleUseHead: true, ctx)
        _ = try await scope.devices.addModel(
            name: "Demo Roller 0.5",
            spec: DeviceSpec(kind: .roller, length: .fixed(0.5), needleMaterial: .titanium), needleCount: 192, singleUseHead: false, ctx)
        var serials: [UUID: String] = [:]
        for (i, clinic) in clinics.enumerated() {
            let serial = "HP-\(1001 + i)"
            _ = try await scope.devices.addHandpiece(clinicID: clinic, modelID: pen.id, serial: serial, ctx)
            serials[clinic] = serial
        }
        let expiry = today.adding(days: 540)
        _ = try await scope.stock.receive(LotDraft(clinicID: clinics[0], modelID: pen.id, product: "Demo 12-needle cartridge",
                                                   gtin: cartridgeGTIN, lot: cartridgeLot, expiry: expiry, quantity: 2000), ctx)
        _ = try await scope.stock.receive(LotDraft(clinicID: clinics[0], modelID: pen.id, product: "Demo 36-needle cartridge",
                                                   gtin: "09506000134369", lot: "DEMO-CART-36", expiry: today.adding(days: 20), quantity: 50), ctx)
        let sterilizer = try await scope.sterilization.addSterilizer(clinicID: clinics[0], name: "Autoclave A", serial: "AC-2291", ctx)
        try await scope.sterilization.setShelfLife(clinicID: clinics[0], days: 180, ctx)
        // Cycle 1 passed everything and its packs are released; cycle 2 awaits its biological indicator; one pack
        // is assembled and waiting for the next load.
        for (number, biological, released) in [(1, BiologicalIndicatorResult.pass, true), (2, .pending, false)] {
            var codes: [String] = []
            for item in ["Roller 0.5 mm, titanium", "Stamp head 1.0 mm"] {
                codes.append(try await scope.sterilization.assemble(clinicID: clinics[0], contents: item, ctx).code)
            }
            _ = try await scope.sterilization.recordCycle(sterilizerID: sterilizer.id, CycleDraft(
                number: number, date: today.adding(days: number - 3), type: "Pre-vacuum steam", temperatureC: 134, minutes: 4,
                pressureKPa: 206, physical: .passed, chemical: .pass, biological: biological, packCodes: codes), ctx)
            if released {
                for code in codes {
                    if let p = try await scope.sterilization.pack(code: code) { _ = try await scope.sterilization.release(packID: p.id, ctx) }
                }
            }
        }
        _ = try await scope.sterilization.assemble(clinicID: clinics[0], contents: "Roller 1.0 mm, stainless steel", ctx)
        return DemoEquipment(handpieceSerial: serials, lotExpiry: expiry)
    }
}

extension AccessContext {
    /// The same caller at the present moment, for a sequence of demo writes that must be ordered in time.
    func fresh() -> AccessContext { AccessContext(actorID: actorID, clinicID: clinicID, requestID: requestID, now: Date()) }
}
