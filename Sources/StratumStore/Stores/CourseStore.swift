import FluentKit
import Foundation
import StratumCore

/// Treatment courses: the planner's proposal saved with its planned visits, then accepted before any session.
public struct CourseStore: Sendable {
    let scope: OrganizationScope

    /// Plans and saves a course as `proposed`, with one planned visit per planned session. The store asks the planner
    /// itself, with the clinic's policy (the shipped one narrowed by the clinic's override), inside the transaction
    /// that writes: the plan's document is stored as made, with the version of the policy that made it. A
    /// do-not-treat plan is refused (`ClinicalRefusal` with its stops) and nothing is written.
    public func create(
        patientID: UUID, clinicID: UUID, request: PlanRequest, goal: String?, goalScore: Double? = nil,
        _ ctx: AccessContext
    ) async throws -> Course {
        let actorID = try scope.requireActor(ctx)
        // The core's input limits, whichever door proposed the course.
        if let goal, let problem = CourseInputRules.goalProblem(goal) { throw StoreError.invalid(field: "goal", problem: problem.description) }
        if let weeks = request.intervalWeeks, !CourseInputRules.intervalWeeks.contains(weeks) {
            throw StoreError.invalid(field: "intervalWeeks", problem: InputProblem.outOfRange(CourseInputRules.intervalWeeks).description)
        }
        return try await scope.db.write { database -> Scoped<Course> in
            guard try await self.scope.patient(patientID, on: database) != nil else {
                return try await self.scope.deny(
                    ctx, patientID: patientID, action: .create, resource: "course",
                    missing: "patient", on: database)
            }
            guard try await self.scope.hasClinic(clinicID, on: database) else { return .missing("clinic") }
            let result = CoursePlanner.plan(request, policy: try await self.scope.policy(clinicID: clinicID, on: database))
            // A do-not-treat plan is shown to the practitioner, never kept as something that could be accepted.
            if result.decision == .doNotTreat {
                throw ClinicalRefusal(blocking: result.findings.filter { $0.severity == .stop }, findings: result.findings)
            }
            let (m, visits) = Self.proposedRows(
                patientID: patientID, clinicID: clinicID, request: request, result: result, goal: goal,
                goalScore: goalScore, organizationID: self.scope.organizationID, by: actorID, at: ctx.now)
            try await m.create(on: database)
            if !visits.isEmpty { try await visits.create(on: database) }
            try await self.scope.audit(ctx, patientID: patientID, action: .create, resource: "course", outcome: .allowed, on: database)
            return .found(try await self.scope.attributed(try await self.load(m, on: database), on: database))
        }.get()
    }

    /// What `create` would plan for `request` in the clinic, under the clinic's policy, without writing anything:
    /// the form's preview, and the plan shown beside a refusal. Nil when the clinic is not in this organization.
    public func preview(clinicID: UUID, request: PlanRequest) async throws -> PlanResult? {
        try await scope.db.read { database in
            guard try await self.scope.hasClinic(clinicID, on: database) else { return nil }
            return CoursePlanner.plan(request, policy: try await self.scope.policy(clinicID: clinicID, on: database))
        }
    }

