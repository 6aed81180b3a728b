import Foundation
import StratumCore
import StratumStore
import Vapor

/// "Book the course": the plan's dates as proposals, one row per planned visit not yet booked or recorded, with its day,
/// time, length, practitioner and room; booked all or nothing through the store's one door. A refusal comes back
/// on the row it concerns: `INT-MIN` with its reason, an `INT-SHORT` caution with the field for the reason, a taken
/// time. Nothing clinical is shown beyond the visit's number and day (the front desk books from it).
struct BookCoursePage {
    let state: ServerState
    let today: @Sendable () -> LocalDate

    static let notFound = PageError(.notFound, "No such course", "The course is not in your organization.")
    /// The length a visit is proposed with: a face session with numbing.
    static let defaultMinutes = 60
    /// The start a visit is proposed with.
    static let defaultStart = 10 * 60

    func register(_ routes: any RoutesBuilder) {
        routes.get("courses", ":courseId", "book", use: show)
        routes.post("courses", ":courseId", "book", use: book)
    }

    struct Row: Encodable {
        let number: Int
        let planned: String
        let book: Bool
        let date: String
        let startTime: String
        let minutes: String
        let practitionerId: String
        let roomId: String
        let error: String?
        let findings: [CheckedFinding]
        let hasFindings: Bool
        let fieldErrors: [String: String]
    }

    struct Booked: Encodable {
        let number: Int
        let date: String
        let time: String
        let status: String
    }

    struct Choice: Encodable {
        let value: String
        let label: String
    }

    struct Content: Encodable {
        let courseId: String
        let patientId: String
        let patientName: String
        let active: Bool
        let rows: [Row]
        let hasRows: Bool
        let booked: [Booked]
        let hasBooked: Bool
        let practitioners: [Choice]
        let rooms: [Choice]
        let formError: String?
        let hasRowErrors: Bool
    }

    /// A refused booking as typed, with what the store said about which visit.
    struct Typed {
        var values: [String: String] = [:]
        var rowErrors: [Int: String] = [:]
        var fieldErrors: [Int: [String: String]] = [:]
        var findings: [Int: [CheckedFinding]] = [:]
        var formError: String?
    }

