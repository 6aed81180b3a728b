import ArgumentParser
import StratumStore

/// Opens the database named by the environment, runs `body`, and closes it, whatever happens.
func withConfiguredDatabase<T: Sendable>(_ body: (StoreConfiguration, StratumDatabase) async throws -> T) async throws -> T {
    let config: StoreConfiguration
    switch StoreConfiguration.fromEnvironment(Console.current.environment) {
    case .success(let c): config = c
    case .failure(let problems): throw BadInput(problems.description)
    }
    let db: StratumDatabase
    do { db = try await StratumDatabase.open(config.database) } catch {
        throw OperationFailed("cannot open \(config.database.redacted): \(error)")
    }
    do {
        let result = try await body(config, db)
        await db.shutdown()
        return result
    } catch {
        await db.shutdown()
        throw error
    }
}

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Bring the database named by DATABASE_URL up to date (the server does this itself on SQLite).")

    func run() async throws {
        try await withConfiguredDatabase { config, db in
            do { try await db.migrate() } catch { throw OperationFailed("migration failed on \(config.database.redacted): \(error)") }
            do { try await db.requireSafeSettings() } catch { throw OperationFailed("\(error)") }
            Console.current.out("migrated \(config.database.redacted)\n")
        }
    }
}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Work with the audit trail.",
        subcommands: [AuditVerifyCommand.self])
}

struct AuditVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Seal what is pending, then check every row's MAC and the audit chain; name the first bad row.",
        discussion: "Exit codes: 0 intact, 4 tampering found, 1 could not check, 2 bad configuration.")

    func run() async throws {
        let broken: Bool = try await withConfiguredDatabase { config, db in
            let key: AuditKey
            do { key = try config.loadAuditKey() } catch { throw OperationFailed("\(error)") }
            // Rows committed since the last sealing round (PostgreSQL) join the chain first, so the check covers them
            // as sealed rows; a round another server holds is waited out.
            var sealed = 0
            for _ in 0..<200 {
                let n = try await AuditTrail.sealPending(key: key, database: db)
                sealed += n
                if try await db.read({ try await AuditTrail.pendingCount(on: $0) }) == 0 { break }
                if n == 0 { try await Task.sleep(for: .milliseconds(10)) }
            }
            if sealed > 0 { Console.current.out("sealed \(sealed) pending rows\n") }
            let pending = try await db.read { try await AuditTrail.pendingCount(on: $0) }
            if pending > 0 { Console.current.out("\(pending) rows are still waiting to be sealed; their MACs are checked\n") }
            let result = try await db.read { try await AuditTrail.verify(key: key, on: $0) }
            switch result {
            case .intact(let rows):
                Console.current.out("audit trail intact: \(rows) rows\n")
                return false
            case .broken(let seq, let problem):
                Console.current.out("audit trail BROKEN at row \(seq): \(problem)\n")
                return true
            }
        }
        if broken { throw ExitCode(StratumExit.auditBroken) }
    }
}
