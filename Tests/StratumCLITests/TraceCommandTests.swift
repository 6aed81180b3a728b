import Foundation
import Testing

@Suite("stratum demo --scale and stratum trace")
struct TraceCommandTests {
    @Test("the small generated chain is traced by lot and by cycle, as a table and as CSV; bad input exits 2")
    func generateAndTrace() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("stratum-trace-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = [
            "DATABASE_URL": dir.appendingPathComponent("chain.sqlite").path, "STRATUM_DATA_DIR": dir.appendingPathComponent("data").path,
            "LOG_LEVEL": "error"
        ]
        let demo = await stratum(["demo", "--scale", "small"], environment: env)
        #expect(demo.exit == 0, "\(demo.err)")
        #expect(demo.out.contains("generated 60 patients, 300 sessions"))
        #expect(demo.err.contains("100% 300/300 sessions"), "a progress bar on standard error")
        #expect(await stratum(["demo", "--scale", "small"], environment: env).exit == 2, "never into a database that holds an organization")

        let lot = await stratum(["trace", "--lot", "C1-L3"], environment: env)
        #expect(lot.exit == 0, "\(lot.err)")
        #expect(lot.out.contains("lot C1-L3 of Chain 12-needle cartridge") && lot.out.contains("exposed session(s)"))
        let csv = await stratum(["trace", "--lot", "C1-L3", "--csv"], environment: env)
        let rows = csv.out.split(separator: "\n")
        #expect(rows.first == "item,session_date,patient,phone,email,via")
        #expect(rows.dropFirst().allSatisfy { $0.hasPrefix("\"lot C1-L3") && $0.contains("\"serial S") })
        let cycle = await stratum(["trace", "--cycle", "7", "--sterilizer", "Clinic 1 autoclave 1"], environment: env)
        #expect(cycle.exit == 0 && cycle.out.contains("cycle 7 of Clinic 1 autoclave 1") && cycle.out.contains("biological indicator fail"))

        let unknown = await stratum(["trace", "--lot", "NOPE"], environment: env)
        #expect(unknown.exit == 2 && unknown.err.contains("--lot: no lot NOPE has been received"))
        #expect(await stratum(["trace"], environment: env).exit == 2)
        #expect(await stratum(["trace", "--lot", "C1-L3", "--cycle", "7"], environment: env).exit == 2)
        let audit = await stratum(["audit", "verify"], environment: env)
        #expect(audit.exit == 0 && audit.out.contains("audit trail intact"), "the traces were audited per patient: \(audit.out)")
    }
}
