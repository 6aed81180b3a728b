import Foundation
import StratumCore
import StratumStore
import Vapor

/// The clinic's day: planned visits per practitioner, overdue visits, open adverse events, open recalls and
/// infection-cluster alerts.
struct TodayPage {
    let state: ServerState
    /// The clinic's calendar day; injected so tests can pin it.
    let today: @Sendable () -> LocalDate

    /// How far back an unrecorded visit still counts as an overdue follow-up rather than a lapsed course.
    static let overdueWindowDays = 90

    struct Visit: Encodable {
        let patientId: String
        let patientName: String
        let courseId: String
        let number: Int
        let date: String
        let done: Bool
    }

    struct Group: Encodable {
        let practitioner: String
        let visits: [Visit]
    }

    struct Event: Encodable {
        let patientId: String
        let patientName: String
        let type: String
        let grade: Int
        let onset: String
    }

    struct Content: Encodable {
        let date: String
        let canSeeSchedule: Bool
        let groups: [Group]
        let hasVisits: Bool
        let overdue: [Visit]
        let hasOverdue: Bool
        let canSeeEvents: Bool
        let events: [Event]
        let hasEvents: Bool
        let canSeeRecalls: Bool
        let recalls: [RecallPages.Summary]
        let hasRecalls: Bool
        let alerts: [RecallPages.AlertView]
        let hasAlerts: Bool
        /// The day's appointments and the front desk's check-in (TodayAppointments.swift).
        let appointments: TodayAppointments?
        /// Check-ins with a warning sign, waiting for a practitioner (TodayPatientReports.swift).
        let patientReports: TodayPatientReports
        /// Screenings answered at home awaiting the room's review (TodayHomeScreenings.swift).
        let homeScreenings: TodayHomeScreenings
    }

    func register(_ routes: any RoutesBuilder) {
        routes.get("today", use: page)
    }

    func page(_ req: Request) async throws -> Response {
        let user = try req.user()
        let p = user.principal
        let scope = state.scope(p.organizationID)
        let day = today()
        var groups: [Group] = []
        var overdue: [Visit] = []
        let canSeeSchedule = Permissions.allows(p.role, .read, .course)
        if canSeeSchedule {
            let all = try await scope.schedule.visits(clinicID: p.clinicID, from: day.adding(days: -Self.overdueWindowDays), to: day, req.access(p))
            var names: [UUID: String] = [:]
            for id in Set(all.map(\.practitionerID)) { names[id] = try await state.directory.user(id: id)?.displayName ?? "Former staff" }
            let todays = all.filter { $0.date == day }
            for id in Set(todays.map(\.practitionerID)).sorted(by: { (names[$0] ?? "") < (names[$1] ?? "") }) {
                groups.append(Group(practitioner: names[id] ?? "", visits: todays.filter { $0.practitionerID == id }.map(Self.visit)))
            }
            overdue = all.filter { $0.date < day && !$0.done }.map(Self.visit)
        }
        var events: [Event] = []
        let canSeeEvents = Permissions.allows(p.role, .read, .adverseEvent)
        if canSeeEvents {
            // Only the clinic in use: another clinic's patients are not this room's concern (issue 12, reproduction 8).
            events = try await scope.adverseEvents.openEvents(clinicID: p.clinicID, req.access(p)).map {
                Event(
                    patientId: PageValues.id($0.event.patientID), patientName: $0.patientName, type: $0.event.type.rawValue,
                    grade: $0.event.grade.rawValue, onset: $0.event.onset.description)
            }
        }
        // Open recalls and unreviewed infection clusters stay on Today until closed (POLICY §4, §6).
        let canSeeRecalls = Permissions.allows(p.role, .read, .sterility)
        var recalls: [RecallPages.Summary] = []
        var alerts: [RecallPages.AlertView] = []
        if canSeeRecalls {
            // The signed-in clinic's recalls only: another clinic's sterilizer or lot is that clinic's to follow up.
            recalls = try await scope.recalls.summaries(openOnly: true, clinicID: p.clinicID).map(RecallPages.summary)
            alerts = RecallPages.alerts(try await scope.clusters.alerts())
        }
        return try await req.render(
            "today", title: "Today", section: "today",
            Content(
                date: day.description, canSeeSchedule: canSeeSchedule, groups: groups, hasVisits: !groups.isEmpty, overdue: overdue,
                hasOverdue: !overdue.isEmpty, canSeeEvents: canSeeEvents, events: events, hasEvents: !events.isEmpty,
                canSeeRecalls: canSeeRecalls, recalls: recalls, hasRecalls: !recalls.isEmpty, alerts: alerts, hasAlerts: !alerts.isEmpty,
                appointments: try await TodayAppointments.load(req, p, state: state, day: day),
                patientReports: try await TodayPatientReports.load(req, p, state: state),
                homeScreenings: try await TodayHomeScreenings.read(req, p, state: state)))
    }

    static func visit(_ v: ScheduledVisit) -> Visit {
        Visit(
            patientId: v.patientID.uuidString.lowercased(), patientName: v.patientName, courseId: v.courseID.uuidString.lowercased(),
            number: v.number, date: v.date.description, done: v.done)
    }
}
