import Foundation
import StratumCore
import StratumStore

/// JSON shapes of progress, forecast, photos and the outcome report (docs/api.md, Outcomes).
enum OutcomeJSON {
    static func number(_ d: Double?) -> JSONValue { d.map { .number(($0 * 1000).rounded() / 1000) } ?? .null }

    static func interval(_ r: ClosedRange<Double>?) -> JSONValue { r.map { .array([number($0.lowerBound), number($0.upperBound)]) } ?? .null }

    static func progress(_ p: ScaleProgress) -> JSONValue {
        .object([
            ("scale", .string(p.scale.rawValue)), ("name", .string(p.scale.name)), ("scaleKind", .string(p.scale.kind.rawValue)),
            ("direction", .string(p.scale.lowerIsBetter ? "lower-is-better" : "higher-is-better")),
            ("band", number(p.verdict.band)), ("bandBasis", .string(p.scale.importantDifference?.basis ?? "one grade or point: no MCID in the evidence")),
            ("baseline", number(p.baseline)), ("goal", number(p.goal)),
            ("status", .string(p.verdict.status.rawValue)), ("reason", .string(p.verdict.reason)),
            ("points", .array(p.points.map {
                .object([("assessmentId", RecordJSON.id($0.assessment.id)), ("assessedOn", .string($0.assessment.assessedOn.description)),
                         ("kind", .string($0.assessment.kind.rawValue)), ("score", number($0.assessment.score)),
                         ("sessionsBefore", .number(Double($0.sessionsBefore))), ("improvement", number($0.improvement))])
            })),
        ])
    }

    static func forecast(_ c: CourseForecast) -> JSONValue {
        let f = c.forecast
        let score = c.expectedScore
        return .object([
            ("scale", .string(c.scale.rawValue)), ("scaleKind", .string(c.scale.kind.rawValue)), ("headline", .string(c.headline)),
            ("enoughScores", .bool(c.enoughScores)),
            ("atSession", .number(Double(f.atSession))), ("sessionsDone", .number(Double(c.sessionsDone))),
            ("expectedImprovement", number(f.expectedImprovement)), ("improvementInterval80", interval(f.interval80)),
            ("baseline", number(c.baseline)), ("expectedScore", number(score?.value)),
            ("scoreInterval80", score.map { .array([number($0.low), number($0.high)]) } ?? .null),
            ("goalScore", number(c.goalScore)), ("probabilityOfGoal", number(f.probabilityOfGoal)),
            ("probabilityInterval95", interval(f.probabilityInterval95)), ("ownDataWeight", number(f.ownDataWeight)),
            ("populationIsPrior", .bool(f.populationIsPrior)), ("cohortPatients", .number(Double(c.cohortPatients))),
            ("caveat", .string(f.caveat)),
        ])
    }

    static func photo(_ p: Photo) -> JSONValue {
        .object([
            ("id", RecordJSON.id(p.id)), ("patientId", RecordJSON.id(p.patientID)), ("courseId", RecordJSON.id(p.courseID)),
            ("view", .string(p.view.rawValue)), ("zone", p.zone.map(ResultWriter.zone) ?? .null), ("visit", .string(p.visit.description)),
            ("takenOn", .string(p.takenOn.description)), ("sha256", .string(p.sha256)), ("mediaType", .string(p.format.mediaType)),
            ("bytes", .number(Double(p.byteCount))), ("width", .number(Double(p.width))), ("height", .number(Double(p.height))),
            ("metadataRemoved", .array(p.removed.map { .string($0) })), ("hadLocation", .bool(p.hadLocation)),
            ("uploadedBy", RecordJSON.id(p.uploadedBy)), ("createdAt", RecordJSON.time(p.createdAt)),
        ])
    }

    static func slot(_ s: PhotoSlot) -> JSONValue {
        .object([("view", .string(s.view.rawValue)), ("zone", s.zone.map(ResultWriter.zone) ?? .null)])
    }

    static func checklist(_ visits: [PhotoChecklist.Visit]) -> JSONValue {
        .array(visits.map { v in
            .object([("visit", .string(v.visit.description)), ("photos", .number(Double(v.photos.count))),
                     ("missing", .array(v.missing.map(slot))), ("complete", .bool(v.missing.isEmpty))])
        })
    }

    static func row(_ r: OutcomeReportRow, name: String) -> JSONValue {
        .object([
            ("key", .string(r.key)), ("name", .string(name)), ("courses", .number(Double(r.courses))),
            ("assessed", .number(Double(r.responders.trials))), ("responders", .number(Double(r.responders.successes))),
            ("responderShare", number(r.responders.share)), ("responderInterval95", interval(r.responders.interval95)),
            ("medianSessions", number(r.medianSessions)), ("sessions", .number(Double(r.adverseEvents.trials))),
            ("sessionsWithAdverseEvent", .number(Double(r.adverseEvents.successes))),
            ("adverseEventRate", number(r.adverseEvents.share)), ("adverseEventInterval95", interval(r.adverseEvents.interval95)),
        ])
    }
}

/// Per visit of a course, the photos taken and the slots of the standard set still missing: baseline always,
/// each session done, and any visit that already has a photo.
enum PhotoChecklist {
    struct Visit: Sendable {
        let visit: PhotoVisit
        let photos: [Photo]
        let missing: [PhotoSlot]
    }

    static func visits(course: Course, sessionsDone: Int, photos: [Photo]) -> [Visit] {
        var visits: Set<PhotoVisit> = [.baseline]
        if sessionsDone > 0 { for n in 1...sessionsDone { visits.insert(.session(n)) } }
        for p in photos { visits.insert(p.visit) }
        return visits.sorted().map { v in
            let taken = photos.filter { $0.visit == v }
            return Visit(visit: v, photos: taken, missing: StandardPhotoSet.missing(for: course.zones, taken: taken.map(\.slot)))
        }
    }
}
