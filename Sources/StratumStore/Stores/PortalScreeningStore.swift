import FluentKit
import Foundation
import StratumCore

/// What the portal's screening page shows the patient: their answers waiting for review, if any, and the day the
/// clinic last confirmed a screening of theirs.
public struct PortalScreeningState: Sendable, Equatable {
    public let givenName: String
    public let familyName: String
    public let awaiting: HomeScreening?
    public let lastConfirmedOn: LocalDate?
    public let clinicTimezone: String
}

/// What the portal's consent page shows: the clinic's current texts (none of its own: the shipped ones apply) and
/// the patient's consents.
public struct PortalConsentState: Sendable, Equatable {
    public let givenName: String
    public let familyName: String
    public let texts: [ConsentTextKind: ConsentTextVersion]
    public let consents: [Consent]
    public let clinicTimezone: String
}

/// The portal home's two cards for the visit: where the screening at home and the treatment consent stand.
public struct PortalVisitForms: Sendable, Equatable {
    public let screeningAwaitingSince: LocalDate?
    public let lastConfirmedOn: LocalDate?
    public let treatmentConsentSignedOn: LocalDate?
}

/// The patient portal's screening at home and consent signing (issue 16, decision 0019), bound to the session's one
/// patient and organization: no id from a request reaches a query. Every act is one transaction with its audit row,
/// the patient as actor, in the patient's organization.
public struct PortalScreeningStore: Sendable {
    let db: StratumDatabase
    let auditKey: AuditKey

    public init(database: StratumDatabase, auditKey: AuditKey) {
        self.db = database
        self.auditKey = auditKey
    }

    private func scope(_ session: PortalSession) -> OrganizationScope {
        OrganizationScope(organizationID: session.organizationID, database: db, auditKey: auditKey)
    }

    private func ctx(_ session: PortalSession, now: Date, requestID: String) -> AccessContext {
        AccessContext(actorID: session.patientID, clinicID: session.clinicID, requestID: requestID, now: now)
    }

    private func patient(_ session: PortalSession, on database: any Database) async throws -> PatientRow {
        guard
            let p = try await PatientRow.query(on: database).filter(\.$id == session.patientID)
                .filter(\.$organizationID == session.organizationID).filter(\.$mergedInto == nil).first()
        else { throw StoreError.notFound("patient") }
        return p
    }

    private func clinicZone(_ session: PortalSession, on database: any Database) async throws -> String {
        try await ClinicRow.query(on: database).filter(\.$id == session.clinicID).filter(\.$organizationID == session.organizationID)
            .first()?.timezone ?? "UTC"
    }

    private func awaitingRow(_ session: PortalSession, on database: any Database) async throws -> HomeScreeningRow? {
        try await HomeScreeningRow.query(on: database).filter(\.$organizationID == session.organizationID)
            .filter(\.$patientID == session.patientID).filter(\.$status == HomeScreeningStatus.awaitingReview.rawValue)
            .sort(\.$submittedAt, .descending).first()
    }

    private func lastPatientAnswered(_ session: PortalSession, on database: any Database) async throws -> LocalDate? {
        try await ScreeningRow.query(on: database).filter(\.$organizationID == session.organizationID)
            .filter(\.$patientID == session.patientID).filter(\.$answeredBy == "patient").sort(\.$version, .descending).first()
            .flatMap { LocalDate(iso: $0.answeredOn) }
    }

    // MARK: Screening at home

    /// The screening page's state, read and audited once (`read portal.screening`).
    public func screening(_ session: PortalSession, now: Date, requestID: String) async throws -> PortalScreeningState {
        try await db.write { database -> PortalScreeningState in
            let p = try await self.patient(session, on: database)
            let state = PortalScreeningState(
                givenName: p.givenName, familyName: p.familyName, awaiting: try await self.awaitingRow(session, on: database).map(HomeScreening.init),
                lastConfirmedOn: try await self.lastPatientAnswered(session, on: database),
                clinicTimezone: try await self.clinicZone(session, on: database))
            try await self.scope(session).audit(
                self.ctx(session, now: now, requestID: requestID), patientID: session.patientID, action: .read, resource: "portal.screening",
                outcome: .allowed, on: database)
            return state
        }
    }

