import FluentKit
import Foundation
import StratumCore

/// Where an appointment stands.
public enum AppointmentStatus: String, Sendable, CaseIterable, Codable {
    case booked
    case cancelled
    /// The patient did not come: the time has passed and the practitioner and room were freed.
    case noShow
}

/// A treatment room of a clinic: two appointments never share one at the same time.
public struct Room: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let clinicID: UUID
    public let name: String
    /// Set once the room is retired: it stays on the appointments it held and takes no new ones.
    public let retiredAt: Date?

    public init(id: UUID, clinicID: UUID, name: String, retiredAt: Date? = nil) {
        self.id = id
        self.clinicID = clinicID
        self.name = name
        self.retiredAt = retiredAt
    }
}

/// What a booking asks for: a planned visit of a course, on a day and time of the clinic, with a practitioner and
/// perhaps a room; reasons for the cautions the booking raises.
public struct AppointmentDraft: Sendable, Equatable {
    public var courseID: UUID
    public var visitNumber: Int
    public var date: LocalDate
    /// Minutes after midnight, in the clinic's time zone.
    public var startMinute: Int
    public var minutes: Int
    public var practitionerID: UUID
    public var roomID: UUID?
    public var acknowledgements: [AcknowledgementDraft]

    public init(
        courseID: UUID, visitNumber: Int, date: LocalDate, startMinute: Int, minutes: Int, practitionerID: UUID, roomID: UUID? = nil,
        acknowledgements: [AcknowledgementDraft] = []
    ) {
        self.courseID = courseID
        self.visitNumber = visitNumber
        self.date = date
        self.startMinute = startMinute
        self.minutes = minutes
        self.practitionerID = practitionerID
        self.roomID = roomID
        self.acknowledgements = acknowledgements
    }
}

/// A booked (or cancelled) appointment, with the zones and depths of the planned visit it books.
public struct Appointment: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let clinicID: UUID
    public let patientID: UUID
    public let courseID: UUID
    public let visitNumber: Int
    public let date: LocalDate
    public let startMinute: Int
    public let minutes: Int
    public let practitionerID: UUID
    public let roomID: UUID?
    public let startsAt: Date
    public let status: AppointmentStatus
    public let zones: [ZoneDepth]
    /// When the front desk checked the patient in, if it did.
    public let checkedInAt: Date?
}

/// One visit of a booking in one step was refused (nothing was booked): which visit, and the store's own refusal
/// (`ClinicalRefusal`, `StoreError.state(.doubleBooked)`, `StoreError.invalid`…).
public struct VisitBookingRefusal: Error, Sendable {
    public let visitNumber: Int
    public let error: any Error
}

extension OrganizationScope {
    /// The clinic's calendar: rooms and appointments booked from courses' planned visits.
    public var appointments: AppointmentStore { AppointmentStore(scope: self) }
}

/// The one door for booking: it reads the course's planned visit, its other appointments and the patient's recorded
/// sessions, asks the core (`BookingRules`, with the clinic's policy) and writes the appointment with the slots whose
/// unique index refuses a second booking of the practitioner or the room at the same time, in one transaction.
public struct AppointmentStore: Sendable {
    let scope: OrganizationScope

    /// Adds a treatment room to a clinic (the owner's setting).
    public func addRoom(clinicID: UUID, name: String, _ ctx: AccessContext) async throws -> Room {
        let label = try Self.roomName(name)
        return try await scope.db.write { database -> Room in
            guard try await self.scope.clinic(clinicID, on: database) != nil else { throw StoreError.notFound("clinic") }
            guard try await RoomRow.query(on: database).filter(\.$clinicID == clinicID).filter(\.$name == label).first() == nil else {
                throw StoreError.invalid(field: "name", problem: "the clinic already has a room of this name")
            }
            let m = RoomRow()
            m.id = UUID()
            m.organizationID = self.scope.organizationID
            m.clinicID = clinicID
            m.name = label
            m.createdAt = ctx.now
            try await m.create(on: database)
            try await self.scope.audit(ctx, patientID: nil, action: .create, resource: "room", outcome: .allowed, on: database)
            return Room(id: m.id!, clinicID: clinicID, name: label)
        }
    }

