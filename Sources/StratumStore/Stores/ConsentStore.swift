import FluentKit
import Foundation
import StratumCore

/// Signed consents: treatment consent, without which no session may be recorded (`SCR-CONSENT`), and photo
/// consent at a tier. A consent is never edited; withdrawing it stamps the time, once.
public struct ConsentStore: Sendable {
    let scope: OrganizationScope

    /// Records a consent the patient (or guardian) signed by typing their full name, against the text version they read.
    /// `signedAt` defaults to now; give it, or the day `signedOn` written on the paper, when a paper consent is entered
    /// afterwards. A signing day after the clinic's today is refused (`invalid`), naming the field; so is a text version
    /// the signing clinic does not have, once it keeps its own texts (`invalid(field: "textVersion")`).
    public func sign(
        patientID: UUID, kind: ConsentKind, textVersion: String, signedByName: String, signedAt: Date? = nil,
        signedOn: LocalDate? = nil, _ ctx: AccessContext
    ) async throws -> Consent {
        let actorID = try scope.requireActor(ctx)
        let name = signedByName.trimmingCharacters(in: .whitespacesAndNewlines)
        let version = textVersion.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw StoreError.conflict("a consent needs the signer's full name") }
        if let problem = RecordInputRules.textProblem(name, max: RecordInputRules.consentSignerMaxLength) {
            throw StoreError.invalid(field: "signedByName", problem: problem.description)
        }
        guard !version.isEmpty else { throw StoreError.conflict("a consent needs the version of the text signed") }
        return try await scope.db.write { database -> Scoped<Consent> in
            guard try await self.scope.patient(patientID, on: database) != nil else {
                return try await self.scope.deny(
                    ctx, patientID: patientID, action: .create, resource: "patient.consent",
                    missing: "patient", on: database)
            }
            try await self.requireClinicText(kind, version: version, ctx, on: database)
            let zone = try await self.zone(ctx, on: database)
            let day = signedOn ?? LocalDate.clinicDay(at: signedAt ?? ctx.now, timeZone: zone)
            if let problem = RecordDate.futureProblem(day, today: LocalDate.clinicDay(at: ctx.now, timeZone: zone)) {
                throw StoreError.invalid(field: signedOn == nil ? "signedAt" : "signedOn", problem: problem)
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
            m.signedByName = name
            m.signedAt = signedAt ?? ctx.now
            m.signedOn = day.description
            m.recordedBy = actorID
            m.withdrawnAt = nil
            try await m.create(on: database)
            try await self.scope.audit(ctx, patientID: patientID, action: .create, resource: "patient.consent", outcome: .allowed, on: database)
            return .found(try await self.scope.attributed(try Consent(m), on: database))
        }.get()
    }

    /// The patient's consents, oldest first, withdrawn ones included: the record shows what was allowed when.
    public func list(patientID: UUID, _ ctx: AccessContext) async throws -> [Consent] {
        try await scope.db.write { database -> Scoped<[Consent]> in
            guard try await self.scope.patient(patientID, on: database) != nil else {
                return try await self.scope.deny(
                    ctx, patientID: patientID, action: .list, resource: "patient.consent",
                    missing: "patient", on: database)
            }
            let all = try await self.base(database).filter(\.$patientID == patientID).sort(\.$signedAt).all()
            try await self.scope.audit(ctx, patientID: patientID, action: .list, resource: "patient.consent", outcome: .allowed, on: database)
            return .found(try await self.scope.attributed(try all.map(Consent.init), on: database))
        }.get()
    }

    /// Withdraws a consent from `on` (the day the patient withdrew it, default the clinic's today): sessions from that
    /// day are stopped (`SCR-CONSENT`), what was done before stays documented and covered. A day after today or
    /// before the signing is refused (`invalid(field: "withdrawnOn")`); withdrawing twice is refused. Audited.
    /// `patientID`, when given, must be the consent's patient (a door that names both).
    public func withdraw(
        consentID: UUID, patientID: UUID? = nil, on withdrawnOn: LocalDate? = nil,
        _ ctx: AccessContext
    ) async throws -> Consent {
        try await scope.db.write { database -> Scoped<Consent> in
            try await lockRow(ConsentRow.schema, id: consentID, on: database)
            guard let m = try await self.base(database).filter(\.$id == consentID).first(), patientID.map({ $0 == m.patientID }) ?? true else {
                return try await self.scope.deny(
                    ctx, patientID: nil, action: .withdraw, resource: "patient.consent",
                    missing: "consent", on: database)
            }
            guard m.withdrawnAt == nil else { throw StoreError.conflict("consent is already withdrawn") }
            let today = LocalDate.clinicDay(at: ctx.now, timeZone: try await self.zone(ctx, on: database))
            let day = withdrawnOn ?? today
            if let problem = ConsentPeriod.withdrawalProblem(day, signedOn: try Consent(m).signedOn, today: today) {
                throw StoreError.invalid(field: "withdrawnOn", problem: problem)
            }
            m.withdrawnAt = ctx.now
            m.withdrawnOn = day.description
            try await m.update(on: database)
            try await self.scope.audit(ctx, patientID: m.patientID, action: .withdraw, resource: "patient.consent", outcome: .allowed, on: database)
            return .found(try await self.scope.attributed(try Consent(m), on: database))
        }.get()
    }

