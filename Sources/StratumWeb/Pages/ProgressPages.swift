import Foundation
import StratumCore
import StratumStore
import Vapor

/// A course's progress (outcome charts against the goal), the patient's printable course summary, the printable
/// aftercare sheet of a session (POLICY §7) and the course's planned visits as an iCalendar file.
struct ProgressPages {
    let state: ServerState
    let today: @Sendable () -> LocalDate

    func register(_ routes: any RoutesBuilder) {
        routes.get("courses", ":courseId", "progress", use: progress)
        routes.get("courses", ":courseId", "summary", use: summary)
        routes.get("courses", ":courseId", "visits.ics", use: calendar)
        routes.get("sessions", ":sessionId", "aftercare", use: aftercare)
    }

    struct Loaded {
        let course: Course
        let patient: Patient
        let sessions: [TreatmentSession]
        let assessments: [Assessment]
    }

    private func load(_ req: Request, _ p: Principal) async throws -> Loaded {
        let id = try CoursePages.courseID(req)
        let scope = state.scope(p.organizationID)
        guard let course = try await scope.courses.get(courseID: id, req.access(p)),
            let patient = try await scope.patients.get(course.patientID, req.access(p))
        else { throw CoursePages.courseNotFound }
        let sessions = Permissions.allows(p.role, .read, .session) ? try await scope.sessions.list(courseID: id, req.access(p)) : []
        let assessments =
            Permissions.allows(p.role, .read, .assessment)
            ? try await scope.assessments.list(patientID: patient.id, req.access(p)).filter { $0.courseID == id } : []
        return Loaded(course: course, patient: patient, sessions: sessions, assessments: assessments)
    }

    /// One chart per scale the course has scores on, the primary scale first (drawn even before any score), with
    /// the baseline, the change band and the goal.
    static func charts(_ l: Loaded, _ progress: [ScaleProgress]? = nil) -> [ProgressChart] {
        let start = l.course.plannedVisits.first?.date ?? l.course.createdAt.localDate
        let end = (l.course.plannedVisits.last?.date ?? start).adding(days: 180)
        return (progress ?? CourseOutcomes.progress(course: l.course, sessions: l.sessions, assessments: l.assessments)).map { p in
            ProgressChart(
                scale: p.scale, assessments: p.points.map(\.assessment), sessionDates: l.sessions.map(\.date),
                start: start, end: end, goal: p.goal, baseline: p.points.isEmpty ? nil : p.reference)
        }
    }

    struct ForecastView: Encodable {
        /// The one plain sentence the forecast leads with; the figures sit behind a disclosure.
        let headline: String
        let scaleName: String
        let atSession: Int
        let sessionsDone: Int
        let expected: String
        let interval: String
        let probability: String?
        let probabilityInterval: String?
        let caveat: String
        let basis: String
        let ownWeight: String
    }

    struct ProgressContent: Encodable {
        let courseId: String
        let patientId: String
        let patientName: String
        let indications: String
        let goal: String?
        let charts: [ProgressChart]
        let forecast: ForecastView?
    }

    static func statusLabel(_ s: CourseProgressStatus) -> String {
        switch s {
        case .notYetAssessed: "Not yet assessed"
        case .tooEarly: "Too early to judge"
        case .improving: "Improving"
        case .plateau: "Plateau"
        case .worsening: "Worsening"
        }
    }