    func show(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.create, .appointment, state: state)
        return try await render(req, p, course: try req.recordID("courseId", or: Self.notFound), typed: nil, status: .ok)
    }

    private func render(_ req: Request, _ p: Principal, course id: UUID, typed: Typed?, status: HTTPResponseStatus) async throws -> Response {
        let scope = state.scope(p.organizationID)
        guard let course = try await scope.courses.get(courseID: id, req.access(p)), course.clinicID == p.clinicID else { throw Self.notFound }
        let patient = try await scope.patients.get(course.patientID, req.access(p))
        let existing = try await scope.appointments.list(courseID: id, req.access(p))
        let takenVisits = Set(existing.filter { $0.status == .booked }.map(\.visitNumber))
        let recorded = try await scope.appointments.recordedSessions(courseID: id)
        let practitioners = try await scope.practitioners(clinicID: p.clinicID)
        let rooms = try await scope.appointments.rooms(clinicID: p.clinicID)
        let defaultPractitioner = practitioners.first { $0.id == course.createdBy }?.id ?? practitioners.first?.id
        let v = typed?.values ?? [:]
        let rows = course.plannedVisits.filter { !takenVisits.contains($0.number) && $0.number > recorded }.map { visit -> Row in
            let n = visit.number
            return Row(
                number: n, planned: visit.date.description, book: typed == nil || v["visit-\(n)-book"] != nil,
                date: v["visit-\(n)-date"] ?? visit.date.description, startTime: v["visit-\(n)-time"] ?? AppointmentViews.clock(Self.defaultStart),
                minutes: v["visit-\(n)-minutes"] ?? String(Self.defaultMinutes),
                practitionerId: v["visit-\(n)-practitioner"] ?? defaultPractitioner.map(PageValues.id) ?? "",
                roomId: v["visit-\(n)-room"] ?? rooms.first.map { PageValues.id($0.id) } ?? "",
                error: typed?.rowErrors[n], findings: typed?.findings[n] ?? [], hasFindings: !(typed?.findings[n]?.isEmpty ?? true),
                fieldErrors: typed?.fieldErrors[n] ?? [:])
        }
        let content = Content(
            courseId: PageValues.id(id), patientId: PageValues.id(course.patientID),
            patientName: patient.map { "\($0.givenName) \($0.familyName)" } ?? "", active: course.status == .active, rows: rows,
            hasRows: !rows.isEmpty,
            booked: existing.filter { $0.status == .booked }.map {
                Booked(number: $0.visitNumber, date: $0.date.description, time: AppointmentViews.clock($0.startMinute), status: $0.status.rawValue)
            },
            hasBooked: !takenVisits.isEmpty,
            practitioners: practitioners.map { Choice(value: PageValues.id($0.id), label: $0.name) },
            rooms: rooms.map { Choice(value: PageValues.id($0.id), label: $0.name) }, formError: typed?.formError,
            hasRowErrors: !(typed?.rowErrors.isEmpty ?? true))
        return try await req.render("course-book", title: "Book the course", section: "calendar", content, status: status)
    }

    func book(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.create, .appointment, state: state)
        let id = try req.recordID("courseId", or: Self.notFound)
        let f = try FormFields(req)
        var typed = Typed()
        for (key, values) in f.values where key.hasPrefix("visit-") { typed.values[key] = values.first ?? "" }
        var drafts: [AppointmentDraft] = []
        let numbers = Set(
            f.values.keys.compactMap { key -> Int? in
                let parts = key.split(separator: "-")
                return parts.count == 3 && parts[0] == "visit" && parts[2] == "date" ? Int(parts[1]) : nil
            }
        ).sorted()
        for n in numbers where f["visit-\(n)-book"] != nil {
            var problems: [String: String] = [:]
            let date = f["visit-\(n)-date"].flatMap(LocalDate.init(iso:))
            let start = AppointmentViews.minute(f["visit-\(n)-time"])
            let minutes = f["visit-\(n)-minutes"].flatMap { Int($0) }
            let practitioner = f["visit-\(n)-practitioner"].flatMap(UUID.init(uuidString:))
            let room = f["visit-\(n)-room"].flatMap(UUID.init(uuidString:))
            if date == nil { problems["date"] = "Enter a date (YYYY-MM-DD)." }
            if start == nil { problems["time"] = "Enter a time (HH:MM)." }
            if minutes == nil { problems["minutes"] = "Enter the length in minutes." }
            if practitioner == nil { problems["practitioner"] = "Choose a practitioner." }
            if f["visit-\(n)-room"] != nil && room == nil { problems["room"] = "Choose a room." }
            guard problems.isEmpty, let date, let start, let minutes, let practitioner else {
                typed.fieldErrors[n] = problems
                typed.rowErrors[n] = "Visit \(n): " + problems.values.sorted().joined(separator: " ")
                continue
            }
            let (acks, _) = AppointmentViews.acknowledgements(f, prefix: "ack-\(n)|")
            drafts.append(
                AppointmentDraft(
                    courseID: id, visitNumber: n, date: date, startMinute: start, minutes: minutes, practitionerID: practitioner, roomID: room,
                    acknowledgements: acks))
        }
        for (key, values) in f.values where key.hasPrefix("ack-") { typed.values[key] = values.first ?? "" }
        if drafts.isEmpty && typed.rowErrors.isEmpty { typed.formError = "Tick at least one visit to book." }
        guard typed.rowErrors.isEmpty, typed.formError == nil else {
            return try await render(req, p, course: id, typed: typed, status: .unprocessableEntity)
        }
        do {
            _ = try await state.scope(p.organizationID).appointments.bookPlan(drafts, req.access(p))
        } catch let refusal as VisitBookingRefusal {
            let n = refusal.visitNumber
            switch refusal.error {
            case let r as ClinicalRefusal:
                let reasons = Dictionary(
                    f.values.filter { $0.key.hasPrefix("ack-\(n)|") }.map { (String($0.key.dropFirst("ack-\(n)|".count)), $0.value.first ?? "") },
                    uniquingKeysWith: { a, _ in a })
                typed.findings[n] = AppointmentViews.findings(r, reasons: reasons, prefix: "ack-\(n)|")
                let stops = r.blocking.filter { $0.severity == .stop }
                typed.rowErrors[n] =
                    stops.isEmpty
                    ? "Visit \(n): give a reason for each caution below to book this day."
                    : "Visit \(n) cannot be booked on this day: "
                        + Set(stops.map { "\($0.rule.rawValue): \($0.message)" }).sorted().joined(separator: "; ")
                return try await render(req, p, course: id, typed: typed, status: .unprocessableEntity)
            case let e as StoreError:
                switch e {
                case .state(.doubleBooked):
                    typed.rowErrors[n] = "Visit \(n): " + AppointmentViews.doubleBooked
                    return try await render(req, p, course: id, typed: typed, status: .conflict)
                case .invalid(let field, let problem):
                    let key = ["startTime": "time", "practitionerId": "practitioner", "roomId": "room", "visitNumber": "date"][field] ?? field
                    typed.fieldErrors[n] = [key: PageValues.sentence(problem)]
                    typed.rowErrors[n] = "Visit \(n): \(PageValues.sentence(problem))"
                    return try await render(req, p, course: id, typed: typed, status: .unprocessableEntity)
                case .state(let conflict):
                    typed.formError = PageValues.sentence(conflict.description)
                    return try await render(req, p, course: id, typed: typed, status: .conflict)
                case .notFound:
                    throw Self.notFound
                default:
                    throw e
                }
            default:
                throw refusal.error
            }
        } catch StoreError.invalid(_, let problem) {
            typed.formError = PageValues.sentence(problem)
            return try await render(req, p, course: id, typed: typed, status: .unprocessableEntity)
        }
        return req.done("/calendar?week=\(drafts[0].date)", .appointmentsBooked)
    }
}
