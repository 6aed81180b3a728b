import FluentKit
import Foundation
import StratumCore

/// Treatment sessions, zone by zone, with the guardrail result they were recorded under and the practitioner's
/// acknowledgements. A signed session is locked: it is corrected only by addenda, never rewritten.
public struct SessionStore: Sendable {
    let scope: OrganizationScope

    /// Records a session of an active course, its zones and acknowledgements in one transaction. Refused
    /// (`conflict`) when the check said do-not-treat (a `stop` cannot be overridden, POLICY), when a `caution`
    /// finding has no acknowledgement with a reason, or when an acknowledgement names no caution finding.
    public func record(courseID: UUID, clinicID: UUID, _ draft: SessionDraft, _ ctx: AccessContext) async throws -> TreatmentSession {
        let actorID = try scope.requireActor(ctx)
        try Self.validate(draft)
        return try await scope.db.write { database -> Scoped<TreatmentSession> in
            try await lockRow(CourseRow.schema, id: courseID, on: database)
            guard let course = try await self.courses(database).filter(\.$id == courseID).first() else {
                return try await self.scope.deny(ctx, patientID: nil, action: .create, resource: "session", missing: "course", on: database)
            }
            guard course.status == CourseStatus.active.rawValue else {
                throw StoreError.state(.courseNotActive(status: course.status))
            }
            guard try await self.scope.hasClinic(clinicID, on: database) else { return .missing("clinic") }
            try await self.scope.refuseFuture(draft.date, field: "date", clinicID: clinicID, ctx, on: database)
            guard try await self.scope.hasMember(draft.practitionerID, on: database) else { return .missing("practitioner") }
            try await self.scope.requireTreatingPractitioner(draft, clinicID: clinicID, on: database)
            return .found(try await self.insert(draft, course: course, clinicID: clinicID, actorID: actorID, ctx, on: database))
        }.get()
    }

    /// Replaces an unsigned session's record (zones, facts, result, acknowledgements). A signed session is refused
    /// with `conflict("session is signed")`: add an addendum instead.
    public func update(sessionID: UUID, _ draft: SessionDraft, _ ctx: AccessContext) async throws -> TreatmentSession {
        let actorID = try scope.requireActor(ctx)
        try Self.validate(draft)
        return try await scope.db.write { database -> Scoped<TreatmentSession> in
            guard case let (m, course)? = try await self.locked(sessionID, on: database) else {
                return try await self.scope.deny(ctx, patientID: nil, action: .update, resource: "session", missing: "session", on: database)
            }
            guard m.signedAt == nil else { throw StoreError.state(.sessionSigned) }
            try await self.markWriting(m, date: draft.date, ctx, on: database)
            guard try await self.scope.hasMember(draft.practitionerID, on: database) else { return .missing("practitioner") }
            try await self.scope.requireTreatingPractitioner(draft, clinicID: m.clinicID, on: database)
            try await self.scope.unbind(sessionID: sessionID, at: ctx.now, on: database)
            let equipment = try await self.checkedEquipment(draft, clinicID: m.clinicID, excluding: sessionID, on: database)
            Self.apply(draft, equipment, to: m)
            try await m.update(on: database)
            try await self.scope.bind(
                equipment, sessionID: sessionID, patientID: course.patientID, clinicID: m.clinicID, date: draft.date,
                at: ctx.now, on: database)
            try await ZoneTreatmentRow.query(on: database).filter(\.$sessionID == sessionID).delete()
            try await FindingAcknowledgementRow.query(on: database).filter(\.$sessionID == sessionID).delete()
            try await self.insertDetails(draft, sessionID: sessionID, actorID: actorID, at: ctx.now, on: database)
            try await self.scope.audit(ctx, patientID: course.patientID, action: .update, resource: "session", outcome: .allowed, on: database)
            return .found(try await self.load(m, patientID: course.patientID, on: database))
        }.get()
    }

