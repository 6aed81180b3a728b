import Foundation
import StratumCore
import StratumStore

/// A demo organization for newcomers: two clinics, one user in every role, and about fifty synthetic patients.
/// Loaded once; the demo passwords are printed in the README and are for demo databases only.
public enum DemoData {
    public static let password = "demo-password-2026"
    public static let users: [(email: String, name: String, role: Role)] = [
        ("owner@demo.stratum.test", "Olivia Owner", .owner),
        ("practitioner@demo.stratum.test", "Dr Priya Practitioner", .practitioner),
        ("assistant@demo.stratum.test", "Sam Assistant", .assistant),
        ("frontdesk@demo.stratum.test", "Frankie Front-Desk", .frontDesk),
        ("auditor@demo.stratum.test", "Aud Auditor", .auditor)
    ]

    /// Loads the demo unless the database already holds an organization; returns whether it loaded. The patients'
    /// records are generated as rows (`DemoGenerator`), ten thousand in well under a minute.
    @discardableResult
    public static func loadIfEmpty(_ state: ServerState, patients count: Int = 50, seed: UInt64 = 2026) async throws -> Bool {
        guard let (orgID, clinics) = try await createDirectory(state) else { return false }
        try await DemoGenerator(patients: count, seed: seed, today: today(state))
            .run(scope: state.scope(orgID), clinics: clinics, now: state.clock.now())
        return true
    }

    /// The same demo written act by act through the stores' doors (`DemoDoors`), each act audited: the reference the
    /// generator is held to, about 150 ms a patient.
    @discardableResult
    static func loadThroughDoors(_ state: ServerState, patients count: Int = 50, seed: UInt64 = 2026) async throws -> Bool {
        guard let (orgID, clinics) = try await createDirectory(state) else { return false }
        try await DemoDoors.load(scope: state.scope(orgID), clinics: clinics, patients: count, seed: seed, today: today(state))
        return true
    }

    /// The organization, its two clinics and a user in every role, through the directory's doors; nil when the
    /// database already holds an organization.
    private static func createDirectory(_ state: ServerState) async throws -> (UUID, DemoClinics)? {
        let directory = state.directory
        guard try await directory.organizationCount() == 0 else { return nil }
        let org = try await directory.createOrganization(name: "Demo Skin Clinics")
        let central = try await directory.createClinic(organizationID: org.id, name: "Demo Central", timezone: timeZone)
        let riverside = try await directory.createClinic(organizationID: org.id, name: "Demo Riverside", timezone: timeZone)
        let hash = try Passwords.hash(password)
        var practitionerID: UUID?
        for u in users {
            let user = try await directory.createUser(email: u.email, displayName: u.name, passwordHash: hash)
            _ = try await directory.addMembership(userID: user.id, clinicID: central.id, role: u.role)
            if u.role == .practitioner || u.role == .owner {
                _ = try await directory.addMembership(userID: user.id, clinicID: riverside.id, role: u.role)
            }
            if u.role == .practitioner { practitionerID = user.id }
        }
        return (org.id, DemoClinics(central: central.id, riverside: riverside.id, practitionerID: practitionerID!))
    }

    /// The demo clinics' today (both are in London), from the server's one clock.
    static func today(_ state: ServerState) -> LocalDate { state.clock.today(in: timeZone) }

    /// Where the demo clinics are.
    static let timeZone = "Europe/London"
}