    static func forecastView(_ c: CourseForecast) -> ForecastView {
        let f = c.forecast
        func pct(_ d: Double) -> String { "\(Int((d * 100).rounded()))%" }
        let n = { (d: Double) in PageValues.mm((d * 10).rounded() / 10) }
        // GAIS is forecast as a grade (its improvement is the distance from "no change"), never as change from a score.
        var expected =
            c.scale.ratesChange
            ? "\(n(f.expectedImprovement)) grades better than no change on \(c.scale.name)"
            : "improvement of \(n(f.expectedImprovement)) from baseline on \(c.scale.name)"
        var interval = "80% interval \(n(f.interval80.lowerBound)) to \(n(f.interval80.upperBound))"
        if let s = c.expectedScore {
            expected = "score \(n(s.value)) (\(expected))"
            interval = "80% interval: score \(n(s.low)) to \(n(s.high))"
        }
        return ForecastView(
            headline: c.headline, scaleName: c.scale.name, atSession: f.atSession, sessionsDone: c.sessionsDone, expected: expected,
            interval: interval,
            probability: f.probabilityOfGoal.map(pct),
            probabilityInterval: f.probabilityInterval95.map { "\(pct($0.lowerBound))–\(pct($0.upperBound))" },
            caveat: f.caveat,
            basis: f.populationIsPrior
                ? "General prior curve (too few of the clinic's own patients)" : "The clinic's curve from \(c.cohortPatients) patients",
            ownWeight: pct(f.ownDataWeight))
    }

