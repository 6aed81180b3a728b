import Foundation
import StratumCore
import StratumStore
@testable import StratumWeb
import Testing

@Suite("The demo's equipment keeps the rules it demonstrates (issue 12, reproduction 11)")
struct DemoEquipmentTests {
    @Test("demo handpieces are cleaned after their last patient, every pack went into its cycle after it was assembled, and every recorded demo session's equipment fits its depths and handpiece")
    func demoEquipmentKeepsTheRules() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("stratum-demo-eq-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = AppConfig(store: StoreConfiguration(database: .sqlite(path: dir.appendingPathComponent("d.sqlite").path),
                                                         dataDirectory: dir.path, auditKeyHex: String(repeating: "7e", count: 32)))
        let (app, state) = try await StratumServer.makeApplication(config: config, environment: .testing)
        do {
            #expect(try await DemoData.loadIfEmpty(state, patients: 18))
            let org = try #require(try await state.directory.organizations().first)
            let scope = state.scope(org.id)
            let handpieces = try await scope.devices.handpieces()
            #expect(handpieces.count == 2)
            #expect(handpieces.filter { !$0.cleanedSinceLastUse }.isEmpty, "no demo handpiece is left due for cleaning (DEV-HANDPIECE)")
            for pack in try await scope.sterilization.packs() {
                #expect(!pack.items.isEmpty, "pack \(pack.code) is assembled from catalogue models")
                if let cycleID = pack.cycleID, let cycle = try await scope.sterilization.cycle(cycleID) {
                    #expect(LocalDate.clinicDay(at: pack.assembledAt, timeZone: "Europe/London") <= cycle.date, "pack \(pack.code) assembled after its cycle")
                }
            }
            // Each clinic's session form offers only its own lot, and each lot is under a cartridge that fits the clinic's pen.
            let clinics = try await scope.clinics()
            for clinic in clinics {
                #expect(try await scope.stock.lots(clinicID: clinic.id).contains { $0.product == "Demo 12-needle cartridge" }, "\(clinic.name)")
            }
            // Every recorded demo session, re-judged on its equipment as the registry now describes it, fits.
            let ctx = AccessContext(actorID: nil, clinicID: nil, requestID: "demo-equipment-test")
            var checked = 0
            for patient in try await scope.patients.search(name: nil, birthDate: nil, limit: 200, ctx) {
                for course in try await scope.courses.list(patientID: patient.id, ctx) {
                    for session in try await scope.sessions.list(courseID: course.id, ctx) {
                        let equipment = try #require(session.equipment)
                        let facts = try #require(try await scope.sessions.facts(courseID: course.id, on: session.date, excluding: session.id,
                                                                                equipment: equipment, ctx))
                        let fit = DeviceFitRules.findings(zones: session.zones.map { ZoneDose(zone: $0.zone, depthMM: $0.depthMM, passes: $0.passes) },
                                                          equipment: facts.registered, policy: .standard)
                        #expect(fit.isEmpty, "\(fit.map(\.message))")
                        #expect(facts.handpiece?.cleanedSinceLastUse == true, "DEV-HANDPIECE on a re-check of \(session.date)")
                        checked += 1
                    }
                }
            }
            #expect(checked > 0)
            try await app.asyncShutdown()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }
}
