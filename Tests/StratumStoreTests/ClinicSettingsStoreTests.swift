import Foundation
import SQLKit
import StratumCore
@testable import StratumStore
import Testing

/// The settings rows of a clinic, oldest first, as (field, before, after).
func settingChanges(_ db: StratumDatabase, _ clinicID: UUID) async throws -> [(String, String?, String?)] {
    try await db.read { database in
        try await (database as! any SQLDatabase).raw(
            "SELECT field, before_value, after_value FROM clinic_setting_changes WHERE clinic_id = \(bind: clinicID) ORDER BY changed_at, field"
        ).all().map {
            (
                try $0.decode(column: "field", as: String.self), try $0.decode(column: "before_value", as: String?.self),
                try $0.decode(column: "after_value", as: String?.self)
            )
        }
    }
}

@Suite("Clinic settings: details, consent texts and pack shelf life, each change kept with its value before and after")
struct ClinicSettingsStoreTests {
    @Test(
        "the owner sets name, address, phone, email, zone and shelf life; each change is a history row and one audit row",
        arguments: Backend.available)
    func details(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let settings = orgs.scopeA(db).clinicSettings
            let changed = try await settings.update(
                clinicID: orgs.clinicA.id,
                ClinicDetailsDraft(
                    address: " 12 Quay Street\nAuckland 1010 ", phone: "+64 9 555 0100", email: "desk@alder.example",
                    timezone: "Pacific/Auckland", packShelfLife: .days(90)),
                ctx(orgs.ctxA, now: at(10)))
            #expect(changed.address == "12 Quay Street\nAuckland 1010")
            #expect(changed.phone == "+64 9 555 0100" && changed.email == "desk@alder.example")
            #expect(changed.timezone == "Pacific/Auckland" && changed.packShelfLifeDays == 90)
            #expect(try await orgs.scopeA(db).clinic(orgs.clinicA.id) == changed)
            #expect(try await orgs.scopeA(db).sterilization.shelfLife(clinicID: orgs.clinicA.id) == 90)
            let rows = try await settingChanges(db, orgs.clinicA.id)
            #expect(rows.map(\.0) == ["address", "email", "packShelfLifeDays", "phone", "timezone"])
            #expect(rows.first { $0.0 == "timezone" }.map { [$0.1, $0.2] } == ["Europe/London", "Pacific/Auckland"])
            #expect(rows.first { $0.0 == "packShelfLifeDays" }.map { [$0.1, $0.2] } == ["event-related", "90 days"])
            #expect(rows.first { $0.0 == "phone" }.map { [$0.1, $0.2] } == [nil, "+64 9 555 0100"])
            let audit = try await lastAudit(db)
            #expect(audit.action == "update" && audit.resource == "clinic" && audit.patientID == nil && audit.outcome == .allowed)
            let auditRows = try await allAuditRows(db).count

            // Clearing the phone and renaming: two rows, before and after; the same values again write nothing.
            _ = try await settings.update(
                clinicID: orgs.clinicA.id, ClinicDetailsDraft(name: "Alder Quay", phone: ""), ctx(orgs.ctxA, now: at(20)))
            let after = try await settingChanges(db, orgs.clinicA.id).suffix(2)
            #expect(after.map(\.0) == ["name", "phone"])
            #expect(after.last.map { [$0.1, $0.2] } == ["+64 9 555 0100", nil])
            #expect(try await orgs.scopeA(db).clinic(orgs.clinicA.id)?.phone == nil)
            _ = try await settings.update(clinicID: orgs.clinicA.id, ClinicDetailsDraft(name: "Alder Quay"), orgs.ctxA)
            #expect(try await settingChanges(db, orgs.clinicA.id).count == 7)
            #expect(try await allAuditRows(db).count == auditRows + 1)

            let changes = try await settings.changes(clinicID: orgs.clinicA.id)
            #expect(changes.first?.changedAt == at(20) && changes.first?.actorID == orgs.userA.id)
            #expect(try await orgs.scopeB(db).clinicSettings.changes(clinicID: orgs.clinicA.id).isEmpty)
            try await expectAuditIntact(db)
        }
    }

    struct BadInput: Sendable, CustomTestStringConvertible {
        let draft: ClinicDetailsDraft
        let field: String
        var testDescription: String { field }
    }

    static let badInputs: [BadInput] = [
        BadInput(draft: ClinicDetailsDraft(phone: "call reception"), field: "phone"),
        BadInput(draft: ClinicDetailsDraft(phone: "+64 (9) 555-0100 ext. 12"), field: "phone"),
        BadInput(draft: ClinicDetailsDraft(phone: String(repeating: "1", count: ClinicDetailsRules.phoneMaxLength + 1)), field: "phone"),
        BadInput(draft: ClinicDetailsDraft(email: "desk at alder"), field: "email"),
        BadInput(draft: ClinicDetailsDraft(email: "desk@alder"), field: "email"),
        BadInput(draft: ClinicDetailsDraft(address: String(repeating: "a", count: ClinicDetailsRules.addressMaxLength + 1)), field: "address"),
        BadInput(draft: ClinicDetailsDraft(address: "12 Quay\u{7}Street"), field: "address"),
        BadInput(draft: ClinicDetailsDraft(name: "  "), field: "name"),
        BadInput(draft: ClinicDetailsDraft(timezone: "Mars/Olympus_Mons"), field: "timezone"),
        BadInput(draft: ClinicDetailsDraft(packShelfLife: .days(0)), field: "packShelfLifeDays")
    ]

    @Test("bad input names the field and changes nothing", arguments: badInputs)
    func refused(_ bad: BadInput) async throws {
        try await withStore(.sqlite) { db in
            let orgs = try await TwoOrganizations.make(db)
            let before = try await orgs.scopeA(db).clinic(orgs.clinicA.id)
            // A valid change alongside the bad one is not written either.
            var draft = bad.draft
            if bad.field != "name" { draft.name = "Renamed" }
            await #expect {
                _ = try await orgs.scopeA(db).clinicSettings.update(clinicID: orgs.clinicA.id, draft, orgs.ctxA)
            } throws: { error in
                guard case StoreError.invalid(let field, _) = error else { return false }
                return field == bad.field
            }
            #expect(try await orgs.scopeA(db).clinic(orgs.clinicA.id) == before)
            #expect(try await settingChanges(db, orgs.clinicA.id).isEmpty)
            #expect(try await allAuditRows(db).isEmpty)
        }
    }

    @Test("another organization's clinic is not found; the history is append-only", arguments: Backend.available)
    func scopedAndAppendOnly(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            await #expect(throws: StoreError.notFound("clinic")) {
                _ = try await orgs.scopeB(db).clinicSettings.update(clinicID: orgs.clinicA.id, ClinicDetailsDraft(phone: "0800"), orgs.ctxB)
            }
            _ = try await orgs.scopeA(db).clinicSettings.update(clinicID: orgs.clinicA.id, ClinicDetailsDraft(phone: "0800 123"), orgs.ctxA)
            let sql = { (text: String) in
                try await db.write { database in try await (database as! any SQLDatabase).raw(SQLQueryString(text)).run() }
            }
            await #expect(throws: (any Error).self) { try await sql("UPDATE clinic_setting_changes SET after_value = 'forged'") }
            await #expect(throws: (any Error).self) { try await sql("DELETE FROM clinic_setting_changes") }
            #expect(try await settingChanges(db, orgs.clinicA.id).map(\.2) == ["0800 123"])
        }
    }

    @Test(
        "consent texts: versions numbered, the newest current, a used label refused; signing names one once the clinic has any",
        arguments: Backend.available)
    func consentTexts(_ backend: Backend) async throws {
        try await withStore(backend) { db in
            let orgs = try await TwoOrganizations.make(db)
            let a = orgs.scopeA(db)
            let p = try await a.patients.create(draft(orgs.clinicA.id), orgs.ctxA)
            // Before the clinic has its own text, any version is taken as written (Stratum's shipped text).
            _ = try await a.consents.sign(
                patientID: p.id, kind: .photo(.recordOnly), textVersion: "photo-2026.1", signedByName: "Mira Okafor", orgs.ctxA)

            let v1 = try await a.clinicSettings.addConsentText(
                clinicID: orgs.clinicA.id, kind: .photo, version: "photo-2027.1", text: "Photographs of the treated areas.\nRecord only.",
                ctx(orgs.ctxA, now: at(10)))
            let v2 = try await a.clinicSettings.addConsentText(
                clinicID: orgs.clinicA.id, kind: .photo, version: "photo-2027.2", text: "New wording.", ctx(orgs.ctxA, now: at(10)))
            #expect(v1.number == 1 && v2.number == 2)
            #expect(try await a.clinicSettings.currentConsentTexts(clinicID: orgs.clinicA.id)[.photo]?.version == "photo-2027.2")
            #expect(try await a.clinicSettings.currentConsentTexts(clinicID: orgs.clinicA.id)[.treatment] == nil)
            #expect(ConsentTextRules.paragraphs(v1.text) == ["Photographs of the treated areas.", "Record only."])
            await #expect(throws: StoreError.self) {
                _ = try await a.clinicSettings.addConsentText(clinicID: orgs.clinicA.id, kind: .photo, version: "photo-2027.1", text: "x", orgs.ctxA)
            }
            await #expect {
                _ = try await a.clinicSettings.addConsentText(clinicID: orgs.clinicA.id, kind: .photo, version: "v3", text: " ", orgs.ctxA)
            } throws: { ($0 as? StoreError) == .invalid(field: "text", problem: InputProblem.missing.description) }
            let rows = try await settingChanges(db, orgs.clinicA.id)
            #expect(
                rows.map { [$0.0, $0.1 ?? "—", $0.2 ?? "—"] } == [
                    ["consentText.photo", "—", "photo-2027.1"], ["consentText.photo", "photo-2027.1", "photo-2027.2"]
                ])

            // Signing a photo consent now names one of the clinic's versions; treatment consent is still free.
            await #expect {
                _ = try await a.consents.sign(
                    patientID: p.id, kind: .photo(.inClinic), textVersion: "photo-2026.1", signedByName: "Mira Okafor", orgs.ctxA)
            } throws: { error in
                guard case StoreError.invalid(let field, let problem) = error else { return false }
                return field == "textVersion" && problem.contains("photo-2027.2")
            }
            let older = try await a.consents.sign(
                patientID: p.id, kind: .photo(.inClinic), textVersion: "photo-2027.1", signedByName: "Mira Okafor", orgs.ctxA)
            #expect(older.textVersion == "photo-2027.1")
            _ = try await a.consents.sign(patientID: p.id, kind: .treatment, textVersion: "treatment-2026.1", signedByName: "Mira Okafor", orgs.ctxA)
            #expect(try await a.consents.list(patientID: p.id, orgs.ctxA).count == 3)
            // The texts are immutable.
            await #expect(throws: (any Error).self) {
                try await db.write { database in
                    try await (database as! any SQLDatabase).raw("UPDATE clinic_consent_texts SET text = 'changed'").run()
                }
            }
            try await expectAuditIntact(db)
        }
    }
}
