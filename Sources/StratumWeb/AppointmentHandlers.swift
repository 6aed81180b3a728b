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
        let acks = try (body.acknowledgements ?? []).enumerated().map { i, a -> AcknowledgementDraft in
            guard let rule = RuleID(rawValue: a.rule.rawValue) else { throw APIProblem.badField("acknowledgements[\(i)].rule", "unknown rule ID") }
            let zone = try a.zone.map { z -> Zone in
                guard let site = SiteID(rawValue: z.site.rawValue), let side = Side(rawValue: z.side.rawValue) else {
                    throw APIProblem.badField("acknowledgements[\(i)].zone", "unknown site or side")
                }
                return Zone(site: site, side: side)
            }
            return AcknowledgementDraft(rule: rule, zone: zone, reason: a.reason)
        }
        let drafts = try body.visits.enumerated().map { i, v -> AppointmentDraft in
            guard let date = LocalDate(iso: v.date) else { throw APIProblem.badField("visits[\(i)].date", "not a date (YYYY-MM-DD)") }
            let parts = v.startTime.split(separator: ":").compactMap { Int($0) }
            guard parts.count == 2 else { throw APIProblem.badField("visits[\(i)].startTime", "not a time (HH:MM)") }
            return AppointmentDraft(
                courseID: id, visitNumber: v.visitNumber, date: date, startMinute: parts[0] * 60 + parts[1], minutes: body.minutes,
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
}

extension Components.Schemas.Appointment {
    init(_ a: Appointment) {
        self.init(
            id: a.id.uuidString.lowercased(), courseId: a.courseID.uuidString.lowercased(), patientId: a.patientID.uuidString.lowercased(),
            clinicId: a.clinicID.uuidString.lowercased(), visitNumber: a.visitNumber, date: a.date.description,
            startTime: String(format: "%02d:%02d", a.startMinute / 60, a.startMinute % 60), minutes: a.minutes,
            practitionerId: a.practitionerID.uuidString.lowercased(), roomId: a.roomID?.uuidString.lowercased(), startsAt: a.startsAt,
            status: .init(rawValue: a.status.rawValue) ?? .cancelled,
            zones: a.zones.map { .init(site: $0.zone.site.rawValue, side: $0.zone.side.rawValue, depthMM: $0.depthMM) })
    }
}
