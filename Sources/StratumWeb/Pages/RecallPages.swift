import Foundation
import StratumCore
import StratumStore
import Vapor

/// Recalls and infection-cluster alerts: who was exposed, how to reach them, how far each follow-up has got, the
/// phone list as CSV, and the review that releases an implicated sterilizer, lot or handpiece.
struct RecallPages {
    let state: ServerState

    func register(_ routes: any RoutesBuilder) {
        routes.get("recalls", use: list)
        routes.get("recalls", ":recallId", use: show)
        routes.get("recalls", ":recallId", "export.csv", use: csv)
        routes.post("recalls", ":recallId", "patients", ":patientId", use: setStatus)
        routes.post("recalls", ":recallId", "close", use: close)
        routes.post("recalls", ":recallId", "close-in-error", use: closeInError)
        routes.post("alerts", "review", use: review)
    }

    static let recallNotFound = PageError(.notFound, "No such recall", "The recall does not exist in your organization.")

    struct Summary: Encodable {
        let id: String
        let reason: String
        let opened: String
        let open: Bool
        let closedInError: Bool
        let counts: String
    }

    struct AlertView: Encodable {
        let source: String
        let identifier: String
        let label: String
        let message: String
        let onsets: String
    }

    struct ListContent: Encodable {
        let recalls: [Summary]
        let hasRecalls: Bool
        let alerts: [AlertView]
        let hasAlerts: Bool
        let canEdit: Bool
        let state: TraceFormState
        /// Whose recalls are listed: "Demo Central's recalls", or the owner's organization-wide view.
        let heading: String
    }

    static func summary(_ r: RecallSummary) -> Summary {
        Summary(
            id: PageValues.id(r.id), reason: r.reason, opened: PageValues.time(r.openedAt), open: r.isOpen, closedInError: r.closedInError,
            counts: r.closedInError
                ? "\(r.patients) patient(s): closed in error, nobody to follow up"
                : "\(r.patients) patient(s): \(r.toContact) to contact, \(r.followUpDone) follow-up done")
    }

    static func alerts(_ all: [ClusterAlert]) -> [AlertView] {
        all.map {
            AlertView(
                source: $0.source.rawValue, identifier: $0.identifier, label: $0.label, message: $0.finding.message,
                onsets: $0.onsets.map(\.description).joined(separator: ", "))
        }
    }

    func list(_ req: Request) async throws -> Response {
        try await renderList(req, .none, status: .ok)
    }

    private func renderList(_ req: Request, _ form: TraceFormState, status: HTTPResponseStatus) async throws -> Response {
        let p = try await req.authorize(.read, .sterility, state: state)
        let scope = state.scope(p.organizationID)
        let clinicName = try await scope.clinic(p.clinicID)?.name ?? "This clinic"
        let recalls = try await scope.recalls.summaries(clinicID: p.clinicID).map(Self.summary)
        let alerts = Self.alerts(try await scope.clusters.alerts())
        return try await req.render(
            "recalls", title: "Recalls and infection clusters", section: "recalls",
            ListContent(
                recalls: recalls, hasRecalls: !recalls.isEmpty, alerts: alerts, hasAlerts: !alerts.isEmpty,
                canEdit: Permissions.allows(p.role, .update, .sterility), state: form,
                heading: "\(clinicName)'s recalls"), status: status)
    }

    struct PatientRow: Encodable {
        let id: String
        let name: String
        let phone: String
        let email: String
        let status: String
        let note: String
        let updated: String
        let sessions: String
    }

    struct ExposureRow: Encodable {
        let date: String
        let patientId: String
        let patient: String
        let via: String
    }

    struct ShowContent: Encodable {
        let id: String
        let reason: String
        let opened: String
        let open: Bool
        let closed: String
        /// "Closed in error by … on …: why", when it was; empty otherwise.
        let closedInError: String
        let patients: [PatientRow]
        let hasPatients: Bool
        let exposures: [ExposureRow]
        let canEdit: Bool
        let statuses: [PageValues.Choice]
        let state: TraceFormState
        /// What staff tell each patient they reach, with the clinic's number and address to call back on.
        let notice: Notice
    }

    /// The recall notice: the same words for every patient, the clinic's contact from its settings.
    struct Notice: Encodable {
        let clinicName: String
        let phone: String
        let email: String
        let address: String
        let missing: Bool

        init(_ c: Clinic?) {
            clinicName = c?.name ?? "the clinic"
            phone = c?.phone ?? ""
            email = c?.email ?? ""
            address = (c?.address ?? "").split(whereSeparator: \.isNewline).joined(separator: ", ")
            missing = c?.phone == nil && c?.email == nil
        }
    }

    func show(_ req: Request) async throws -> Response {
        try await renderRecall(req, .none, status: .ok)
    }

