import Foundation
import StratumCore
import StratumStore
import Vapor

/// Today's appointments at the signed-in clinic, as the front desk works through them: time, patient, practitioner,
/// room and where each stands, with check-in (on the day) and no-show (once the start has passed) for those who may
/// change appointments. Nothing clinical.
struct TodayAppointments: Encodable {
    struct Row: Encodable {
        let id: String
        let time: String
        let patientId: String
        let patientName: String
        let visit: String
        let practitioner: String
        let room: String
        let status: String
        let badge: String
        let checkedInAt: String?
        let canCheckIn: Bool
        let canNoShow: Bool
    }

    let rows: [Row]
    let hasRows: Bool

    /// Nil for a role that does not read the calendar.
    static func load(_ req: Request, _ p: Principal, state: ServerState, day: LocalDate) async throws -> TodayAppointments? {
        guard Permissions.allows(p.role, .read, .appointment) else { return nil }
        let scope = state.scope(p.organizationID)
        let entries = try await scope.appointments.calendar(CalendarQuery(clinicID: p.clinicID, from: day, to: day), req.access(p))
            .filter { $0.status != .cancelled }
        let names = try await state.directory.displayNames(Array(Set(entries.map(\.practitionerID))))
        let rooms = Dictionary(
            try await scope.appointments.rooms(clinicID: p.clinicID, includeRetired: true).map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let canChange = Permissions.allows(p.role, .update, .appointment)
        let now = req.now
        let rows = entries.map { a in
            let open = canChange && a.status == .booked && a.checkedInAt == nil
            return Row(
                id: PageValues.id(a.id), time: AppointmentViews.clock(a.startMinute), patientId: PageValues.id(a.patientID),
                patientName: a.patientName,
                visit: "visit \(a.visitNumber) of \(a.visitCount)", practitioner: names[a.practitionerID] ?? "Former staff",
                room: a.roomID.flatMap { rooms[$0] } ?? "—", status: AppointmentViews.statusLabel(a), badge: AppointmentViews.statusBadge(a),
                checkedInAt: a.checkedInAt.map(AppointmentViews.clinicClock), canCheckIn: open, canNoShow: open && a.startsAt <= now)
        }
        return TodayAppointments(rows: rows, hasRows: !rows.isEmpty)
    }
}