    /// Whether a treatment consent is in force for the patient on `date` (default the clinic's today): the
    /// `consentSigned` fact of `SessionCheck`.
    public func hasSignedTreatmentConsent(patientID: UUID, on date: LocalDate? = nil, _ ctx: AccessContext) async throws -> Bool {
        try await scope.db.write { database -> Scoped<Bool> in
            guard try await self.scope.patient(patientID, on: database) != nil else {
                return try await self.scope.deny(
                    ctx, patientID: patientID, action: .read, resource: "patient.consent",
                    missing: "patient", on: database)
            }
            let zone = try await self.zone(ctx, on: database)
            let day = date ?? LocalDate.clinicDay(at: ctx.now, timeZone: zone)
            let found = try await Self.treatmentConsentInForce(
                patientID: patientID, on: day, organizationID: self.scope.organizationID,
                on: database)
            try await self.scope.audit(ctx, patientID: patientID, action: .read, resource: "patient.consent", outcome: .allowed, on: database)
            return .found(found)
        }.get()
    }

    /// Whether any treatment consent of the patient covers `date`: the one reading of `SCR-CONSENT`'s fact, shared
    /// with the session's judgement.
    static func treatmentConsentInForce(
        patientID: UUID, on date: LocalDate, organizationID: UUID,
        on database: any Database
    ) async throws -> Bool {
        try await ConsentRow.query(on: database).filter(\.$organizationID == organizationID).filter(\.$patientID == patientID)
            .filter(\.$kind == "treatment").all().map(Consent.init).contains { $0.period.inForce(on: date) }
    }

    /// Once the signing clinic keeps its own texts of this kind, a signature must name one of them: a version the
    /// patient cannot have read is refused naming `textVersion`. A clinic with none of its own keeps the shipped text.
    private func requireClinicText(_ kind: ConsentKind, version: String, _ ctx: AccessContext, on database: any Database) async throws {
        guard let clinicID = ctx.clinicID, try await scope.hasClinic(clinicID, on: database) else { return }
        let textKind: ConsentTextKind
        switch kind {
        case .treatment: textKind = .treatment
        case .photo: textKind = .photo
        }
        let versions = try await ClinicSettingsStore.texts(clinicID: clinicID, kind: textKind, on: database).map(\.version)
        guard !versions.isEmpty, !versions.contains(version) else { return }
        throw StoreError.invalid(
            field: "textVersion",
            problem: "the clinic has no \(textKind.rawValue) consent text \(version); its versions: \(versions.joined(separator: ", "))")
    }

    /// The time zone the signing clinic counts days in: the caller's clinic (consents carry no clinic of their own).
    private func zone(_ ctx: AccessContext, on database: any Database) async throws -> String {
        guard let id = ctx.clinicID else { return "UTC" }
        let clinic = try await ClinicRow.query(on: database).filter(\.$id == id).filter(\.$organizationID == scope.organizationID).first()
        return clinic?.timezone ?? "UTC"
    }

    private func base(_ database: any Database) -> QueryBuilder<ConsentRow> {
        ConsentRow.query(on: database).filter(\.$organizationID == scope.organizationID)
    }
}

extension Consent {
    init(_ m: ConsentRow) throws {
        let kind: ConsentKind
        switch (m.kind, m.photoTier.flatMap(PhotoConsentTier.init(rawValue:))) {
        case ("treatment", _): kind = .treatment
        case ("photo", let tier?): kind = .photo(tier)
        default: throw StoredJSON.unreadable("consent kind", "\(m.kind) \(m.photoTier ?? "")")
        }
        guard let signedOn = m.signedOn.flatMap(LocalDate.init(iso:)) else { throw StoredJSON.unreadable("consent signed_on", m.signedOn ?? "") }
        let withdrawnOn = try m.withdrawnOn.map { text in
            guard let d = LocalDate(iso: text) else { throw StoredJSON.unreadable("consent withdrawn_on", text) }
            return d
        }
        self.init(
            id: m.id!, patientID: m.patientID, kind: kind, textVersion: m.textVersion, signedByName: m.signedByName,
            signedAt: m.signedAt, recordedBy: m.recordedBy, withdrawnAt: m.withdrawnAt, signedOn: signedOn, withdrawnOn: withdrawnOn)
        channel = m.channel.flatMap(ConsentChannel.init(rawValue:)) ?? .clinic
    }
}
