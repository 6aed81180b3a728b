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
        ("auditor@demo.stratum.test", "Aud Auditor", .auditor),
    ]

    /// Loads the demo unless the database already holds an organization; returns whether it loaded.
    @discardableResult
    public static func loadIfEmpty(_ state: ServerState, patients count: Int = 50, seed: UInt64 = 2026) async throws -> Bool {
        let directory = state.directory
        guard try await directory.organizationCount() == 0 else { return false }
        let org = try await directory.createOrganization(name: "Demo Skin Clinics")
        let central = try await directory.createClinic(organizationID: org.id, name: "Demo Central", timezone: "Europe/London")
        let riverside = try await directory.createClinic(organizationID: org.id, name: "Demo Riverside", timezone: "Europe/London")
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
        var rng = DemoRandom(seed: seed)
        let ctx = AccessContext(actorID: practitionerID, clinicID: central.id, requestID: "demo-load")
        let scope = state.scope(org.id)
        for i in 0..<count {
            let female = rng.next() % 4 != 0
            let given = female ? givenFemale[Int(rng.next() % UInt64(givenFemale.count))] : givenMale[Int(rng.next() % UInt64(givenMale.count))]
            let family = families[Int(rng.next() % UInt64(families.count))]
            let birth = LocalDate(year: 1960 + Int(rng.next() % 45), month: 1 + Int(rng.next() % 12), day: 1 + Int(rng.next() % 28))!
            _ = try await scope.patients.create(PatientDraft(
                clinicID: i % 3 == 0 ? riverside.id : central.id, givenName: given, familyName: family, birthDate: birth,
                sex: female ? .female : .male, fitzpatrick: 1 + Int(rng.next() % 6),
                phone: "+44 20 7946 \(String(format: "%04d", Int(rng.next() % 10000)))",
                email: "\(given.lowercased()).\(family.lowercased())\(i)@example.com"), ctx)
        }
        return true
    }

    static let givenFemale = ["Amara", "Beatriz", "Chloe", "Daniela", "Elif", "Fatima", "Grace", "Hana", "Ines", "Julia",
                              "Keiko", "Leila", "Maya", "Nadia", "Olga", "Priya", "Rosa", "Sofia", "Tamar", "Yara"]
    static let givenMale = ["Ahmed", "Bruno", "Chen", "David", "Emeka", "Felix", "Goran", "Hugo", "Ivan", "Jonas"]
    static let families = ["Adeyemi", "Bianchi", "Chowdhury", "Dubois", "Eriksen", "Fernandes", "Garcia", "Hansen",
                           "Ibrahim", "Jovanovic", "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrov",
                           "Quinn", "Rossi", "Silva", "Tanaka", "Usman", "Varga", "Wojcik", "Yilmaz", "Zhang"]
}

/// Deterministic demo data: the same seed gives the same clinic every time.
struct DemoRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
