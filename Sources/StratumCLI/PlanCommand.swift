import ArgumentParser
import StratumCore

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

struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "List indications, sites with their depth ceilings, and every rule with its evidence."
    )

    @Option(name: .long, help: "text or json.")
    var format: OutputFormat = .text

    func run() throws {
        switch format {
        case .json: Console.current.out(JSONWriter.write(PolicyWriter.document()) + "\n")
        case .text: Console.current.out(TextReport.policy(.standard))
        }
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
