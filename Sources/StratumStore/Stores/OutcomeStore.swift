import FluentKit
import Foundation
import SQLKit
import StratumCore

/// Outcomes across a clinic's courses: the cohort a patient's forecast borrows strength from, and the clinic
/// outcome report. Both read many patients' scores but show only aggregates; each read is audited once, at the
/// organization, not as a read of every patient's record (docs/decisions/0005-aggregate-audit.md).
public struct OutcomeStore: Sendable {
    let scope: OrganizationScope

    /// The improvements after each session of every course in `clinicID` whose first indication is `indication`,
    /// scored on `scale`, except `excluding` (the patient being forecast).
    public func cohort(
        clinicID: UUID, indication: IndicationID, scale: OutcomeScale, excluding: UUID?,
        _ ctx: AccessContext
    ) async throws -> [ResponseTrajectory] {
        let org = scope.organizationID
        let prefix = Self.firstIndicationPrefix(indication)
        return try await scope.db.write { database in
            let sql = database as! any SQLDatabase
            let sessionRows = try await sql.raw(
                """
                SELECT ts.course_id, ts.date FROM treatment_sessions ts JOIN courses c ON c.id = ts.course_id
                WHERE ts.organization_id = \(bind: org) AND c.organization_id = \(bind: org) AND c.clinic_id = \(bind: clinicID)
                  AND c.indications_json LIKE \(bind: prefix)
                """
            ).all()
            let scoreRows = try await sql.raw(
                """
                SELECT a.course_id, a.score, a.assessed_on, a.kind FROM assessments a JOIN courses c ON c.id = a.course_id
                WHERE a.organization_id = \(bind: org) AND c.organization_id = \(bind: org) AND c.clinic_id = \(bind: clinicID)
                  AND c.indications_json LIKE \(bind: prefix) AND a.scale = \(bind: scale.rawValue)
                ORDER BY a.course_id, a.assessed_on, a.created_at
                """
            ).all()
            var sessions: [UUID: [String]] = [:]
            for r in sessionRows {
                sessions[try r.decode(column: "course_id", as: UUID.self), default: []].append(try r.decode(column: "date", as: String.self))
            }
            var scores: [UUID: [(score: Double, on: String, kind: String)]] = [:]
            var order: [UUID] = []
            for r in scoreRows {
                let id = try r.decode(column: "course_id", as: UUID.self)
                if scores[id] == nil { order.append(id) }
                scores[id, default: []].append(
                    (
                        try r.decode(column: "score", as: Double.self), try r.decode(column: "assessed_on", as: String.self),
                        try r.decode(column: "kind", as: String.self)
                    ))
            }
            try await self.scope.audit(ctx, patientID: nil, action: .read, resource: "outcome-cohort", outcome: .allowed, on: database)
            return order.filter { $0 != excluding }.map { id in
                Self.trajectory(scale: scale, scores: scores[id]!, sessionDates: sessions[id] ?? [])
            }
        }
    }

    /// One course's trajectory: each follow-up after a session as (sessions done before it, improvement), read by the
    /// same baseline rule as the progress page (`ScaleReading`). ISO dates compare as text.
    public static func trajectory(scale: OutcomeScale, scores: [(score: Double, on: String, kind: String)], sessionDates: [String])
        -> ResponseTrajectory
    {
        let read = scores.compactMap { s -> CourseScore? in
            guard let on = LocalDate(iso: s.on), let kind = AssessmentKind(rawValue: s.kind) else { return nil }
            return CourseScore(score: s.score, on: on, kind: kind, sessionsBefore: sessionDates.filter { $0 < s.on }.count)
        }
        let reading = ScaleReading(scale: scale, scores: read)
        return ResponseTrajectory(
            points: zip(reading.followUps, reading.improvements).compactMap { index, gain in
                read[index].sessionsBefore > 0 ? (read[index].sessionsBefore, gain) : nil
            })
    }

    /// The text a course's stored indications start with when `indication` is the first: the primary one.
    static func firstIndicationPrefix(_ indication: IndicationID) -> String {
        String(StoredJSON.text(StoredJSON.indications([indication])).dropLast()) + "%"
    }
}
