import ArgumentParser
import Foundation
import StratumStore
import StratumWeb

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the clinic server (default 127.0.0.1:8080 on ./stratum.sqlite, migrated at start).",
        discussion:
            "Configuration comes from the environment: DATABASE_URL, STRATUM_DATA_DIR, STRATUM_AUDIT_KEY, STRATUM_HOST, STRATUM_PORT, LOG_LEVEL, STRATUM_BEHIND_TLS."
    )

    @Flag(help: "Load the demo organization (once) so a newcomer can sign in and look around.")
    var demo = false

    @Option(help: "How many synthetic patients the demo holds (benchmarks use 10000).")
    var demoPatients: Int = 50

    func validate() throws {
        guard (1...1_000_000).contains(demoPatients) else { throw ValidationError("--demo-patients: allowed 1 to 1000000") }
    }

    func run() async throws {
        let config: AppConfig
        switch AppConfig.fromEnvironment(Console.current.environment) {
        case .success(let c): config = c
        case .failure(let problems): throw BadInput(problems.description)
        }
        let console = Console.current
        do {
            try await StratumServer.run(config: config, demo: demo, demoPatients: demoPatients) { console.out($0 + "\n") }
        } catch {
            throw OperationFailed("\(error)")
        }
    }
}

struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Set up the first organization and its owner.",
        subcommands: [AdminCreateCommand.self])
}

struct AdminCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create an organization with one clinic and its owner. There are no default passwords.")

    @Option(help: "The owner's email; it is the sign-in name.") var email: String
    @Option(help: "The owner's display name.") var name: String = "Owner"
    @Option(help: "The organization's name.") var organization: String = "My Clinic"
    @Option(help: "The first clinic's name.") var clinic: String = "Main clinic"
    @Option(help: "The clinic's time zone (IANA name).") var timezone: String = "Europe/London"
    @Option(help: "Read the password from this file (first line); otherwise it is read from standard input.")
    var passwordFile: String?

    func run() async throws {
        guard email.contains("@"), email.count <= 254 else { throw BadInput("--email: \"\(email.prefix(60))\" is not an email address") }
        let password: String
        if let file = passwordFile {
            guard let data = FileManager.default.contents(atPath: file) else { throw BadInput("--password-file: cannot read \(file)") }
            password = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        } else {
            password =
                String(decoding: Console.current.readStandardInput(), as: UTF8.self)
                .split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        }
        if let problem = Passwords.problem(password) { throw BadInput("password: \(problem)") }
        let hash = try StratumServer.hashPassword(password)
        try await withConfiguredDatabase { _, db in
            if db.location.isSQLite { try await db.migrate() }
            let directory = Directory(database: db)
            do {
                let org = try await directory.createOrganization(name: organization)
                let c = try await directory.createClinic(organizationID: org.id, name: clinic, timezone: timezone)
                let user = try await directory.createUser(email: email, displayName: name, passwordHash: hash)
                _ = try await directory.addMembership(userID: user.id, clinicID: c.id, role: .owner)
                Console.current.out("created \(organization) with clinic \(clinic); \(user.email) is its owner\n")
            } catch let e as StoreError {
                throw BadInput("\(e)")
            }
        }
    }
}
