import Foundation
import OpenAPIRuntime
import StratumCore
import StratumStore

/// Outcomes over the API: progress and forecast of a course, photos with their checklist and consent-gated export,
/// and the clinic outcome report.
extension APIHandler {
    /// The course with what its outcome views need, each read audited by its store.
    func outcomeData(_ courseID: UUID, _ p: Principal) async throws -> (Course, [TreatmentSession], [Assessment]) {
        let scope = state.scope(p.organizationID)
        guard let course = try await scope.courses.get(courseID: courseID, access(p)) else { throw APIProblem.notFound("course") }
        let sessions = try await scope.sessions.list(courseID: courseID, access(p))
        let assessments = try await scope.assessments.list(patientID: course.patientID, access(p)).filter { $0.courseID == courseID }
        return (course, sessions, assessments)
    }

    func getCourseProgress(_ input: Operations.GetCourseProgress.Input) async throws -> Operations.GetCourseProgress.Output {
        let id = try uuid(input.path.courseId, "courseId")
        let p = try await authorize(.read, .assessment)
        let (course, sessions, assessments) = try await outcomeData(id, p)
        let scales = CourseOutcomes.progress(course: course, sessions: sessions, assessments: assessments)
        return .ok(
            .init(
                body: .json(
                    .init(
                        courseId: Wire.id(course.id), sessionsDone: sessions.count,
                        sessionsPlanned: course.plannedVisits.count, scales: scales.map(Components.Schemas.ScaleProgress.init)))))
    }

    func getCourseForecast(_ input: Operations.GetCourseForecast.Input) async throws -> Operations.GetCourseForecast.Output {
        let id = try uuid(input.path.courseId, "courseId")
        let p = try await authorize(.read, .assessment)
        let (course, sessions, assessments) = try await outcomeData(id, p)
        let f = try await forecast(course, sessions, assessments, p)
        return .ok(.init(body: .json(.init(f))))
    }

    func forecast(_ course: Course, _ sessions: [TreatmentSession], _ assessments: [Assessment], _ p: Principal) async throws -> CourseForecast {
        let scale = OutcomeScale.primary(for: course.indications)
        let cohort = try await state.scope(p.organizationID).outcomes.cohort(
            clinicID: course.clinicID, indication: course.indications.first ?? .photoaging, scale: scale, excluding: course.id, access(p))
        return CourseOutcomes.forecast(course: course, sessions: sessions, assessments: assessments, cohort: cohort)
    }

    func listCoursePhotos(_ input: Operations.ListCoursePhotos.Input) async throws -> Operations.ListCoursePhotos.Output {
        let id = try uuid(input.path.courseId, "courseId")
        let p = try await authorize(.read, .photo)
        let scope = state.scope(p.organizationID)
        guard let course = try await scope.courses.get(courseID: id, access(p)) else { throw APIProblem.notFound("course") }
        let photos = try await scope.photos(state.photoVault).list(courseID: id, access(p))
        let done = try await scope.sessions.list(courseID: id, access(p)).count
        return .ok(.init(body: .json(.init(course: course, photos: photos, sessionsDone: done))))
    }

    func uploadPhoto(_ input: Operations.UploadPhoto.Input) async throws -> Operations.UploadPhoto.Output {
        let patientID = try uuid(input.path.patientId, "patientId")
        let p = try await authorize(.create, .photo, patientID: patientID)
        let q = input.query
        let draft = try PhotoForm.draft(
            courseID: q.courseId ?? "", view: q.view ?? "", site: q.site, side: q.side, visit: q.visit ?? "",
            takenOn: q.takenOn ?? "")
        guard case .binary(let body) = input.body else { throw APIProblem.badField("file", "send the image as application/octet-stream") }
        let bytes: [UInt8]
        // Up to the route's allowance: the reader then names the size of anything over its own limit.
        do { bytes = try await [UInt8](collecting: body, upTo: StratumServer.maxPhotoBodyBytes) } catch {
            throw APIProblem(
                .payloadTooLarge, "Request body too large", detail: "file: photos are at most 15 MiB",
                errors: [("file", "photos are at most \(ClinicalImageReader.maximumBytes / 1_048_576) MiB")])
        }
        let photo = try await state.scope(p.organizationID).photos(state.photoVault).add(patientID: patientID, draft, upload: bytes, access(p))
        return .created(.init(body: .json(.init(photo))))
    }

