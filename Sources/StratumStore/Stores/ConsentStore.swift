import FluentKit
import Foundation
import StratumCore

/// Signed consents: treatment consent, without which no session may be recorded (`SCR-CONSENT`), and photo
/// consent at a tier. A consent is never edited; withdrawing it stamps the time, once.
public struct ConsentStore: Sendable {
    let scope: OrganizationScope

    /// Records a consent the patient (or guardian) signed by typing their full name, against the text version they read.
    /// `signedAt` defaults to now; give it when a paper consent is entered afterwards.
    public func sign(patientID: UUID, kind: ConsentKind, textVersion: String, signedByName: String, signedAt: Date? = nil,
                     _ ctx: AccessContext) async throws -> Consent {
        let actorID = try scope.requireActor(ctx)
        let name = signedByName.trimmingCharacters(in: .whitespacesAndNewlines)
        let version = textVersion.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw StoreError.conflict("a consent needs the signer's full name") }
        guard !version.isEmpty else { throw StoreError.conflict("a consent needs the version of the text signed") }
        return try await scope.db.write { database -> Scoped<Consent> in
            guard try await self.scope.patient(patientID, on: database) != nil else {
                return try await self.scope.deny(ctx, patientID: patientID, action: "create", resource: "patient.consent",
                                                 missing: "patient", on: database)
            }
            let m = ConsentModel()
            m.id = UUID()
            m.organizationID = self.scope.organizationID
            m.patientID = patientID
            switch kind {
            case .treatment: m.kind = "treatment"; m.photoTier = nil
            case .photo(let tier): m.kind = "photo"; m.photoTier = tier.rawValue
            }
            m.textVersion = version
            m.signedByName = name
            m.signedAt = signedAt ?? ctx.now
            m.recordedBy = actorID
            m.withdrawnAt = nil
            try await m.create(on: database)
            try await self.scope.audit(ctx, patientID: patientID, action: "create", resource: "patient.consent", outcome: .allowed, on: database)
            return .found(try Consent(m))
        }.get()
    }

    /// The patient's consents, oldest first, withdrawn ones included: the record shows what was allowed when.
    public func list(patientID: UUID, _ ctx: AccessContext) async throws -> [Consent] {
        try await scope.db.write { database -> Scoped<[Consent]> in
            guard try await self.scope.patient(patientID, on: database) != nil else {
                return try await self.scope.deny(ctx, patientID: patientID, action: "list", resource: "patient.consent",
                                                 missing: "patient", on: database)
            }
            let all = try await self.base(database).filter(\.$patientID == patientID).sort(\.$signedAt).all()
            try await self.scope.audit(ctx, patientID: patientID, action: "list", resource: "patient.consent", outcome: .allowed, on: database)
            return .found(try all.map(Consent.init))
        }.get()
    }

    /// Withdraws a consent from now on; what was done under it stays documented. Withdrawing twice is refused.
    public func withdraw(consentID: UUID, _ ctx: AccessContext) async throws -> Consent {
        try await scope.db.write { database -> Scoped<Consent> in
            try await lockRow(ConsentModel.schema, id: consentID, on: database)
            guard let m = try await self.base(database).filter(\.$id == consentID).first() else {
                return try await self.scope.deny(ctx, patientID: nil, action: "withdraw", resource: "patient.consent",
                                                 missing: "consent", on: database)
            }
            guard m.withdrawnAt == nil else { throw StoreError.conflict("consent is already withdrawn") }
            m.withdrawnAt = ctx.now
            try await m.update(on: database)
            try await self.scope.audit(ctx, patientID: m.patientID, action: "withdraw", resource: "patient.consent", outcome: .allowed, on: database)
            return .found(try Consent(m))
        }.get()
    }

    /// Whether a treatment consent is in force for the patient: the `consentSigned` fact of `SessionCheck`.
    public func hasSignedTreatmentConsent(patientID: UUID, _ ctx: AccessContext) async throws -> Bool {
        try await scope.db.write { database -> Scoped<Bool> in
            guard try await self.scope.patient(patientID, on: database) != nil else {
                return try await self.scope.deny(ctx, patientID: patientID, action: "read", resource: "patient.consent",
                                                 missing: "patient", on: database)
            }
            let found = try await self.base(database).filter(\.$patientID == patientID).filter(\.$kind == "treatment")
                .filter(\.$withdrawnAt == nil).first()
            try await self.scope.audit(ctx, patientID: patientID, action: "read", resource: "patient.consent", outcome: .allowed, on: database)
            return .found(found != nil)
        }.get()
    }

    private func base(_ database: any Database) -> QueryBuilder<ConsentModel> {
        ConsentModel.query(on: database).filter(\.$organizationID == scope.organizationID)
    }
}

extension Consent {
    init(_ m: ConsentModel) throws {
        let kind: ConsentKind
        switch (m.kind, m.photoTier.flatMap(PhotoConsentTier.init(rawValue:))) {
        case ("treatment", _): kind = .treatment
        case ("photo", let tier?): kind = .photo(tier)
        default: throw StoredJSON.unreadable("consent kind", "\(m.kind) \(m.photoTier ?? "")")
        }
        self.init(id: m.id!, patientID: m.patientID, kind: kind, textVersion: m.textVersion, signedByName: m.signedByName,
                  signedAt: m.signedAt, recordedBy: m.recordedBy, withdrawnAt: m.withdrawnAt)
    }
}
