import Foundation
import StratumCore
import StratumStore
import Testing

@Suite("stratum policy --clinic")
struct ClinicPolicyCommandTests {
    @Test("prints the shipped version, the clinic's changes beside the shipped values and the values in force; an unknown clinic exits 2")
    func clinicPolicy() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("stratum-policy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("c.sqlite").path
        let db = try await StratumDatabase.open(.sqlite(path: path))
        let clinicID: UUID
        do {
            try await db.migrate()
            let directory = Directory(database: db)
            let org = try await directory.createOrganization(name: "Elm")
            let clinic = try await directory.createClinic(organizationID: org.id, name: "Elm Central", timezone: "Pacific/Auckland")
            let owner = try await directory.createUser(email: "owner@elm.example", displayName: "Owner", passwordHash: "x")
            clinicID = clinic.id
            let scope = OrganizationScope(organizationID: org.id, database: db, auditKey: try AuditKey(hex: String(repeating: "5a", count: 32)))
            _ = try await scope.clinicSettings.setPolicy(
                clinicID: clinic.id, ClinicPolicyOverride(severities: [.intShort: .stop], sites: [.forehead: .init(stopAbove: 0.5)]),
                AccessContext(actorID: owner.id, clinicID: clinic.id, requestID: "cli-test"))
            await db.shutdown()
        } catch {
            await db.shutdown()
            throw error
        }
        let env = ["DATABASE_URL": path, "STRATUM_DATA_DIR": dir.path]
        let run = await stratum(["policy", "--clinic", clinicID.uuidString], environment: env)
        #expect(run.exit == 0, "\(run.err)")
        #expect(run.out.contains("Shipped policy: \(ClinicalPolicy.shippedVersion)"))
        #expect(run.out.contains("In force: \(ClinicalPolicy.shippedVersion)+clinic"))
        #expect(run.out.contains("sites.forehead.stopAboveMM") && run.out.contains("1.5 mm") && run.out.contains("0.5 mm"), "\(run.out)")
        #expect(run.out.contains("severities.INT-SHORT") && run.out.contains("caution"))
        // The caution ceiling follows the lowered stop ceiling down, and the typical range is capped under it.
        #expect(run.out.contains("0.25–0.5 / 0.5 mm / 0.5 mm"), "\(run.out)")
        let json = await stratum(["policy", "--clinic", clinicID.uuidString, "--format", "json"], environment: env)
        #expect(json.exit == 0 && json.out.contains("\"stopAboveMM\": 0.5"), "\(json.out)")
        let unknown = await stratum(["policy", "--clinic", UUID().uuidString], environment: env)
        #expect(unknown.exit == 2 && unknown.err.contains("no clinic"))
        let shipped = await stratum(["policy"])
        #expect(shipped.exit == 0 && shipped.out.contains("Stratum clinical policy \(ClinicalPolicy.shippedVersion)"))
    }
}
