import FluentKit
import Foundation

/// Everything a practitioner reads before touching a patient, as of one moment.
public struct PatientChart: Sendable, Equatable {
    public let patient: Patient
    /// Every screening version, newest first: the banner's alerts come from the first.
    public let screenings: [ScreeningRecord]
    public let consents: [Consent]
    /// Newest first, each with its planned visits.
    public let courses: [Course]
    /// Every session of every course, in date order: the chart's timeline.
    public let sessions: [TreatmentSession]
    public let adverseEvents: [AdverseEvent]
    public let assessments: [Assessment]
}

/// The patient's chart read as one snapshot, so its parts agree with each other, and audited as one access. The
/// audit row is committed before the chart is returned: nothing is disclosed without its row, and the reading itself
/// runs beside other writes instead of queueing for SQLite's one writer.
public struct ChartStore: Sendable {
    let scope: OrganizationScope

    /// The chart, or nil when there is no such patient in this organization (audited as a denied read).
    public func chart(patientID: UUID, _ ctx: AccessContext) async throws -> PatientChart? {
        let chart = try await scope.db.snapshot { database -> PatientChart? in
            guard let patient = try await self.scope.patient(patientID, on: database) else { return nil }
            let org = self.scope.organizationID
            let screenings = try await ScreeningRow.query(on: database).filter(\.$organizationID == org)
                .filter(\.$patientID == patientID).sort(\.$version, .descending).all()
            let consents = try await ConsentRow.query(on: database).filter(\.$organizationID == org)
                .filter(\.$patientID == patientID).sort(\.$signedAt).all()
            let courseRows = try await CourseRow.query(on: database).filter(\.$organizationID == org)
                .filter(\.$patientID == patientID).sort(\.$createdAt, .descending).all()
            // Each child table is read once for the whole chart: the cost of a chart grows with its rows, not its
            // round trips.
            let courses = try await self.scope.courses.loadAll(courseRows, on: database)
            var sessions: [TreatmentSession] = []
            let courseIDs = courseRows.compactMap(\.id)
            if !courseIDs.isEmpty {
                let rows = try await TreatmentSessionRow.query(on: database).filter(\.$organizationID == org)
                    .filter(\.$courseID ~~ courseIDs).sort(\.$date).sort(\.$createdAt).all()
                sessions = try await self.scope.sessions.loadAll(rows, patientID: patientID, on: database)
            }
            let events = try await AdverseEventRow.query(on: database).filter(\.$organizationID == org)
                .filter(\.$patientID == patientID).sort(\.$onset, .descending).sort(\.$createdAt, .descending).all()
            let assessments = try await AssessmentRow.query(on: database).filter(\.$organizationID == org)
                .filter(\.$patientID == patientID).sort(\.$assessedOn).sort(\.$createdAt).all()
            let raw = PatientChart(
                patient: Patient(patient), screenings: try screenings.map(ScreeningRecord.init),
                consents: try consents.map(Consent.init), courses: courses, sessions: sessions,
                adverseEvents: try events.map(AdverseEvent.init), assessments: try assessments.map(Assessment.init))
            // Everyone the chart names, resolved in one look-up for the whole chart.
            let staff = try await self.scope.authors(raw.staffIDs, on: database)
            func named<T: Attributed>(_ values: [T]) -> [T] {
                values.map {
                    var v = $0; v.staff = staff; return v
                }
            }
            return PatientChart(
                patient: raw.patient, screenings: named(raw.screenings), consents: named(raw.consents),
                courses: named(raw.courses), sessions: named(raw.sessions), adverseEvents: named(raw.adverseEvents),
                assessments: named(raw.assessments))
        }
        try await scope.db.write { database in
            try await self.scope.audit(
                ctx, patientID: patientID, action: .read, resource: "patient.chart",
                outcome: chart == nil ? .denied : .allowed, on: database)
        }
        return chart
    }
}
