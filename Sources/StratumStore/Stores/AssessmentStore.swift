import FluentKit
import Foundation
import StratumCore

/// Outcome assessments: scores on the course's scale at baseline, each visit and follow-up, so results are measured,
/// not remembered.
public struct AssessmentStore: Sendable {
    let scope: OrganizationScope

    /// Records a score. `courseID`, when given, must be one of the patient's courses; `itemsJSON`, when given, must be JSON.
    public func record(patientID: UUID, courseID: UUID?, scale: String, score: Double, itemsJSON: String? = nil,
                       kind: AssessmentKind, assessedOn: LocalDate, _ ctx: AccessContext) async throws -> Assessment {
        let actorID = try scope.requireActor(ctx)
        let scaleName = scale.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !scaleName.isEmpty else { throw StoreError.conflict("an assessment needs the name of its scale") }
        guard score.isFinite else { throw StoreError.conflict("an assessment score must be a finite number") }
        if let itemsJSON {
            do { _ = try JSONParser.parse(itemsJSON) } catch { throw StoreError.conflict("assessment items are not JSON: \(error.description)") }
        }
        return try await scope.db.write { database -> Scoped<Assessment> in
            guard try await self.scope.patient(patientID, on: database) != nil else {
                return try await self.scope.deny(ctx, patientID: patientID, action: "create", resource: "assessment",
                                                 missing: "patient", on: database)
            }
            if let courseID {
                guard try await CourseModel.query(on: database).filter(\.$id == courseID)
                    .filter(\.$organizationID == self.scope.organizationID).filter(\.$patientID == patientID).first() != nil else {
                    return .missing("course")
                }
            }
            let m = AssessmentModel()
            m.id = UUID()
            m.organizationID = self.scope.organizationID
            m.patientID = patientID
            m.courseID = courseID
            m.scale = scaleName
            m.score = score
            m.itemsJSON = itemsJSON
            m.kind = kind.rawValue
            m.assessedOn = assessedOn.description
            m.assessedBy = actorID
            m.createdAt = ctx.now
            try await m.create(on: database)
            try await self.scope.audit(ctx, patientID: patientID, action: "create", resource: "assessment", outcome: .allowed, on: database)
            return .found(try Assessment(m))
        }.get()
    }

    /// The patient's assessments in the order they were taken, the trajectory of the outcome.
    public func list(patientID: UUID, _ ctx: AccessContext) async throws -> [Assessment] {
        try await scope.db.write { database -> Scoped<[Assessment]> in
            guard try await self.scope.patient(patientID, on: database) != nil else {
                return try await self.scope.deny(ctx, patientID: patientID, action: "list", resource: "assessment", missing: "patient", on: database)
            }
            let all = try await AssessmentModel.query(on: database).filter(\.$organizationID == self.scope.organizationID)
                .filter(\.$patientID == patientID).sort(\.$assessedOn).sort(\.$createdAt).all()
            try await self.scope.audit(ctx, patientID: patientID, action: "list", resource: "assessment", outcome: .allowed, on: database)
            return .found(try all.map(Assessment.init))
        }.get()
    }
}

extension Assessment {
    init(_ m: AssessmentModel) throws {
        guard let kind = AssessmentKind(rawValue: m.kind), let on = LocalDate(iso: m.assessedOn) else {
            throw StoredJSON.unreadable("assessment", "kind or date")
        }
        self.init(id: m.id!, patientID: m.patientID, courseID: m.courseID, scale: m.scale, score: m.score, itemsJSON: m.itemsJSON,
                  kind: kind, assessedOn: on, assessedBy: m.assessedBy, createdAt: m.createdAt)
    }
}