    /// Signs and thereby locks the session: from now on the record stands as documented, corrections go to addenda.
    /// `by` is the signing practitioner, who must belong to this organization. Signing twice is refused.
    public func sign(sessionID: UUID, by signerID: UUID, _ ctx: AccessContext) async throws -> TreatmentSession {
        try await scope.db.write { database -> Scoped<TreatmentSession> in
            guard case let (m, course)? = try await self.locked(sessionID, on: database) else {
                return try await self.scope.deny(ctx, patientID: nil, action: .sign, resource: "session", missing: "session", on: database)
            }
            guard m.signedAt == nil else { throw StoreError.state(.sessionSigned) }
            guard try await self.scope.hasMember(signerID, on: database) else { return .missing("practitioner") }
            m.signedAt = ctx.now
            m.signedBy = signerID
            try await m.update(on: database)
            try await self.scope.audit(ctx, patientID: course.patientID, action: .sign, resource: "session", outcome: .allowed, on: database)
            return .found(try await self.load(m, patientID: course.patientID, on: database))
        }.get()
    }

    /// Appends a correction or later note to a signed session. Before signing the session itself is edited, so an
    /// addendum is refused (`conflict("session is not signed")`).
    public func addAddendum(sessionID: UUID, text: String, _ ctx: AccessContext) async throws -> TreatmentSession {
        let actorID = try scope.requireActor(ctx)
        let body = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !body.isEmpty else { throw StoreError.conflict("an addendum needs text") }
        if let problem = RecordInputRules.textProblem(body, max: RecordInputRules.addendumMaxLength) {
            throw StoreError.invalid(field: "text", problem: problem.description)
        }
        return try await scope.db.write { database -> Scoped<TreatmentSession> in
            guard case let (m, course)? = try await self.locked(sessionID, on: database) else {
                return try await self.scope.deny(ctx, patientID: nil, action: .create, resource: "session.addendum", missing: "session", on: database)
            }
            guard m.signedAt != nil else { throw StoreError.state(.sessionNotSigned) }
            let a = SessionAddendumRow()
            a.id = UUID()
            a.organizationID = self.scope.organizationID
            a.sessionID = sessionID
            a.text = body
            a.authorID = actorID
            a.createdAt = ctx.now
            try await a.create(on: database)
            try await self.scope.audit(
                ctx, patientID: course.patientID, action: .create, resource: "session.addendum", outcome: .allowed, on: database)
            return .found(try await self.load(m, patientID: course.patientID, on: database))
        }.get()
    }

    /// The session with zones, findings, acknowledgements and addenda, or nil when there is none in this organization.
    public func get(sessionID: UUID, _ ctx: AccessContext) async throws -> TreatmentSession? {
        try await scope.db.write { database -> TreatmentSession? in
            guard let m = try await self.sessions(database).filter(\.$id == sessionID).first(),
                let course = try await self.courses(database).filter(\.$id == m.courseID).first()
            else {
                try await self.scope.audit(ctx, patientID: nil, action: .read, resource: "session", outcome: .denied, on: database)
                return nil
            }
            try await self.scope.audit(ctx, patientID: course.patientID, action: .read, resource: "session", outcome: .allowed, on: database)
            return try await self.load(m, patientID: course.patientID, on: database)
        }
    }

    /// The course's sessions in date order.
    public func list(courseID: UUID, _ ctx: AccessContext) async throws -> [TreatmentSession] {
        try await scope.db.write { database -> Scoped<[TreatmentSession]> in
            guard let course = try await self.courses(database).filter(\.$id == courseID).first() else {
                return try await self.scope.deny(ctx, patientID: nil, action: .list, resource: "session", missing: "course", on: database)
            }
            let all = try await self.sessions(database).filter(\.$courseID == courseID).sort(\.$date).sort(\.$createdAt).all()
            let out = try await self.scope.attributed(try await self.loadAll(all, patientID: course.patientID, on: database), on: database)
            try await self.scope.audit(ctx, patientID: course.patientID, action: .list, resource: "session", outcome: .allowed, on: database)
            return .found(out)
        }.get()
    }

