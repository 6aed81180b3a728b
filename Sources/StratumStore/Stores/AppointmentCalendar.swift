import FluentKit
import Foundation
import StratumCore

/// An appointment as the calendar shows it: who, when, with whom and where, and which visit of which course. Nothing
/// clinical (no zones, depths or findings): the front desk books from it and sees no more of the record.
public struct CalendarAppointment: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let clinicID: UUID
    public let patientID: UUID
    public let patientName: String
    public let courseID: UUID
    public let visitNumber: Int
    /// How many visits the course plans, for "visit 3 of 6".
    public let visitCount: Int
    public let date: LocalDate
    public let startMinute: Int
    public let minutes: Int
    public let practitionerID: UUID
    public let roomID: UUID?
    public let startsAt: Date
    public let status: AppointmentStatus
    public let checkedInAt: Date?
    /// How many times it was moved.
    public let moves: Int
}

/// Which of a clinic's appointments a calendar read asks for.
public struct CalendarQuery: Sendable, Equatable {
    public var clinicID: UUID
    public var from: LocalDate
    public var to: LocalDate
    public var practitionerID: UUID?
    public var roomID: UUID?

    public init(clinicID: UUID, from: LocalDate, to: LocalDate, practitionerID: UUID? = nil, roomID: UUID? = nil) {
        self.clinicID = clinicID
        self.from = from
        self.to = to
        self.practitionerID = practitionerID
        self.roomID = roomID
    }
}

extension AppointmentStore {
    /// A clinic's appointments from `from` through `to` (at most `BookingRules.calendarMaxDays` days), perhaps of one
    /// practitioner or one room, in order of time, every status. Each patient listed is an access to their record,
    /// audited once per read.
    public func calendar(_ q: CalendarQuery, _ ctx: AccessContext) async throws -> [CalendarAppointment] {
        guard q.from <= q.to else { throw StoreError.invalid(field: "to", problem: "must not be before from") }
        guard q.to.dayNumber - q.from.dayNumber < BookingRules.calendarMaxDays else {
            throw StoreError.invalid(field: "to", problem: "a calendar read covers at most \(BookingRules.calendarMaxDays) days")
        }
        return try await scope.db.write { database -> [CalendarAppointment] in
            var query = AppointmentRow.query(on: database).filter(\.$organizationID == self.scope.organizationID)
                .filter(\.$clinicID == q.clinicID).filter(\.$date >= q.from.description).filter(\.$date <= q.to.description)
            if let id = q.practitionerID { query = query.filter(\.$practitionerID == id) }
            if let id = q.roomID { query = query.filter(\.$roomID == id) }
            let rows = try await query.sort(\.$date).sort(\.$startMinute).limit(5000).all()
            let out = try await self.entries(rows, on: database)
            try await self.scope.audit(ctx, patientIDs: Array(Set(rows.map(\.patientID))), action: .list, resource: "calendar", on: database)
            return out
        }
    }

    /// One appointment as the calendar shows it, audited as an access to that patient.
    public func entry(appointmentID: UUID, _ ctx: AccessContext) async throws -> CalendarAppointment {
        try await scope.db.write { database -> CalendarAppointment in
            let m = try await self.row(appointmentID, on: database)
            let out = try await self.entries([m], on: database)[0]
            try await self.scope.audit(ctx, patientID: m.patientID, action: .read, resource: "appointment", outcome: .allowed, on: database)
            return out
        }
    }

