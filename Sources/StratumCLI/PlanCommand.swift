import ArgumentParser
import Foundation
import StratumCore
import StratumStore

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Plan a course: sessions with dates, per-zone depths, expected reactions, assessments and findings.",
        discussion: "The request document is described in docs/documents.md."
    )

    @Option(name: .long, help: "The plan request (JSON); '-' reads standard input.")
    var input: String

    @Option(name: .long, help: "text (a readable table) or json (the result document).")
    var format: OutputFormat = .text

    func run() throws {
        let bytes = try InputSource.read(input)
        let doc: PlanDocument
        do { doc = try RequestReader.plan(bytes: bytes) } catch { throw BadInput(error.description) }
        let result = CoursePlanner.plan(doc.request, policy: doc.policy)
        switch format {
        case .json: Console.current.out(JSONWriter.write(ResultWriter.document(result)) + "\n")
        case .text: Console.current.out(TextReport.plan(result))
        }
        throw ExitCode(StratumExit.code(for: result.decision))
    }
}

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check one proposed session against the clinical policy.",
        discussion: "The request document is described in docs/documents.md."
    )

    @Option(name: .long, help: "The check request (JSON); '-' reads standard input.")
    var input: String

    @Option(name: .long, help: "text or json.")
    var format: OutputFormat = .text

    func run() throws {
        let bytes = try InputSource.read(input)
        let doc: CheckDocument
        do { doc = try RequestReader.check(bytes: bytes) } catch { throw BadInput(error.description) }
        let result = SessionCheck.check(doc.proposal, policy: doc.policy)
        switch format {
        case .json: Console.current.out(JSONWriter.write(ResultWriter.document(result)) + "\n")
        case .text: Console.current.out(TextReport.check(result))
        }
        throw ExitCode(StratumExit.code(for: result.decision))
    }
}

struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "List indications, sites with their depth ceilings, and every rule with its evidence.",
        discussion: """
            With --clinic, the clinic's narrowing of the shipped policy from the database named by DATABASE_URL: the \
            shipped version, each value the clinic changed beside the shipped one, and the values in force.
            """
    )

    @Option(name: .long, help: "text or json.")
    var format: OutputFormat = .text

    @Option(name: .long, help: "A clinic's id: print its changes to the shipped policy and the resulting values.")
    var clinic: String?

    func run() async throws {
        guard let clinic else {
            switch format {
            case .json: Console.current.out(JSONWriter.write(PolicyWriter.document()) + "\n")
            case .text: Console.current.out(TextReport.policy(.standard))
            }
            return
        }
        guard let id = UUID(uuidString: clinic) else { throw BadInput("--clinic: not a clinic id (a UUID)") }
        let found = try await withConfiguredDatabase { _, db in try await db.clinicPolicy(clinicID: id) }
        guard let (c, setting) = found else { throw BadInput("--clinic: no clinic \(clinic.lowercased())") }
        switch format {
        case .json: Console.current.out(JSONWriter.write(Self.document(c, setting)) + "\n")
        case .text: Console.current.out(TextReport.clinicPolicy(clinicName: c.name, setting))
        }
    }

    static func document(_ c: Clinic, _ s: ClinicPolicySetting) -> JSONValue {
        .object([
            ("clinicId", .string(c.id.uuidString.lowercased())), ("clinic", .string(c.name)),
            ("shippedVersion", .string(ClinicalPolicy.shippedVersion)), ("version", .string(s.effective.version)),
            ("override", ClinicPolicyWriter.document(s.override)),
            (
                "changes",
                .array(
                    s.changes.map {
                        .object([
                            ("path", .string($0.path)), ("shipped", .string($0.shipped)), ("clinic", .string($0.clinic)),
                            ("summary", .string($0.summary))
                        ])
                    })
            ),
            ("leftOut", .array(s.leftOut.map { .object([("path", .string($0.path)), ("reason", .string($0.reason))]) }))
        ])
    }
}

struct AftercareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aftercare",
        abstract: "The patient's aftercare timeline for a session, with the signs that mean 'call the clinic'."
    )

    @Option(name: .long, help: "Session date, YYYY-MM-DD.")
    var date: String

    @Option(name: .long, help: "Deepest nominal needle depth of the session, in mm.")
    var depth: String

    @Option(name: .long, help: "text or json.")
    var format: OutputFormat = .text

    func run() throws {
        guard let day = LocalDate(iso: date) else { throw BadInput("--date: \"\(date)\" is not a date (YYYY-MM-DD)") }
        guard let mm = Double(depth), mm.isFinite else { throw BadInput("--depth: expected a number of mm, got \"\(depth)\"") }
        guard (0...10).contains(mm) else { throw BadInput("--depth: \(depth) is out of range; allowed 0 to 10 mm") }
        let timeline = AftercareTimeline(sessionDate: day, depthMM: mm)
        switch format {
        case .json: Console.current.out(JSONWriter.write(timeline.document) + "\n")
        case .text: Console.current.out(TextReport.aftercare(timeline))
        }
    }
}
