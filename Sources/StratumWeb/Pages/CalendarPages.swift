import Foundation
import StratumCore
import StratumStore
import Vapor

/// The clinic's week of appointments, by practitioner or by room, with the front desk's acts on each: move (judged
/// like a booking), cancel with a reason, check in on the day, no-show after the start. Every form works without
/// JavaScript; a refused one comes back open on its appointment with the rule or the error beside it.
struct CalendarPages {
    let state: ServerState
    let today: @Sendable () -> LocalDate

    static let notFound = PageError(.notFound, "No such appointment", "The appointment is not in your organization.")

    func register(_ routes: any RoutesBuilder) {
        routes.get("calendar", use: show)
        routes.post("appointments", ":appointmentId", "reschedule", use: reschedule)
        routes.post("appointments", ":appointmentId", "cancel", use: cancel)
        routes.post("appointments", ":appointmentId", "no-show", use: noShow)
        routes.post("appointments", ":appointmentId", "check-in", use: checkIn)
    }

    struct Item: Encodable {
        let id: String
        let time: String
        let end: String
        let patientId: String
        let patientName: String
        let visit: String
        let practitioner: String
        let room: String
        let status: String
        let badge: String
        let booked: Bool
        let canCheckIn: Bool
        let canNoShow: Bool
        /// The move form's values: the refused ones as typed, else the appointment's own.
        let date: String
        let startTime: String
        let minutes: String
        let practitionerId: String
        let roomId: String
        let moved: Int
        /// Set on the appointment a refused form concerns: its forms open, its errors and findings shown.
        let open: Bool
        let errors: FieldErrors
        let hasErrors: Bool
        let findings: [CheckedFinding]
        let hasFindings: Bool
        let reason: String
    }

    struct Day: Encodable {
        let date: String
        let label: String
        let isToday: Bool
        let items: [Item]
        var empty: Bool { items.isEmpty }

