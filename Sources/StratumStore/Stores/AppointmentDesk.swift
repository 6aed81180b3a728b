import FluentKit
import Foundation
import StratumCore

/// Where a booked appointment is moved to: a new day and start, and perhaps a new length, practitioner or room (nil
/// keeps the appointment's own); reasons for the cautions the new day raises.
public struct AppointmentMove: Sendable, Equatable {
    public var date: LocalDate
    public var startMinute: Int
    public var minutes: Int?
    public var practitionerID: UUID?
    public var roomID: UUID?
    public var acknowledgements: [AcknowledgementDraft]

    public init(
        date: LocalDate, startMinute: Int, minutes: Int? = nil, practitionerID: UUID? = nil, roomID: UUID? = nil,
        acknowledgements: [AcknowledgementDraft] = []
    ) {
        self.date = date
        self.startMinute = startMinute
        self.minutes = minutes
        self.practitionerID = practitionerID
        self.roomID = roomID
        self.acknowledgements = acknowledgements
    }
}

/// One move of an appointment: who moved it, when, and where it stood before.
public struct AppointmentMoveRecord: Sendable, Equatable {
    public let movedBy: UUID
    public let movedAt: Date
    public let fromDate: LocalDate
    public let fromStartMinute: Int
    public let fromMinutes: Int
    public let fromPractitionerID: UUID
    public let fromRoomID: UUID?
}

extension AppointmentStore {
    /// Moves a booked appointment. The new day is judged by `BookingRules` against the course's other booked
    /// appointments and the patient's recorded sessions exactly as a booking is (`ClinicalRefusal` for `INT-MIN`, or
    /// `INT-SHORT` without a reason); the old slots are freed and the new ones taken in the same transaction, so a
    /// move onto a taken practitioner or room is `RecordConflict.doubleBooked` and the appointment stays where it was.
    /// Where it stood before is kept with who moved it.
    public func reschedule(appointmentID: UUID, to move: AppointmentMove, _ ctx: AccessContext) async throws -> Appointment {
        let actorID = try scope.requireActor(ctx)
        return try await scope.db.write { database -> Appointment in
            let m = try await self.row(appointmentID, on: database)
            guard m.status == AppointmentStatus.booked.rawValue else { throw StoreError.state(.appointmentNotBooked(status: m.status)) }
            let minutes = move.minutes ?? m.minutes
            if let problem = BookingRules.timeProblem(startMinute: move.startMinute, minutes: minutes) {
                let onGrid = move.startMinute % BookingRules.slotMinutes == 0 && (0..<1440).contains(move.startMinute)
                throw StoreError.invalid(field: onGrid ? "minutes" : "startTime", problem: problem)
            }
            guard let course = try await CourseRow.query(on: database).filter(\.$id == m.courseID).first() else {
                throw StoreError.notFound("course")
            }
            guard course.status == CourseStatus.active.rawValue else { throw StoreError.state(.courseNotActive(status: course.status)) }
            guard let clinic = try await self.scope.clinic(m.clinicID, on: database) else { throw StoreError.notFound("clinic") }
            let practitionerID = move.practitionerID ?? m.practitionerID
            if practitionerID != m.practitionerID { try await self.bookablePractitioner(practitionerID, clinicID: m.clinicID, on: database) }
            let roomID = move.roomID ?? m.roomID
            if let roomID { try await self.bookableRoom(roomID, clinicID: m.clinicID, on: database) }
            let acks = move.acknowledgements.map { Acknowledgement(rule: $0.rule, zone: $0.zone, reason: $0.reason) }
            let zones = try StoredJSON.zoneDepths(from: StoredJSON.parse(m.zonesJSON, "appointment"), "appointment")
            let findings = BookingRules.findings(
                visit: zones, on: move.date,
                indications: try StoredJSON.indications(from: StoredJSON.parse(course.indicationsJSON, "course")),
                others: try await self.neighbours(of: course, excludingVisit: m.visitNumber, on: database),
                policy: try await self.scope.policy(clinicID: m.clinicID, on: database))
            let blocking = AcknowledgementGate.blocking(findings, acknowledgements: acks)
            guard blocking.isEmpty else { throw ClinicalRefusal(blocking: blocking, findings: findings) }
            let history = AppointmentMoveRow()
            history.id = UUID()
            history.appointmentID = appointmentID
            history.movedBy = actorID
            history.movedAt = ctx.now
            history.fromDate = m.date
            history.fromStartMinute = m.startMinute
            history.fromMinutes = m.minutes
            history.fromPractitionerID = m.practitionerID
            history.fromRoomID = m.roomID
            history.acknowledgementsJSON = m.acknowledgementsJSON
            try await history.create(on: database)
            try await AppointmentSlotRow.query(on: database).filter(\.$appointmentID == appointmentID).delete()
            let startsAt = Self.instant(move.date, minute: move.startMinute, timeZone: clinic.timezone)
            if startsAt != m.startsAt {
                // The reminders and the patient's confirmation were for the old time: the new one is reminded afresh.
                try await MailOutbox.withdraw(appointmentID: appointmentID, now: ctx.now, on: database)
                m.confirmedAt = nil
            }
            m.date = move.date.description
            m.startMinute = move.startMinute
            m.minutes = minutes
            m.practitionerID = practitionerID
            m.roomID = roomID
            m.startsAt = startsAt
            m.acknowledgementsJSON = StoredJSON.text(
                .array(acks.map { .object([("rule", .string($0.rule.rawValue)), ("reason", .string($0.reason))]) }))
            m.updatedAt = ctx.now
            try await m.update(on: database)
            do {
                try await Self.slotRows(m).create(on: database)
            } catch let error as any DatabaseError where error.isConstraintFailure {
                throw StoreError.state(.doubleBooked)
            }
            try await self.scope.audit(ctx, patientID: m.patientID, action: .update, resource: "appointment", outcome: .allowed, on: database)
            return try Self.appointment(m)
        }
    }

