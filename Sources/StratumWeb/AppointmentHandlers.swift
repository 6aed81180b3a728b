import Foundation
import OpenAPIRuntime
import StratumCore
import StratumStore

/// Booking through the API: the contract's types mapped once to `AppointmentStore`'s door and back.
extension APIHandler {
    func listCourseAppointments(_ input: Operations.ListCourseAppointments.Input) async throws -> Operations.ListCourseAppointments.Output {
        let id = try uuid(input.path.courseId, "courseId")
        let p = try await authorize(.read, .appointment)
        let scope = state.scope(p.organizationID)
        guard let course = try await scope.courses.get(courseID: id, access(p)) else { throw APIProblem.notFound("course") }
        return .ok(.init(body: .json(try await scope.appointments.list(courseID: course.id, access(p)).map(Components.Schemas.Appointment.init))))
    }

    func bookCourseAppointments(_ input: Operations.BookCourseAppointments.Input) async throws -> Operations.BookCourseAppointments.Output {
        let id = try uuid(input.path.courseId, "courseId")
        let p = try await authorize(.create, .appointment)
        guard case .json(let body) = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        let practitioner = try uuid(body.practitionerId, "practitionerId")
        let room = try body.roomId.map { try uuid($0, "roomId") }
        let acks = try acknowledgements(body.acknowledgements ?? [])
        let drafts = try body.visits.enumerated().map { i, v -> AppointmentDraft in
            guard let date = LocalDate(iso: v.date) else { throw APIProblem.badField("visits[\(i)].date", "not a date (YYYY-MM-DD)") }
            return AppointmentDraft(
                courseID: id, visitNumber: v.visitNumber, date: date, startMinute: try minute(v.startTime, "visits[\(i)].startTime"),
                minutes: body.minutes,
                practitionerID: practitioner, roomID: room, acknowledgements: acks)
        }
        let booked = try await state.scope(p.organizationID).appointments.book(drafts, access(p))
        return .created(.init(body: .json(booked.map(Components.Schemas.Appointment.init))))
    }

    func cancelAppointment(_ input: Operations.CancelAppointment.Input) async throws -> Operations.CancelAppointment.Output {
        let id = try uuid(input.path.appointmentId, "appointmentId")
        let p = try await authorize(.update, .appointment)
        guard case .json(let body) = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        try await state.scope(p.organizationID).appointments.cancel(appointmentID: id, reason: body.reason, access(p))
        return .noContent(.init())
    }

    func rescheduleAppointment(_ input: Operations.RescheduleAppointment.Input) async throws -> Operations.RescheduleAppointment.Output {
        let id = try uuid(input.path.appointmentId, "appointmentId")
        let p = try await authorize(.update, .appointment)
        guard case .json(let body) = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        guard let date = LocalDate(iso: body.date) else { throw APIProblem.badField("date", "not a date (YYYY-MM-DD)") }
        let move = AppointmentMove(
            date: date, startMinute: try minute(body.startTime, "startTime"), minutes: body.minutes,
            practitionerID: try body.practitionerId.map { try uuid($0, "practitionerId") }, roomID: try body.roomId.map { try uuid($0, "roomId") },
            acknowledgements: try acknowledgements(body.acknowledgements ?? []))
        let moved = try await state.scope(p.organizationID).appointments.reschedule(appointmentID: id, to: move, access(p))
        return .ok(.init(body: .json(.init(moved))))
    }

    func markAppointmentNoShow(_ input: Operations.MarkAppointmentNoShow.Input) async throws -> Operations.MarkAppointmentNoShow.Output {
        let id = try uuid(input.path.appointmentId, "appointmentId")
        let p = try await authorize(.update, .appointment)
        return .ok(.init(body: .json(.init(try await state.scope(p.organizationID).appointments.markNoShow(appointmentID: id, access(p))))))
    }

    func checkInAppointment(_ input: Operations.CheckInAppointment.Input) async throws -> Operations.CheckInAppointment.Output {
        let id = try uuid(input.path.appointmentId, "appointmentId")
        let p = try await authorize(.update, .appointment)
        return .ok(.init(body: .json(.init(try await state.scope(p.organizationID).appointments.checkIn(appointmentID: id, access(p))))))
    }

    /// The signed-in clinic's calendar: another clinic's days are that clinic's desk's.
    func listAppointments(_ input: Operations.ListAppointments.Input) async throws -> Operations.ListAppointments.Output {
        let p = try await authorize(.read, .appointment)
        var from = try await clinicToday(p)
        if let text = input.query.from { from = try date(text, "from") }
        let q = CalendarQuery(
            clinicID: p.clinicID, from: from, to: try input.query.to.map { try date($0, "to") } ?? from.adding(days: 6),
            practitionerID: try input.query.practitionerId.map { try uuid($0, "practitionerId") },
            roomID: try input.query.roomId.map { try uuid($0, "roomId") })
        let entries = try await state.scope(p.organizationID).appointments.calendar(q, access(p))
        return .ok(.init(body: .json(entries.map(Components.Schemas.CalendarAppointment.init))))
    }