    /// The earlier sessions `SessionCheck` compares a proposed session with (interval, depth step, unresolved
    /// reaction rules). They are the sessions of every course of the course's patient, not only this course, because
    /// skin healing does not know course boundaries; dated on or before `date` (a second session the same day is what
    /// `INT-MIN` is for), less `excluding` (the session being re-checked). `openAdverseEvent` is true when an open event
    /// is linked to the session, or is unlinked and began on or after it and before the patient's next session;
    /// `openAdverseEventZones` are the zones such events name (all the session's zones for one that names none).
    /// `reactionsResolvedWithinDays` is not recorded yet and is nil.
    public func previousSessions(
        courseID: UUID, before date: LocalDate, excluding: UUID? = nil,
        _ ctx: AccessContext
    ) async throws -> [PriorSession] {
        try await scope.db.write { database -> Scoped<[PriorSession]> in
            guard let course = try await self.courses(database).filter(\.$id == courseID).first() else {
                return try await self.scope.deny(ctx, patientID: nil, action: .read, resource: "session.history", missing: "course", on: database)
            }
            let out = try await self.priorSessions(of: course, before: date, excluding: excluding, on: database)
            try await self.scope.audit(ctx, patientID: course.patientID, action: .read, resource: "session.history", outcome: .allowed, on: database)
            return .found(out)
        }.get()
    }

    /// The facts a session on `date` would be judged on, read as one snapshot and audited as one read of the
    /// patient's record: what the session form's live re-check shows. `excluding` leaves out a session being
    /// re-checked. Nil when the course is not in this organization.
    public func facts(
        courseID: UUID, on date: LocalDate, excluding: UUID? = nil, equipment: EquipmentReference = EquipmentReference(),
        _ ctx: AccessContext
    ) async throws -> SessionFacts? {
        let found = try await scope.db.snapshot { database -> SessionFacts? in
            guard let course = try await self.courses(database).filter(\.$id == courseID).first() else { return nil }
            let policy = try await self.scope.policy(clinicID: ctx.clinicID ?? course.clinicID, on: database)
            return try await self.facts(
                of: course, judgedBy: policy, on: date, excluding: excluding, equipment: equipment, on: database)?.0
        }
        try await scope.db.write { database in
            try await self.scope.audit(
                ctx, patientID: found?.patient.id, action: .read, resource: "session.facts",
                outcome: found == nil ? .denied : .allowed, on: database)
        }
        return found
    }

    // MARK: Internals

    /// Writes a checked, validated draft with its details and audit row, inside the caller's transaction. `resolved`
    /// is the equipment the core already judged in this transaction (`record(courseID:clinicID:_:_:)`): its rules are
    /// not run a second time.
    /// `today` is the clinic's today when the caller already read it in this transaction.
    func insert(
        _ draft: SessionDraft, course: CourseRow, clinicID: UUID, actorID: UUID, resolved: ResolvedEquipment? = nil,
        today: LocalDate? = nil, _ ctx: AccessContext, on database: any Database
    ) async throws -> TreatmentSession {
        let m = TreatmentSessionRow()
        m.id = UUID()
        m.organizationID = scope.organizationID
        m.courseID = course.id!
        m.clinicID = clinicID
        m.createdAt = ctx.now
        try await markWriting(m, date: draft.date, today: today, ctx, on: database)
        let equipment: ResolvedEquipment
        if let resolved {
            equipment = resolved
        } else {
            equipment = try await checkedEquipment(draft, clinicID: clinicID, excluding: nil, on: database)
        }
        Self.apply(draft, equipment, to: m)
        try await m.create(on: database)
        try await scope.bind(
            equipment, sessionID: m.id!, patientID: course.patientID, clinicID: clinicID, date: draft.date,
            at: ctx.now, on: database)
        let (zones, acks) = try await insertDetails(draft, sessionID: m.id!, actorID: actorID, at: ctx.now, on: database)
        try await CourseOutcomeSummary.refresh(courseID: course.id!, organizationID: scope.organizationID, on: database)
        try await scope.audit(ctx, patientID: course.patientID, action: .create, resource: "session", outcome: .allowed, on: database)
        // The answer is what this transaction just wrote: reading it back would cost the writer a statement per table.
        let written = try Self.session(
            m, patientID: course.patientID, zones: zones, acknowledgements: acks, addenda: [],
            equipment: equipment.reference)
        return try await scope.attributed(written, on: database)
    }

