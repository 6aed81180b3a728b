import FluentKit
import Foundation
import StratumCore

/// Adverse events after treatment (POLICY §6): graded by CTCAE, with suspected causes and the equipment they may be
/// traced to. An open event holds back the next session on that area until the clinic closes it.
public struct AdverseEventStore: Sendable {
    let scope: OrganizationScope

    /// Reports an event for the patient, optionally linked to the session it followed (which must be the patient's).
    public func report(patientID: UUID, sessionID: UUID?, type: AdverseEventType, onset: LocalDate, grade: CTCAEGrade,
                       suspectedCauses: [SuspectedCause], links: AdverseEventLinks = AdverseEventLinks(), notes: String?,
                       _ ctx: AccessContext) async throws -> AdverseEvent {
        let actorID = try scope.requireActor(ctx)
        return try await scope.db.write { database -> Scoped<AdverseEvent> in
            guard try await self.scope.patient(patientID, on: database) != nil else {
                return try await self.scope.deny(ctx, patientID: patientID, action: "create", resource: "adverse-event",
                                                 missing: "patient", on: database)
            }
            if let sessionID {
                // The session must be one of this patient's, in this organization.
                guard let s = try await TreatmentSessionModel.query(on: database).filter(\.$id == sessionID)
                        .filter(\.$organizationID == self.scope.organizationID).first(),
                      try await CourseModel.query(on: database).filter(\.$id == s.courseID)
                        .filter(\.$organizationID == self.scope.organizationID).filter(\.$patientID == patientID).first() != nil else {
                    return .missing("session")
                }
            }
            let m = AdverseEventModel()
            m.id = UUID()
            m.organizationID = self.scope.organizationID
            m.patientID = patientID
            m.sessionID = sessionID
            m.type = type.rawValue
            m.onset = onset.description
            m.grade = grade.rawValue
            m.suspectedCausesJSON = StoredJSON.text(StoredJSON.rawValues(suspectedCauses))
            m.linksJSON = StoredJSON.text(Self.links(links))
            m.notes = notes.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
            m.status = AdverseEventStatus.open.rawValue
            m.recordedBy = actorID
            m.createdAt = ctx.now
            try await m.create(on: database)
            if let sessionID, let session = try await TreatmentSessionModel.find(sessionID, on: database) {
                try await CourseOutcomeSummary.refresh(courseID: session.courseID, organizationID: self.scope.organizationID, on: database)
            }
            try await self.scope.audit(ctx, patientID: patientID, action: "create", resource: "adverse-event", outcome: .allowed, on: database)
            return .found(try AdverseEvent(m))
        }.get()
    }

    /// Closes an open event once it has resolved; closing twice is refused.
    public func close(eventID: UUID, _ ctx: AccessContext) async throws -> AdverseEvent {
        try await scope.db.write { database -> Scoped<AdverseEvent> in
            try await lockRow(AdverseEventModel.schema, id: eventID, on: database)
            guard let m = try await self.base(database).filter(\.$id == eventID).first() else {
                return try await self.scope.deny(ctx, patientID: nil, action: "close", resource: "adverse-event", missing: "adverse event", on: database)
            }
            guard m.status == AdverseEventStatus.open.rawValue else { throw StoreError.conflict("adverse event is already closed") }
            m.status = AdverseEventStatus.closed.rawValue
            m.closedAt = ctx.now
            try await m.update(on: database)
            try await self.scope.audit(ctx, patientID: m.patientID, action: "close", resource: "adverse-event", outcome: .allowed, on: database)
            return .found(try AdverseEvent(m))
        }.get()
    }

    /// One event by id, nil when there is none in this organization (audited as a read of its patient's record).
    public func get(eventID: UUID, _ ctx: AccessContext) async throws -> AdverseEvent? {
        try await scope.db.write { database -> AdverseEvent? in
            guard let m = try await self.base(database).filter(\.$id == eventID).first() else {
                try await self.scope.audit(ctx, patientID: nil, action: "read", resource: "adverse-event", outcome: .denied, on: database)
                return nil
            }
            try await self.scope.audit(ctx, patientID: m.patientID, action: "read", resource: "adverse-event", outcome: .allowed, on: database)
            return try AdverseEvent(m)
        }
    }

    /// Adds a review to an open event; a closed event takes no more entries.
    public func addFollowUp(eventID: UUID, notedOn: LocalDate, grade: CTCAEGrade?, text: String,
                            _ ctx: AccessContext) async throws -> AdverseEventFollowUp {
        let actorID = try scope.requireActor(ctx)
        let body = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !body.isEmpty else { throw StoreError.conflict("a follow-up needs text") }
        return try await scope.db.write { database -> Scoped<AdverseEventFollowUp> in
            try await lockRow(AdverseEventModel.schema, id: eventID, on: database)
            guard let event = try await self.base(database).filter(\.$id == eventID).first() else {
                return try await self.scope.deny(ctx, patientID: nil, action: "create", resource: "adverse-event.follow-up",
                                                 missing: "adverse event", on: database)
            }
            guard event.status == AdverseEventStatus.open.rawValue else { throw StoreError.conflict("adverse event is already closed") }
            let m = AdverseEventFollowUpModel()
            m.id = UUID()
            m.organizationID = self.scope.organizationID
            m.eventID = eventID
            m.notedOn = notedOn.description
            m.grade = grade?.rawValue
            m.text = body
            m.recordedBy = actorID
            m.createdAt = ctx.now
            try await m.create(on: database)
            try await self.scope.audit(ctx, patientID: event.patientID, action: "create", resource: "adverse-event.follow-up",
                                       outcome: .allowed, on: database)
            return .found(try AdverseEventFollowUp(m))
        }.get()
    }

