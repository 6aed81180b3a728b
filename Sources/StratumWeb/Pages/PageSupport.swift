import Foundation
import LeafKit
import StratumCore
import StratumStore
import Vapor

/// An error a page answers with a rendered page (status, a title and what to do next).
struct PageError: Error {
    let status: HTTPResponseStatus
    let title: String
    let detail: String
    init(_ status: HTTPResponseStatus, _ title: String, _ detail: String) {
        self.status = status
        self.title = title
        self.detail = detail
    }
}

/// The chrome every signed-in page shares.
struct Layout: Encodable {
    enum CodingKeys: String, CodingKey { case title, section, userName, role, clinicName, clinics, canSwitch, csrf, flash, nav, can }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(title, forKey: .title)
        try c.encode(section, forKey: .section)
        try c.encodeIfPresent(userName, forKey: .userName)
        try c.encodeIfPresent(role, forKey: .role)
        try c.encodeIfPresent(clinicName, forKey: .clinicName)
        try c.encode(clinics, forKey: .clinics)
        try c.encode(canSwitch, forKey: .canSwitch)
        try c.encode(csrf, forKey: .csrf)
        try c.encodeIfPresent(flash, forKey: .flash)
        try c.encode(nav, forKey: .nav)
        try c.encode(can, forKey: .can)
    }

    struct ClinicOption: Encodable {
        let id: String
        let name: String
        let selected: Bool
    }

    let title: String
    /// The navigation entry to mark as current.
    let section: String
    let userName: String?
    let role: String?
    let clinicName: String?
    let clinics: [ClinicOption]
    /// The switcher shows only for a user in several clinics.
    var canSwitch: Bool { clinics.count > 1 }
    let csrf: String
    let flash: String?
    /// Entries the role may open, so the navigation never offers a page that answers 403.
    let nav: [NavEntry]
    /// The role's grants: every action a template offers is gated on these.
    let can: PageGrants
}

struct NavEntry: Encodable {
    let href: String
    let label: String
    let current: Bool
}

/// What a template receives: the layout and the page's own content.
struct PageView<Content: Encodable>: Encodable {
    let layout: Layout
    let page: Content
}

struct Empty: Encodable {}

extension Request {
    /// The record id in the path; a malformed one answers like a missing record (`missing`), never a fault.
    func recordID(_ name: String, or missing: PageError) throws -> UUID {
        guard let id = parameters.get(name).flatMap(UUID.init(uuidString:)) else { throw missing }
        return id
    }

    /// The signed-in user; the session middleware guarantees one on every page route.
    func user() throws -> WebUser {
        guard let u = webUser else { throw PageError(.unauthorized, "Sign in", "Your session has ended.") }
        return u
    }

    /// The caller, allowed to `action` on `resource`; otherwise a 403 page, recorded in the audit trail.
    func authorize(_ action: Action, _ resource: Resource, patientID: UUID? = nil, state: ServerState) async throws -> Principal {
        let u = try user()
        guard Permissions.allows(u.principal.role, action, resource) else {
            try await state.scope(u.principal.organizationID).recordDenied(access(u.principal), patientID: patientID,
                                                                           action: action.audited, resource: resource.rawValue)
            throw PageError(.forbidden, "Not allowed", "Your role (\(u.principal.role.rawValue)) may not \(action.rawValue) \(resource.rawValue) records.")
        }
        // The page after a write shows what the write's audit row already records: its receipt, when valid for this
        // user and page, counts that patient as audited for this request.
        if method == .GET, let seen = query[String.self, at: "seen"] {
            state.scope(u.principal.organizationID).redeem(seen, for: url.path, access(u.principal))
        }
        return u.principal
    }

    func access(_ p: Principal) -> AccessContext {
        AccessContext(actorID: p.userID, clinicID: p.clinicID, requestID: RequestContext.current?.requestID ?? "none", ledger: RequestLedger.current)
    }

    /// Renders `template` inside the layout.
    func render<C: Encodable>(_ template: String, title: String, section: String, _ content: C,
                              status: HTTPResponseStatus = .ok, flash: String? = nil) async throws -> Response {
        let layout = makeLayout(title: title, section: section, flash: flash ?? query[String.self, at: "done"].flatMap(Flash.text))
        let view = try await self.view.render(template, PageView(layout: layout, page: content))
        var headers = HTTPHeaders()
        headers.contentType = .html
        return Response(status: status, headers: headers, body: .init(buffer: view.data))
    }

    func makeLayout(title: String, section: String, flash: String? = nil) -> Layout {
        guard let u = webUser else {
            return Layout(title: title, section: section, userName: nil, role: nil, clinicName: nil, clinics: [], csrf: "",
                          flash: flash, nav: [], can: PageGrants(role: nil))
        }
        let role = u.principal.role
        var nav: [NavEntry] = []
        func add(_ href: String, _ label: String, _ key: String, _ allowed: Bool) {
            if allowed { nav.append(NavEntry(href: href, label: label, current: key == section)) }
        }
        add("/today", "Today", "today", Permissions.allows(role, .read, .course) || Permissions.allows(role, .read, .sterility))
        add("/patients", "Patients", "patients", Permissions.allows(role, .read, .patient))
        add("/sterility", "Sterilization", "sterility", Permissions.allows(role, .read, .sterility))
        add("/equipment", "Devices and stock", "equipment", Permissions.allows(role, .read, .sterility))
        add("/recalls", "Recalls", "recalls", Permissions.allows(role, .read, .sterility))
        add("/reports/outcomes", "Outcomes", "reports", Permissions.allows(role, .read, .outcomeReport))
        return Layout(title: title, section: section, userName: u.displayName, role: role.rawValue,
                      clinicName: u.clinics.first { $0.id == u.principal.clinicID }?.name,
                      clinics: u.clinics.map { .init(id: $0.id.uuidString.lowercased(), name: "\($0.name) (\($0.role.rawValue))",
                                                     selected: $0.id == u.principal.clinicID) },
                      csrf: u.csrfToken, flash: flash, nav: nav, can: PageGrants(role: role))
    }

