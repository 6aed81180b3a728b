import Foundation
import StratumCore
import StratumStore

// Progress, forecast, photos and the outcome report as the API answers them, from the core's values. Measures are
// written to 3 decimals: more would claim a precision the scores do not have.

enum Measure {
    static func rounded(_ d: Double) -> Double { (d * 1000).rounded() / 1000 }
    static func number(_ d: Double?) -> NullOrNumber { .init(d.map(rounded)) }
    static func interval(_ r: ClosedRange<Double>?) -> NullOrInterval { .init(r.map { [rounded($0.lowerBound), rounded($0.upperBound)] }) }
}

extension Components.Schemas.ScaleProgress {
    init(_ p: ScaleProgress) {
        self.init(
            scale: p.scale.rawValue, name: p.scale.name, scaleKind: Wire.closed(p.scale.kind.rawValue),
            direction: p.scale.lowerIsBetter ? .lowerIsBetter : .higherIsBetter, band: Measure.rounded(p.verdict.band),
            bandBasis: p.scale.importantDifference?.basis ?? "one grade or point: no MCID in the evidence",
            baseline: Measure.number(p.baseline), goal: Measure.number(p.goal), status: Wire.closed(p.verdict.status.rawValue),
            reason: p.verdict.reason,
            points: p.points.map {
                .init(
                    assessmentId: Wire.id($0.assessment.id), assessedOn: Wire.day($0.assessment.assessedOn),
                    kind: Wire.closed($0.assessment.kind.rawValue), score: Measure.rounded($0.assessment.score),
                    sessionsBefore: $0.sessionsBefore, improvement: Measure.number($0.improvement))
            })
    }
}

extension Components.Schemas.CourseForecast {
    init(_ c: CourseForecast) {
        let f = c.forecast
        let score = c.expectedScore
        self.init(
            scale: c.scale.rawValue, scaleKind: Wire.closed(c.scale.kind.rawValue), headline: c.headline, enoughScores: c.enoughScores,
            atSession: f.atSession, sessionsDone: c.sessionsDone, expectedImprovement: Measure.rounded(f.expectedImprovement),
            improvementInterval80: [Measure.rounded(f.interval80.lowerBound), Measure.rounded(f.interval80.upperBound)],
            baseline: Measure.number(c.baseline), expectedScore: Measure.number(score?.value),
            scoreInterval80: .init(score.map { [Measure.rounded($0.low), Measure.rounded($0.high)] }),
            goalScore: Measure.number(c.goalScore), probabilityOfGoal: Measure.number(f.probabilityOfGoal),
            probabilityInterval95: Measure.interval(f.probabilityInterval95), ownDataWeight: Measure.rounded(f.ownDataWeight),
            populationIsPrior: f.populationIsPrior, cohortPatients: c.cohortPatients, caveat: f.caveat)
    }
}

extension Components.Schemas.Photo {
    init(_ p: Photo) {
        self.init(
            id: Wire.id(p.id), patientId: Wire.id(p.patientID), courseId: Wire.id(p.courseID), view: Wire.closed(p.view.rawValue),
            zone: NullOrZone(p.zone.map(Components.Schemas.Zone.init)), visit: p.visit.description, takenOn: Wire.day(p.takenOn),
            sha256: p.sha256, mediaType: Wire.closed(p.format.mediaType), bytes: p.byteCount, width: p.width, height: p.height,
            metadataRemoved: p.removed, hadLocation: p.hadLocation, uploadedBy: Wire.id(p.uploadedBy), createdAt: p.createdAt)
    }
}

extension Components.Schemas.PhotoSlot {
    init(_ s: PhotoSlot) { self.init(view: Wire.closed(s.view.rawValue), zone: NullOrZone(s.zone.map(Components.Schemas.Zone.init))) }
}

extension Components.Schemas.CoursePhotos {
    init(course: Course, photos: [Photo], sessionsDone: Int) {
        self.init(
            items: photos.map(Components.Schemas.Photo.init),
            standardSet: StandardPhotoSet.slots(for: course.zones).map(Components.Schemas.PhotoSlot.init),
            visits: PhotoChecklist.visits(course: course, sessionsDone: sessionsDone, photos: photos).map { v in
                .init(
                    visit: v.visit.description, photos: v.photos.count, missing: v.missing.map(Components.Schemas.PhotoSlot.init),
                    complete: v.missing.isEmpty)
            })
    }
}

extension Components.Schemas.OutcomeReportRow {
    init(_ r: OutcomeReportRow, name: String) {
        self.init(
            key: r.key, name: name, courses: r.courses, assessed: r.responders.trials, responders: r.responders.successes,
            responderShare: Measure.number(r.responders.share), responderInterval95: Measure.interval(r.responders.interval95),
            medianSessions: Measure.number(r.medianSessions), sessions: r.adverseEvents.trials,
            sessionsWithAdverseEvent: r.adverseEvents.successes, adverseEventRate: Measure.number(r.adverseEvents.share),
            adverseEventInterval95: Measure.interval(r.adverseEvents.interval95))
    }
}

extension Components.Schemas.OutcomeReport {
    init(_ t: OutcomeReportTable) {
        self.init(
            overall: .init(t.report.overall, name: "All courses"),
            byIndication: t.report.byIndication.map { .init($0, name: t.indicationName($0.key)) },
            byPractitioner: t.report.byPractitioner.map { .init($0, name: t.practitionerName($0.key)) },
            definitions: .init(
                responder:
                    "improved by at least the scale's MCID where the evidence gives one, else by at least one grade or point, from the first to the last score on the course's primary scale",
                adverseEventRate: "sessions followed by at least one adverse event, of all sessions",
                interval: "95% Wilson score interval"))
    }
}