    /// An event's reviews, oldest first.
    public func followUps(eventID: UUID, _ ctx: AccessContext) async throws -> [AdverseEventFollowUp] {
        try await scope.db.write { database -> Scoped<[AdverseEventFollowUp]> in
            guard let event = try await self.base(database).filter(\.$id == eventID).first() else {
                return try await self.scope.deny(ctx, patientID: nil, action: "list", resource: "adverse-event.follow-up",
                                                 missing: "adverse event", on: database)
            }
            let all = try await AdverseEventFollowUpModel.query(on: database).filter(\.$eventID == eventID)
                .filter(\.$organizationID == self.scope.organizationID).sort(\.$notedOn).sort(\.$createdAt).all()
            try await self.scope.audit(ctx, patientID: event.patientID, action: "list", resource: "adverse-event.follow-up",
                                       outcome: .allowed, on: database)
            return .found(try all.map(AdverseEventFollowUp.init))
        }.get()
    }

    /// The patient's events, most recent onset first.
    public func list(patientID: UUID, _ ctx: AccessContext) async throws -> [AdverseEvent] {
        try await scope.db.write { database -> Scoped<[AdverseEvent]> in
            guard try await self.scope.patient(patientID, on: database) != nil else {
                return try await self.scope.deny(ctx, patientID: patientID, action: "list", resource: "adverse-event", missing: "patient", on: database)
            }
            let all = try await self.base(database).filter(\.$patientID == patientID).sort(\.$onset, .descending).sort(\.$createdAt, .descending).all()
            try await self.scope.audit(ctx, patientID: patientID, action: "list", resource: "adverse-event", outcome: .allowed, on: database)
            return .found(try all.map(AdverseEvent.init))
        }.get()
    }

    /// Every open event of the organization, oldest onset first, for the clinic's Today page. Each patient shown is
    /// an access to that patient's record and is audited once.
    public func openEvents(_ ctx: AccessContext) async throws -> [AdverseEvent] {
        try await scope.db.write { database -> [AdverseEvent] in
            let all = try await self.base(database).filter(\.$status == AdverseEventStatus.open.rawValue)
                .sort(\.$onset).sort(\.$createdAt).all()
            var seen = Set<UUID>()
            for m in all where seen.insert(m.patientID).inserted {
                try await self.scope.audit(ctx, patientID: m.patientID, action: "list", resource: "adverse-event", outcome: .allowed, on: database)
            }
            return try all.map(AdverseEvent.init)
        }
    }

    private func base(_ database: any Database) -> QueryBuilder<AdverseEventModel> {
        AdverseEventModel.query(on: database).filter(\.$organizationID == scope.organizationID)
    }

    static func links(_ l: AdverseEventLinks) -> JSONValue {
        let pairs: [(String, String?)] = [("devicePart", l.devicePart), ("lot", l.lot), ("pack", l.pack), ("topical", l.topical)]
        return .object(pairs.compactMap { key, value -> (String, JSONValue)? in value.map { (key, JSONValue.string($0)) } })
    }
}

extension AdverseEvent {
    init(_ m: AdverseEventModel) throws {
        let w = "adverse event"
        guard let type = AdverseEventType(rawValue: m.type), let onset = LocalDate(iso: m.onset),
              let grade = CTCAEGrade(rawValue: m.grade), let status = AdverseEventStatus(rawValue: m.status) else {
            throw StoredJSON.unreadable(w, "type, onset, grade or status")
        }
        let l = try StoredJSON.parse(m.linksJSON, "adverse event links")
        self.init(id: m.id!, patientID: m.patientID, sessionID: m.sessionID, type: type, onset: onset, grade: grade,
                  suspectedCauses: try StoredJSON.rawValues(from: StoredJSON.parse(m.suspectedCausesJSON, w), as: SuspectedCause.self, w),
                  links: AdverseEventLinks(devicePart: try StoredJSON.optionalString(l["devicePart"], w),
                                           lot: try StoredJSON.optionalString(l["lot"], w),
                                           pack: try StoredJSON.optionalString(l["pack"], w),
                                           topical: try StoredJSON.optionalString(l["topical"], w)),
                  notes: m.notes, status: status, recordedBy: m.recordedBy, createdAt: m.createdAt, closedAt: m.closedAt)
    }
}

extension AdverseEventFollowUp {
    init(_ m: AdverseEventFollowUpModel) throws {
        guard let notedOn = LocalDate(iso: m.notedOn) else { throw StoredJSON.unreadable("adverse event follow-up", "noted_on") }
        var grade: CTCAEGrade?
        if let g = m.grade {
            guard let parsed = CTCAEGrade(rawValue: g) else { throw StoredJSON.unreadable("adverse event follow-up", "grade") }
            grade = parsed
        }
        self.init(id: m.id!, eventID: m.eventID, notedOn: notedOn, grade: grade, text: m.text, recordedBy: m.recordedBy, createdAt: m.createdAt)
    }
}
