import FluentKit
import Foundation
import StratumCore

/// Outcome assessments: scores on the course's scale at baseline, each visit and follow-up, so results are measured,
/// not remembered.
public struct AssessmentStore: Sendable {
    let scope: OrganizationScope

    /// Records a score on a known scale (POLICY §1): from its items when the scale has them (the total is computed
    /// and any typed total must agree), else the typed score, each held to its range; `courseID`, when given, must be
    /// one of the patient's courses. GAIS dated at or before the course's first session is refused
    /// (`OUT-GAIS-BASELINE`), and a course has one baseline per scale, on or before its first session: a second is
    /// refused (`AssessmentRefusal`, `duplicate`), never silently replacing the first. A refusal names the field and
    /// the rule and writes nothing.
    public func record(
        patientID: UUID, courseID: UUID?, scale scaleName: String, score entered: Double?, items: [String: Double]? = nil,
        kind: AssessmentKind, assessedOn: LocalDate, _ ctx: AccessContext
    ) async throws -> Assessment {
        let actorID = try scope.requireActor(ctx)
        let wanted = scaleName.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard let scale = OutcomeScale.allCases.first(where: { $0.rawValue.lowercased() == wanted }) else {
            throw StoreError.invalid(
                field: "scale",
                problem: "\"\(scaleName.prefix(60))\" is not a scale; one of \(OutcomeScale.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let score: Double
        do { score = try scale.score(entered: entered, items: items) } catch {
            let field = error.item == "score" ? "score" : error.item == scale.rawValue ? "items" : "items.\(error.item)"
            throw StoreError.invalid(field: field, problem: error.problem)
        }
        let itemsJSON: String? = items.flatMap { items in
            items.isEmpty ? nil : StoredJSON.text(.object(scale.items.map { ($0.key, JSONValue.number(items[$0.key]!)) }))
        }
        return try await scope.db.write { database -> Scoped<Assessment> in
            guard try await self.scope.patient(patientID, on: database) != nil else {
                return try await self.scope.deny(
                    ctx, patientID: patientID, action: .create, resource: "assessment",
                    missing: "patient", on: database)
            }
            if let courseID {
                guard
                    try await CourseRow.query(on: database).filter(\.$id == courseID)
                        .filter(\.$organizationID == self.scope.organizationID).filter(\.$patientID == patientID).first() != nil
                else {
                    return .missing("course")
                }
            }
            try await self.scope.refuseFuture(assessedOn, field: "assessedOn", clinicID: ctx.clinicID, ctx, on: database)
            let facts = try await self.scoreFacts(courseID: courseID, scale: scale, on: database)
            if let problem = AssessmentRules.problem(scale: scale, kind: kind, on: assessedOn, facts: facts) {
                throw AssessmentRefusal(problem)
            }
            let m = AssessmentRow()
            m.id = UUID()
            m.organizationID = self.scope.organizationID
            m.patientID = patientID
            m.courseID = courseID
            m.scale = scale.rawValue
            m.score = score
            m.itemsJSON = itemsJSON
            m.kind = kind.rawValue
            m.assessedOn = assessedOn.description
            m.assessedBy = actorID
            m.createdAt = ctx.now
            try await m.create(on: database)
            if let courseID { try await CourseOutcomeSummary.refresh(courseID: courseID, organizationID: self.scope.organizationID, on: database) }
            try await self.scope.audit(ctx, patientID: patientID, action: .create, resource: "assessment", outcome: .allowed, on: database)
            return .found(try await self.scope.attributed(try Assessment(m), on: database))
        }.get()
    }

    /// What the outcome-scale rules judge a new score on, read from the record: the course's first session and its
    /// baseline on `scale` already recorded.
    private func scoreFacts(courseID: UUID?, scale: OutcomeScale, on database: any Database) async throws -> CourseScoreFacts {
        guard let courseID else { return CourseScoreFacts(firstSession: nil, inCourse: false) }
        let org = scope.organizationID
        let first = try await TreatmentSessionRow.query(on: database).filter(\.$organizationID == org).filter(\.$courseID == courseID)
            .sort(\.$date).first().flatMap { LocalDate(iso: $0.date) }
        let baseline = try await AssessmentRow.query(on: database).filter(\.$organizationID == org).filter(\.$courseID == courseID)
            .filter(\.$scale == scale.rawValue).filter(\.$kind == AssessmentKind.baseline.rawValue).sort(\.$assessedOn).sort(\.$createdAt).first()
        return CourseScoreFacts(
            firstSession: first, inCourse: true,
            existingBaseline: baseline.flatMap { b in LocalDate(iso: b.assessedOn).map { ($0, b.score) } })
    }

    /// The patient's assessments in the order they were taken, the trajectory of the outcome.
    public func list(patientID: UUID, _ ctx: AccessContext) async throws -> [Assessment] {
        try await scope.db.write { database -> Scoped<[Assessment]> in
            guard try await self.scope.patient(patientID, on: database) != nil else {
                return try await self.scope.deny(ctx, patientID: patientID, action: .list, resource: "assessment", missing: "patient", on: database)
            }
            let all = try await AssessmentRow.query(on: database).filter(\.$organizationID == self.scope.organizationID)
                .filter(\.$patientID == patientID).sort(\.$assessedOn).sort(\.$createdAt).all()
            try await self.scope.audit(ctx, patientID: patientID, action: .list, resource: "assessment", outcome: .allowed, on: database)
            return .found(try await self.scope.attributed(try all.map(Assessment.init), on: database))
        }.get()
    }
}

extension Assessment {
    init(_ m: AssessmentRow) throws {
        guard let kind = AssessmentKind(rawValue: m.kind), let on = LocalDate(iso: m.assessedOn) else {
            throw StoredJSON.unreadable("assessment", "kind or date")
        }
        self.init(
            id: m.id!, patientID: m.patientID, courseID: m.courseID, scale: m.scale, score: m.score, itemsJSON: m.itemsJSON,
            kind: kind, assessedOn: on, assessedBy: m.assessedBy, createdAt: m.createdAt)
    }
}
