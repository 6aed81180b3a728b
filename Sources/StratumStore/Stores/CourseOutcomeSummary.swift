import FluentKit
import Foundation
import StratumCore

final class CourseOutcomeRow: Model, @unchecked Sendable {
    static let schema = "course_outcomes"
    @ID(custom: "course_id", generatedBy: .user) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "clinic_id") var clinicID: UUID
    @Field(key: "indication") var indication: String
    @OptionalField(key: "practitioner_id") var practitionerID: UUID?
    @Field(key: "sessions") var sessions: Int
    @Field(key: "sessions_with_event") var sessionsWithEvent: Int
    @OptionalField(key: "first_score") var firstScore: Double?
    @OptionalField(key: "last_score") var lastScore: Double?
    @Field(key: "scores") var scores: Int
    init() {}
}

/// The outcome report's row of one course, recomputed from the record inside the transaction that changed it:
/// sessions and who gave the first, sessions followed by an adverse event, and on the course's primary scale (read by
/// `ScaleReading`, as the progress page reads it) the baseline score (`first_score`; none on GAIS), the last
/// follow-up's score (`last_score`) and the number of follow-ups (`scores`). Derived data: never audited, always
/// rebuildable from the record.
enum CourseOutcomeSummary {
    static func refresh(courseID: UUID, organizationID: UUID, on database: any Database) async throws {
        guard
            let course = try await CourseRow.query(on: database).filter(\.$id == courseID)
                .filter(\.$organizationID == organizationID).first()
        else { return }
        let indications = try StoredJSON.indications(from: StoredJSON.parse(course.indicationsJSON, "course indications"))
        guard let indication = indications.first else { return }
        let sessions = try await TreatmentSessionRow.query(on: database).filter(\.$courseID == courseID)
            .filter(\.$organizationID == organizationID).sort(\.$date).sort(\.$createdAt).all()
        let ids = sessions.compactMap(\.id)
        let withEvent =
            ids.isEmpty
            ? 0
            : Set(
                try await AdverseEventRow.query(on: database).filter(\.$organizationID == organizationID)
                    .filter(\.$sessionID ~~ ids.map(Optional.some)).all().compactMap(\.sessionID)
            ).count
        let scale = OutcomeScale.primary(for: indications)
        let rows = try await AssessmentRow.query(on: database).filter(\.$organizationID == organizationID).filter(\.$courseID == courseID)
            .filter(\.$scale == scale.rawValue).sort(\.$assessedOn).sort(\.$createdAt).all()
        let scores = rows.compactMap { a -> CourseScore? in
            guard let on = LocalDate(iso: a.assessedOn), let kind = AssessmentKind(rawValue: a.kind) else { return nil }
            return CourseScore(score: a.score, on: on, kind: kind, sessionsBefore: sessions.filter { $0.date < a.assessedOn }.count)
        }
        let reading = ScaleReading(scale: scale, scores: scores)
        let m = try await CourseOutcomeRow.find(courseID, on: database) ?? CourseOutcomeRow()
        m.id = courseID
        m.organizationID = organizationID
        m.clinicID = course.clinicID
        m.indication = indication.rawValue
        m.practitionerID = sessions.first?.practitionerID
        m.sessions = sessions.count
        m.sessionsWithEvent = withEvent
        m.firstScore = reading.baseline.map { scores[$0].score }
        m.lastScore = reading.followUps.last.map { scores[$0].score }
        m.scores = reading.followUps.count
        try await m.save(on: database)
    }
}