    func listRooms(_ input: Operations.ListRooms.Input) async throws -> Operations.ListRooms.Output {
        let p = try await authorize(.read, .clinic)
        let rooms = try await state.scope(p.organizationID).appointments.rooms(
            clinicID: p.clinicID, includeRetired: input.query.includeRetired ?? false)
        return .ok(.init(body: .json(rooms.map(Components.Schemas.Room.init))))
    }

    func addRoom(_ input: Operations.AddRoom.Input) async throws -> Operations.AddRoom.Output {
        let p = try await authorize(.update, .clinic)
        guard case .json(let body) = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        let room = try await state.scope(p.organizationID).appointments.addRoom(clinicID: p.clinicID, name: body.name, access(p))
        return .created(.init(body: .json(.init(room))))
    }

    func renameRoom(_ input: Operations.RenameRoom.Input) async throws -> Operations.RenameRoom.Output {
        let id = try uuid(input.path.roomId, "roomId")
        let p = try await authorize(.update, .clinic)
        guard case .json(let body) = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        return .ok(.init(body: .json(.init(try await state.scope(p.organizationID).appointments.renameRoom(roomID: id, name: body.name, access(p))))))
    }

    func retireRoom(_ input: Operations.RetireRoom.Input) async throws -> Operations.RetireRoom.Output {
        let id = try uuid(input.path.roomId, "roomId")
        let p = try await authorize(.update, .clinic)
        return .ok(.init(body: .json(.init(try await state.scope(p.organizationID).appointments.retireRoom(roomID: id, access(p))))))
    }

    /// Cautions acknowledged with a reason, read once for booking and moving.
    private func acknowledgements(_ input: [Components.Schemas.PlanAcknowledgementInput]) throws -> [AcknowledgementDraft] {
        try input.enumerated().map { i, a -> AcknowledgementDraft in
            guard let rule = RuleID(rawValue: a.rule.rawValue) else { throw APIProblem.badField("acknowledgements[\(i)].rule", "unknown rule ID") }
            let zone = try a.zone.map { z -> Zone in
                guard let site = SiteID(rawValue: z.site.rawValue), let side = Side(rawValue: z.side.rawValue) else {
                    throw APIProblem.badField("acknowledgements[\(i)].zone", "unknown site or side")
                }
                return Zone(site: site, side: side)
            }
            return AcknowledgementDraft(rule: rule, zone: zone, reason: a.reason)
        }
    }

    /// "HH:MM" as minutes after midnight; the grid is the store's to judge.
    private func minute(_ text: String, _ field: String) throws -> Int {
        let parts = text.split(separator: ":").compactMap { Int($0) }
        guard parts.count == 2 else { throw APIProblem.badField(field, "not a time (HH:MM)") }
        return parts[0] * 60 + parts[1]
    }
}

extension Components.Schemas.CalendarAppointment {
    init(_ a: CalendarAppointment) {
        self.init(
            id: a.id.uuidString.lowercased(), courseId: a.courseID.uuidString.lowercased(), patientId: a.patientID.uuidString.lowercased(),
            patientName: a.patientName, clinicId: a.clinicID.uuidString.lowercased(), visitNumber: a.visitNumber, visitCount: a.visitCount,
            date: a.date.description, startTime: String(format: "%02d:%02d", a.startMinute / 60, a.startMinute % 60), minutes: a.minutes,
            practitionerId: a.practitionerID.uuidString.lowercased(), roomId: a.roomID?.uuidString.lowercased(), startsAt: a.startsAt,
            status: .init(rawValue: a.status.rawValue) ?? .cancelled, checkedInAt: a.checkedInAt, moves: a.moves)
    }
}

extension Components.Schemas.Room {
    init(_ r: Room) {
        self.init(id: r.id.uuidString.lowercased(), clinicId: r.clinicID.uuidString.lowercased(), name: r.name, retiredAt: r.retiredAt)
    }
}

extension Components.Schemas.Appointment {
    init(_ a: Appointment) {
        self.init(
            id: a.id.uuidString.lowercased(), courseId: a.courseID.uuidString.lowercased(), patientId: a.patientID.uuidString.lowercased(),
            clinicId: a.clinicID.uuidString.lowercased(), visitNumber: a.visitNumber, date: a.date.description,
            startTime: String(format: "%02d:%02d", a.startMinute / 60, a.startMinute % 60), minutes: a.minutes,
            practitionerId: a.practitionerID.uuidString.lowercased(), roomId: a.roomID?.uuidString.lowercased(), startsAt: a.startsAt,
            status: .init(rawValue: a.status.rawValue) ?? .cancelled, checkedInAt: a.checkedInAt)
    }
}
