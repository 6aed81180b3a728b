import FluentKit
import Foundation
import StratumCore

/// The clinic's side of the screening a patient answers at home (issue 16, decision 0019): the answers wait, listed
/// on Today with what they raise, until a practitioner reviews them in the room. Confirming them, corrected or not,
/// records an ordinary screening version (answered by the patient, recorded by the reviewer), the one door through
/// which home answers reach a plan or a session.
public struct HomeScreeningStore: Sendable {
    let scope: OrganizationScope

    /// The patient's newest home screening still awaiting review; nil when none waits (or no such patient here).
    public func awaiting(patientID: UUID, _ ctx: AccessContext) async throws -> HomeScreening? {
        try await scope.db.write { database -> HomeScreening? in
            guard try await self.scope.patient(patientID, on: database) != nil else {
                try await self.scope.audit(ctx, patientID: patientID, action: .read, resource: "patient.screening", outcome: .denied, on: database)
                return nil
            }
            let m = try await self.base(database).filter(\.$patientID == patientID)
                .filter(\.$status == HomeScreeningStatus.awaitingReview.rawValue).sort(\.$submittedAt, .descending).first()
            try await self.scope.audit(ctx, patientID: patientID, action: .read, resource: "patient.screening", outcome: .allowed, on: database)
            return try m.map(HomeScreening.init)
        }
    }

    /// Every home screening of the clinic's patients awaiting review, oldest answer first, with the patient's name:
    /// the Today page's list. One audit row per patient listed.
    public func awaitingReview(clinicID: UUID, _ ctx: AccessContext) async throws -> [HomeScreeningAwaiting] {
        try await scope.db.write { database -> [HomeScreeningAwaiting] in
            let rows = try await self.base(database).filter(\.$clinicID == clinicID)
                .filter(\.$status == HomeScreeningStatus.awaitingReview.rawValue).sort(\.$submittedAt).all()
            guard !rows.isEmpty else { return [] }
            let patients = try await PatientRow.query(on: database).filter(\.$organizationID == self.scope.organizationID)
                .filter(\.$id ~~ Array(Set(rows.map(\.patientID)))).filter(\.$mergedInto == nil).all()
            var names: [UUID: String] = [:]
            for p in patients { names[p.id!] = "\(p.givenName) \(p.familyName)" }
            let out = try rows.compactMap { m -> HomeScreeningAwaiting? in
                guard let name = names[m.patientID] else { return nil }
                return HomeScreeningAwaiting(screening: try HomeScreening(m), patientName: name)
            }
            try await self.scope.audit(ctx, patientIDs: out.map(\.screening.patientID), action: .list, resource: "patient.screening", on: database)
            return out
        }
    }

    /// Confirms the patient's home screening in the room: `response` is the answers as reviewed with the patient
    /// (the patient's own, or corrected), answered on the clinic's today. Writes the next screening version, marked
    /// as answered by the patient and recorded by the reviewer, and closes the home screening with the reviewer and
    /// time; one transaction, one audit row (`create patient.screening`). Refused: a home screening not of this
    /// patient or not awaiting review (`notFound`, `state`), answers the home rules refuse (`invalid`, naming the key).
    public func confirm(
        homeScreeningID: UUID, patientID: UUID, response: ScreeningResponse, _ ctx: AccessContext
    ) async throws -> ScreeningRecord {
        let actorID = try scope.requireActor(ctx)
        if let first = HomeScreeningRules.problems(response).first {
            throw StoreError.invalid(field: first.key.rawValue, problem: first.problem.description)
        }
        return try await scope.db.write { database -> Scoped<ScreeningRecord> in
            try await lockRow(HomeScreeningRow.schema, id: homeScreeningID, on: database)
            guard let p = try await self.scope.patient(patientID, on: database),
                let home = try await self.base(database).filter(\.$id == homeScreeningID).filter(\.$patientID == patientID).first()
            else {
                return try await self.scope.deny(
                    ctx, patientID: patientID, action: .create, resource: "patient.screening", missing: "home screening", on: database)
            }
            guard home.status == HomeScreeningStatus.awaitingReview.rawValue else {
                throw StoreError.conflict(
                    "this home screening was already \(home.status == HomeScreeningStatus.confirmed.rawValue ? "confirmed" : "replaced by newer answers")"
                )
            }
            let m = try await ScreeningStore(scope: self.scope).insertVersion(
                p, response: response, recordedBy: actorID, answeredBy: "patient", ctx, on: database)
            home.status = HomeScreeningStatus.confirmed.rawValue
            home.reviewedBy = actorID
            home.reviewedAt = ctx.now
            home.screeningID = m.id
            try await home.update(on: database)
            try await self.scope.audit(ctx, patientID: patientID, action: .create, resource: "patient.screening", outcome: .allowed, on: database)
            return .found(try await self.scope.attributed(try ScreeningRecord(m), on: database))
        }.get()
    }

    /// The home screening by id, of this patient, whatever its status: what a review page shows. Audited read.
    public func get(_ id: UUID, patientID: UUID, _ ctx: AccessContext) async throws -> HomeScreening? {
        try await scope.db.write { database -> HomeScreening? in
            guard try await self.scope.patient(patientID, on: database) != nil,
                let m = try await self.base(database).filter(\.$id == id).filter(\.$patientID == patientID).first()
            else {
                try await self.scope.audit(ctx, patientID: patientID, action: .read, resource: "patient.screening", outcome: .denied, on: database)
                return nil
            }
            try await self.scope.audit(ctx, patientID: patientID, action: .read, resource: "patient.screening", outcome: .allowed, on: database)
            return try HomeScreening(m)
        }
    }

    private func base(_ database: any Database) -> QueryBuilder<HomeScreeningRow> {
        HomeScreeningRow.query(on: database).filter(\.$organizationID == scope.organizationID)
    }
}

extension HomeScreening {
    init(_ m: HomeScreeningRow) throws {
        guard let answeredOn = LocalDate(iso: m.answeredOn) else { throw StoredJSON.unreadable("home screening date", m.answeredOn) }
        guard let status = HomeScreeningStatus(rawValue: m.status) else { throw StoredJSON.unreadable("home screening status", m.status) }
        self.init(
            id: m.id!, patientID: m.patientID, clinicID: m.clinicID, answeredOn: answeredOn,
            answers: try StoredJSON.answers(from: StoredJSON.parse(m.answersJSON, "home screening answers")),
            findings: try StoredJSON.findings(from: StoredJSON.parse(m.findingsJSON, "home screening findings")),
            policyVersion: m.policyVersion, submittedAt: m.submittedAt, status: status, reviewedBy: m.reviewedBy,
            reviewedAt: m.reviewedAt, screeningID: m.screeningID)
    }
}