        enum CodingKeys: String, CodingKey { case date, label, isToday, items, empty }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(date, forKey: .date)
            try c.encode(label, forKey: .label)
            try c.encode(isToday, forKey: .isToday)
            try c.encode(items, forKey: .items)
            try c.encode(empty, forKey: .empty)
        }
    }

    struct Group: Encodable {
        let id: String
        let name: String
        let days: [Day]
        let count: Int
    }

    struct Choice: Encodable {
        let value: String
        let label: String
    }

    struct Content: Encodable {
        let week: String
        let weekLabel: String
        let previous: String
        let next: String
        let current: String
        let byRoom: Bool
        let by: String
        let back: String
        let groups: [Group]
        let hasAppointments: Bool
        let canChange: Bool
        let practitioners: [Choice]
        let rooms: [Choice]
        let hasRooms: Bool
        let formError: String?
    }

    /// What a refused form brings back to the page.
    struct Refused {
        var appointmentID: UUID
        var form: TraceFormState
        var findings: [CheckedFinding] = []
        var reasons: [String: String] = [:]
    }

    func show(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.read, .appointment, state: state)
        let week = req.query[String.self, at: "week"].flatMap(LocalDate.init(iso:)) ?? today()
        return try await render(req, p, week: week, byRoom: req.query[String.self, at: "by"] == "room", refused: nil, status: .ok)
    }

    func render(_ req: Request, _ p: Principal, week day: LocalDate, byRoom: Bool, refused: Refused?, status: HTTPResponseStatus)
        async throws -> Response
    {
        let scope = state.scope(p.organizationID)
        let monday = AppointmentViews.monday(day)
        let days = (0..<7).map { monday.adding(days: $0) }
        let entries = try await scope.appointments.calendar(
            CalendarQuery(clinicID: p.clinicID, from: monday, to: monday.adding(days: 6)), req.access(p))
        let practitioners = try await scope.practitioners(clinicID: p.clinicID)
        let rooms = try await scope.appointments.rooms(clinicID: p.clinicID, includeRetired: true)
        var names = Dictionary(practitioners.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let unknown = Set(entries.map(\.practitionerID)).filter { names[$0] == nil }
        if !unknown.isEmpty { names.merge(try await state.directory.displayNames(Array(unknown))) { a, _ in a } }
        let roomNames = Dictionary(rooms.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let canChange = Permissions.allows(p.role, .update, .appointment)
        let now = req.now
        let todayDate = today()
        let by = byRoom ? "room" : "practitioner"
        let back = "/calendar?week=\(monday)&by=\(by)"

        func item(_ a: CalendarAppointment) -> Item {
            let mine = refused?.appointmentID == a.id ? refused : nil
            let v = mine?.form.values ?? [:]
            let booked = a.status == .booked
            return Item(
                id: PageValues.id(a.id), time: AppointmentViews.clock(a.startMinute), end: AppointmentViews.clock(a.startMinute + a.minutes),
                patientId: PageValues.id(a.patientID), patientName: a.patientName, visit: "visit \(a.visitNumber) of \(a.visitCount)",
                practitioner: names[a.practitionerID] ?? "Former staff", room: a.roomID.flatMap { roomNames[$0] } ?? "no room",
                status: AppointmentViews.statusLabel(a), badge: AppointmentViews.statusBadge(a), booked: booked && canChange,
                canCheckIn: canChange && booked && a.checkedInAt == nil && a.date == todayDate,
                canNoShow: canChange && booked && a.checkedInAt == nil && a.startsAt <= now,
                date: v["date"] ?? a.date.description, startTime: v["startTime"] ?? AppointmentViews.clock(a.startMinute),
                minutes: v["minutes"] ?? String(a.minutes), practitionerId: v["practitionerId"] ?? PageValues.id(a.practitionerID),
                roomId: v["roomId"] ?? a.roomID.map(PageValues.id) ?? "", moved: a.moves, open: mine != nil,
                errors: mine?.form.errors ?? FieldErrors(), hasErrors: !(mine?.form.errors.isEmpty ?? true), findings: mine?.findings ?? [],
                hasFindings: !(mine?.findings.isEmpty ?? true), reason: v["reason"] ?? "")
        }
        func group(_ id: String, _ name: String, _ list: [CalendarAppointment]) -> Group {
            Group(
                id: id, name: name,
                days: days.map { d in
                    Day(
                        date: d.description, label: AppointmentViews.dayLabel(d), isToday: d == todayDate,
                        items: list.filter { $0.date == d }.map(item))
                }, count: list.count)
        }
        var groups: [Group] = []
        if byRoom {
            let used = Set(entries.compactMap(\.roomID))
            for r in rooms where r.retiredAt == nil || used.contains(r.id) {
                groups.append(
                    group("room-\(PageValues.id(r.id))", r.name + (r.retiredAt == nil ? "" : " (retired)"), entries.filter { $0.roomID == r.id }))
            }
            let roomless = entries.filter { $0.roomID == nil }
            if !roomless.isEmpty || rooms.isEmpty { groups.append(group("room-none", "No room", roomless)) }
        } else {
            var ids = practitioners.map(\.id)
            for id in entries.map(\.practitionerID) where !ids.contains(id) { ids.append(id) }
            for id in ids {
                groups.append(group("practitioner-\(PageValues.id(id))", names[id] ?? "Former staff", entries.filter { $0.practitionerID == id }))
            }
        }
        let content = Content(
            week: monday.description,
            weekLabel: "\(AppointmentViews.dayLabel(monday)) – \(AppointmentViews.dayLabel(monday.adding(days: 6))) \(monday.adding(days: 6).year)",
            previous: monday.adding(days: -7).description, next: monday.adding(days: 7).description, current: todayDate.description,
            byRoom: byRoom, by: by, back: back, groups: groups, hasAppointments: !entries.isEmpty, canChange: canChange,
            practitioners: practitioners.map { Choice(value: PageValues.id($0.id), label: $0.name) },
            rooms: rooms.filter { $0.retiredAt == nil }.map { Choice(value: PageValues.id($0.id), label: $0.name) },
            hasRooms: rooms.contains { $0.retiredAt == nil },
            formError: refused.flatMap { $0.form.errors.byField["form"] })
        return try await req.render("calendar", title: "Calendar", section: "calendar", content, status: status)
    }

    // MARK: Acts

    func reschedule(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.update, .appointment, state: state)
        let id = try req.recordID("appointmentId", or: Self.notFound)
        let f = try FormFields(req)
        let (acks, reasons) = AppointmentViews.acknowledgements(f)
        var refused = Refused(
            appointmentID: id, form: TraceFormState(form: "move", f, fields: ["date", "startTime", "minutes", "practitionerId", "roomId"]),
            reasons: reasons)
        let date = f["date"].flatMap(LocalDate.init(iso:))
        let start = AppointmentViews.minute(f["startTime"])
        let minutes = f["minutes"].map { Int($0) }
        let practitioner = f["practitionerId"].flatMap(UUID.init(uuidString:))
        let room = f["roomId"].flatMap(UUID.init(uuidString:))
        if date == nil { refused.form.errors.add("date", "Enter a date (YYYY-MM-DD).") }
        if start == nil { refused.form.errors.add("startTime", "Enter a time (HH:MM).") }
        if let minutes, minutes == nil { refused.form.errors.add("minutes", "Enter the length in minutes.") }
        if f["practitionerId"] != nil && practitioner == nil { refused.form.errors.add("practitionerId", "Choose a practitioner.") }
        if f["roomId"] != nil && room == nil { refused.form.errors.add("roomId", "Choose a room.") }
        let week = try await currentDate(id, p, req) ?? today()
        let byRoom = AppointmentViews.back(f).contains("by=room")
        guard let date, let start, refused.form.errors.isEmpty else {
            return try await render(req, p, week: week, byRoom: byRoom, refused: refused, status: .unprocessableEntity)
        }
        do {
            _ = try await state.scope(p.organizationID).appointments.reschedule(
                appointmentID: id,
                to: AppointmentMove(
                    date: date, startMinute: start, minutes: minutes ?? nil, practitionerID: practitioner, roomID: room, acknowledgements: acks),
                req.access(p))
        } catch let r as ClinicalRefusal {
            refused.findings = AppointmentViews.findings(r, reasons: reasons)
            refused.form.errors.add(
                "date",
                r.hasStop
                    ? "Not moved: \(r.blocking.first { $0.severity == .stop }?.rule.rawValue ?? "a stop") refuses this day."
                    : "Not moved: give a reason for each caution.")
            return try await render(req, p, week: week, byRoom: byRoom, refused: refused, status: .unprocessableEntity)
        } catch StoreError.state(.doubleBooked) {
            refused.form.errors.add("startTime", AppointmentViews.doubleBooked)
            return try await render(req, p, week: week, byRoom: byRoom, refused: refused, status: .conflict)
        } catch let e as StoreError {
            guard refused.form.add(e, fieldNames: ["practitionerId": "practitionerId", "roomId": "roomId"]) else { throw e }
            return try await render(req, p, week: week, byRoom: byRoom, refused: refused, status: .unprocessableEntity)
        }
        return req.done("/calendar?week=\(date)&by=\(byRoom ? "room" : "practitioner")", .appointmentSaved)
    }

    func cancel(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.update, .appointment, state: state)
        let id = try req.recordID("appointmentId", or: Self.notFound)
        let f = try FormFields(req)
        var refused = Refused(appointmentID: id, form: TraceFormState(form: "cancel", f, fields: ["reason"]))
        do {
            try await state.scope(p.organizationID).appointments.cancel(appointmentID: id, reason: f["reason"] ?? "", req.access(p))
        } catch let e as StoreError {
            guard refused.form.add(e) else { throw e }
            let week = try await currentDate(id, p, req) ?? today()
            return try await render(
                req, p, week: week, byRoom: AppointmentViews.back(f).contains("by=room"), refused: refused, status: .unprocessableEntity)
        }
        return req.done(AppointmentViews.back(f), .appointmentSaved)
    }

    func noShow(_ req: Request) async throws -> Response {
        try await act(req) { scope, id, ctx in _ = try await scope.appointments.markNoShow(appointmentID: id, ctx) }
    }

    func checkIn(_ req: Request) async throws -> Response {
        try await act(req) { scope, id, ctx in _ = try await scope.appointments.checkIn(appointmentID: id, ctx) }
    }

    /// A one-button act: done, or the store's reason it cannot be done now as the page's message.
    private func act(_ req: Request, _ body: (OrganizationScope, UUID, AccessContext) async throws -> Void) async throws -> Response {
        let p = try await req.authorize(.update, .appointment, state: state)
        let id = try req.recordID("appointmentId", or: Self.notFound)
        let f = try FormFields(req)
        do {
            try await body(state.scope(p.organizationID), id, req.access(p))
        } catch StoreError.state(let conflict) {
            throw PageError(.conflict, "Not changed", PageValues.sentence(conflict.description))
        } catch StoreError.notFound {
            throw Self.notFound
        }
        return req.done(AppointmentViews.back(f, fallback: "/calendar"), .appointmentSaved)
    }

    /// The day the appointment stands on now, to show its week again.
    private func currentDate(_ id: UUID, _ p: Principal, _ req: Request) async throws -> LocalDate? {
        do {
            return try await state.scope(p.organizationID).appointments.entry(appointmentID: id, req.access(p)).date
        } catch StoreError.notFound {
            throw Self.notFound
        }
    }
}