    /// Refuses a day after the clinic's today (`invalid(field: "date")`) and marks a day before it as a late entry
    /// written now: stored, because the clinic's today at the time of writing cannot be recomputed later.
    private func markWriting(
        _ m: TreatmentSessionRow, date: LocalDate, today known: LocalDate? = nil, _ ctx: AccessContext,
        on database: any Database
    ) async throws {
        let today: LocalDate
        if let known { today = known } else { today = try await scope.clinicToday(m.clinicID, ctx, on: database) }
        if let problem = RecordDate.futureProblem(date, today: today) { throw StoreError.invalid(field: "date", problem: problem) }
        m.lateEntry = date < today
        m.writtenAt = ctx.now
    }

    /// The draft's equipment resolved in this transaction, for a draft the core did not judge on the record (an
    /// update, a fixture's draft); any `stop` of the sterility, fit or cluster rules refuses the write
    /// (`ClinicalRefusal`), so no session is stored without a sterile part or released pack.
    private func checkedEquipment(
        _ draft: SessionDraft, clinicID: UUID, excluding: UUID?, on database: any Database
    ) async throws -> ResolvedEquipment {
        let eq = try await scope.resolve(draft.equipment, on: draft.date, excluding: excluding, on: database)
        let policy = try await scope.policy(clinicID: clinicID, on: database)
        let findings =
            SterilityRules.findings(
                sterility: eq.sterility, handpiece: eq.handpieceFacts,
                device: eq.registered.judgedDevice(planned: draft.device), date: draft.date, policy: policy)
            + DeviceFitRules.findings(zones: draft.zones, equipment: eq.registered, policy: policy) + eq.clusterAlerts.map(\.finding)
        let stops = findings.filter { $0.severity == .stop }
        guard stops.isEmpty else { throw ClinicalRefusal(blocking: stops, findings: findings) }
        return eq
    }

    /// The facts a session is judged on, with the named equipment as resolved (for binding it without a second look-up).
    /// `policy` is the policy of the clinic where the session happens, which judges it.
    func facts(
        of course: CourseRow, judgedBy policy: ClinicalPolicy, on date: LocalDate, excluding: UUID?, equipment: EquipmentReference,
        on database: any Database
    ) async throws -> (SessionFacts, ResolvedEquipment)? {
        guard let patient = try await scope.patient(course.patientID, on: database) else { return nil }
        let screening = try await ScreeningRow.query(on: database).filter(\.$organizationID == scope.organizationID)
            .filter(\.$patientID == course.patientID).sort(\.$version, .descending).first().map(ScreeningRecord.init)
        let eq = try await scope.resolve(equipment, on: date, excluding: excluding, on: database)
        let consentInForce = try await ConsentStore.treatmentConsentInForce(
            patientID: course.patientID, on: date,
            organizationID: scope.organizationID, on: database)
        let facts = SessionFacts(
            course: try await CourseStore(scope: scope).load(course, on: database), patient: Patient(patient),
            screening: screening, consentSigned: consentInForce,
            previousSessions: try await priorSessions(of: course, before: date, excluding: excluding, on: database),
            sterility: eq.sterility, handpiece: eq.handpieceFacts, clusterAlerts: eq.clusterAlerts,
            registered: eq.registered, policy: policy)
        return (facts, eq)
    }

