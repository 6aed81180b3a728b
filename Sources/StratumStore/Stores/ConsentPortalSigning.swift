import FluentKit
import Foundation
import StratumCore

extension ConsentStore {
    /// Records a consent the patient signed themselves in the portal (issue 16): the text version they read, the full
    /// name they typed, now, `channel = portal`, and no staff member as recorder. `ctx.actorID` is the patient, the
    /// actor of the audit row; `ctx.clinicID` their clinic, whose current text must be the one signed. Refused, naming
    /// the field, changing nothing: no confirmation (`confirmed`), a name that is not the record's (`signedByName`,
    /// `PortalSignatureRules`), a patient under 18 (a guardian signs at the clinic), a version that is not the clinic's
    /// current text (`textVersion`; a clinic with no text of its own keeps the shipped one).
    public func signInPortal(
        patientID: UUID, kind: ConsentKind, textVersion: String, typedName: String, confirmed: Bool, _ ctx: AccessContext
    ) async throws -> Consent {
        guard ctx.actorID == patientID else { throw StoreError.conflict("a consent signed in the portal is signed by its patient") }
        let version = textVersion.trimmingCharacters(in: .whitespacesAndNewlines)
        if version.isEmpty { throw StoreError.invalid(field: "textVersion", problem: InputProblem.missing.description) }
        if let p = RecordInputRules.textProblem(version, max: ConsentTextRules.versionMaxLength) {
            throw StoreError.invalid(field: "textVersion", problem: p.description)
        }
        guard confirmed else { throw StoreError.invalid(field: "confirmed", problem: "tick to confirm you have read the text and agree") }
        return try await scope.db.write { database -> Scoped<Consent> in
            guard let p = try await self.scope.patient(patientID, on: database) else {
                return try await self.scope.deny(
                    ctx, patientID: patientID, action: .create, resource: "patient.consent", missing: "patient", on: database)
            }
            if let problem = PortalSignatureRules.problem(typed: typedName, givenName: p.givenName, familyName: p.familyName) {
                throw StoreError.invalid(field: "signedByName", problem: problem)
            }
            let clinic = try await self.scope.clinic(ctx.clinicID ?? p.clinicID, on: database)
            let today = LocalDate.clinicDay(at: ctx.now, timeZone: clinic?.timezone ?? "UTC")
            if let birth = LocalDate(iso: p.birthDate), birth.age(on: today) < 18 {
                throw StoreError.invalid(
                    field: "signedByName", problem: "a patient under 18 signs with a parent or guardian at the clinic, not in the portal")
            }
            if let clinic {
                let textKind: ConsentTextKind = kind == .treatment ? .treatment : .photo
                let current = try await ClinicSettingsStore.texts(clinicID: clinic.id!, kind: textKind, on: database).first
                if let current, current.version != version {
                    throw StoreError.invalid(
                        field: "textVersion",
                        problem: "the clinic's \(textKind.rawValue) consent text is now \(current.version); read it and sign again")
                }
            }
            let m = ConsentRow()
            m.id = UUID()
            m.organizationID = self.scope.organizationID
            m.patientID = patientID
            switch kind {
            case .treatment: m.kind = "treatment"; m.photoTier = nil
            case .photo(let tier): m.kind = "photo"; m.photoTier = tier.rawValue
            }
            m.textVersion = version
            m.signedByName = typedName.trimmingCharacters(in: .whitespacesAndNewlines)
            m.signedAt = ctx.now
            m.signedOn = today.description
            m.recordedBy = nil
            m.channel = ConsentChannel.portal.rawValue
            m.withdrawnAt = nil
            try await m.create(on: database)
            try await self.scope.audit(ctx, patientID: patientID, action: .create, resource: "patient.consent", outcome: .allowed, on: database)
            return .found(try Consent(m))
        }.get()
    }
}
