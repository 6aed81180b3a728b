import FluentKit
import StratumCore
import Foundation

/// Organizations, clinics, users and memberships: the few records that exist above any one organization.
/// Used by set-up (`stratum admin create`, demo data) and sign-in, never by patient-facing routes.
public struct Directory: Sendable {
    let db: StratumDatabase

    public init(database: StratumDatabase) { self.db = database }

    public func createOrganization(name: String, now: Date = Date()) async throws -> Organization {
        try await db.write { database in
            let m = OrganizationRow(id: UUID(), name: name, createdAt: now)
            try await m.create(on: database)
            return Organization(id: m.id!, name: m.name)
        }
    }

    public func createClinic(organizationID: UUID, name: String, timezone: String, now: Date = Date()) async throws -> Clinic {
        if let problem = ClinicTimeZone.problem(timezone) { throw StoreError.invalid(field: "timezone", problem: problem) }
        return try await db.write { database in
            guard try await OrganizationRow.find(organizationID, on: database) != nil else { throw StoreError.notFound("organization") }
            let m = ClinicRow()
            m.id = UUID()
            m.organizationID = organizationID
            m.name = name
            m.timezone = timezone
            m.createdAt = now
            try await m.create(on: database)
            return Clinic(m)
        }
    }

    /// Creates a user; `passwordHash` is computed by the caller (bcrypt, in the web layer). Emails are unique,
    /// compared case-insensitively.
    public func createUser(email: String, displayName: String, passwordHash: String, now: Date = Date()) async throws -> User {
        let normalized = email.trimmingCharacters(in: .whitespaces).lowercased()
        return try await db.write { database in
            guard try await UserRow.query(on: database).filter(\.$email == normalized).first() == nil else {
                throw StoreError.conflict("a user with this email already exists")
            }
            let m = UserRow()
            m.id = UUID()
            m.email = normalized
            m.displayName = displayName
            m.passwordHash = passwordHash
            m.createdAt = now
            try await m.create(on: database)
            return User(id: m.id!, email: m.email, displayName: m.displayName)
        }
    }

    public func addMembership(userID: UUID, clinicID: UUID, role: Role, now: Date = Date()) async throws -> Membership {
        try await db.write { database in
            guard let clinic = try await ClinicRow.find(clinicID, on: database) else { throw StoreError.notFound("clinic") }
            guard try await UserRow.find(userID, on: database) != nil else { throw StoreError.notFound("user") }
            let m = MembershipRow()
            m.id = UUID()
            m.organizationID = clinic.organizationID
            m.clinicID = clinicID
            m.userID = userID
            m.role = role.rawValue
            m.createdAt = now
            try await m.create(on: database)
            return Membership(organizationID: m.organizationID, clinicID: clinicID, userID: userID, role: role)
        }
    }

    public func memberships(userID: UUID) async throws -> [Membership] {
        try await db.read { database in
            // Oldest first: a user lands in the first clinic they joined, the same one at every sign-in.
            try await MembershipRow.query(on: database).filter(\.$userID == userID).sort(\.$createdAt).all().compactMap { m in
                Role(rawValue: m.role).map { Membership(organizationID: m.organizationID, clinicID: m.clinicID, userID: m.userID, role: $0) }
            }
        }
    }

    /// The user and password hash for sign-in, by email.
    public func credentials(email: String) async throws -> (User, passwordHash: String)? {
        let normalized = email.trimmingCharacters(in: .whitespaces).lowercased()
        return try await db.read { database in
            guard let m = try await UserRow.query(on: database).filter(\.$email == normalized).first(), m.disabledAt == nil else {
                return nil
            }
            return (User(id: m.id!, email: m.email, displayName: m.displayName), m.passwordHash)
        }
    }

    /// The user by id, nil when unknown or disabled (a disabled user's pages stop working at once).
    public func user(id: UUID) async throws -> User? {
        try await db.read { database in
            guard let m = try await UserRow.find(id, on: database), m.disabledAt == nil else { return nil }
            return User(id: m.id!, email: m.email, displayName: m.displayName)
        }
    }

    /// Display names of users, for naming practitioners in a report; unknown ids are left out.
    public func displayNames(_ ids: [UUID]) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        return try await db.read { database in
            var out: [UUID: String] = [:]
            for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
                for m in try await UserRow.query(on: database).filter(\.$id ~~ chunk).all() { out[m.id!] = m.displayName }
            }
            return out
        }
    }

    /// The organizations, oldest first.
    public func organizations() async throws -> [Organization] {
        try await db.read { database in
            try await OrganizationRow.query(on: database).sort(\.$createdAt).all().map { Organization(id: $0.id!, name: $0.name) }
        }
    }

    /// How many patients and sessions the database holds, for benchmark reports.
    public func recordCounts() async throws -> (patients: Int, sessions: Int) {
        try await db.read { database in
            (try await PatientRow.query(on: database).count(), try await TreatmentSessionRow.query(on: database).count())
        }
    }

    public func organizationCount() async throws -> Int {
        try await db.read { try await OrganizationRow.query(on: $0).count() }
    }
}
