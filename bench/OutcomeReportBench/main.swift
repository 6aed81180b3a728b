import Foundation
import StratumCore
import StratumStore

// Benchmark: the clinic outcome report (issue 6) over the chain-scale data set, for the whole organization (every
// course, session, score and adverse event of a chain) and for one clinic, exactly as the report page calls it.
// Target: the organization-wide report within 2 s on SQLite. Run: see bench/README.md.

@main
struct OutcomeReportBench {
    static func main() async throws {
        let env = ProcessInfo.processInfo.environment
        guard case .success(let config) = StoreConfiguration.fromEnvironment(env) else {
            FileHandle.standardError.write(Data("outcome-report-bench: set DATABASE_URL (and STRATUM_DATA_DIR) to a chain-scale database\n".utf8))
            exit(2)
        }
        let db = try await StratumDatabase.open(config.database)
        if config.database.isSQLite { try await db.migrate() }
        let key = try config.loadAuditKey()
        let rounds = Int(env["ROUNDS"] ?? "") ?? 5
        guard let org = try await Directory(database: db).organizations().first?.id else {
            FileHandle.standardError.write(Data("outcome-report-bench: the database is empty: run stratum demo --scale chain first\n".utf8))
            exit(2)
        }
        let scope = OrganizationScope(organizationID: org, database: db, auditKey: key)
        let ctx = AccessContext(actorID: nil, clinicID: nil, requestID: "outcome-report-bench")
        let counts = try await Directory(database: db).recordCounts()
        let clinic = try await scope.clinics().first!
        print("outcome report bench: \(counts.sessions) sessions, \(counts.patients) patients, \(db.location.isSQLite ? "SQLite" : "PostgreSQL")")
        let clock = ContinuousClock()
        func run(_ name: String, _ clinicID: UUID?) async throws -> Double {
            var samples: [Double] = []
            var report: OutcomeReport?
            for _ in 0..<rounds {
                let t = clock.now
                report = try await scope.outcomes.report(clinicID: clinicID, ctx)
                let d = clock.now - t
                samples.append(Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15)
            }
            samples.sort()
            let o = report!.overall
            print(
                String(
                    format:
                        "%@  median %8.1f ms   max %8.1f ms   (n=%d; %d courses, %d scored, %d responders, %d sessions, %d with an adverse event)",
                    name.padding(toLength: 30, withPad: " ", startingAt: 0), samples[samples.count / 2], samples.last!, samples.count,
                    o.courses, o.responders.trials, o.responders.successes, o.adverseEvents.trials, o.adverseEvents.successes))
            return samples.last!
        }
        let whole = try await run("organization (100 clinics)", nil)
        _ = try await run("one clinic", clinic.id)
        await db.shutdown()
        if whole < 2000 {
            print(String(format: "PASS: slowest organization-wide report %.1f ms < 2000 ms", whole))
        } else {
            print(String(format: "FAIL: slowest organization-wide report %.1f ms >= 2000 ms", whole))
            exit(1)
        }
    }
}
