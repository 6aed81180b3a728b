import Foundation
import StratumCore
@testable import StratumStore
import Testing

/// The store's door applies the core's identity rules to every registration, whichever door it came through, on both
/// databases: a refused draft names its field and writes nothing (PostgreSQL cannot even hold U+0000).
@Suite("Patient registration: the identity rules at the store's door, on both databases")
struct PatientInputStoreTests {
    @Test(
        "an overlong name, a control character, a bad phototype or address, an overlong search: refused, nothing written",
        arguments: Backend.available)
    func refused(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            var cases: [(PatientDraft, String)] = []
            cases.append((draft(orgs.clinicA.id, given: String(repeating: "M", count: 500_000)), "givenName"))
            cases.append((draft(orgs.clinicA.id, family: "Oka\u{0}for"), "familyName"))
            cases.append((draft(orgs.clinicA.id, family: "Oka\u{1B}for"), "familyName"))
            var phototype = draft(orgs.clinicA.id)
            phototype.fitzpatrick = 7
            cases.append((phototype, "fitzpatrick"))
            var address = draft(orgs.clinicA.id)
            address.email = "mira.example.com"
            cases.append((address, "email"))
            for (d, field) in cases {
                do {
                    _ = try await a.patients.create(d, orgs.ctxA)
                    Issue.record("\(field): accepted")
                } catch StoreError.invalid(let named, _) {
                    #expect(named == field)
                }
            }
            #expect(try await a.patients.search(name: nil, birthDate: nil, orgs.ctxA).isEmpty, "nothing was written")
            let kept = try await a.patients.create(draft(orgs.clinicA.id), orgs.ctxA)
            await #expect(throws: StoreError.invalid(field: "familyName", problem: RecordText.describe(0))) {
                _ = try await a.patients.update(kept.id, draft(orgs.clinicA.id, family: "Oka\u{0}for"), orgs.ctxA)
            }
            #expect(try await a.patients.get(kept.id, orgs.ctxA)?.familyName == "Okafor", "the update changed nothing")
            await #expect(throws: StoreError.invalid(field: "name", problem: "at most 100 characters")) {
                _ = try await a.patients.search(name: String(repeating: "a", count: 49_998), birthDate: nil, orgs.ctxA)
            }
            try await expectAuditIntact(db)
        }
    }
}
