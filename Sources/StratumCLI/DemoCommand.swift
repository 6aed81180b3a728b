import ArgumentParser
import Foundation
import StratumStore
import StratumWeb

/// `stratum demo --scale chain`: a deterministic chain-scale data set for the recall and report benchmarks, into the
/// database DATABASE_URL names. The logins it creates use the demo password and are for benchmark databases only.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Generate a deterministic data set: --scale chain is 100 clinics, 200,000 patients, 1,000,000 sessions.",
        discussion: "Refuses a database that already holds an organization. Exit codes: 0 generated, 1 failed, 2 bad input.")

    enum Scale: String, ExpressibleByArgument, CaseIterable {
        case chain, small
    }

    @Option(help: "chain (100 clinics, 200,000 patients, 1,000,000 sessions) or small (3 clinics, 60 patients).") var scale: Scale
    @Option(help: "The seed; the same seed writes the same rows.") var seed: UInt64 = 2026

    func run() async throws {
        let size: ChainScale = scale == .chain ? .chain : .small
        try await withConfiguredDatabase { _, db in
            try await db.migrate()
            let directory = Directory(database: db)
            guard try await directory.organizationCount() == 0 else {
                throw BadInput("the database already holds an organization: generate into an empty one")
            }
            let started = Date()
            let org = try await directory.createOrganization(name: "Chain Demo Clinics")
            // One hash for every login: they share the documented demo password, and bcrypt at cost 12 takes a while.
            let hash = try StratumServer.hashPassword(DemoData.password)
            let owner = try await directory.createUser(email: "owner@chain.stratum.test", displayName: "Chain Owner", passwordHash: hash)
            var clinics: [UUID] = []
            var practitioners: [UUID] = []
            for c in 1...size.clinics {
                let clinic = try await directory.createClinic(organizationID: org.id, name: "Chain clinic \(c)", timezone: "Europe/London")
                _ = try await directory.addMembership(userID: owner.id, clinicID: clinic.id, role: .owner)
                let p = try await directory.createUser(
                    email: "practitioner\(c)@chain.stratum.test", displayName: "Practitioner \(c)", passwordHash: hash)
                _ = try await directory.addMembership(userID: p.id, clinicID: clinic.id, role: .practitioner)
                clinics.append(clinic.id)
                practitioners.append(p.id)
            }
            let console = Console.current
            let summary = try await ChainGenerator(scale: size, seed: seed).run(
                on: db, organizationID: org.id, clinics: clinics, practitioners: practitioners
            ) { done, total, phase in
                let width = 30
                let filled = total == 0 ? width : done * width / total
                let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
                console.err("\r[\(bar)] \(done * 100 / max(total, 1))% \(done)/\(total) sessions · \(phase)   ")
            }
            console.err("\n")
            let seconds = Int(Date().timeIntervalSince(started))
            console.out(
                "generated \(summary.patients) patients, \(summary.sessions) sessions, \(summary.lots) lots, \(summary.cycles) cycles "
                    + "(\(summary.failedCycles) with a failed biological indicator), \(summary.packs) packs in \(seconds) s; "
                    + "sign in as owner@chain.stratum.test with \(DemoData.password)\n")
        }
    }
}