    /// A redirect after a successful form post (post/redirect/get), with a flash key the next page shows.
    func done(_ path: String, _ flash: Flash) -> Response {
        redirect(to: path + (path.contains("?") ? "&" : "?") + "done=" + flash.rawValue)
    }

    /// A redirect after a write to `patientID`'s record, carrying the write's receipt (`seen`): the page it leads to
    /// shows what the write's own audit row records, so it adds no second row for it.
    func done(_ path: String, _ flash: Flash, wrote patientID: UUID, _ p: Principal, state: ServerState) -> Response {
        let receipt = state.scope(p.organizationID).receipt(patientID: patientID, for: path, access(p))
        return done(path + (path.contains("?") ? "&" : "?") + "seen=" + receipt, flash)
    }
}

/// Confirmations shown once after a successful form; keys in the URL, never patient data.
enum Flash: String {
    case patientSaved = "patient-saved", screeningSaved = "screening-saved", consentSigned = "consent-signed"
    case consentWithdrawn = "consent-withdrawn"
    case coursePlanned = "course-planned", courseAccepted = "course-accepted", sessionRecorded = "session-recorded"
    case sessionSigned = "session-signed", addendumAdded = "addendum-added", eventReported = "event-reported"
    case eventUpdated = "event-updated", assessmentSaved = "assessment-saved", clinicSwitched = "clinic-switched"
    case photoSaved = "photo-saved", chartsMerged = "charts-merged"
    case traceSaved = "trace-saved", recallOpened = "recall-opened", recallUpdated = "recall-updated", alertReviewed = "alert-reviewed"

    static func text(_ key: String) -> String? {
        switch Flash(rawValue: key) {
        case .patientSaved: "Patient saved."
        case .screeningSaved: "Screening saved."
        case .consentSigned: "Consent signed."
        case .consentWithdrawn: "Withdrawal recorded: sessions from that day need a new consent."
        case .coursePlanned: "Course proposed. Review the plan, then accept it."
        case .courseAccepted: "Course accepted."
        case .sessionRecorded: "Session recorded. Sign it to lock it."
        case .sessionSigned: "Session signed and locked."
        case .addendumAdded: "Addendum added."
        case .eventReported: "Adverse event reported."
        case .eventUpdated: "Adverse event updated."
        case .assessmentSaved: "Assessment saved."
        case .clinicSwitched: "Clinic switched."
        case .traceSaved: "Saved."
        case .photoSaved: "Photo saved; location and camera metadata were removed."
        case .chartsMerged: "Charts merged: every record of the other chart is now on this one."
        case .recallOpened: "A recall is open: contact every patient listed and record each follow-up."
        case .recallUpdated: "Recall updated."
        case .alertReviewed: "Review recorded; the item may be used again."
        case nil: nil
        }
    }
}

/// Answers every error on a page route with a rendered page; a server fault is logged by request id only.
struct PageErrorMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch let e as PageError {
            return try await errorPage(request, e)
        } catch {
            let problem = APIProblem.from(error)
            if problem.status.code >= 500 {
                var metadata: Logger.Metadata = ["error-type": .string(String(describing: type(of: error)))]
                // A template fault names templates and tags only, never the values rendered into them.
                if let leaf = error as? LeafError { metadata["template-error"] = .string(String(describing: leaf)) }
                request.logger.error("page failed", metadata: metadata)
            }
            let detail = problem.status.code >= 500 ? "Something went wrong on our side; nothing was saved. Quote request \(RequestContext.current?.requestID ?? "")." : (problem.detail ?? problem.title)
            return try await errorPage(request, PageError(problem.status, problem.title, detail))
        }
    }

    private func errorPage(_ request: Request, _ e: PageError) async throws -> Response {
        struct Content: Encodable {
            let status: Int
            let title: String
            let detail: String
        }
        return try await request.render("error", title: e.title, section: "", Content(status: Int(e.status.code), title: e.title, detail: e.detail),
                                        status: e.status)
    }
}

/// Form values as the browser sends them: every field a string, absent when empty.
struct FormFields {
    let values: [String: [String]]

    init(_ request: Request) throws {
        guard let body = request.body.string else { values = [:]; return }
        var out: [String: [String]] = [:]
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (s: Substring) in String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            let key = decode(parts[0])
            out[key, default: []].append(parts.count > 1 ? decode(parts[1]) : "")
        }
        values = out
    }

    /// The trimmed value, nil when absent or blank.
    subscript(_ key: String) -> String? {
        guard let v = values[key]?.first?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty else { return nil }
        return v
    }

    func all(_ key: String) -> [String] { values[key] ?? [] }
}

/// Field errors of a form, shown next to each field and in a summary at the top.
struct FieldErrors: Encodable {
    private(set) var byField: [String: String] = [:]
    private(set) var list: [Item] = []

    struct Item: Encodable {
        let field: String
        let message: String
    }

    mutating func add(_ field: String, _ message: String) {
        guard byField[field] == nil else { return }
        byField[field] = message
        list.append(Item(field: field, message: message))
    }

    var isEmpty: Bool { list.isEmpty }
}
