import FluentKit
import Foundation
import StratumCore

/// An open adverse event as the clinic's Today lists it: the event and whose it is.
public struct OpenAdverseEvent: Sendable, Equatable {
    public let event: AdverseEvent
    public let patientName: String
}

/// Adverse events after treatment (POLICY §6): graded by CTCAE, with suspected causes and the equipment they may be
/// traced to. An open event holds back the next session on that area until the clinic closes it.
public struct AdverseEventStore: Sendable {
    let scope: OrganizationScope

    /// Reports an event for the patient, optionally linked to the session it followed (which must be the patient's).
    /// `zones` are the zones it affects: none given means every zone of the linked session; named zones must be
    /// among the session's (`invalid(field: "zones")`). The event belongs to its session's clinic, or to the patient's.
    public func report(
        patientID: UUID, sessionID: UUID?, type: AdverseEventType, onset: LocalDate, grade: CTCAEGrade,
        suspectedCauses: [SuspectedCause], links: AdverseEventLinks = AdverseEventLinks(), notes: String?,
        zones: [Zone] = [], _ ctx: AccessContext
    ) async throws -> AdverseEvent {
        let actorID = try scope.requireActor(ctx)
        try Self.refuseLongText(links: links, notes: notes)
        return try await scope.db.write { database -> Scoped<AdverseEvent> in
            try await self.insert(
                patientID: patientID, sessionID: sessionID, type: type, onset: onset, grade: grade, suspectedCauses: suspectedCauses,
                links: links, notes: notes, zones: zones, actorID: actorID, ctx, on: database)
        }.get()
    }

    /// The report's checks and writes inside the caller's transaction: `report`, and a practitioner confirming a
    /// patient's check-in draft (`CheckInFlagStore.confirm`), record an event through the same rules and audit row.
    func insert(
        patientID: UUID, sessionID: UUID?, type: AdverseEventType, onset: LocalDate, grade: CTCAEGrade,
        suspectedCauses: [SuspectedCause], links: AdverseEventLinks, notes: String?, zones: [Zone], actorID: UUID,
        _ ctx: AccessContext, on database: any Database
    ) async throws -> Scoped<AdverseEvent> {
        guard let patient = try await self.scope.patient(patientID, on: database) else {
            return try await self.scope.deny(
                ctx, patientID: patientID, action: .create, resource: "adverse-event",
                missing: "patient", on: database)
        }
        var clinicID = patient.clinicID
        var affected = zones
        if let sessionID {
            // The session must be one of this patient's, in this organization.
            guard
                let s = try await TreatmentSessionRow.query(on: database).filter(\.$id == sessionID)
                    .filter(\.$organizationID == self.scope.organizationID).first(),
                try await CourseRow.query(on: database).filter(\.$id == s.courseID)
                    .filter(\.$organizationID == self.scope.organizationID).filter(\.$patientID == patientID).first() != nil
            else {
                return .missing("session")
            }
            clinicID = s.clinicID
            affected = try await Self.affectedZones(zones, ofSession: sessionID, organizationID: self.scope.organizationID, on: database)
        }
        try await self.scope.refuseFuture(onset, field: "onset", clinicID: clinicID, ctx, on: database)
        let m = AdverseEventRow()
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
        m.clinicID = clinicID
        m.zonesJSON = StoredJSON.text(StoredJSON.zones(affected))
        try await m.create(on: database)
        if let sessionID, let session = try await TreatmentSessionRow.find(sessionID, on: database) {
            try await CourseOutcomeSummary.refresh(courseID: session.courseID, organizationID: self.scope.organizationID, on: database)
        }
        try await self.scope.audit(ctx, patientID: patientID, action: .create, resource: "adverse-event", outcome: .allowed, on: database)
        return .found(try await self.scope.attributed(try AdverseEvent(m), on: database))
    }