    /// The patient's sessions on or before `date` as the session rules read them (see `previousSessions`).
    private func priorSessions(
        of course: CourseRow, before date: LocalDate, excluding: UUID?,
        on database: any Database
    ) async throws -> [PriorSession] {
        let courseIDs = try await courses(database).filter(\.$patientID == course.patientID).all().compactMap(\.id)
        var all = try await sessions(database).filter(\.$courseID ~~ courseIDs)
            .filter(\.$date <= date.description).sort(\.$date).sort(\.$createdAt).all()
        if let excluding { all.removeAll { $0.id == excluding } }
        let ids = all.compactMap(\.id)
        var zoneRows: [ZoneTreatmentRow] = []
        if !ids.isEmpty {
            zoneRows = try await ZoneTreatmentRow.query(on: database).filter(\.$sessionID ~~ ids)
                .filter(\.$organizationID == scope.organizationID).all()
        }
        let openEvents = try await AdverseEventRow.query(on: database).filter(\.$organizationID == scope.organizationID)
            .filter(\.$patientID == course.patientID).filter(\.$status == AdverseEventStatus.open.rawValue).all()
        // Each open event holds the zones it names; one named without zones holds every zone of its session.
        var flagged: [UUID: [Zone]] = [:]
        for e in openEvents {
            var sessionID = e.sessionID
            if sessionID == nil, let onset = LocalDate(iso: e.onset), let s = all.last(where: { $0.date <= onset.description }) {
                sessionID = s.id
            }
            guard let sessionID else { continue }
            let named = try e.zonesJSON.map { try StoredJSON.zones(from: StoredJSON.parse($0, "adverse event zones"), "adverse event zones") } ?? []
            let zones = named.isEmpty ? try zoneRows.filter { $0.sessionID == sessionID }.map { try Self.zone($0.site, $0.side) } : named
            flagged[sessionID, default: []].append(contentsOf: zones)
        }
        return try all.map { s -> PriorSession in
            guard let d = LocalDate(iso: s.date) else { throw StoredJSON.unreadable("session date", s.date) }
            let zones = try zoneRows.filter { $0.sessionID == s.id }.map { try ZoneDepth(zone: Self.zone($0.site, $0.side), depthMM: $0.depthMM) }
            return PriorSession(
                date: d, zones: zones.sorted { ($0.zone.site.rawValue, $0.zone.side.rawValue) < ($1.zone.site.rawValue, $1.zone.side.rawValue) },
                reactionsResolvedWithinDays: nil, openAdverseEventZones: flagged[s.id!] ?? [])
        }
    }

    func courses(_ database: any Database) -> QueryBuilder<CourseRow> {
        CourseRow.query(on: database).filter(\.$organizationID == scope.organizationID)
    }

    private func sessions(_ database: any Database) -> QueryBuilder<TreatmentSessionRow> {
        TreatmentSessionRow.query(on: database).filter(\.$organizationID == scope.organizationID)
    }

    /// The session and its course, locked for a state change; nil when not in this organization.
    private func locked(_ id: UUID, on database: any Database) async throws -> (TreatmentSessionRow, CourseRow)? {
        try await lockRow(TreatmentSessionRow.schema, id: id, on: database)
        guard let m = try await sessions(database).filter(\.$id == id).first(),
            let course = try await courses(database).filter(\.$id == m.courseID).first()
        else { return nil }
        return (m, course)
    }

    /// The draft's own shape, then the core's gate on its result: any stop, or a caution no acknowledgement covers, is
    /// a `ClinicalRefusal`; a blank reason or an acknowledgement of something the check did not raise is `invalid`
    /// on that acknowledgement.
    static func validate(_ d: SessionDraft) throws {
        guard !d.zones.isEmpty else { throw StoreError.invalid(field: "zones", problem: "a session needs at least one treated zone") }
        guard Set(d.zones.map(\.zone)).count == d.zones.count else { throw StoreError.invalid(field: "zones", problem: "a zone is listed twice") }
        let acks = d.acknowledgements.map { Acknowledgement(rule: $0.rule, zone: $0.zone, reason: $0.reason) }
        try gate(d.result, acks)
    }

    /// `RecordingGate` on a check's result and the practitioner's acknowledgements, as the store refuses them.
    static func gate(_ result: CheckResult, _ acks: [Acknowledgement]) throws {
        for (i, a) in acks.enumerated() where a.reason.allSatisfy(\.isWhitespace) {
            throw StoreError.invalid(field: "acknowledgements[\(i)].reason", problem: "give the clinical reason for accepting \(a.rule.rawValue)")
        }
        let blocking = RecordingGate.blocking(result, acknowledgements: acks)
        guard blocking.isEmpty else { throw ClinicalRefusal(blocking: blocking, findings: result.findings) }
        if let i = acks.firstIndex(where: { !AcknowledgementGate.unmatched([$0], findings: result.findings).isEmpty }) {
            throw StoreError.invalid(
                field: "acknowledgements[\(i)].rule",
                problem: "the check raised no caution \(acks[i].rule.rawValue)\(acks[i].zone.map { " on \($0)" } ?? "") to acknowledge")
        }
    }

