import FluentKit
import Foundation
import SQLKit
import StratumCore

/// How many records a chart holds, per kind: what a merge moves, and what the owner confirms before it.
public struct ChartCounts: Sendable, Equatable {
    public var screenings = 0
    public var consents = 0
    public var courses = 0
    public var sessions = 0
    public var adverseEvents = 0
    public var assessments = 0
    public var photos = 0
    public var recalls = 0

    public init() {}

    public static func + (a: ChartCounts, b: ChartCounts) -> ChartCounts {
        var c = ChartCounts()
        c.screenings = a.screenings + b.screenings
        c.consents = a.consents + b.consents
        c.courses = a.courses + b.courses
        c.sessions = a.sessions + b.sessions
        c.adverseEvents = a.adverseEvents + b.adverseEvents
        c.assessments = a.assessments + b.assessments
        c.photos = a.photos + b.photos
        c.recalls = a.recalls + b.recalls
        return c
    }
}

/// The two charts of a merge as the owner confirms it: the one that stays, the one that moves into it.
public struct MergePreview: Sendable, Equatable {
    public let survivor: Patient
    public let survivorCounts: ChartCounts
    public let duplicate: Patient
    public let duplicateCounts: ChartCounts
}

extension PatientStore {
    /// The tables whose rows name their patient directly and move with a merge as they are. Sessions follow their
    /// course; screenings (numbered per patient) and recall contacts (one per patient and recall) are merged apart.
    static let movedTables = [
        "consents", "courses", "adverse_events", "assessments", "photos", "session_equipment", "portal_check_ins", "check_in_flags",
        "home_screenings"
    ]

    /// Both charts with what each holds, for the owner's confirmation; refused as `merge` would refuse it. An audited
    /// read of both.
    public func mergePreview(survivorID: UUID, duplicateID: UUID, _ ctx: AccessContext) async throws -> MergePreview {
        try await scope.db.write { database -> Scoped<MergePreview> in
            let pair = try await self.mergePair(survivorID, duplicateID, ctx, action: .read, resource: "patient.merge", on: database)
            guard case .found(let (s, d)) = pair else { return .missing("patient") }
            try await self.scope.audit(ctx, patientIDs: [survivorID, duplicateID], action: .read, resource: "patient.merge", on: database)
            return .found(
                MergePreview(
                    survivor: Patient(s), survivorCounts: try await self.counts(survivorID, on: database),
                    duplicate: Patient(d), duplicateCounts: try await self.counts(duplicateID, on: database)))
        }.get()
    }

    /// Merges two charts of one person: every record of `duplicateID` moves to `survivorID` in one transaction, the
    /// duplicate then answers as the survivor (`get`) and leaves every list; audited on both ids. The audit trail
    /// keeps each access under the id it was made with. Refused, changing nothing: a chart with itself
    /// (`StoreError.invalid`), a chart of another organization or none (`notFound`), one already merged, or the same
    /// photo in both charts (`conflict`).
    public func merge(survivorID: UUID, duplicateID: UUID, _ ctx: AccessContext) async throws -> Patient {
        let actorID = try scope.requireActor(ctx)
        return try await scope.db.write { database -> Scoped<Patient> in
            let pair = try await self.mergePair(survivorID, duplicateID, ctx, action: .merge, resource: "patient", on: database)
            guard case .found(let (survivor, duplicate)) = pair else { return .missing("patient") }
            try await lockRow(PatientRow.schema, id: survivorID, on: database)
            try await lockRow(PatientRow.schema, id: duplicateID, on: database)
            let sql = database as! any SQLDatabase
            try await self.refuseSharedPhotos(survivorID, duplicateID, on: database)
            try await self.mergeScreenings(into: survivorID, from: duplicateID, on: database)
            for table in Self.movedTables {
                try await sql.update(table).set("patient_id", to: SQLBind(survivorID))
                    .where("patient_id", .equal, SQLBind(duplicateID))
                    .where("organization_id", .equal, SQLBind(self.scope.organizationID)).run()
            }
            try await self.mergeRecallContacts(into: survivorID, from: duplicateID, actorID: actorID, ctx, on: database)
            duplicate.mergedInto = survivorID
            duplicate.mergedAt = ctx.now
            duplicate.updatedAt = ctx.now
            try await duplicate.update(on: database)
            // Ids merged into the duplicate earlier now answer the survivor in one step.
            try await sql.update(PatientRow.schema).set("merged_into", to: SQLBind(survivorID))
                .where("merged_into", .equal, SQLBind(duplicateID)).run()
            try await self.scope.audit(ctx, patientIDs: [survivorID, duplicateID], action: .merge, resource: "patient", on: database)
            return .found(Patient(survivor))
        }.get()
    }

    /// What one chart holds; zero for a merged chart.
    public func counts(patientID: UUID) async throws -> ChartCounts {
        try await scope.db.read { try await self.counts(patientID, on: $0) }
    }

    /// The current chart an id answers as: itself, the survivor of a merge, or nil outside this organization. Not an
    /// access to the record (no data is returned), so not audited.
    public func currentID(_ id: UUID) async throws -> UUID? {
        try await scope.db.read { database in
            guard
                let m = try await PatientRow.query(on: database).filter(\.$organizationID == self.scope.organizationID)
                    .filter(\.$id == id).first()
            else { return nil }
            return m.mergedInto ?? m.id
        }
    }