    /// Books a planned visit. Refused naming the field for a time off the grid or a visit, practitioner or room that
    /// is not the course's or the clinic's; `ClinicalRefusal` for an `INT-MIN` stop or an `INT-SHORT` caution without a
    /// reason; `RecordConflict.doubleBooked` when the practitioner or the room is taken at that time (by the database's
    /// own unique index, so two bookings racing each other cannot both land).
    public func book(_ d: AppointmentDraft, _ ctx: AccessContext) async throws -> Appointment {
        try await book([d], ctx)[0]
    }

    /// Books several visits (a course's plan in one step) all or nothing: each is judged against those booked before
    /// it in the same transaction, and one refusal books none.
    public func book(_ drafts: [AppointmentDraft], _ ctx: AccessContext) async throws -> [Appointment] {
        let actorID = try scope.requireActor(ctx)
        guard !drafts.isEmpty, drafts.count <= BookingRules.maxVisitsAtOnce else {
            throw StoreError.invalid(field: "visits", problem: "book 1 to \(BookingRules.maxVisitsAtOnce) visits at once")
        }
        for (i, d) in drafts.enumerated() {
            if let problem = BookingRules.timeProblem(startMinute: d.startMinute, minutes: d.minutes) {
                let field = d.startMinute % BookingRules.slotMinutes == 0 && (0..<1440).contains(d.startMinute) ? "minutes" : "startTime"
                throw StoreError.invalid(field: drafts.count == 1 ? field : "visits[\(i)].\(field)", problem: problem)
            }
        }
        do {
            return try await bookEach(drafts, by: actorID, ctx)
        } catch let refusal as VisitBookingRefusal {
            throw refusal.error
        }
    }

    /// Books a course's plan as `book` does, but says which visit a refusal concerns (`VisitBookingRefusal`), so a
    /// page shows the rule or the taken time on that visit's row.
    public func bookPlan(_ drafts: [AppointmentDraft], _ ctx: AccessContext) async throws -> [Appointment] {
        let actorID = try scope.requireActor(ctx)
        guard !drafts.isEmpty, drafts.count <= BookingRules.maxVisitsAtOnce else {
            throw StoreError.invalid(field: "visits", problem: "book 1 to \(BookingRules.maxVisitsAtOnce) visits at once")
        }
        for d in drafts {
            if let problem = BookingRules.timeProblem(startMinute: d.startMinute, minutes: d.minutes) {
                let field = d.startMinute % BookingRules.slotMinutes == 0 && (0..<1440).contains(d.startMinute) ? "minutes" : "startTime"
                throw VisitBookingRefusal(visitNumber: d.visitNumber, error: StoreError.invalid(field: field, problem: problem))
            }
        }
        return try await bookEach(drafts, by: actorID, ctx)
    }

    private func bookEach(_ drafts: [AppointmentDraft], by actorID: UUID, _ ctx: AccessContext) async throws -> [Appointment] {
        try await scope.db.write { database -> [Appointment] in
            var out: [Appointment] = []
            for d in drafts {
                do {
                    out.append(try await self.insert(d, by: actorID, ctx, on: database))
                } catch {
                    throw VisitBookingRefusal(visitNumber: d.visitNumber, error: error)
                }
            }
            return out
        }
    }