    /// The moves of an appointment, oldest first.
    public func moves(appointmentID: UUID, _ ctx: AccessContext) async throws -> [AppointmentMoveRecord] {
        try await scope.db.read { database in
            _ = try await self.row(appointmentID, on: database)
            return try await AppointmentMoveRow.query(on: database).filter(\.$appointmentID == appointmentID).sort(\.$movedAt).all().map {
                guard let date = LocalDate(iso: $0.fromDate) else { throw StoredJSON.unreadable("appointment move date", $0.fromDate) }
                return AppointmentMoveRecord(
                    movedBy: $0.movedBy, movedAt: $0.movedAt, fromDate: date, fromStartMinute: $0.fromStartMinute, fromMinutes: $0.fromMinutes,
                    fromPractitionerID: $0.fromPractitionerID, fromRoomID: $0.fromRoomID)
            }
        }
    }

    /// Marks a booked appointment whose start has passed (by the one clock) as a no-show and frees its practitioner
    /// and room. A patient checked in came, so is never a no-show.
    public func markNoShow(appointmentID: UUID, _ ctx: AccessContext) async throws -> Appointment {
        _ = try scope.requireActor(ctx)
        return try await scope.db.write { database -> Appointment in
            let m = try await self.row(appointmentID, on: database)
            guard m.status == AppointmentStatus.booked.rawValue else { throw StoreError.state(.appointmentNotBooked(status: m.status)) }
            guard m.checkedInAt == nil else { throw StoreError.state(.checkedIn) }
            guard m.startsAt <= ctx.now else { throw StoreError.state(.appointmentNotStarted) }
            m.status = AppointmentStatus.noShow.rawValue
            m.updatedAt = ctx.now
            try await m.update(on: database)
            try await AppointmentSlotRow.query(on: database).filter(\.$appointmentID == appointmentID).delete()
            try await self.scope.audit(ctx, patientID: m.patientID, action: .update, resource: "appointment", outcome: .allowed, on: database)
            return try Self.appointment(m)
        }
    }

    /// The front desk checks the patient in: only a booked appointment, only on its own day in the clinic's time zone
    /// (the one clock's day there). Checking in twice keeps the first time.
    public func checkIn(appointmentID: UUID, _ ctx: AccessContext) async throws -> Appointment {
        let actorID = try scope.requireActor(ctx)
        return try await scope.db.write { database -> Appointment in
            let m = try await self.row(appointmentID, on: database)
            guard m.status == AppointmentStatus.booked.rawValue else { throw StoreError.state(.appointmentNotBooked(status: m.status)) }
            guard m.checkedInAt == nil else { return try Self.appointment(m) }
            guard let clinic = try await self.scope.clinic(m.clinicID, on: database) else { throw StoreError.notFound("clinic") }
            guard LocalDate.clinicDay(at: ctx.now, timeZone: clinic.timezone).description == m.date else {
                throw StoreError.state(.notAppointmentDay)
            }
            m.checkedInAt = ctx.now
            m.checkedInBy = actorID
            m.updatedAt = ctx.now
            try await m.update(on: database)
            try await self.scope.audit(ctx, patientID: m.patientID, action: .update, resource: "appointment", outcome: .allowed, on: database)
            return try Self.appointment(m)
        }
    }

    /// One appointment of this organization, or `notFound`.
    func row(_ id: UUID, on database: any Database) async throws -> AppointmentRow {
        guard
            let m = try await AppointmentRow.query(on: database).filter(\.$id == id).filter(\.$organizationID == scope.organizationID).first()
        else { throw StoreError.notFound("appointment") }
        return m
    }

    /// Refuses, naming `roomId`, a room that is not the clinic's or is retired.
    func bookableRoom(_ roomID: UUID, clinicID: UUID, on database: any Database) async throws {
        guard let room = try await RoomRow.query(on: database).filter(\.$id == roomID).filter(\.$clinicID == clinicID).first() else {
            throw StoreError.invalid(field: "roomId", problem: "is not a room of the course's clinic")
        }
        if room.retiredAt != nil { throw StoreError.invalid(field: "roomId", problem: "the room is retired and takes no new appointments") }
    }

    /// Refuses, naming `practitionerId`, a user who does not treat in the clinic.
    func bookablePractitioner(_ userID: UUID, clinicID: UUID, on database: any Database) async throws {
        guard
            let role = try await MembershipRow.query(on: database).filter(\.$userID == userID)
                .filter(\.$clinicID == clinicID).first().flatMap({ Role(rawValue: $0.role) }),
            [.practitioner, .owner].contains(role)
        else { throw StoreError.invalid(field: "practitionerId", problem: "is not a practitioner of the course's clinic") }
    }
}
