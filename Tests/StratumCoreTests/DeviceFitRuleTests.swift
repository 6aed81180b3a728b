import Foundation
import Testing
@testable import StratumCore

/// The registry's words for the demo-like parts: a 12-needle pen and its cartridge, a 36-needle cartridge for another
/// pen, a titanium roller of 0.5 mm.
private enum Registry {
    static let pen12 = UUID(uuidString: "00000000-0000-0000-0000-000000000012")!
    static let pen36 = UUID(uuidString: "00000000-0000-0000-0000-000000000036")!
    static let handpiece = RegisteredHandpiece(serial: "HP-1001", modelID: pen12, modelName: "Pen 12", range: DepthRange(0.25, 2.5))
    static func cartridge(
        needles: Int = 12, fits: [UUID: String] = [pen12: "Pen 12"], range: DepthRange = DepthRange(0.25, 2.5),
        material: NeedleMaterial = .stainlessSteel
    ) -> RegisteredPart {
        RegisteredPart(
            name: "\(needles)-needle cartridge", part: .cartridge, length: .adjustable(range), needleCount: needles,
            needleMaterial: material, fitsHandpieceModels: fits, source: "lot L-\(needles)")
    }
    static func roller(_ mm: Double, material: NeedleMaterial = .titanium) -> RegisteredPart {
        RegisteredPart(name: "Roller \(mm)", part: .roller, length: .fixed(mm), needleCount: 192, needleMaterial: material, source: "pack PK-1")
    }
}

@Suite("Device fit from the registry: DEPTH-DEVICE, DEV-INCOMPATIBLE and SCR-STEEL-ALLERGY judge what the registry says the part is")
struct DeviceFitRuleTests {
    @Test("a 0.5 mm roller in the pack refuses a 1.25 mm zone with DEPTH-DEVICE, though the plan's pen reaches 1.25 mm")
    func rollerTooShort() {
        let result = Fixture.check {
            $0.zones = [ZoneDose(zone: Fixture.cheekLeft, depthMM: 1.25, passes: 2)]
            $0.sterility = SterilityFacts(singleUsePart: nil, pack: Fixture.releasedPack())
            $0.registered = RegisteredEquipment(parts: [Registry.roller(0.5)])
        }
        #expect(result.findings.severities(of: .depthDevice) == [.stop])
        #expect(result.decision == .doNotTreat)
        #expect(result.findings.first { $0.rule == .depthDevice }?.message.contains("Roller 0.5 (pack PK-1, fixed 0.5 mm)") == true)
        // Near miss: the roller's own length is what it delivers.
        let exact = Fixture.check {
            $0.zones = [ZoneDose(zone: Fixture.cheekLeft, depthMM: 0.5, passes: 2)]
            $0.sterility = SterilityFacts(singleUsePart: nil, pack: Fixture.releasedPack())
            $0.registered = RegisteredEquipment(parts: [Registry.roller(0.5)])
        }
        #expect(!exact.findings.has(.depthDevice))
    }

    @Test("the registry's part decides, not the plan's device: a roller plan with a fitting cartridge is judged on the cartridge")
    func registryNotClaim() {
        let result = Fixture.check {
            $0.device = Fixture.roller(0.5)
            $0.registered = RegisteredEquipment(parts: [Registry.cartridge()], handpiece: Registry.handpiece)
        }
        #expect(!result.findings.has(.depthDevice))
        #expect(result.decision == .proceed)
    }

    @Test(
        "a cartridge range: 2.5 mm is inside, 2.55 mm is not; the handpiece's range is checked too",
        arguments: [(2.5, false), (2.55, true), (0.25, false), (0.2, true)])
    func cartridgeRange(_ depth: Double, _ fires: Bool) {
        let f = DeviceFitRules.findings(
            zones: [ZoneDose(zone: Fixture.cheekLeft, depthMM: depth, passes: 1)],
            equipment: RegisteredEquipment(parts: [Registry.cartridge()], handpiece: Registry.handpiece),
            policy: .standard)
        #expect(f.has(.depthDevice) == fires)
    }

    @Test("a pen set beyond its handpiece's range is DEPTH-DEVICE even when the cartridge reaches it")
    func handpieceRange() {
        var hp = Registry.handpiece
        hp.range = DepthRange(0.25, 1.5)
        let f = DeviceFitRules.findings(
            zones: [ZoneDose(zone: Fixture.cheekLeft, depthMM: 2.0, passes: 1)],
            equipment: RegisteredEquipment(parts: [Registry.cartridge()], handpiece: hp), policy: .standard)
        #expect(f.severities(of: .depthDevice) == [.stop])
        #expect(f[0].message.contains("handpiece HP-1001"))
    }

