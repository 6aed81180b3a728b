import FluentKit
import Foundation
import StratumCore

/// A planned visit of an active course, as the clinic's day sheet shows it.
public struct ScheduledVisit: Sendable, Equatable {
    public let patientID: UUID
    public let patientName: String
    public let courseID: UUID
    public let number: Int
    public let date: LocalDate
    /// Who planned the course: the practitioner the visit is listed under.
    public let practitionerID: UUID
    /// True once the course has at least `number` sessions recorded.
    public let done: Bool
}

/// The clinic's schedule, built from the planned visits of active courses.
public struct ScheduleStore: Sendable {
    let scope: OrganizationScope

    /// Visits of the clinic's active courses dated `from` through `to`, in date order, each with whether it has been
    /// recorded. Every patient listed is an access to that patient's record, audited once.
    public func visits(clinicID: UUID, from: LocalDate, to: LocalDate, _ ctx: AccessContext) async throws -> [ScheduledVisit] {
        try await scope.db.write { database -> [ScheduledVisit] in
            let org = self.scope.organizationID
            let rows = try await PlannedVisitRow.query(on: database)
                .join(CourseRow.self, on: \PlannedVisitRow.$courseID == \CourseRow.$id)
                .filter(\.$organizationID == org)
                .filter(CourseRow.self, \.$organizationID == org)
                .filter(CourseRow.self, \.$clinicID == clinicID)
                .filter(CourseRow.self, \.$status == CourseStatus.active.rawValue)
                .filter(\.$date >= from.description).filter(\.$date <= to.description)
                .sort(\.$date).sort(\.$number).limit(2000).all()
            let courses = try rows.map { try $0.joined(CourseRow.self) }
            let courseIDs = Array(Set(courses.compactMap(\.id)))
            var recorded: [UUID: Int] = [:]
            var patients: [UUID: PatientRow] = [:]
            if !courseIDs.isEmpty {
                for s in try await TreatmentSessionRow.query(on: database).filter(\.$organizationID == org)
                    .filter(\.$courseID ~~ courseIDs).all()
                {
                    recorded[s.courseID, default: 0] += 1
                }
                let patientIDs = Array(Set(courses.map(\.patientID)))
                for p in try await PatientRow.query(on: database).filter(\.$organizationID == org).filter(\.$id ~~ patientIDs).all() {
                    patients[p.id!] = p
                }
            }
            var out: [ScheduledVisit] = []
            var audited = Set<UUID>()
            for (visit, course) in zip(rows, courses) {
                guard let date = LocalDate(iso: visit.date), let patient = patients[course.patientID] else { continue }
                if audited.insert(course.patientID).inserted {
                    try await self.scope.audit(ctx, patientID: course.patientID, action: .list, resource: "schedule", outcome: .allowed, on: database)
                }
                out.append(
                    ScheduledVisit(
                        patientID: course.patientID, patientName: "\(patient.givenName) \(patient.familyName)",
                        courseID: course.id!, number: visit.number, date: date, practitionerID: course.createdBy,
                        done: recorded[course.id!, default: 0] >= visit.number))
            }
            // Within a day, by patient: the database's order among visits of one date is not defined.
            return out.enumerated().sorted { a, b in
                (a.element.date, a.element.patientName, a.element.number, a.offset) < (
                    b.element.date, b.element.patientName, b.element.number, b.offset
                )
            }.map(\.element)
        }
    }
}
