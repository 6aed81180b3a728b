import Foundation
import StratumCore
@testable import StratumStore
import Testing

@Suite("Every query is scoped by organization")
struct ScopingTests {
    @Test("another organization's patient cannot be read, found, updated or attached to", arguments: Backend.available)
    func crossOrganization(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let alice = try await orgs.scopeA(db).patients.create(draft(orgs.clinicA.id), orgs.ctxA)
            #expect(alice.organizationID == orgs.a.id)

            let b = orgs.scopeB(db).patients
            #expect(try await b.get(alice.id, orgs.ctxB) == nil)
            #expect(try await b.search(name: "okafor", birthDate: nil, orgs.ctxB).isEmpty)
            await #expect(throws: StoreError.notFound("patient")) {
                _ = try await b.update(alice.id, draft(orgs.clinicB.id, given: "Changed"), orgs.ctxB)
            }
            // A client naming another organization's clinic gets "not found", not a patient in that clinic.
            await #expect(throws: StoreError.notFound("clinic")) {
                _ = try await b.create(draft(orgs.clinicA.id), orgs.ctxB)
            }
            #expect(try await orgs.scopeA(db).patients.get(alice.id, orgs.ctxA)?.givenName == "Mira")
            #expect(try await orgs.scopeB(db).clinic(orgs.clinicA.id) == nil)
        }
    }

    @Test("patients are found by the start of either name, case-insensitively, and by birth date", arguments: Backend.available)
    func search(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let p = orgs.scopeA(db).patients
            _ = try await p.create(draft(orgs.clinicA.id, given: "Mira", family: "Okafor", birth: "1988-03-14"), orgs.ctxA)
            _ = try await p.create(draft(orgs.clinicA.id, given: "Jonas", family: "Okonkwo", birth: "1990-01-02"), orgs.ctxA)
            _ = try await p.create(draft(orgs.clinicA.id, given: "Ana", family: "Miranda", birth: "1988-03-14"), orgs.ctxA)
            #expect(try await p.search(name: "OKO", birthDate: nil, orgs.ctxA).map(\.givenName) == ["Jonas"])
            #expect(try await p.search(name: "mir", birthDate: nil, orgs.ctxA).map(\.givenName).sorted() == ["Ana", "Mira"])
            #expect(try await p.search(name: nil, birthDate: LocalDate(iso: "1988-03-14"), orgs.ctxA).count == 2)
            #expect(try await p.search(name: "mir", birthDate: LocalDate(iso: "1990-01-02"), orgs.ctxA).isEmpty)
            // LIKE wildcards typed by a user are literal characters, not patterns.
            #expect(try await p.search(name: "%", birthDate: nil, orgs.ctxA).isEmpty)
        }
    }

    @Test("an update keeps the organization and changes only what the draft carries", arguments: Backend.available)
    func update(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let p = orgs.scopeA(db).patients
            let created = try await p.create(draft(orgs.clinicA.id), orgs.ctxA)
            var d = draft(orgs.clinicA.id, given: "Mirabel")
            d.phone = "+44 20 7946 0000"
            let updated = try await p.update(created.id, d, orgs.ctxA)
            #expect(updated.givenName == "Mirabel")
            #expect(updated.organizationID == orgs.a.id)
            #expect(try await p.get(created.id, orgs.ctxA)?.phone == "+44 20 7946 0000")
        }
    }
}