    func progress(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.read, .course, state: state)
        let l = try await load(req, p)
        let progress = CourseOutcomes.progress(course: l.course, sessions: l.sessions, assessments: l.assessments)
        let charts = Self.charts(l, progress)
        var forecast: ForecastView?
        if Permissions.allows(p.role, .read, .assessment) {
            let scale = OutcomeScale.primary(for: l.course.indications)
            let cohort = try await state.scope(p.organizationID).outcomes.cohort(
                clinicID: l.course.clinicID, indication: l.course.indications.first ?? .photoaging, scale: scale, excluding: l.course.id,
                req.access(p))
            forecast = Self.forecastView(CourseOutcomes.forecast(course: l.course, sessions: l.sessions, assessments: l.assessments, cohort: cohort))
        }
        let content = ProgressContent(
            courseId: PageValues.id(l.course.id), patientId: PageValues.id(l.patient.id),
            patientName: "\(l.patient.givenName) \(l.patient.familyName)",
            indications: l.course.indications.map(PageValues.indicationName).joined(separator: ", "), goal: l.course.goal,
            charts: zip(progress, charts).map { pr, chart in
                var chart = chart
                chart.status = pr.verdict.status.rawValue
                chart.statusLabel = Self.statusLabel(pr.verdict.status)
                chart.statusReason = pr.verdict.reason
                chart.statusTone =
                    switch pr.verdict.status {
                    case .improving: "ok"
                    case .plateau: "caution"
                    case .worsening: "stop"
                    case .notYetAssessed, .tooEarly: "muted"
                    }
                chart.itemsLine = pr.points.last?.assessment.items.map { list in
                    list.map { i in "\(pr.scale.items.first { $0.key == i.key }?.label ?? i.key) \(OutcomeScale.text(i.value))" }.joined(
                        separator: " · ")
                }
                return chart
            },
            forecast: forecast)
        return try await req.render("progress", title: "Progress · \(l.patient.givenName) \(l.patient.familyName)", section: "patients", content)
    }

    struct SummaryContent: Encodable {
        struct Visit: Encodable {
            let number: Int
            let date: String
            let done: Bool
            /// Who treated at the visit, once done (issue 12: the print-out names who did it).
            var by = ""
        }
        let patientName: String
        let clinicName: String
        let indications: String
        let zones: String
        let goal: String?
        let visits: [Visit]
        let done: Int
        let total: Int
        let next: String?
        let charts: [ProgressChart]
        let printedOn: String
        let courseId: String
    }

    func summary(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.read, .course, state: state)
        let l = try await load(req, p)
        let clinic = try await state.scope(p.organizationID).clinic(l.course.clinicID)
        let done = l.sessions.count
        let day = today()
        let content = SummaryContent(
            patientName: "\(l.patient.givenName) \(l.patient.familyName)", clinicName: clinic?.name ?? "",
            indications: l.course.indications.map(PageValues.indicationName).joined(separator: ", "),
            zones: l.course.zones.map(PageValues.zoneName).joined(separator: ", "), goal: l.course.goal,
            visits: l.course.plannedVisits.map { v in
                let session = v.number <= done ? l.sessions.sorted { $0.date < $1.date }[v.number - 1] : nil
                return .init(
                    number: v.number, date: v.date.description, done: v.number <= done,
                    by: session.map { "treated by \(AuthorshipText.sessionShort($0))" } ?? "")
            },
            done: done, total: l.course.plannedVisits.count,
            next: l.course.plannedVisits.first { $0.number > done && $0.date >= day }?.date.description,
            charts: Self.charts(l), printedOn: day.description, courseId: PageValues.id(l.course.id))
        return try await req.render(
            "course-summary", title: "Course summary · \(l.patient.givenName) \(l.patient.familyName)",
            section: "patients", content)
    }

    /// The course's planned visits as iCalendar (RFC 5545) all-day events, for the patient's own calendar.
    func calendar(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.read, .course, state: state)
        let l = try await load(req, p)
        let clinic = try await state.scope(p.organizationID).clinic(l.course.clinicID)
        let body = ICalendar.visits(
            courseID: l.course.id, visits: l.course.plannedVisits,
            clinic: clinic.map(ICalendar.ClinicContact.init) ?? ICalendar.ClinicContact(name: "the clinic"), stamp: req.now)
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/calendar; charset=utf-8")
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"stratum-course-visits.ics\"")
        return Response(status: .ok, headers: headers, body: .init(string: body))
    }

    struct AftercareContent: Encodable {
        struct Step: Encodable {
            let when: String
            let dates: String
            let text: String
        }
        let patientName: String
        let clinicName: String
        /// How the patient reaches the clinic: what "call the clinic" needs; empty when the owner has not entered it.
        let clinicPhone: String
        let clinicAddress: [String]
        let hasAddress: Bool
        let clinicEmail: String
        /// The clinic's IANA zone: the dates on the sheet are its days, wherever the patient reads it.
        let clinicTimezone: String
        let sessionDate: String
        let depth: String
        let steps: [Step]
        let callIf: [String]
        let sessionId: String
        let next: String?
    }

    func aftercare(_ req: Request) async throws -> Response {
        let id = try SessionPages.sessionID(req)
        let p = try await req.authorize(.read, .session, state: state)
        let scope = state.scope(p.organizationID)
        guard let s = try await scope.sessions.get(sessionID: id, req.access(p)),
            let patient = try await scope.patients.get(s.patientID, req.access(p))
        else { throw SessionPages.sessionNotFound }
        let course = try await scope.courses.get(courseID: s.courseID, req.access(p))
        let clinic = try await scope.clinic(s.clinicID)
        let deepest = s.zones.map(\.depthMM).max() ?? 0
        let addressLines = (clinic?.address ?? "").split(whereSeparator: \.isNewline).map(String.init)
        let timeline = AftercareTimeline(sessionDate: s.date, depthMM: deepest)
        let content = AftercareContent(
            patientName: "\(patient.givenName) \(patient.familyName)", clinicName: clinic?.name ?? "",
            clinicPhone: clinic?.phone ?? "", clinicAddress: addressLines, hasAddress: !addressLines.isEmpty,
            clinicEmail: clinic?.email ?? "", clinicTimezone: clinic?.timezone ?? "UTC", sessionDate: s.date.description,
            depth: PageValues.mm(deepest),
            // Chronological for a handout: by first day, the shorter step first (an open-ended step last).
            steps: timeline.steps.sorted { ($0.from, $0.until?.dayNumber ?? .max) < ($1.from, $1.until?.dayNumber ?? .max) }.map { step in
                let dates = step.until.map { $0 == step.from ? step.from.description : "\(step.from) to \($0)" } ?? "from \(step.from)"
                return .init(when: step.when, dates: dates, text: step.text + ".")
            },
            callIf: timeline.callTheClinicIf, sessionId: PageValues.id(s.id),
            next: course?.plannedVisits.first { $0.date > s.date }?.date.description)
        return try await req.render("aftercare", title: "Aftercare · \(patient.givenName) \(patient.familyName)", section: "patients", content)
    }
}

extension Date {
    /// The UTC calendar day of an instant.
    var localDate: LocalDate { LocalDate(dayNumber: Int((timeIntervalSince1970 / 86_400).rounded(.down))) }
}