    @Test("with two parts in a pack a zone fits when either delivers its depth")
    func eitherPart() {
        let parts = RegisteredEquipment(parts: [Registry.roller(0.5), Registry.roller(1.0)])
        let zones = [ZoneDose(zone: Fixture.cheekLeft, depthMM: 1.0, passes: 1), ZoneDose(zone: Fixture.cheekRight, depthMM: 0.75, passes: 1)]
        let f = DeviceFitRules.findings(zones: zones, equipment: parts, policy: .standard)
        #expect(f.map(\.zone) == [Fixture.cheekRight])
    }

    @Test("a 36-needle cartridge on the 12-needle pen is DEV-INCOMPATIBLE, a stop naming both; its own pen is fine")
    func incompatibleCartridge() {
        let wrong = Fixture.check {
            $0.registered = RegisteredEquipment(
                parts: [Registry.cartridge(needles: 36, fits: [Registry.pen36: "Pen 36"])], handpiece: Registry.handpiece)
        }
        #expect(wrong.findings.severities(of: .devIncompatible) == [.stop])
        #expect(wrong.decision == .doNotTreat)
        let message = wrong.findings.first { $0.rule == .devIncompatible }?.message ?? ""
        #expect(message.contains("36 needles") && message.contains("HP-1001") && message.contains("it fits Pen 36"))
        // Near miss: the 12-needle cartridge listed for this pen model.
        let right = Fixture.check { $0.registered = RegisteredEquipment(parts: [Registry.cartridge()], handpiece: Registry.handpiece) }
        #expect(!right.findings.has(.devIncompatible))
        // A cartridge the catalogue lists for no pen fits none.
        let unlisted = DeviceFitRules.findings(
            zones: [], equipment: RegisteredEquipment(parts: [Registry.cartridge(fits: [:])], handpiece: Registry.handpiece),
            policy: .standard)
        #expect(unlisted.first?.message.contains("lists no handpiece model") == true)
        // Rollers and stamps do not go into a handpiece: no compatibility to judge.
        #expect(
            DeviceFitRules.findings(
                zones: [], equipment: RegisteredEquipment(parts: [Registry.roller(0.5)], handpiece: Registry.handpiece),
                policy: .standard
            ).isEmpty)
    }

    @Test("SCR-STEEL-ALLERGY follows the registry's needle material, not the plan's")
    func steelFromRegistry() {
        let allergic = answer(.stainlessSteelAllergy, .yesNo(true))
        let titanium = Fixture.check {
            allergic(&$0)
            $0.registered = RegisteredEquipment(parts: [Registry.cartridge(material: .titanium)], handpiece: Registry.handpiece)
        }
        #expect(!titanium.findings.has(.scrSteelAllergy))
        let steel = Fixture.check {
            allergic(&$0)
            $0.device = DeviceSpec(kind: .pen, length: .adjustable(DepthRange(0.25, 2.5)), needleMaterial: .titanium)
            $0.registered = RegisteredEquipment(parts: [Registry.cartridge(material: .stainlessSteel)], handpiece: Registry.handpiece)
        }
        #expect(steel.findings.severities(of: .scrSteelAllergy) == [.stop])
    }

    @Test("nothing catalogued: the plan's device is all there is, as before")
    func fallsBackToPlan() {
        let result = Fixture.check {
            $0.device = Fixture.roller(0.5); $0.zones = [ZoneDose(zone: Fixture.cheekLeft, depthMM: 1.0, passes: 2)]
        }
        #expect(result.findings.severities(of: .depthDevice) == [.stop])
    }

    @Test("DEV-INCOMPATIBLE is in the rule catalogue as a stop with device-labelling evidence")
    func catalogued() {
        let rule = RuleCatalogue.rule(.devIncompatible)
        #expect(rule.severity == .stop)
        #expect(rule.source.contains("labelling"))
    }

    @Test(
        "a lot nears expiry within 30 days of the clinic's today, the expiry day included",
        arguments: [(-1, LotExpiry.expired), (0, .nearing), (30, .nearing), (31, .ok)])
    func nearing(_ daysLeft: Int, _ expected: LotExpiry) {
        #expect(LotExpiry.on(Fixture.sessionDate, expiry: Fixture.sessionDate.adding(days: daysLeft)) == expected)
    }
}
