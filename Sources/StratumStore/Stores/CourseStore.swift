import FluentKit
import Foundation
import StratumCore

/// Treatment courses: the planner's proposal saved with its planned visits, then accepted before any session.
public struct CourseStore: Sendable {
    let scope: OrganizationScope

    /// Saves a planned course as `proposed`, with one planned visit per planned session. `result` must be the planner's
    /// answer to `request`; its document is stored as given so the proposal can be shown exactly as it was made.
    public func create(patientID: UUID, clinicID: UUID, request: PlanRequest, result: PlanResult, goal: String?,
                       goalScore: Double? = nil, _ ctx: AccessContext) async throws -> Course {
        let actorID = try scope.requireActor(ctx)
        return try await scope.db.write { database -> Scoped<Course> in
            guard try await self.scope.patient(patientID, on: database) != nil else {
                return try await self.scope.deny(ctx, patientID: patientID, action: "create", resource: "course",
                                                 missing: "patient", on: database)
            }
            guard try await self.scope.hasClinic(clinicID, on: database) else { return .missing("clinic") }
            let m = CourseModel()
            m.id = UUID()
            m.organizationID = self.scope.organizationID
            m.patientID = patientID
            m.clinicID = clinicID
            m.indicationsJSON = StoredJSON.text(StoredJSON.indications(request.indications))
            m.zonesJSON = StoredJSON.text(StoredJSON.zones(request.zones))
            m.deviceJSON = StoredJSON.text(StoredJSON.device(request.device))
            m.goal = goal.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
            m.goalScore = goalScore
            m.status = CourseStatus.proposed.rawValue
            m.intervalWeeks = result.course.intervalWeeks
            m.planJSON = JSONWriter.write(ResultWriter.document(result))
            m.policyVersion = result.policyVersion
            m.createdBy = actorID
            m.createdAt = ctx.now
            try await m.create(on: database)
            for s in result.course.sessions {
                let v = PlannedVisitModel()
                v.id = UUID()
                v.organizationID = self.scope.organizationID
                v.courseID = m.id!
                v.number = s.number
                v.date = s.date.description
                v.zonesJSON = StoredJSON.text(StoredJSON.zoneDepths(s.zones.map { ZoneDepth(zone: $0.zone, depthMM: $0.depthMM) }))
                try await v.create(on: database)
            }
            try await self.scope.audit(ctx, patientID: patientID, action: "create", resource: "course", outcome: .allowed, on: database)
            return .found(try await self.load(m, on: database))
        }.get()
    }

    /// Accepts a proposed course, making it `active` so sessions can be recorded against it. Only a proposed
    /// course can be accepted, and only once.
    public func accept(courseID: UUID, _ ctx: AccessContext) async throws -> Course {
        try await scope.db.write { database -> Scoped<Course> in
            try await lockRow(CourseModel.schema, id: courseID, on: database)
            guard let m = try await self.base(database).filter(\.$id == courseID).first() else {
                return try await self.scope.deny(ctx, patientID: nil, action: "accept", resource: "course", missing: "course", on: database)
            }
            guard m.status == CourseStatus.proposed.rawValue else {
                throw StoreError.conflict("course is \(m.status), only a proposed course can be accepted")
            }
            m.status = CourseStatus.active.rawValue
            m.acceptedAt = ctx.now
            try await m.update(on: database)
            try await self.scope.audit(ctx, patientID: m.patientID, action: "accept", resource: "course", outcome: .allowed, on: database)
            return .found(try await self.load(m, on: database))
        }.get()
    }

    /// The patient's courses, newest first, each with its planned visits.
    public func list(patientID: UUID, _ ctx: AccessContext) async throws -> [Course] {
        try await scope.db.write { database -> Scoped<[Course]> in
            guard try await self.scope.patient(patientID, on: database) != nil else {
                return try await self.scope.deny(ctx, patientID: patientID, action: "list", resource: "course", missing: "patient", on: database)
            }
            let all = try await self.base(database).filter(\.$patientID == patientID).sort(\.$createdAt, .descending).all()
            var out: [Course] = []
            for m in all { out.append(try await self.load(m, on: database)) }
            try await self.scope.audit(ctx, patientID: patientID, action: "list", resource: "course", outcome: .allowed, on: database)
            return .found(out)
        }.get()
    }

    /// The course with its planned visits, or nil when there is none in this organization.
    public func get(courseID: UUID, _ ctx: AccessContext) async throws -> Course? {
        try await scope.db.write { database -> Course? in
            guard let m = try await self.base(database).filter(\.$id == courseID).first() else {
                try await self.scope.audit(ctx, patientID: nil, action: "read", resource: "course", outcome: .denied, on: database)
                return nil
            }
            try await self.scope.audit(ctx, patientID: m.patientID, action: "read", resource: "course", outcome: .allowed, on: database)
            return try await self.load(m, on: database)
        }
    }

    private func base(_ database: any Database) -> QueryBuilder<CourseModel> {
        CourseModel.query(on: database).filter(\.$organizationID == scope.organizationID)
    }

    func load(_ m: CourseModel, on database: any Database) async throws -> Course {
        let visits = try await PlannedVisitModel.query(on: database).filter(\.$courseID == m.id!)
            .filter(\.$organizationID == scope.organizationID).sort(\.$number).all()
        let plan = try StoredJSON.parse(m.planJSON, "course plan")
        guard let decision = Decision(rawValue: try StoredJSON.string(plan["decision"], "course plan")) else {
            throw StoredJSON.unreadable("course plan", "unknown decision")
        }
        guard let status = CourseStatus(rawValue: m.status) else { throw StoredJSON.unreadable("course status", m.status) }
        return Course(
            id: m.id!, patientID: m.patientID, clinicID: m.clinicID,
            indications: try StoredJSON.indications(from: StoredJSON.parse(m.indicationsJSON, "course indications")),
            zones: try StoredJSON.zones(from: StoredJSON.parse(m.zonesJSON, "course zones"), "course zones"),
            device: try StoredJSON.device(from: StoredJSON.parse(m.deviceJSON, "course device")),
            goal: m.goal, goalScore: m.goalScore, status: status, intervalWeeks: m.intervalWeeks,
            decision: decision, findings: try StoredJSON.findings(from: plan["findings"] ?? .null, "course plan"),
            planJSON: m.planJSON, policyVersion: m.policyVersion, createdBy: m.createdBy, createdAt: m.createdAt,
            acceptedAt: m.acceptedAt,
            plannedVisits: try visits.map { v in
                guard let date = LocalDate(iso: v.date) else { throw StoredJSON.unreadable("planned visit date", v.date) }
                return PlannedVisit(number: v.number, date: date,
                                    zones: try StoredJSON.zoneDepths(from: StoredJSON.parse(v.zonesJSON, "planned visit"), "planned visit"))
            })
    }
}
