import FluentKit
import Foundation

/// The only door to an organization's records: every query it builds is filtered by the organization, and a
/// record of another organization is indistinguishable from a missing one.
public struct OrganizationScope: Sendable {
    public let organizationID: UUID
    let db: StratumDatabase
    let auditKey: AuditKey

    public init(organizationID: UUID, database: StratumDatabase, auditKey: AuditKey) {
        self.organizationID = organizationID
        self.db = database
        self.auditKey = auditKey
    }

    public var patients: PatientStore { PatientStore(scope: self) }
    /// Versioned screening questionnaires and their findings.
    public var screenings: ScreeningStore { ScreeningStore(scope: self) }
    /// Treatment and photo consents.
    public var consents: ConsentStore { ConsentStore(scope: self) }
    /// Screenings the patient answered at home, awaiting a practitioner's review.
    public var homeScreenings: HomeScreeningStore { HomeScreeningStore(scope: self) }
    /// Planned courses and their planned visits.
    public var courses: CourseStore { CourseStore(scope: self) }
    /// Treatment sessions, their signing lock and addenda.
    public var sessions: SessionStore { SessionStore(scope: self) }
    /// Adverse events and their closing.
    public var adverseEvents: AdverseEventStore { AdverseEventStore(scope: self) }
    /// Outcome assessments.
    public var assessments: AssessmentStore { AssessmentStore(scope: self) }
    /// The whole chart of one patient, read together.
    public var charts: ChartStore { ChartStore(scope: self) }
    /// Planned visits of active courses: the day sheet and overdue follow-ups.
    public var schedule: ScheduleStore { ScheduleStore(scope: self) }
    /// Device models and pen handpieces with their cleaning log.
    public var devices: DeviceStore { DeviceStore(scope: self) }
    /// Received lots of single-use needle parts.
    public var stock: StockStore { StockStore(scope: self) }
    /// Sterilizers, cycles and packs.
    public var sterilization: SterilizationStore { SterilizationStore(scope: self) }
    /// Recalls of exposed sessions and their follow-up.
    public var recalls: RecallStore { RecallStore(scope: self) }
    /// `AE-CLUSTER` alerts and their reviews.
    public var clusters: ClusterStore { ClusterStore(scope: self) }
    /// The clinic's own details, consent texts and policy override, each change kept with its value before and after.
    public var clinicSettings: ClinicSettingsStore { ClinicSettingsStore(scope: self) }
    /// Clinical photos, their files kept in `vault`.
    public func photos(_ vault: PhotoVault) -> PhotoStore { PhotoStore(scope: self, vault: vault) }
    /// Outcome trajectories of a clinic's courses (the forecast's cohort) and the clinic outcome report.
    public var outcomes: OutcomeStore { OutcomeStore(scope: self) }

    func audit(
        _ ctx: AccessContext, patientID: UUID?, action: AuditAction, resource: String, outcome: AuditOutcome,
        on database: any Database
    ) async throws {
        // A read of a patient this request already audited is part of the same act: no second row.
        if outcome == .allowed, action.isRead, let patientID, ctx.ledger?.covers(patientID) == true { return }
        try await AuditTrail.append(
            AuditEntry(
                occurredAt: ctx.now, actorID: ctx.actorID, organizationID: organizationID,
                clinicID: ctx.clinicID, patientID: patientID, action: action.rawValue,
                resource: resource, outcome: outcome, requestID: ctx.requestID),
            key: auditKey, on: database)
        if let patientID { ctx.ledger?.note(patientID) }
    }

    /// One allowed access per patient, in order, with one chain read (`AuditTrail.appendAll`).
    func audit(_ ctx: AccessContext, patientIDs: [UUID], action: AuditAction, resource: String, on database: any Database) async throws {
        let patientIDs = action.isRead ? patientIDs.filter { ctx.ledger?.covers($0) != true } : patientIDs
        guard !patientIDs.isEmpty else { return }
        try await AuditTrail.appendAll(
            patientIDs.map {
                AuditEntry(
                    occurredAt: ctx.now, actorID: ctx.actorID, organizationID: organizationID, clinicID: ctx.clinicID, patientID: $0,
                    action: action.rawValue, resource: resource, outcome: .allowed, requestID: ctx.requestID)
            }, key: auditKey, on: database)
        for id in patientIDs { ctx.ledger?.note(id) }
    }

    /// Records a refused access (a role without the permission, say) in its own transaction.
    public func recordDenied(_ ctx: AccessContext, patientID: UUID?, action: AuditAction, resource: String) async throws {
        try await db.write { try await self.audit(ctx, patientID: patientID, action: action, resource: resource, outcome: .denied, on: $0) }
    }

    /// The organization's clinics by name, for choosing the clinic a report covers.
    public func clinics() async throws -> [Clinic] {
        try await db.read { database in
            try await ClinicRow.query(on: database).filter(\.$organizationID == self.organizationID).sort(\.$name).all().map(Clinic.init)
        }
    }

    /// The clinic, if it belongs to this organization.
    public func clinic(_ id: UUID) async throws -> Clinic? {
        try await db.read { database in
            try await ClinicRow.query(on: database).filter(\.$id == id).filter(\.$organizationID == self.organizationID)
                .first().map(Clinic.init)
        }
    }
}

extension Clinic {
    init(_ m: ClinicRow) {
        self.init(
            id: m.id!, organizationID: m.organizationID, name: m.name, timezone: m.timezone, address: m.address, phone: m.phone,
            email: m.email, packShelfLifeDays: m.packShelfLifeDays)
    }
}