    func entries(_ rows: [AppointmentRow], on database: any Database) async throws -> [CalendarAppointment] {
        guard !rows.isEmpty else { return [] }
        let org = scope.organizationID
        let patientIDs = Array(Set(rows.map(\.patientID)))
        let courseIDs = Array(Set(rows.map(\.courseID)))
        let ids = rows.compactMap(\.id)
        var names: [UUID: String] = [:]
        for p in try await PatientRow.query(on: database).filter(\.$organizationID == org).filter(\.$id ~~ patientIDs).all() {
            names[p.id!] = "\(p.givenName) \(p.familyName)"
        }
        var counts: [UUID: Int] = [:]
        for v in try await PlannedVisitRow.query(on: database).filter(\.$courseID ~~ courseIDs).all() { counts[v.courseID, default: 0] += 1 }
        var moves: [UUID: Int] = [:]
        for m in try await AppointmentMoveRow.query(on: database).filter(\.$appointmentID ~~ ids).all() { moves[m.appointmentID, default: 0] += 1 }
        return try rows.map { m in
            guard let date = LocalDate(iso: m.date) else { throw StoredJSON.unreadable("appointment date", m.date) }
            return CalendarAppointment(
                id: m.id!, clinicID: m.clinicID, patientID: m.patientID, patientName: names[m.patientID] ?? "", courseID: m.courseID,
                visitNumber: m.visitNumber, visitCount: counts[m.courseID, default: m.visitNumber], date: date, startMinute: m.startMinute,
                minutes: m.minutes, practitionerID: m.practitionerID, roomID: m.roomID, startsAt: m.startsAt,
                status: AppointmentStatus(rawValue: m.status) ?? .cancelled, checkedInAt: m.checkedInAt, moves: moves[m.id!, default: 0])
        }
    }

    /// How many sessions the course has recorded: its first that many planned visits are done and not booked again.
    public func recordedSessions(courseID: UUID) async throws -> Int {
        try await scope.db.read { database in
            try await TreatmentSessionRow.query(on: database).filter(\.$organizationID == self.scope.organizationID)
                .filter(\.$courseID == courseID).count()
        }
    }

    // MARK: Rooms

    /// A clinic's rooms by name, the retired ones too when asked (old appointments still name them).
    public func rooms(clinicID: UUID, includeRetired: Bool = false) async throws -> [Room] {
        try await scope.db.read { database in
            var query = RoomRow.query(on: database).filter(\.$organizationID == self.scope.organizationID).filter(\.$clinicID == clinicID)
            if !includeRetired { query = query.filter(\.$retiredAt == nil) }
            return try await query.sort(\.$name).all().map { Room(id: $0.id!, clinicID: $0.clinicID, name: $0.name, retiredAt: $0.retiredAt) }
        }
    }

    /// Renames a room (the owner's setting); its appointments follow it.
    public func renameRoom(roomID: UUID, name: String, _ ctx: AccessContext) async throws -> Room {
        let label = try Self.roomName(name)
        return try await scope.db.write { database -> Room in
            let m = try await self.roomRow(roomID, on: database)
            if m.name == label { return Room(id: roomID, clinicID: m.clinicID, name: label, retiredAt: m.retiredAt) }
            guard try await RoomRow.query(on: database).filter(\.$clinicID == m.clinicID).filter(\.$name == label).first() == nil else {
                throw StoreError.invalid(field: "name", problem: "the clinic already has a room of this name")
            }
            m.name = label
            try await m.update(on: database)
            try await self.scope.audit(ctx, patientID: nil, action: .update, resource: "room", outcome: .allowed, on: database)
            return Room(id: roomID, clinicID: m.clinicID, name: label, retiredAt: m.retiredAt)
        }
    }

    /// Retires a room: it stays on the appointments it held (booked ones keep it), and takes no new bookings or moves.
    public func retireRoom(roomID: UUID, _ ctx: AccessContext) async throws -> Room {
        try await scope.db.write { database -> Room in
            let m = try await self.roomRow(roomID, on: database)
            if m.retiredAt == nil {
                m.retiredAt = ctx.now
                try await m.update(on: database)
                try await self.scope.audit(ctx, patientID: nil, action: .update, resource: "room", outcome: .allowed, on: database)
            }
            return Room(id: roomID, clinicID: m.clinicID, name: m.name, retiredAt: m.retiredAt)
        }
    }

    func roomRow(_ id: UUID, on database: any Database) async throws -> RoomRow {
        guard let m = try await RoomRow.query(on: database).filter(\.$id == id).filter(\.$organizationID == scope.organizationID).first() else {
            throw StoreError.notFound("room")
        }
        return m
    }

    /// A room's name as the owner typed it, trimmed, or the refusal naming `name`.
    static func roomName(_ name: String) throws -> String {
        let label = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if label.isEmpty { throw StoreError.invalid(field: "name", problem: InputProblem.missing.description) }
        if let p = RecordInputRules.textProblem(label, max: RecordInputRules.equipmentNameMaxLength) {
            throw StoreError.invalid(field: "name", problem: p.description)
        }
        return label
    }
}