    /// Accepts a proposed course, making it `active` so sessions can be recorded against it. Only a proposed course
    /// can be accepted, and only once. The plan's findings as stored decide: any `stop`, or a `caution` that no
    /// acknowledgement covers, refuses with `ClinicalRefusal`; an acknowledgement that covers no caution, or has no
    /// reason, is `invalid`. The reasons are kept with the course with who gave them and when.
    public func accept(courseID: UUID, acknowledgements: [AcknowledgementDraft] = [], _ ctx: AccessContext) async throws -> Course {
        let actorID = try scope.requireActor(ctx)
        for (i, a) in acknowledgements.enumerated() {
            let reason = a.reason.trimmingCharacters(in: .whitespacesAndNewlines)
            if reason.isEmpty {
                throw StoreError.invalid(field: "acknowledgements[\(i)].reason", problem: "give the clinical reason for accepting \(a.rule.rawValue)")
            }
            if reason.count > AcknowledgementGate.maxReasonLength {
                throw StoreError.invalid(field: "acknowledgements[\(i)].reason", problem: "at most \(AcknowledgementGate.maxReasonLength) characters")
            }
        }
        let acks = acknowledgements.map { Acknowledgement(rule: $0.rule, zone: $0.zone, reason: $0.reason) }
        return try await scope.db.write { database -> Scoped<Course> in
            try await lockRow(CourseRow.schema, id: courseID, on: database)
            guard let m = try await self.base(database).filter(\.$id == courseID).first() else {
                return try await self.scope.deny(ctx, patientID: nil, action: .accept, resource: "course", missing: "course", on: database)
            }
            // A refusal after reading the plan is an access of the record too: audited (denied) in this transaction,
            // which has written nothing else.
            func refuse(_ why: any Error & Sendable) async throws -> Scoped<Course> {
                try await self.scope.refuse(ctx, patientID: m.patientID, action: .accept, resource: "course", why, on: database)
            }
            guard m.status == CourseStatus.proposed.rawValue else { return try await refuse(StoreError.state(.courseNotProposed(status: m.status))) }
            let findings = try StoredJSON.findings(from: try StoredJSON.parse(m.planJSON, "course plan")["findings"] ?? .null, "course plan")
            let blocking = PlanGate.blocking(findings, acknowledgements: acks)
            guard blocking.isEmpty else { return try await refuse(ClinicalRefusal(blocking: blocking, findings: findings)) }
            if let i = acks.firstIndex(where: { !AcknowledgementGate.unmatched([$0], findings: findings).isEmpty }) {
                return try await refuse(
                    StoreError.invalid(
                        field: "acknowledgements[\(i)].rule",
                        problem: "the plan raised no caution \(acks[i].rule.rawValue)\(acks[i].zone.map { " on \($0)" } ?? "") to acknowledge"))
            }
            let rows = Self.acknowledgementRows(
                acknowledgements, courseID: courseID, organizationID: self.scope.organizationID,
                by: actorID, at: ctx.now)
            if !rows.isEmpty { try await rows.create(on: database) }
            m.status = CourseStatus.active.rawValue
            m.acceptedAt = ctx.now
            m.acceptedBy = actorID
            try await m.update(on: database)
            try await self.scope.audit(ctx, patientID: m.patientID, action: .accept, resource: "course", outcome: .allowed, on: database)
            return .found(try await self.scope.attributed(try await self.load(m, on: database), on: database))
        }.get()
    }

    /// The patient's courses, newest first, each with its planned visits.
    public func list(patientID: UUID, _ ctx: AccessContext) async throws -> [Course] {
        try await scope.db.write { database -> Scoped<[Course]> in
            guard try await self.scope.patient(patientID, on: database) != nil else {
                return try await self.scope.deny(ctx, patientID: patientID, action: .list, resource: "course", missing: "patient", on: database)
            }
            let all = try await self.base(database).filter(\.$patientID == patientID).sort(\.$createdAt, .descending).all()
            let out = try await self.scope.attributed(try await self.loadAll(all, on: database), on: database)
            try await self.scope.audit(ctx, patientID: patientID, action: .list, resource: "course", outcome: .allowed, on: database)
            return .found(out)
        }.get()
    }

    /// The course with its planned visits, or nil when there is none in this organization.
    public func get(courseID: UUID, _ ctx: AccessContext) async throws -> Course? {
        try await scope.db.write { database -> Course? in
            guard let m = try await self.base(database).filter(\.$id == courseID).first() else {
                try await self.scope.audit(ctx, patientID: nil, action: .read, resource: "course", outcome: .denied, on: database)
                return nil
            }
            try await self.scope.audit(ctx, patientID: m.patientID, action: .read, resource: "course", outcome: .allowed, on: database)
            return try await self.scope.attributed(try await self.load(m, on: database), on: database)
        }
    }

    private func base(_ database: any Database) -> QueryBuilder<CourseRow> {
        CourseRow.query(on: database).filter(\.$organizationID == scope.organizationID)
    }