    static func apply(_ d: SessionDraft, _ eq: ResolvedEquipment, to m: TreatmentSessionRow) {
        m.practitionerID = d.practitionerID
        m.documentedBy = d.documentedBy ?? d.practitionerID
        m.date = d.date.description
        // The device the record keeps is what the registry says the named parts are, when it knows them.
        m.deviceJSON = StoredJSON.text(StoredJSON.device(eq.registered.judgedDevice(planned: d.device)))
        m.sterilityJSON = StoredJSON.text(StoredJSON.sterility(eq.sterility, handpiece: eq.handpieceFacts))
        m.topicalJSON = d.topical.map { StoredJSON.text(StoredJSON.topical($0)) }
        m.reactionsJSON = StoredJSON.text(StoredJSON.rawValues(d.reactions))
        m.decision = d.result.decision.rawValue
        m.findingsJSON = StoredJSON.text(StoredJSON.findings(d.result.findings))
        m.policyVersion = d.result.policyVersion
    }

    /// One multi-row INSERT per table, whatever the number of zones and acknowledgements.
    @discardableResult
    private func insertDetails(
        _ d: SessionDraft, sessionID: UUID, actorID: UUID, at now: Date,
        on database: any Database
    ) async throws -> ([ZoneTreatmentRow], [FindingAcknowledgementRow]) {
        let (zones, acks) = Self.detailRows(d, sessionID: sessionID, organizationID: scope.organizationID, by: actorID, at: now)
        if !zones.isEmpty { try await zones.create(on: database) }
        if !acks.isEmpty { try await acks.create(on: database) }
        return (zones, acks)
    }

    /// The zone and acknowledgement rows of a session as this door writes them (and the demo generator with it).
    static func detailRows(
        _ d: SessionDraft, sessionID: UUID, organizationID: UUID, by actorID: UUID,
        at now: Date
    ) -> ([ZoneTreatmentRow], [FindingAcknowledgementRow]) {
        let zones = d.zones.map { dose in
            let z = ZoneTreatmentRow()
            z.id = UUID()
            z.organizationID = organizationID
            z.sessionID = sessionID
            z.site = dose.zone.site.rawValue
            z.side = dose.zone.side.rawValue
            z.depthMM = dose.depthMM
            z.passes = dose.passes
            z.endPoint = d.endPoints[dose.zone]
            return z
        }
        let acks = d.acknowledgements.map { a in
            let k = FindingAcknowledgementRow()
            k.id = UUID()
            k.organizationID = organizationID
            k.sessionID = sessionID
            k.rule = a.rule.rawValue
            k.site = a.zone?.site.rawValue
            k.side = a.zone?.side.rawValue
            k.reason = a.reason.trimmingCharacters(in: .whitespacesAndNewlines)
            k.acknowledgedBy = actorID
            k.acknowledgedAt = now
            return k
        }
        return (zones, acks)
    }

    static func zone(_ site: String, _ side: String) throws -> Zone {
        guard let s = SiteID(rawValue: site), let d = Side(rawValue: side) else { throw StoredJSON.unreadable("zone", "\(site) \(side)") }
        return Zone(site: s, side: d)
    }

    /// `attributing: false` leaves the staff names to the caller, who resolves a whole list or chart in one look-up.
    func load(_ m: TreatmentSessionRow, patientID: UUID, attributing: Bool = true, on database: any Database) async throws -> TreatmentSession {
        let session = try await loadAll([m], patientID: patientID, on: database)[0]
        return attributing ? try await scope.attributed(session, on: database) : session
    }

