import Foundation
import StratumCore
import StratumStore
import Vapor

/// An owner merges two charts of one person: choose the duplicate (its possible duplicates, or a name search),
/// confirm with both charts' summaries side by side, merge. The store moves the records and audits; this translates.
struct PatientMergePages {
    let state: ServerState

    func register(_ routes: any RoutesBuilder) {
        routes.get("patients", ":patientId", "merge", use: page)
        routes.post("patients", ":patientId", "merge", use: merge)
    }

    struct Summary: Encodable {
        let id: String
        let name: String
        let birthDate: String
        /// "Stays" or "Moves in".
        let fate: String
        let contact: String?
        let counts: [Count]

        struct Count: Encodable {
            let label: String
            let value: Int
        }

        init(_ p: Patient, _ c: ChartCounts, fate: String) {
            id = PageValues.id(p.id)
            self.fate = fate
            name = "\(p.familyName), \(p.givenName)"
            birthDate = p.birthDate.description
            let contact = [p.phone, p.email].compactMap { $0 }.joined(separator: " · ")
            self.contact = contact.isEmpty ? nil : contact
            counts = [
                ("Screenings", c.screenings), ("Consents", c.consents), ("Courses", c.courses), ("Sessions", c.sessions),
                ("Adverse events", c.adverseEvents), ("Assessments", c.assessments), ("Photos", c.photos),
                ("Recall contacts", c.recalls)
            ].map { Count(label: $0.0, value: $0.1) }
        }
    }

    struct Choice: Encodable {
        let id: String
        let name: String
        let birthDate: String
        let detail: String?
    }

    struct Content: Encodable {
        let id: String
        let name: String
        let query: String
        let candidates: [Choice]
        let hasCandidates: Bool
        let results: [Choice]
        let hasResults: Bool
        let searched: Bool
        /// The two charts of the confirmation: the survivor, then the one that moves in.
        let summaries: [Summary]
        let duplicateId: String?
        let duplicateName: String?
        let error: String?
    }

    func page(_ req: Request) async throws -> Response {
        let id = try PatientPages.patientID(req)
        let p = try await req.authorize(.merge, .patient, patientID: id, state: state)
        let scope = state.scope(p.organizationID)
        if let other = req.query[String.self, at: "duplicate"] {
            guard let duplicateID = UUID(uuidString: other) else { throw PatientPages.notFound }
            return try await confirmation(req, id: id, duplicateID: duplicateID, p)
        }
        guard let patient = try await scope.patients.get(id, req.access(p)) else { throw PatientPages.notFound }
        guard patient.id == id else { return req.redirect(to: "/patients/\(PageValues.id(patient.id))/merge") }
        let candidates = try await scope.patients.possibleDuplicates(of: id, req.access(p)).map {
            Choice(id: PageValues.id($0.id), name: "\($0.familyName), \($0.givenName)", birthDate: $0.birthDate.description, detail: $0.clinicName)
        }
        let query = (req.query[String.self, at: "name"] ?? "").trimmingCharacters(in: .whitespaces)
        var found: [Patient] = []
        var error: String?
        if !query.isEmpty {
            do {
                found = try await scope.patients.search(name: query, birthDate: nil, limit: 20, req.access(p))
            } catch StoreError.invalid(let field, let problem) where field == "name" {
                error = "Name: \(problem)."
            }
        }
        let results = found.filter { $0.id != id }
            .map {
                Choice(
                    id: PageValues.id($0.id), name: "\($0.familyName), \($0.givenName)", birthDate: $0.birthDate.description,
                    detail: $0.phone)
            }
        return try await req.render(
            "patient-merge", title: "Merge a duplicate chart", section: "patients",
            Content(
                id: PageValues.id(id), name: "\(patient.givenName) \(patient.familyName)", query: query, candidates: candidates,
                hasCandidates: !candidates.isEmpty, results: results, hasResults: !results.isEmpty, searched: !query.isEmpty, summaries: [],
                duplicateId: nil, duplicateName: nil, error: error), status: error == nil ? .ok : .badRequest)
    }

    /// Both charts' summaries and the one button that merges; a refusal (itself, already merged, a shared photo) is
    /// said on this page.
    private func confirmation(
        _ req: Request, id: UUID, duplicateID: UUID, _ p: Principal, error: String? = nil,
        status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let preview: MergePreview
        do {
            preview = try await state.scope(p.organizationID).patients.mergePreview(survivorID: id, duplicateID: duplicateID, req.access(p))
        } catch StoreError.invalid(_, let problem) {
            return try await refused(req, id: id, p, "The chart to merge \(problem).")
        } catch StoreError.conflict(let why) {
            return try await refused(req, id: id, p, "These charts cannot be merged: \(why).")
        }
        return try await req.render(
            "patient-merge", title: "Merge a duplicate chart", section: "patients",
            Content(
                id: PageValues.id(id), name: "\(preview.survivor.givenName) \(preview.survivor.familyName)", query: "", candidates: [],
                hasCandidates: false, results: [], hasResults: false, searched: false,
                summaries: [
                    Summary(preview.survivor, preview.survivorCounts, fate: "Stays"),
                    Summary(preview.duplicate, preview.duplicateCounts, fate: "Moves in")
                ],
                duplicateId: PageValues.id(duplicateID), duplicateName: "\(preview.duplicate.givenName) \(preview.duplicate.familyName)",
                error: error), status: status)
    }

    private func refused(_ req: Request, id: UUID, _ p: Principal, _ message: String) async throws -> Response {
        guard let patient = try await state.scope(p.organizationID).patients.get(id, req.access(p)) else { throw PatientPages.notFound }
        return try await req.render(
            "patient-merge", title: "Merge a duplicate chart", section: "patients",
            Content(
                id: PageValues.id(id), name: "\(patient.givenName) \(patient.familyName)", query: "", candidates: [], hasCandidates: false,
                results: [], hasResults: false, searched: false, summaries: [], duplicateId: nil, duplicateName: nil, error: message),
            status: .unprocessableEntity)
    }

    func merge(_ req: Request) async throws -> Response {
        let id = try PatientPages.patientID(req)
        let p = try await req.authorize(.merge, .patient, patientID: id, state: state)
        let fields = try FormFields(req)
        guard let duplicateID = fields["duplicateId"].flatMap(UUID.init(uuidString:)) else {
            return try await refused(req, id: id, p, "Choose the chart to merge into this one.")
        }
        do {
            let survivor = try await state.scope(p.organizationID).patients.merge(survivorID: id, duplicateID: duplicateID, req.access(p))
            return req.done("/patients/\(PageValues.id(survivor.id))", .chartsMerged)
        } catch StoreError.invalid(_, let problem) {
            return try await refused(req, id: id, p, "The chart to merge \(problem).")
        } catch StoreError.conflict(let why) {
            return try await refused(req, id: id, p, "These charts cannot be merged: \(why).")
        }
    }
}