    /// Closes an open event once it has resolved; closing twice is refused.
    public func close(eventID: UUID, _ ctx: AccessContext) async throws -> AdverseEvent {
        try await scope.db.write { database -> Scoped<AdverseEvent> in
            try await lockRow(AdverseEventRow.schema, id: eventID, on: database)
            guard let m = try await self.base(database).filter(\.$id == eventID).first() else {
                return try await self.scope.deny(
                    ctx, patientID: nil, action: .close, resource: "adverse-event", missing: "adverse event", on: database)
            }
            guard m.status == AdverseEventStatus.open.rawValue else { throw StoreError.conflict("adverse event is already closed") }
            m.status = AdverseEventStatus.closed.rawValue
            m.closedAt = ctx.now
            m.closedBy = ctx.actorID
            try await m.update(on: database)
            try await self.scope.audit(ctx, patientID: m.patientID, action: .close, resource: "adverse-event", outcome: .allowed, on: database)
            return .found(try await self.scope.attributed(try AdverseEvent(m), on: database))
        }.get()
    }

    /// One event by id, nil when there is none in this organization (audited as a read of its patient's record).
    public func get(eventID: UUID, _ ctx: AccessContext) async throws -> AdverseEvent? {
        try await scope.db.write { database -> AdverseEvent? in
            guard let m = try await self.base(database).filter(\.$id == eventID).first() else {
                try await self.scope.audit(ctx, patientID: nil, action: .read, resource: "adverse-event", outcome: .denied, on: database)
                return nil
            }
            try await self.scope.audit(ctx, patientID: m.patientID, action: .read, resource: "adverse-event", outcome: .allowed, on: database)
            return try await self.scope.attributed(try AdverseEvent(m), on: database)
        }
    }

    /// Adds a review to an open event; a closed event takes no more entries.
    /// The report's texts, by the limits every door applies.
    static func refuseLongText(links: AdverseEventLinks, notes: String?) throws {
        let identifiers = [("devicePart", links.devicePart), ("lot", links.lot), ("pack", links.pack)]
        for (field, value) in identifiers {
            if let value, let problem = RecordInputRules.textProblem(value, max: RecordInputRules.adverseEventIdentifierMaxLength) {
                throw StoreError.invalid(field: field, problem: problem.description)
            }
        }
        if let topical = links.topical, let problem = RecordInputRules.textProblem(topical, max: RecordInputRules.adverseEventTopicalMaxLength) {
            throw StoreError.invalid(field: "topical", problem: problem.description)
        }
        if let notes, let problem = RecordInputRules.textProblem(notes, max: RecordInputRules.adverseEventNotesMaxLength) {
            throw StoreError.invalid(field: "notes", problem: problem.description)
        }
    }

    public func addFollowUp(
        eventID: UUID, notedOn: LocalDate, grade: CTCAEGrade?, text: String,
        _ ctx: AccessContext
    ) async throws -> AdverseEventFollowUp {
        let actorID = try scope.requireActor(ctx)
        let body = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !body.isEmpty else { throw StoreError.conflict("a follow-up needs text") }
        if let problem = RecordInputRules.textProblem(body, max: RecordInputRules.adverseEventNotesMaxLength) {
            throw StoreError.invalid(field: "text", problem: problem.description)
        }
        return try await scope.db.write { database -> Scoped<AdverseEventFollowUp> in
            try await lockRow(AdverseEventRow.schema, id: eventID, on: database)
            guard let event = try await self.base(database).filter(\.$id == eventID).first() else {
                return try await self.scope.deny(
                    ctx, patientID: nil, action: .create, resource: "adverse-event.follow-up",
                    missing: "adverse event", on: database)
            }
            guard event.status == AdverseEventStatus.open.rawValue else { throw StoreError.conflict("adverse event is already closed") }
            try await self.scope.refuseFuture(notedOn, field: "notedOn", clinicID: event.clinicID ?? ctx.clinicID, ctx, on: database)
            let m = AdverseEventFollowUpRow()
            m.id = UUID()
            m.organizationID = self.scope.organizationID
            m.eventID = eventID
            m.notedOn = notedOn.description
            m.grade = grade?.rawValue
            m.text = body
            m.recordedBy = actorID
            m.createdAt = ctx.now
            try await m.create(on: database)
            try await self.scope.audit(
                ctx, patientID: event.patientID, action: .create, resource: "adverse-event.follow-up",
                outcome: .allowed, on: database)
            return .found(try await self.scope.attributed(try AdverseEventFollowUp(m), on: database))
        }.get()
    }