    private func renderRecall(_ req: Request, _ form: TraceFormState, status: HTTPResponseStatus) async throws -> Response {
        let p = try await req.authorize(.read, .sterility, state: state)
        let id = try req.recordID("recallId", or: Self.recallNotFound)
        guard let (recall, exposures) = try await state.scope(p.organizationID).recalls.get(recallID: id, req.access(p)) else {
            throw Self.recallNotFound
        }
        var closedInError = ""
        if let why = recall.closedInErrorReason {
            var who: String?
            if let by = recall.closedBy { who = try await state.directory.displayNames([by])[by] }
            closedInError = "Closed in error by \(who ?? "a former user") on \(PageValues.time(recall.closedAt)): \(why)"
        }
        let content = ShowContent(
            id: PageValues.id(recall.id), reason: recall.reason, opened: PageValues.time(recall.openedAt), open: recall.isOpen,
            closed: PageValues.time(recall.closedAt), closedInError: closedInError,
            patients: recall.patients.map { r in
                PatientRow(
                    id: PageValues.id(r.patientID), name: r.name, phone: r.phone ?? "—", email: r.email ?? "—",
                    status: recall.closedInError && r.status != .followUpDone ? "no follow-up: closed in error" : r.status.rawValue,
                    note: r.note ?? "", updated: PageValues.time(r.updatedAt),
                    sessions: exposures.filter { $0.patientID == r.patientID }.map { "\($0.date) (\($0.via))" }.joined(separator: "; "))
            },
            hasPatients: !recall.patients.isEmpty,
            exposures: exposures.map {
                ExposureRow(date: $0.date.description, patientId: PageValues.id($0.patientID), patient: $0.patientName, via: $0.via)
            },
            canEdit: recall.isOpen && Permissions.allows(p.role, .update, .sterility),
            statuses: RecallContactStatus.allCases.map {
                PageValues.Choice(value: $0.rawValue, label: $0.rawValue.replacingOccurrences(of: "-", with: " "))
            },
            state: form, notice: Notice(try await state.scope(p.organizationID).clinic(p.clinicID)))
        return try await req.render("recall", title: "Recall", section: "recalls", content, status: status)
    }

    /// The phone list: one row per exposed session, for a spreadsheet. Reading it is audited per patient.
    func csv(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.read, .sterility, state: state)
        let id = try req.recordID("recallId", or: Self.recallNotFound)
        guard let (recall, exposures) = try await state.scope(p.organizationID).recalls.get(recallID: id, req.access(p)) else {
            throw Self.recallNotFound
        }
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.add(name: .contentDisposition, value: "attachment; filename=\"recall-\(PageValues.id(recall.id).prefix(8)).csv\"")
        headers.add(name: .cacheControl, value: "no-store")
        let clinic = try await state.scope(p.organizationID).clinic(p.clinicID)
        return Response(status: .ok, headers: headers, body: .init(string: TraceabilityJSON.csv(recall, exposures, clinic: clinic)))
    }

    func setStatus(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.update, .sterility, state: state)
        let id = try req.recordID("recallId", or: Self.recallNotFound)
        let patientID = try req.recordID("patientId", or: Self.recallNotFound)
        let f = try FormFields(req)
        var form = TraceFormState(form: "patient-\(PageValues.id(patientID))", f, fields: ["status", "note"])
        guard let status = f["status"].flatMap(RecallContactStatus.init(rawValue:)) else {
            form.errors.add("status", "Choose to contact, contacted or follow-up done.")
            return try await renderRecall(req, form, status: .badRequest)
        }
        do {
            try await state.scope(p.organizationID).recalls.setStatus(recallID: id, patientID: patientID, status, note: f["note"], req.access(p))
        } catch let e as StoreError {
            guard form.add(e) else { throw e }
            return try await renderRecall(req, form, status: .unprocessableEntity)
        }
        return req.done("/recalls/\(PageValues.id(id))", .recallUpdated)
    }

    func close(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.update, .sterility, state: state)
        let id = try req.recordID("recallId", or: Self.recallNotFound)
        do {
            try await state.scope(p.organizationID).recalls.close(recallID: id, req.access(p))
        } catch let e as StoreError {
            var form = TraceFormState(form: "close", try FormFields(req), fields: [])
            guard form.add(e) else { throw e }
            return try await renderRecall(req, form, status: .unprocessableEntity)
        }
        return req.done("/recalls/\(PageValues.id(id))", .recallUpdated)
    }

    /// Closes a recall opened by mistake, with the reason; a refusal (no reason, already closed) comes back on the page.
    func closeInError(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.update, .sterility, state: state)
        let id = try req.recordID("recallId", or: Self.recallNotFound)
        let f = try FormFields(req)
        var form = TraceFormState(form: "close-in-error", f, fields: ["reason"])
        do {
            try await state.scope(p.organizationID).recalls.closeInError(recallID: id, reason: f["reason"] ?? "", req.access(p))
        } catch let e as StoreError {
            guard form.add(e) else { throw e }
            return try await renderRecall(req, form, status: .unprocessableEntity)
        }
        return req.done("/recalls/\(PageValues.id(id))", .recallUpdated)
    }

    func review(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.update, .sterility, state: state)
        let f = try FormFields(req)
        var form = TraceFormState(form: "review-\(f["identifier"] ?? "")", f, fields: ["note"])
        guard let source = f["source"].flatMap(ClusterSource.init(rawValue:)), let identifier = f["identifier"] else {
            form.errors.add("form", "Review an alert from the list.")
            return try await renderList(req, form, status: .badRequest)
        }
        do {
            try await state.scope(p.organizationID).clusters.review(source: source, identifier: identifier, note: f["note"] ?? "", req.access(p))
        } catch let e as StoreError {
            guard form.add(e) else { throw e }
            return try await renderList(req, form, status: .unprocessableEntity)
        }
        return req.done("/recalls", .alertReviewed)
    }
}
