import Foundation
import StratumCore
@testable import StratumStore
import Testing

@Suite("Consents: treatment and photo tiers, signed by name, withdrawn once")
struct ConsentStoreTests {
    @Test("a signed treatment consent is in force until withdrawn; photo consent carries its tier", arguments: Backend.available)
    func signAndWithdraw(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let p = try await a.patients.create(draft(orgs.clinicA.id), orgs.ctxA)
            #expect(try await a.consents.hasSignedTreatmentConsent(patientID: p.id, orgs.ctxA) == false)

            let photo = try await a.consents.sign(
                patientID: p.id, kind: .photo(.inClinic), textVersion: "photo-2026-1",
                signedByName: "Mira Okafor", signedAt: at(0), orgs.ctxA)
            #expect(photo.kind == .photo(.inClinic))
            #expect(
                try await a.consents.hasSignedTreatmentConsent(patientID: p.id, orgs.ctxA) == false,
                "a photo consent is not a treatment consent")

            let treatment = try await a.consents.sign(
                patientID: p.id, kind: .treatment, textVersion: "treatment-2026-3",
                signedByName: "  Mira Okafor ", signedAt: at(60), orgs.ctxA)
            #expect(treatment.signedByName == "Mira Okafor")
            #expect(treatment.recordedBy == orgs.userA.id)
            #expect(treatment.signedAt == at(60))
            #expect(treatment.isInForce)
            #expect(try await a.consents.hasSignedTreatmentConsent(patientID: p.id, orgs.ctxA))

            let withdrawn = try await a.consents.withdraw(consentID: treatment.id, ctx(orgs.ctxA, now: at(3600)))
            #expect(withdrawn.withdrawnAt == at(3600))
            #expect(try await a.consents.hasSignedTreatmentConsent(patientID: p.id, orgs.ctxA) == false)
            await #expect(throws: StoreError.conflict("consent is already withdrawn")) {
                _ = try await a.consents.withdraw(consentID: treatment.id, orgs.ctxA)
            }
            let list = try await a.consents.list(patientID: p.id, orgs.ctxA)
            #expect(list.map(\.id) == [photo.id, treatment.id])
            #expect(list[1].withdrawnAt == at(3600), "the second withdrawal changed nothing")

            await #expect(throws: StoreError.self) {
                _ = try await a.consents.sign(patientID: p.id, kind: .treatment, textVersion: "t", signedByName: "  ", orgs.ctxA)
            }
            try await expectAuditIntact(db)
        }
    }

    @Test("another organization cannot sign, list, check or withdraw a patient's consents", arguments: Backend.available)
    func crossOrganization(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let p = try await a.patients.create(draft(orgs.clinicA.id), orgs.ctxA)
            let c = try await a.consents.sign(patientID: p.id, kind: .treatment, textVersion: "t1", signedByName: "Mira Okafor", orgs.ctxA)
            let b = orgs.scopeB(db).consents
            await #expect(throws: StoreError.notFound("consent")) { _ = try await b.withdraw(consentID: c.id, orgs.ctxB) }
            var last = try await lastAudit(db)
            #expect(last.action == "withdraw" && last.outcome == .denied && last.organizationID == orgs.b.id)
            #expect(last.patientID == nil, "a denied lookup by consent id names no patient")
            await #expect(throws: StoreError.notFound("patient")) { _ = try await b.list(patientID: p.id, orgs.ctxB) }
            await #expect(throws: StoreError.notFound("patient")) { _ = try await b.hasSignedTreatmentConsent(patientID: p.id, orgs.ctxB) }
            await #expect(throws: StoreError.notFound("patient")) {
                _ = try await b.sign(patientID: p.id, kind: .treatment, textVersion: "t1", signedByName: "Someone Else", orgs.ctxB)
            }
            last = try await lastAudit(db)
            #expect(last.action == "create" && last.outcome == .denied && last.patientID == p.id)
            let denied = try await allAuditRows(db).filter { $0.entry.outcome == .denied }
            #expect(denied.count == 4)
            let mine = try await a.consents.list(patientID: p.id, orgs.ctxA)
            #expect(mine.count == 1 && mine[0].isInForce)
            try await expectAuditIntact(db)
        }
    }
}