    /// An event's reviews, oldest first.
    public func followUps(eventID: UUID, _ ctx: AccessContext) async throws -> [AdverseEventFollowUp] {
        try await scope.db.write { database -> Scoped<[AdverseEventFollowUp]> in
            guard let event = try await self.base(database).filter(\.$id == eventID).first() else {
                return try await self.scope.deny(
                    ctx, patientID: nil, action: .list, resource: "adverse-event.follow-up",
                    missing: "adverse event", on: database)
            }
            let all = try await AdverseEventFollowUpRow.query(on: database).filter(\.$eventID == eventID)
                .filter(\.$organizationID == self.scope.organizationID).sort(\.$notedOn).sort(\.$createdAt).all()
            try await self.scope.audit(
                ctx, patientID: event.patientID, action: .list, resource: "adverse-event.follow-up",
                outcome: .allowed, on: database)
            return .found(try await self.scope.attributed(try all.map(AdverseEventFollowUp.init), on: database))
        }.get()
    }

    /// The patient's events, most recent onset first.
    public func list(patientID: UUID, _ ctx: AccessContext) async throws -> [AdverseEvent] {
        try await scope.db.write { database -> Scoped<[AdverseEvent]> in
            guard try await self.scope.patient(patientID, on: database) != nil else {
                return try await self.scope.deny(
                    ctx, patientID: patientID, action: .list, resource: "adverse-event", missing: "patient", on: database)
            }
            let all = try await self.base(database).filter(\.$patientID == patientID).sort(\.$onset, .descending).sort(\.$createdAt, .descending)
                .all()
            try await self.scope.audit(ctx, patientID: patientID, action: .list, resource: "adverse-event", outcome: .allowed, on: database)
            return .found(try await self.scope.attributed(try all.map(AdverseEvent.init), on: database))
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
                try await self.scope.audit(ctx, patientID: m.patientID, action: .list, resource: "adverse-event", outcome: .allowed, on: database)
            }
            return try all.map(AdverseEvent.init)
        }
    }

    /// The open events of one clinic for its Today page, oldest onset first, each with its patient's name: an event
    /// belongs to its clinic (the session's, or the patient's when it follows none), so one clinic's Today never
    /// lists another's patients. Each patient shown is audited once.
    public func openEvents(clinicID: UUID, _ ctx: AccessContext) async throws -> [OpenAdverseEvent] {
        try await scope.db.write { database -> [OpenAdverseEvent] in
            let all = try await self.base(database).filter(\.$status == AdverseEventStatus.open.rawValue)
                .filter(\.$clinicID == clinicID).sort(\.$onset).sort(\.$createdAt).all()
            guard !all.isEmpty else { return [] }
            let patients = Dictionary(
                uniqueKeysWithValues: try await PatientRow.query(on: database)
                    .filter(\.$organizationID == self.scope.organizationID).filter(\.$id ~~ Array(Set(all.map(\.patientID)))).all()
                    .map { ($0.id!, "\($0.givenName) \($0.familyName)") })
            var seen = Set<UUID>()
            for m in all where seen.insert(m.patientID).inserted {
                try await self.scope.audit(ctx, patientID: m.patientID, action: .list, resource: "adverse-event", outcome: .allowed, on: database)
            }
            let events = try await self.scope.attributed(try all.map(AdverseEvent.init), on: database)
            return events.map { OpenAdverseEvent(event: $0, patientName: patients[$0.patientID] ?? "") }
        }
    }

    /// The zones an event on the session affects: the named ones, each among the session's zones, or all of them.
    static func affectedZones(
        _ named: [Zone], ofSession sessionID: UUID, organizationID: UUID,
        on database: any Database
    ) async throws -> [Zone] {
        let treated = try await ZoneTreatmentRow.query(on: database).filter(\.$sessionID == sessionID)
            .filter(\.$organizationID == organizationID).all().map { try SessionStore.zone($0.site, $0.side) }
        guard !named.isEmpty else { return treated.sorted { $0.description < $1.description } }
        for z in named where !treated.contains(where: { $0.overlaps(z) }) {
            throw StoreError.invalid(
                field: "zones",
                problem: "\(z) was not treated in the linked session (treated: \(treated.map(\.description).sorted().joined(separator: ", ")))")
        }
        guard Set(named).count == named.count else { throw StoreError.invalid(field: "zones", problem: "a zone is named twice") }
        return named
    }

    private func base(_ database: any Database) -> QueryBuilder<AdverseEventRow> {
        AdverseEventRow.query(on: database).filter(\.$organizationID == scope.organizationID)
    }

    static func links(_ l: AdverseEventLinks) -> JSONValue {
        let pairs: [(String, String?)] = [("devicePart", l.devicePart), ("lot", l.lot), ("pack", l.pack), ("topical", l.topical)]
        return .object(pairs.compactMap { key, value -> (String, JSONValue)? in value.map { (key, JSONValue.string($0)) } })
    }
}

