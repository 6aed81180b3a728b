import Foundation
import Testing

@Suite("stratum migrate and stratum audit verify")
struct StoreCommandTests {
    func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("stratum-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test("migrate creates the SQLite file; audit verify reports an intact, empty trail and creates the key owner-only")
    func migrateAndVerify() async throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = [
            "DATABASE_URL": dir.appendingPathComponent("clinic.sqlite").path,
            "STRATUM_DATA_DIR": dir.appendingPathComponent("data").path
        ]
        let migrate = await stratum(["migrate"], environment: env)
        #expect(migrate.exit == 0, "\(migrate.err)")
        #expect(migrate.out.contains("migrated"))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("clinic.sqlite").path))
        let verify = await stratum(["audit", "verify"], environment: env)
        #expect(verify.exit == 0, "\(verify.err)")
        #expect(verify.out.contains("audit trail intact: 0 rows"))
        let keyPath = dir.appendingPathComponent("data/audit.key").path
        let attributes = try FileManager.default.attributesOfItem(atPath: keyPath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test("a malformed configuration exits 2 and lists every problem")
    func badConfiguration() async {
        let run = await stratum(["audit", "verify"], environment: ["DATABASE_URL": "mysql://db/x", "STRATUM_AUDIT_KEY": "12"])
        #expect(run.exit == 2)
        #expect(run.err.contains("DATABASE_URL: unsupported scheme"))
        #expect(run.err.contains("STRATUM_AUDIT_KEY: must be at least 64 hex digits"))
    }
}

@Suite("stratum admin create")
struct AdminCreateTests {
    @Test("creates the first owner from a password on standard input; refuses a short password and a second account with the same email")
    func adminCreate() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("stratum-admin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = ["DATABASE_URL": dir.appendingPathComponent("c.sqlite").path, "STRATUM_DATA_DIR": dir.path]
        let ok = await stratum(
            ["admin", "create", "--email", "Owner@Clinic.example", "--organization", "Elm Clinic"],
            stdin: "a sturdy passphrase\n", environment: env)
        #expect(ok.exit == 0, "\(ok.err)")
        #expect(ok.out.contains("owner@clinic.example is its owner"))
        let short = await stratum(["admin", "create", "--email", "b@clinic.example"], stdin: "short\n", environment: env)
        #expect(short.exit == 2)
        #expect(short.err.contains("password: must be at least 12 characters"))
        let again = await stratum(["admin", "create", "--email", "owner@clinic.example"], stdin: "another passphrase\n", environment: env)
        #expect(again.exit == 2)
        #expect(again.err.contains("already exists"))
    }
}