    /// Both current charts of this organization, or a denied audit row on each id and `.missing`.
    private func mergePair(
        _ survivorID: UUID, _ duplicateID: UUID, _ ctx: AccessContext, action: AuditAction, resource: String,
        on database: any Database
    ) async throws -> Scoped<(PatientRow, PatientRow)> {
        guard survivorID != duplicateID else {
            throw StoreError.invalid(field: "duplicateId", problem: "is this same chart; choose the other chart of the person")
        }
        let rows = try await PatientRow.query(on: database).filter(\.$organizationID == scope.organizationID)
            .filter(\.$id ~~ [survivorID, duplicateID]).all()
        guard let s = rows.first(where: { $0.id == survivorID }), let d = rows.first(where: { $0.id == duplicateID }) else {
            try await scope.audit(ctx, patientID: survivorID, action: action, resource: resource, outcome: .denied, on: database)
            try await scope.audit(ctx, patientID: duplicateID, action: action, resource: resource, outcome: .denied, on: database)
            return .missing("patient")
        }
        for m in [s, d] where m.mergedInto != nil {
            throw StoreError.conflict("chart \(m.id!.uuidString.lowercased()) was already merged into \(m.mergedInto!.uuidString.lowercased())")
        }
        return .found((s, d))
    }

    /// One image is stored once per chart (`uq_photos_patient_sha256`); the same image in both charts is a re-upload
    /// the owner settles before merging, so no photo row is dropped by the merge.
    private func refuseSharedPhotos(_ survivorID: UUID, _ duplicateID: UUID, on database: any Database) async throws {
        let kept = Set(try await PhotoRow.query(on: database).filter(\.$patientID == survivorID).all().map(\.sha256))
        guard !kept.isEmpty else { return }
        let shared = try await PhotoRow.query(on: database).filter(\.$patientID == duplicateID).all().filter { kept.contains($0.sha256) }
        if !shared.isEmpty {
            throw StoreError.conflict("\(shared.count) photo(s) are stored in both charts; the merge would hold one image twice")
        }
    }

    /// Screenings are numbered per patient and the newest is the one plans and sessions are judged on, so both charts'
    /// versions are renumbered together in the order they were answered.
    private func mergeScreenings(into survivorID: UUID, from duplicateID: UUID, on database: any Database) async throws {
        let all = try await ScreeningRow.query(on: database).filter(\.$organizationID == scope.organizationID)
            .filter(\.$patientID ~~ [survivorID, duplicateID]).all()
        guard all.contains(where: { $0.patientID == duplicateID }) else { return }
        let ordered = all.sorted { ($0.answeredOn, $0.createdAt, $0.version) < ($1.answeredOn, $1.createdAt, $1.version) }
        // Negative first: no interim number collides with a survivor's version still in place.
        for (i, m) in ordered.enumerated() {
            m.patientID = survivorID
            m.version = -(i + 1)
            try await m.update(on: database)
        }
        for (i, m) in ordered.enumerated() {
            m.version = i + 1
            try await m.update(on: database)
        }
    }

    /// One contact row per patient and recall: when both charts were exposed by the same recall, the survivor's row
    /// keeps the earlier follow-up step (nobody skips a contact the other chart still needed) and both notes.
    private func mergeRecallContacts(
        into survivorID: UUID, from duplicateID: UUID, actorID: UUID, _ ctx: AccessContext,
        on database: any Database
    ) async throws {
        let order = RecallContactStatus.allCases
        for row in try await RecallPatientRow.query(on: database).filter(\.$organizationID == scope.organizationID)
            .filter(\.$patientID == duplicateID).all()
        {
            guard
                let kept = try await RecallPatientRow.query(on: database).filter(\.$recallID == row.recallID)
                    .filter(\.$patientID == survivorID).first()
            else {
                row.patientID = survivorID
                try await row.update(on: database)
                continue
            }
            let a = order.firstIndex { $0.rawValue == kept.status } ?? 0
            let b = order.firstIndex { $0.rawValue == row.status } ?? 0
            kept.status = order[min(a, b)].rawValue
            let merged = "Merged chart: \(row.status)" + (row.note.map { ", \($0)" } ?? "")
            kept.note = [kept.note, merged].compactMap { $0 }.joined(separator: " · ")
            kept.updatedAt = ctx.now
            kept.updatedBy = actorID
            try await kept.update(on: database)
            try await row.delete(on: database)
        }
    }

    func counts(_ patientID: UUID, on database: any Database) async throws -> ChartCounts {
        let org = scope.organizationID
        var c = ChartCounts()
        c.screenings = try await ScreeningRow.query(on: database).filter(\.$organizationID == org).filter(\.$patientID == patientID).count()
        c.consents = try await ConsentRow.query(on: database).filter(\.$organizationID == org).filter(\.$patientID == patientID).count()
        let courses = try await CourseRow.query(on: database).filter(\.$organizationID == org).filter(\.$patientID == patientID).all()
        c.courses = courses.count
        c.sessions =
            courses.isEmpty
            ? 0
            : try await TreatmentSessionRow.query(on: database)
                .filter(\.$courseID ~~ courses.map { $0.id! }).count()
        c.adverseEvents = try await AdverseEventRow.query(on: database).filter(\.$organizationID == org).filter(\.$patientID == patientID).count()
        c.assessments = try await AssessmentRow.query(on: database).filter(\.$organizationID == org).filter(\.$patientID == patientID).count()
        c.photos = try await PhotoRow.query(on: database).filter(\.$organizationID == org).filter(\.$patientID == patientID).count()
        c.recalls = try await RecallPatientRow.query(on: database).filter(\.$organizationID == org).filter(\.$patientID == patientID).count()
        return c
    }
}