    func getPhoto(_ input: Operations.GetPhoto.Input) async throws -> Operations.GetPhoto.Output {
        let id = try uuid(input.path.photoId, "photoId")
        let p = try await authorize(.read, .photo)
        guard let photo = try await state.scope(p.organizationID).photos(state.photoVault).get(photoID: id, access(p)) else {
            throw APIProblem.notFound("photo")
        }
        return .ok(.init(body: .json(.init(photo))))
    }

    func getPhotoImage(_ input: Operations.GetPhotoImage.Input) async throws -> Operations.GetPhotoImage.Output {
        let id = try uuid(input.path.photoId, "photoId")
        let p = try await authorize(.read, .photo)
        return .ok(try await image(id, .record, p))
    }

    func exportPhoto(_ input: Operations.ExportPhoto.Input) async throws -> Operations.ExportPhoto.Output {
        let id = try uuid(input.path.photoId, "photoId")
        let p = try await authorize(.read, .photo)
        return .ok(try await image(id, .export, p))
    }

    private func image(_ id: UUID, _ use: PhotoUse, _ p: Principal) async throws -> Components.Responses.Image {
        let (photo, bytes) = try await state.scope(p.organizationID).photos(state.photoVault).image(photoID: id, use: use, access(p))
        let body = HTTPBody(bytes)
        return .init(body: photo.format == .jpeg ? .jpeg(body) : .png(body))
    }

    func getOutcomeReport(_ input: Operations.GetOutcomeReport.Input) async throws -> Operations.GetOutcomeReport.Output {
        let p = try await authorize(.read, .outcomeReport)
        let clinicID = try input.query.clinicId.map { try uuid($0, "clinicId") }
        let scope = state.scope(p.organizationID)
        if let clinicID, try await scope.clinic(clinicID) == nil {
            // A well-formed id that names no clinic here: the request is understood, the reference is not accepted.
            throw APIProblem.notAccepted("clinicId", "is not a clinic of this organization")
        }
        let report = try await scope.outcomes.report(clinicID: clinicID, access(p))
        let names = try await state.directory.displayNames(report.byPractitioner.compactMap { UUID(uuidString: $0.key) })
        let table = OutcomeReportTable(report: report, practitionerNames: names)
        if input.query.format == .csv {
            return .ok(.init(body: .csv(HTTPBody(table.csv))))
        }
        return .ok(.init(body: .json(.init(table))))
    }
}

/// The report with its rows named: indications by their catalogue names, practitioners by display name.
struct OutcomeReportTable: Sendable {
    let report: OutcomeReport
    let practitionerNames: [UUID: String]

    func indicationName(_ key: String) -> String { IndicationID(rawValue: key).map(PageValues.indicationName) ?? key }
    func practitionerName(_ key: String) -> String { UUID(uuidString: key).flatMap { practitionerNames[$0] } ?? "unknown practitioner" }

    var csv: String {
        var rows: [[String]] = [
            [
                "table", "key", "name", "courses", "assessed", "responders", "responder_share", "responder_ci95_low",
                "responder_ci95_high", "median_sessions", "sessions", "sessions_with_adverse_event",
                "adverse_event_rate", "adverse_event_ci95_low", "adverse_event_ci95_high"
            ]
        ]
        func line(_ table: String, _ r: OutcomeReportRow, _ name: String) -> [String] {
            func f(_ d: Double?) -> String { d.map { String(format: "%.4f", $0) } ?? "" }
            return [
                table, r.key, name, String(r.courses), String(r.responders.trials), String(r.responders.successes), f(r.responders.share),
                f(r.responders.interval95?.lowerBound), f(r.responders.interval95?.upperBound), r.medianSessions.map { OutcomeScale.text($0) } ?? "",
                String(r.adverseEvents.trials), String(r.adverseEvents.successes), f(r.adverseEvents.share),
                f(r.adverseEvents.interval95?.lowerBound), f(r.adverseEvents.interval95?.upperBound)
            ]
        }
        rows.append(line("overall", report.overall, "All courses"))
        rows += report.byIndication.map { line("indication", $0, indicationName($0.key)) }
        rows += report.byPractitioner.map { line("practitioner", $0, practitionerName($0.key)) }
        return rows.map(CSVWriter.row).joined(separator: "\r\n") + "\r\n"
    }
}
