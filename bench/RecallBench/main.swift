import Foundation
import StratumCore
import StratumStore

// Benchmark: the recall query on the chain-scale data set (issue 5): every session, patient and contact exposed by
// a lot or by a failed biological indicator, read as one snapshot and audited per patient, exactly as the recall
// page and `stratum trace` call it. Target: under 100 ms at p99 on SQLite and on PostgreSQL. Run: see bench/README.md.

@main
struct RecallBench {
    static func main() async throws {
        let env = ProcessInfo.processInfo.environment
        guard case .success(let config) = StoreConfiguration.fromEnvironment(env) else {
            FileHandle.standardError.write(Data("recall-bench: set DATABASE_URL (and STRATUM_DATA_DIR) to a chain-scale database\n".utf8))
            exit(2)
        }
        let db = try await StratumDatabase.open(config.database)
        let key = try config.loadAuditKey()
        let rounds = Int(env["ROUNDS"] ?? "") ?? 50
        guard let org = try await Directory(database: db).organizations().first?.id else {
            FileHandle.standardError.write(Data("recall-bench: the database is empty: run stratum demo --scale chain first\n".utf8))
            exit(2)
        }
        let scope = OrganizationScope(organizationID: org, database: db, auditKey: key)
        let ctx = AccessContext(actorID: nil, clinicID: nil, requestID: "recall-bench")
        let lots = try await scope.stock.lots().sorted { $0.lot < $1.lot }  // the same sample on either database
        let failed = try await scope.sterilization.sterilizers().prefix(200)
        var failedCycles: [UUID] = []
        for s in failed {
            for c in try await scope.sterilization.cycles(sterilizerID: s.id) where c.biological == .fail { failedCycles.append(c.id) }
            if failedCycles.count >= rounds { break }
        }
        let counts = try await Directory(database: db).recordCounts()
        print(
            "recall bench: \(counts.sessions) sessions, \(counts.patients) patients, \(lots.count) lots, \(failedCycles.count) failed cycles sampled, \(db.location.isSQLite ? "SQLite" : "PostgreSQL")"
        )

        // Warm-up: one of each, so the first timed query does not pay for opening pages or planning.
        _ = try await scope.recalls.exposures(lotID: lots[0].id, ctx)
        _ = try await scope.recalls.exposures(cycleID: failedCycles[0], ctx)
        let clock = ContinuousClock()
        func run(_ name: String, _ ids: [UUID], _ body: (UUID) async throws -> [Exposure]) async throws -> Double {
            var samples: [Double] = []
            var exposed = 0
            for id in ids {
                let t = clock.now
                exposed += try await body(id).count
                let d = clock.now - t
                samples.append(Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15)
            }
            samples.sort()
            let median = samples[samples.count / 2]
            let p99 = samples[min(samples.count - 1, Int(Double(samples.count) * 0.99))]
            print(
                String(
                    format: "%@  median %7.2f ms   p99 %7.2f ms   max %7.2f ms   (n=%d, %.0f exposed sessions each on average)",
                    name.padding(toLength: 44, withPad: " ", startingAt: 0), median, p99, samples.last!, samples.count,
                    Double(exposed) / Double(samples.count)))
            return p99
        }
        // Lots spread over the chain, deterministically.
        let step = max(1, lots.count / rounds)
        let lotSample = stride(from: 0, to: lots.count, by: step).prefix(rounds).map { lots[$0].id }
        let lotP99 = try await run("lot recall (exposures, audited per patient)", lotSample) { try await scope.recalls.exposures(lotID: $0, ctx) }
        let cycleP99 = try await run("failed biological indicator (same)", Array(failedCycles.prefix(rounds))) {
            try await scope.recalls.exposures(cycleID: $0, ctx)
        }
        await db.shutdown()
        let worst = max(lotP99, cycleP99)
        if worst < 100 {
            print(String(format: "PASS: p99 %.2f ms < 100 ms", worst))
        } else {
            print(String(format: "FAIL: p99 %.2f ms >= 100 ms", worst))
            exit(1)
        }
    }
}