extension AdverseEvent {
    init(_ m: AdverseEventRow) throws {
        let w = "adverse event"
        guard let type = AdverseEventType(rawValue: m.type), let onset = LocalDate(iso: m.onset),
            let grade = CTCAEGrade(rawValue: m.grade), let status = AdverseEventStatus(rawValue: m.status)
        else {
            throw StoredJSON.unreadable(w, "type, onset, grade or status")
        }
        let l = try StoredJSON.parse(m.linksJSON, "adverse event links")
        self.init(
            id: m.id!, patientID: m.patientID, sessionID: m.sessionID, type: type, onset: onset, grade: grade,
            suspectedCauses: try StoredJSON.rawValues(from: StoredJSON.parse(m.suspectedCausesJSON, w), as: SuspectedCause.self, w),
            links: AdverseEventLinks(
                devicePart: try StoredJSON.optionalString(l["devicePart"], w),
                lot: try StoredJSON.optionalString(l["lot"], w),
                pack: try StoredJSON.optionalString(l["pack"], w),
                topical: try StoredJSON.optionalString(l["topical"], w)),
            notes: m.notes, status: status, recordedBy: m.recordedBy, createdAt: m.createdAt, closedAt: m.closedAt,
            clinicID: try m.clinicID ?? { throw StoredJSON.unreadable(w, "clinic_id") }(),
            zones: try m.zonesJSON.map { try StoredJSON.zones(from: StoredJSON.parse($0, "adverse event zones"), "adverse event zones") } ?? [],
            closedBy: m.closedBy)
    }
}

extension AdverseEventFollowUp {
    init(_ m: AdverseEventFollowUpRow) throws {
        guard let notedOn = LocalDate(iso: m.notedOn) else { throw StoredJSON.unreadable("adverse event follow-up", "noted_on") }
        var grade: CTCAEGrade?
        if let g = m.grade {
            guard let parsed = CTCAEGrade(rawValue: g) else { throw StoredJSON.unreadable("adverse event follow-up", "grade") }
            grade = parsed
        }
        self.init(id: m.id!, eventID: m.eventID, notedOn: notedOn, grade: grade, text: m.text, recordedBy: m.recordedBy, createdAt: m.createdAt)
    }
}