    func load(_ m: CourseRow, on database: any Database) async throws -> Course {
        try await loadAll([m], on: database)[0]
    }

    /// The courses with their planned visits and acknowledgements: one query per child table for all of them, so a
    /// chart of many courses costs no more round trips than one course.
    func loadAll(_ rows: [CourseRow], on database: any Database) async throws -> [Course] {
        let ids = rows.compactMap(\.id)
        guard !ids.isEmpty else { return [] }
        let org = scope.organizationID
        let visitsOf = Dictionary(
            grouping: try await PlannedVisitRow.query(on: database).filter(\.$courseID ~~ ids)
                .filter(\.$organizationID == org).sort(\.$number).all(), by: \.courseID)
        let acksOf = Dictionary(
            grouping: try await CourseAcknowledgementRow.query(on: database).filter(\.$courseID ~~ ids)
                .filter(\.$organizationID == org).sort(\.$acknowledgedAt).all(), by: \.courseID)
        return try rows.map { m in try Self.course(m, visits: visitsOf[m.id!] ?? [], acknowledgements: acksOf[m.id!] ?? []) }
    }

    static func course(_ m: CourseRow, visits: [PlannedVisitRow], acknowledgements: [CourseAcknowledgementRow]) throws -> Course {
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
            acceptedAt: m.acceptedAt, acceptedBy: m.acceptedBy,
            acknowledgements: try acknowledgements.map { a in
                guard let rule = RuleID(rawValue: a.rule) else { throw StoredJSON.unreadable("acknowledgement", a.rule) }
                var zone: Zone?
                if let site = a.site, let side = a.side { zone = try SessionStore.zone(site, side) }
                return FindingAcknowledgement(
                    rule: rule, zone: zone, reason: a.reason, acknowledgedBy: a.acknowledgedBy,
                    acknowledgedAt: a.acknowledgedAt)
            },
            plannedVisits: try visits.map { v in
                guard let date = LocalDate(iso: v.date) else { throw StoredJSON.unreadable("planned visit date", v.date) }
                return PlannedVisit(
                    number: v.number, date: date,
                    zones: try StoredJSON.zoneDepths(from: StoredJSON.parse(v.zonesJSON, "planned visit"), "planned visit"))
            })
    }
}

extension CourseStore {
    /// The rows of the reasons a plan's cautions were accepted with, as this door writes them (and the demo generator).
    static func acknowledgementRows(
        _ acknowledgements: [AcknowledgementDraft], courseID: UUID, organizationID: UUID, by actorID: UUID,
        at time: Date
    ) -> [CourseAcknowledgementRow] {
        acknowledgements.map { a in
            let k = CourseAcknowledgementRow()
            k.id = UUID()
            k.organizationID = organizationID
            k.courseID = courseID
            k.rule = a.rule.rawValue
            k.site = a.zone?.site.rawValue
            k.side = a.zone?.side.rawValue
            k.reason = a.reason.trimmingCharacters(in: .whitespacesAndNewlines)
            k.acknowledgedBy = actorID
            k.acknowledgedAt = time
            return k
        }
    }
}

extension CourseStore {
    /// The rows of a proposed course and its planned visits, as this door writes them (and the demo generator).
    static func proposedRows(
        patientID: UUID, clinicID: UUID, request: PlanRequest, result: PlanResult, goal: String?, goalScore: Double?,
        organizationID: UUID, by actorID: UUID, at time: Date
    ) -> (CourseRow, [PlannedVisitRow]) {
        let m = CourseRow()
        m.id = UUID()
        m.organizationID = organizationID
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
        m.createdAt = time
        let visits = result.course.sessions.map { s in
            let v = PlannedVisitRow()
            v.id = UUID()
            v.organizationID = organizationID
            v.courseID = m.id!
            v.number = s.number
            v.date = s.date.description
            v.zonesJSON = StoredJSON.text(StoredJSON.zoneDepths(s.zones.map { ZoneDepth(zone: $0.zone, depthMM: $0.depthMM) }))
            return v
        }
        return (m, visits)
    }
}