    /// The sessions of one patient with their zones, acknowledgements, addenda and equipment: one query per child
    /// table for all of them, so a chart of many sessions costs no more round trips than one session. Staff names are
    /// left to the caller.
    func loadAll(_ rows: [TreatmentSessionRow], patientID: UUID, on database: any Database) async throws -> [TreatmentSession] {
        let ids = rows.compactMap(\.id)
        guard !ids.isEmpty else { return [] }
        let org = scope.organizationID
        let zonesOf = Dictionary(
            grouping: try await ZoneTreatmentRow.query(on: database).filter(\.$sessionID ~~ ids)
                .filter(\.$organizationID == org).all(), by: \.sessionID)
        let acksOf = Dictionary(
            grouping: try await FindingAcknowledgementRow.query(on: database).filter(\.$sessionID ~~ ids)
                .filter(\.$organizationID == org).all(), by: \.sessionID)
        let addendaOf = Dictionary(
            grouping: try await SessionAddendumRow.query(on: database).filter(\.$sessionID ~~ ids)
                .filter(\.$organizationID == org).sort(\.$createdAt).all(), by: \.sessionID)
        let equipment = try await scope.equipment(ofSessions: ids, on: database)
        return try rows.map { m in
            let id = m.id!
            return try Self.session(
                m, patientID: patientID, zones: zonesOf[id] ?? [], acknowledgements: acksOf[id] ?? [],
                addenda: addendaOf[id] ?? [], equipment: equipment[id])
        }
    }

    static func session(
        _ m: TreatmentSessionRow, patientID: UUID, zones: [ZoneTreatmentRow], acknowledgements acks: [FindingAcknowledgementRow],
        addenda: [SessionAddendumRow], equipment: EquipmentReference?
    ) throws -> TreatmentSession {
        let id = m.id!
        guard let date = LocalDate(iso: m.date) else { throw StoredJSON.unreadable("session date", m.date) }
        guard let decision = Decision(rawValue: m.decision) else { throw StoredJSON.unreadable("session decision", m.decision) }
        let (sterility, handpiece) = try StoredJSON.sterility(from: StoredJSON.parse(m.sterilityJSON, "sterility"))
        var session = TreatmentSession(
            id: id, courseID: m.courseID, patientID: patientID, clinicID: m.clinicID, practitionerID: m.practitionerID, date: date,
            zones: try zones.map {
                ZoneTreatment(zone: try Self.zone($0.site, $0.side), depthMM: $0.depthMM, passes: $0.passes, endPoint: $0.endPoint)
            }
            .sorted { ($0.zone.site.rawValue, $0.zone.side.rawValue) < ($1.zone.site.rawValue, $1.zone.side.rawValue) },
            device: try StoredJSON.device(from: StoredJSON.parse(m.deviceJSON, "device")),
            sterility: sterility, handpiece: handpiece, equipment: equipment,
            topical: try m.topicalJSON.map { try StoredJSON.topical(from: StoredJSON.parse($0, "topical")) },
            reactions: try StoredJSON.rawValues(from: StoredJSON.parse(m.reactionsJSON, "reactions"), as: ExpectedReaction.self, "reactions"),
            decision: decision,
            findings: try StoredJSON.findings(from: StoredJSON.parse(m.findingsJSON, "session findings"), "session findings"),
            policyVersion: m.policyVersion,
            acknowledgements: try acks.map { a in
                guard let rule = RuleID(rawValue: a.rule) else { throw StoredJSON.unreadable("acknowledgement", a.rule) }
                var zone: Zone?
                if let site = a.site, let side = a.side { zone = try Self.zone(site, side) }
                return FindingAcknowledgement(
                    rule: rule, zone: zone, reason: a.reason, acknowledgedBy: a.acknowledgedBy,
                    acknowledgedAt: a.acknowledgedAt)
            }.sorted { ($0.rule, $0.zone?.description ?? "") < ($1.rule, $1.zone?.description ?? "") },
            addenda: addenda.map { SessionAddendum(id: $0.id!, text: $0.text, authorID: $0.authorID, createdAt: $0.createdAt) },
            createdAt: m.createdAt, signedAt: m.signedAt, signedBy: m.signedBy, documentedBy: m.documentedBy ?? m.practitionerID)
        session.lateEntry = m.lateEntry
        session.writtenAt = m.writtenAt ?? m.createdAt
        return session
    }
}