    /// Keeps the patient's answers, given today (the clinic's day), as a screening awaiting review, with what the
    /// screening rules find in them (the patient's clinic's policy) so the clinic sees a stop before the visit. Newer
    /// answers replace ones not yet reviewed. Refused, naming the question, changing nothing: an answer missing, of
    /// the wrong kind, or dated after today (`HomeScreeningRules`). Audited `create portal.screening`.
    public func answer(
        _ session: PortalSession, answers: [ScreeningKey: ScreeningAnswer], now: Date, requestID: String
    ) async throws -> HomeScreening {
        try await db.write { database -> HomeScreening in
            let p = try await self.patient(session, on: database)
            let today = LocalDate.clinicDay(at: now, timeZone: try await self.clinicZone(session, on: database))
            let response = ScreeningResponse(answeredOn: today, answers: answers)
            if let first = HomeScreeningRules.problems(response).first {
                throw StoreError.invalid(field: first.key.rawValue, problem: first.problem.description)
            }
            try await lockRow(PatientRow.schema, id: session.patientID, on: database)
            try await HomeScreeningRow.query(on: database).filter(\.$organizationID == session.organizationID)
                .filter(\.$patientID == session.patientID).filter(\.$status == HomeScreeningStatus.awaitingReview.rawValue)
                .set(\.$status, to: HomeScreeningStatus.superseded.rawValue).update()
            let policy = try await self.scope(session).policy(clinicID: session.clinicID, on: database)
            let m = HomeScreeningRow()
            m.id = UUID()
            m.organizationID = session.organizationID
            m.patientID = session.patientID
            m.clinicID = session.clinicID
            m.answeredOn = today.description
            m.answersJSON = StoredJSON.text(StoredJSON.answers(answers))
            m.findingsJSON = StoredJSON.text(
                StoredJSON.findings(ScreeningStore.findings(patient: Patient(p), response: response, policy: policy)))
            m.policyVersion = policy.version
            m.submittedAt = now
            m.status = HomeScreeningStatus.awaitingReview.rawValue
            try await m.create(on: database)
            try await self.scope(session).audit(
                self.ctx(session, now: now, requestID: requestID), patientID: session.patientID, action: .create, resource: "portal.screening",
                outcome: .allowed, on: database)
            return try HomeScreening(m)
        }
    }

    // MARK: Consent

    /// The consent page's state, read and audited once (`read portal.consent`).
    public func consent(_ session: PortalSession, now: Date, requestID: String) async throws -> PortalConsentState {
        try await db.write { database -> PortalConsentState in
            let p = try await self.patient(session, on: database)
            var texts: [ConsentTextKind: ConsentTextVersion] = [:]
            for kind in ConsentTextKind.allCases {
                texts[kind] = try await ClinicSettingsStore.texts(clinicID: session.clinicID, kind: kind, on: database).first
            }
            let consents = try await ConsentRow.query(on: database).filter(\.$organizationID == session.organizationID)
                .filter(\.$patientID == session.patientID).sort(\.$signedAt).all().map(Consent.init)
            let state = PortalConsentState(
                givenName: p.givenName, familyName: p.familyName, texts: texts, consents: consents,
                clinicTimezone: try await self.clinicZone(session, on: database))
            try await self.scope(session).audit(
                self.ctx(session, now: now, requestID: requestID), patientID: session.patientID, action: .read, resource: "portal.consent",
                outcome: .allowed, on: database)
            return state
        }
    }

    /// Signs a consent for the session's patient through the consent store's portal door
    /// (`ConsentStore.signInPortal`), with the patient as actor; its refusals name the field.
    public func sign(
        _ session: PortalSession, kind: ConsentKind, textVersion: String, typedName: String, confirmed: Bool, now: Date, requestID: String
    ) async throws -> Consent {
        try await scope(session).consents.signInPortal(
            patientID: session.patientID, kind: kind, textVersion: textVersion, typedName: typedName, confirmed: confirmed,
            ctx(session, now: now, requestID: requestID))
    }

    // MARK: Home

    /// Where the screening at home and the treatment consent stand, for the home page's cards. Read within the home
    /// page, whose `read portal.home` row audits the page: no row of its own.
    public func visitForms(_ session: PortalSession, now: Date) async throws -> PortalVisitForms {
        try await db.read { database -> PortalVisitForms in
            let today = LocalDate.clinicDay(at: now, timeZone: try await self.clinicZone(session, on: database))
            let treatment = try await ConsentRow.query(on: database).filter(\.$organizationID == session.organizationID)
                .filter(\.$patientID == session.patientID).filter(\.$kind == "treatment").sort(\.$signedAt, .descending).all()
                .map(Consent.init).first { $0.period.inForce(on: today) }
            return PortalVisitForms(
                screeningAwaitingSince: try await self.awaitingRow(session, on: database).flatMap { LocalDate(iso: $0.answeredOn) },
                lastConfirmedOn: try await self.lastPatientAnswered(session, on: database), treatmentConsentSignedOn: treatment?.signedOn)
        }
    }
}
