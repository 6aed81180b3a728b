import Foundation
import StratumCore
@testable import StratumStore
import Testing

/// The databases every store test runs on: a SQLite file on disk always, PostgreSQL when
/// `STRATUM_TEST_POSTGRES_URL` is set (CI sets it; `scripts/with-postgres` starts a throwaway server).
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }

    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["STRATUM_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// SQLite always; PostgreSQL only where a server is configured.
    static var available: [Backend] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }
}

let testAuditKey = try! AuditKey(hex: String(repeating: "5a", count: 32))

/// A fresh, migrated database of `backend` for one test, removed afterwards.
func withStore<T: Sendable>(_ backend: Backend, _ body: @Sendable (StratumDatabase) async throws -> T) async throws -> T {
    switch backend {
    case .sqlite:
        // Each store runs its own event loops and threads; a hundred at once on two cores starve one another until
        // a reader's wait for its connection (30 s) runs out. The tests queue for a store instead.
        await sqliteSlots.acquire()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("stratum-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let db = try await StratumDatabase.open(.sqlite(path: dir.appendingPathComponent("stratum.sqlite").path))
            do {
                try await db.migrate()
                let result = try await body(db)
                await db.shutdown()
                await sqliteSlots.release()
                return result
            } catch {
                await db.shutdown()
                throw error
            }
        } catch {
            await sqliteSlots.release()
            throw error
        }
    case .postgres:
        // Each test opens two pools of up to 8 connections; unbounded parallel tests exhaust the server's 100.
        await postgresSlots.acquire()
        do {
            let result = try await withPostgresStore(body)
            await postgresSlots.release()
            return result
        } catch {
            await postgresSlots.release()
            throw error
        }
    }
}

/// At most this many PostgreSQL test databases are open at once.
let postgresSlots = AsyncSlots(4)

/// At most this many SQLite test stores are open at once (no test opens a second inside the first).
let sqliteSlots = AsyncSlots(8)

/// A counting semaphore for async tests.
actor AsyncSlots {
    private var free: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(_ count: Int) { free = count }

    func acquire() async {
        if free > 0 { free -= 1; return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty { free += 1 } else { waiters.removeFirst().resume() }
    }
}

private func withPostgresStore<T: Sendable>(_ body: @Sendable (StratumDatabase) async throws -> T) async throws -> T {
    let base = try #require(Backend.postgresURL)
    let name = "stratum_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
    let admin = try await StratumDatabase.open(.postgres(url: base))
    try await admin.sql.raw("CREATE DATABASE \(unsafeRaw: name)").run()
    let url = replacingDatabase(in: base, with: name)
    let db = try await StratumDatabase.open(.postgres(url: url))
    do {
        try await db.migrate()
        let result = try await body(db)
        await db.shutdown()
        try await admin.sql.raw("DROP DATABASE \(unsafeRaw: name)").run()
        await admin.shutdown()
        return result
    } catch {
        await db.shutdown()
        try? await admin.sql.raw("DROP DATABASE \(unsafeRaw: name)").run()
        await admin.shutdown()
        throw error
    }
}

func replacingDatabase(in url: String, with name: String) -> String {
    var base = url
    var query = ""
    if let q = base.firstIndex(of: "?") { query = String(base[q...]); base = String(base[..<q]) }
    guard let scheme = base.range(of: "://"), let slash = base[scheme.upperBound...].firstIndex(of: "/") else {
        return base + "/" + name + query
    }
    return String(base[..<slash]) + "/" + name + query
}

/// Two organizations with a clinic each and a practitioner in each: the minimum to test scoping.
struct TwoOrganizations: Sendable {
    let a: Organization, b: Organization
    let clinicA: Clinic, clinicB: Clinic
    let userA: User, userB: User

    static func make(_ db: StratumDatabase) async throws -> TwoOrganizations {
        let dir = Directory(database: db)
        let a = try await dir.createOrganization(name: "Alder Skin Clinic")
        let b = try await dir.createOrganization(name: "Birch Dermatology")
        let ca = try await dir.createClinic(organizationID: a.id, name: "Alder Central", timezone: "Europe/London")
        let cb = try await dir.createClinic(organizationID: b.id, name: "Birch North", timezone: "Europe/Berlin")
        let ua = try await dir.createUser(email: "a.practitioner@alder.example", displayName: "A. Practitioner", passwordHash: "x")
        let ub = try await dir.createUser(email: "b.practitioner@birch.example", displayName: "B. Practitioner", passwordHash: "x")
        _ = try await dir.addMembership(userID: ua.id, clinicID: ca.id, role: .practitioner)
        _ = try await dir.addMembership(userID: ub.id, clinicID: cb.id, role: .practitioner)
        return TwoOrganizations(a: a, b: b, clinicA: ca, clinicB: cb, userA: ua, userB: ub)
    }

    func scopeA(_ db: StratumDatabase) -> OrganizationScope { OrganizationScope(organizationID: a.id, database: db, auditKey: testAuditKey) }
    func scopeB(_ db: StratumDatabase) -> OrganizationScope { OrganizationScope(organizationID: b.id, database: db, auditKey: testAuditKey) }
    var ctxA: AccessContext { AccessContext(actorID: userA.id, clinicID: clinicA.id, requestID: "req-a") }
    var ctxB: AccessContext { AccessContext(actorID: userB.id, clinicID: clinicB.id, requestID: "req-b") }
}

func draft(_ clinic: UUID, given: String = "Mira", family: String = "Okafor", birth: String = "1988-03-14") -> PatientDraft {
    PatientDraft(clinicID: clinic, givenName: given, familyName: family, birthDate: LocalDate(iso: birth)!, sex: .female, fitzpatrick: 5)
}