    private func insert(_ d: AppointmentDraft, by actorID: UUID, _ ctx: AccessContext, on database: any Database) async throws -> Appointment {
        let acks = d.acknowledgements.map { Acknowledgement(rule: $0.rule, zone: $0.zone, reason: $0.reason) }
        guard
            let course = try await CourseRow.query(on: database).filter(\.$id == d.courseID)
                .filter(\.$organizationID == self.scope.organizationID).first()
        else { throw StoreError.notFound("course") }
        guard course.status == CourseStatus.active.rawValue else { throw StoreError.state(.courseNotActive(status: course.status)) }
        guard let clinic = try await self.scope.clinic(course.clinicID, on: database) else { throw StoreError.notFound("clinic") }
        guard
            let visit = try await PlannedVisitRow.query(on: database).filter(\.$courseID == d.courseID).filter(\.$number == d.visitNumber)
                .first()
        else { throw StoreError.invalid(field: "visitNumber", problem: "the course has no planned visit \(d.visitNumber)") }
        try await self.bookablePractitioner(d.practitionerID, clinicID: course.clinicID, on: database)
        if let roomID = d.roomID { try await self.bookableRoom(roomID, clinicID: course.clinicID, on: database) }
        let zones = try StoredJSON.zoneDepths(from: StoredJSON.parse(visit.zonesJSON, "planned visit"), "planned visit")
        let others = try await self.neighbours(of: course, excludingVisit: d.visitNumber, on: database)
        let findings = BookingRules.findings(
            visit: zones, on: d.date, indications: try StoredJSON.indications(from: StoredJSON.parse(course.indicationsJSON, "course")),
            others: others, policy: try await self.scope.policy(clinicID: course.clinicID, on: database))
        let blocking = AcknowledgementGate.blocking(findings, acknowledgements: acks)
        guard blocking.isEmpty else { throw ClinicalRefusal(blocking: blocking, findings: findings) }
        let startsAt = Self.instant(d.date, minute: d.startMinute, timeZone: clinic.timezone)
        let m = AppointmentRow()
        m.id = UUID()
        m.organizationID = self.scope.organizationID
        m.clinicID = course.clinicID
        m.patientID = course.patientID
        m.courseID = d.courseID
        m.visitNumber = d.visitNumber
        m.practitionerID = d.practitionerID
        m.roomID = d.roomID
        m.date = d.date.description
        m.startMinute = d.startMinute
        m.minutes = d.minutes
        m.startsAt = startsAt
        m.zonesJSON = visit.zonesJSON
        m.status = AppointmentStatus.booked.rawValue
        m.acknowledgementsJSON = StoredJSON.text(
            .array(acks.map { .object([("rule", .string($0.rule.rawValue)), ("reason", .string($0.reason))]) }))
        m.createdBy = actorID
        m.createdAt = ctx.now
        m.updatedAt = ctx.now
        try await m.create(on: database)
        do {
            try await Self.slotRows(m).create(on: database)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw StoreError.state(.doubleBooked)
        }
        try await self.scope.audit(ctx, patientID: course.patientID, action: .create, resource: "appointment", outcome: .allowed, on: database)
        return try Self.appointment(m)
    }

    /// Cancels an appointment with the reason; its practitioner and room are free again at once.
    public func cancel(appointmentID: UUID, reason: String, _ ctx: AccessContext) async throws {
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        if why.isEmpty { throw StoreError.invalid(field: "reason", problem: "say why the appointment is cancelled") }
        if let p = RecordInputRules.textProblem(why, max: RecordInputRules.reasonMaxLength) {
            throw StoreError.invalid(field: "reason", problem: p.description)
        }
        try await scope.db.write { database in
            guard
                let m = try await AppointmentRow.query(on: database).filter(\.$id == appointmentID)
                    .filter(\.$organizationID == self.scope.organizationID).first()
            else { throw StoreError.notFound("appointment") }
            guard m.status == AppointmentStatus.booked.rawValue else { return }
            try await Self.cancelRow(m, reason: why, now: ctx.now, on: database)
            try await self.scope.audit(ctx, patientID: m.patientID, action: .update, resource: "appointment", outcome: .allowed, on: database)
        }
    }

    /// Marks a booked appointment cancelled in the caller's transaction: its practitioner and room are free again and
    /// its reminders that have not left are withdrawn.
    static func cancelRow(_ m: AppointmentRow, reason: String, now: Date, on database: any Database) async throws {
        m.status = AppointmentStatus.cancelled.rawValue
        m.reason = reason
        m.updatedAt = now
        try await m.update(on: database)
        try await AppointmentSlotRow.query(on: database).filter(\.$appointmentID == m.id!).delete()
        try await MailOutbox.withdraw(appointmentID: m.id!, now: now, on: database)
    }

