import Foundation
import StratumCore
import StratumStore
@testable import StratumWeb
import Testing

@Suite("The demo's equipment keeps the rules it demonstrates (issue 12, reproduction 11)")
struct DemoEquipmentTests {
    @Test(
        "demo handpieces are cleaned after their last patient, every pack went into its cycle after it was assembled, each clinic stocks its own lot")
    func demoEquipmentKeepsTheRules() async throws {
        try await withDemoServer(patients: 18) { _, state in
            let org = try #require(try await state.directory.organizations().first)
            let scope = state.scope(org.id)
            let handpieces = try await scope.devices.handpieces()
            #expect(handpieces.count == 2)
            #expect(handpieces.filter { !$0.cleanedSinceLastUse }.isEmpty, "no demo handpiece is left due for cleaning (DEV-HANDPIECE)")
            for pack in try await scope.sterilization.packs() {
                #expect(!pack.items.isEmpty, "pack \(pack.code) is assembled from catalogue models")
                if let cycleID = pack.cycleID, let cycle = try await scope.sterilization.cycle(cycleID) {
                    #expect(
                        LocalDate.clinicDay(at: pack.assembledAt, timeZone: "Europe/London") <= cycle.date,
                        "pack \(pack.code) assembled after its cycle")
                }
            }
            // Each clinic's session form offers only its own lot, and each lot is under a cartridge that fits the clinic's pen.
            let clinics = try await scope.clinics()
            for clinic in clinics {
                #expect(try await scope.stock.lots(clinicID: clinic.id).contains { $0.product == "Demo 12-needle cartridge" }, "\(clinic.name)")
            }
        }
    }
}
