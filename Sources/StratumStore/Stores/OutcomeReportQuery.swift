import FluentKit
import Foundation
import SQLKit
import StratumCore

extension OutcomeStore {
    /// The clinic outcome report over every course with a session, in one clinic or the whole organization, grouped
    /// by the database from the per-course summary (`course_outcomes`, kept by every write): a chain's 200,000
    /// courses come back as a few thousand rows along one covering index.
    public func report(clinicID: UUID?, _ ctx: AccessContext) async throws -> OutcomeReport {
        let org = scope.organizationID
        return try await scope.db.write { database in
            let sql = database as! any SQLDatabase
            let clinic: SQLQueryString = clinicID.map { "AND clinic_id = \(bind: $0)" } ?? ""
            let rows = try await sql.raw(
                """
                SELECT indication, practitioner_id, sessions, sessions_with_event, first_score, last_score, scores, COUNT(*) AS courses
                FROM course_outcomes WHERE organization_id = \(bind: org) \(clinic) AND sessions > 0
                GROUP BY indication, practitioner_id, sessions, sessions_with_event, first_score, last_score, scores
                """
            ).all()
            var facts: [CourseOutcomeFacts] = []
            for row in rows {
                guard let indication = IndicationID(rawValue: try row.decode(column: "indication", as: String.self)),
                    let practitioner = try row.decode(column: "practitioner_id", as: UUID?.self)
                else { continue }
                let scale = OutcomeScale.primary(for: [indication])
                let first = try row.decode(column: "first_score", as: Double?.self)
                let last = try row.decode(column: "last_score", as: Double?.self)
                let scores = try row.decode(column: "scores", as: Int.self)
                // The summary holds the baseline (none on GAIS) and the last follow-up (ScaleReading): GAIS 1–3 at the
                // last assessment, or a band better than baseline on a severity scale.
                var responder: Bool?
                if scores > 0, let last, let gain = scale.improvement(from: first, to: last) {
                    responder = scale.isResponder(improvement: gain)
                }
                facts.append(
                    CourseOutcomeFacts(
                        indication: indication, practitionerID: practitioner, sessions: try row.decode(column: "sessions", as: Int.self),
                        sessionsWithAdverseEvent: try row.decode(column: "sessions_with_event", as: Int.self), responder: responder,
                        count: try row.decode(column: "courses", as: Int.self)))
            }
            try await self.scope.audit(ctx, patientID: nil, action: .read, resource: "outcome-report", outcome: .allowed, on: database)
            return OutcomeReport.build(facts)
        }
    }
}