    /// A course's appointments, in order of time.
    public func list(courseID: UUID, _ ctx: AccessContext) async throws -> [Appointment] {
        try await scope.db.read { database in
            try await AppointmentRow.query(on: database).filter(\.$courseID == courseID).filter(\.$organizationID == self.scope.organizationID)
                .sort(\.$startsAt).all().map(Self.appointment)
        }
    }

    /// The course's other booked appointments and the patient's recorded sessions, as the sessions the booking must
    /// keep its intervals with.
    func neighbours(of course: CourseRow, excludingVisit visit: Int, on database: any Database) async throws -> [PriorSession] {
        var out: [PriorSession] = []
        for a in try await AppointmentRow.query(on: database).filter(\.$courseID == course.id!)
            .filter(\.$status == AppointmentStatus.booked.rawValue).filter(\.$visitNumber != visit).all()
        {
            guard let date = LocalDate(iso: a.date) else { throw StoredJSON.unreadable("appointment date", a.date) }
            let zones = try StoredJSON.zoneDepths(from: StoredJSON.parse(a.zonesJSON, "appointment"), "appointment")
            out.append(PriorSession(date: date, zones: zones, reactionsResolvedWithinDays: nil, openAdverseEventZones: []))
        }
        let courseIDs = try await CourseRow.query(on: database).filter(\.$organizationID == scope.organizationID)
            .filter(\.$patientID == course.patientID).all().compactMap(\.id)
        let sessions = try await TreatmentSessionRow.query(on: database).filter(\.$courseID ~~ courseIDs).all()
        let ids = sessions.compactMap(\.id)
        let zoneRows = ids.isEmpty ? [] : try await ZoneTreatmentRow.query(on: database).filter(\.$sessionID ~~ ids).all()
        for s in sessions {
            guard let date = LocalDate(iso: s.date) else { throw StoredJSON.unreadable("session date", s.date) }
            let zones = try zoneRows.filter { $0.sessionID == s.id }.map {
                try ZoneDepth(zone: SessionStore.zone($0.site, $0.side), depthMM: $0.depthMM)
            }
            out.append(PriorSession(date: date, zones: zones, reactionsResolvedWithinDays: nil, openAdverseEventZones: []))
        }
        return out
    }

    /// The slots the appointment holds: its practitioner's and its room's, one per five minutes.
    static func slotRows(_ m: AppointmentRow) -> [AppointmentSlotRow] {
        let first = Int64((m.startsAt.timeIntervalSince1970 / Double(BookingRules.slotMinutes * 60)).rounded(.down))
        let count = Int64(m.minutes / BookingRules.slotMinutes)
        let resources = ["practitioner:\(m.practitionerID.uuidString.lowercased())"] + (m.roomID.map { ["room:\($0.uuidString.lowercased())"] } ?? [])
        return resources.flatMap { resource in
            (first..<(first + count)).map { slot in
                let s = AppointmentSlotRow()
                s.id = UUID()
                s.appointmentID = m.id!
                s.resource = resource
                s.slot = slot
                return s
            }
        }
    }

    /// The instant a clinic's day and minute stand for, daylight saving included.
    static func instant(_ date: LocalDate, minute: Int, timeZone identifier: String) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: identifier) ?? TimeZone(identifier: "UTC")!
        let parts = DateComponents(year: date.year, month: date.month, day: date.day, hour: minute / 60, minute: minute % 60)
        return calendar.date(from: parts) ?? Date(timeIntervalSince1970: Double(date.dayNumber * 86_400 + minute * 60))
    }

    static func appointment(_ m: AppointmentRow) throws -> Appointment {
        guard let date = LocalDate(iso: m.date) else { throw StoredJSON.unreadable("appointment date", m.date) }
        return Appointment(
            id: m.id!, clinicID: m.clinicID, patientID: m.patientID, courseID: m.courseID, visitNumber: m.visitNumber, date: date,
            startMinute: m.startMinute, minutes: m.minutes, practitionerID: m.practitionerID, roomID: m.roomID, startsAt: m.startsAt,
            status: AppointmentStatus(rawValue: m.status) ?? .cancelled,
            zones: try StoredJSON.zoneDepths(from: StoredJSON.parse(m.zonesJSON, "appointment"), "appointment"), checkedInAt: m.checkedInAt)
    }
}
