import ArgumentParser
import Foundation
import StratumCore
import StratumStore

/// `stratum trace`: every session exposed by a lot or a sterilizer cycle, with the patients to contact, printed at
/// the server console when the pages are not at hand. Reading the exposures is audited per patient.
struct TraceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "List the sessions and patients exposed by a lot or a sterilizer cycle.",
        discussion: "Give --lot (a lot number) or --cycle (a cycle number or id). Exit codes: 0 listed, 2 bad input or nothing found.")

    @Option(help: "The lot number printed on the part's label.") var lot: String?
    @Option(help: "Only the lot of this GTIN (with --lot).") var gtin: String?
    @Option(help: "The cycle number (or id) printed on the sterilizer's record.") var cycle: String?
    @Option(help: "Only the cycle of the sterilizer with this name (with --cycle).") var sterilizer: String?
    @Flag(help: "Print CSV instead of a table.") var csv = false

    func validate() throws {
        guard (lot == nil) != (cycle == nil) else { throw ValidationError("give exactly one of --lot and --cycle") }
        if gtin != nil && lot == nil { throw ValidationError("--gtin goes with --lot") }
        if sterilizer != nil && cycle == nil { throw ValidationError("--sterilizer goes with --cycle") }
    }

    func run() async throws {
        try await withConfiguredDatabase { config, db in
            let key: AuditKey
            do { key = try config.loadAuditKey() } catch { throw OperationFailed("\(error)") }
            let lookup = TraceLookup(database: db)
            let matches: [TraceLookup.Match]
            if let lot {
                matches = try await lookup.lots(number: lot, gtin: gtin)
            } else {
                matches = try await lookup.cycles(cycle ?? "", sterilizer: sterilizer)
            }
            guard !matches.isEmpty else {
                throw BadInput(lot.map { "--lot: no lot \($0) has been received" } ?? "--cycle: no cycle \(cycle ?? "") is recorded")
            }
            let ctx = AccessContext(actorID: nil, clinicID: nil, requestID: "cli-trace")
            var lines: [String] = csv ? ["item,session_date,patient,phone,email,via"] : []
            for m in matches {
                let scope = OrganizationScope(organizationID: m.organizationID, database: db, auditKey: key)
                let exposures =
                    lot != nil ? try await scope.recalls.exposures(lotID: m.id, ctx) : try await scope.recalls.exposures(cycleID: m.id, ctx)
                if csv {
                    for e in exposures {
                        lines.append(CSVWriter.row([m.label, e.date.description, e.patientName, e.phone ?? "", e.email ?? "", e.via]))
                    }
                } else {
                    lines.append("\(m.label): \(exposures.count) exposed session(s), \(Set(exposures.map(\.patientID)).count) patient(s)")
                    let rows = exposures.map { [$0.date.description, $0.patientName, $0.phone ?? "—", $0.email ?? "—", $0.via] }
                    if !rows.isEmpty {
                        lines.append(TextTable(header: ["date", "patient", "phone", "email", "via"], rows: rows).render(indent: "  "))
                    }
                }
            }
            Console.current.out(lines.joined(separator: "\n") + "\n")
        }
    }
}
