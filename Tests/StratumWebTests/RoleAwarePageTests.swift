import Foundation
import SQLKit
import StratumCore
import StratumStore
@testable import StratumWeb
import Testing
import Vapor
import VaporTesting

/// Issue 12, reproduction 9: "the front desk and the auditor see 14 Document buttons and New patient, each ending
/// in 403". Every role walks the pages of a populated organization and follows what each page offers.
@Suite("Pages offer only what the role may do")
struct RoleAwarePageTests {
    /// The permission each state-changing page route needs; nil: any signed-in user. Every POST route of the
    /// pages must be here (checked below), and each entry is checked against the handler's own refusal.
    /// The permission each state-changing page route needs (action and resource as the table names them); nil: any
    /// signed-in user. Every POST route of the pages must be here (checked below), and each entry is checked against
    /// the handler's own refusal.
    static let formRoutes: [(pattern: String, permission: (action: String, resource: String)?)] = [
        ("/logout", nil), ("/clinic", nil), ("/clinic/settings", ("update", "clinic")),
        ("/clinic/settings/consent-texts", ("update", "clinic")), ("/clinic/policy", ("update", "clinic")),
        ("/patients", ("create", "patient")), ("/patients/*", ("update", "patient")), ("/patients/*/merge", ("merge", "patient")),
        ("/patients/*/screening", ("create", "screening")), ("/patients/*/screening/home/*", ("create", "screening")),
        ("/patients/*/consents", ("create", "consent")),
        ("/patients/*/consents/*/withdraw", ("update", "consent")),
        ("/patients/*/courses/preview", ("create", "course")), ("/patients/*/courses", ("create", "course")),
        ("/courses/*/accept", ("update", "course")),
        ("/courses/*/sessions/check", ("create", "session")), ("/courses/*/sessions", ("create", "session")),
        ("/sessions/*/sign", ("sign", "session")), ("/sessions/*/addenda", ("update", "session")),
        ("/patients/*/adverse-events", ("create", "adverse-event")),
        ("/adverse-events/*/follow-ups", ("update", "adverse-event")), ("/adverse-events/*/close", ("update", "adverse-event")),
        ("/patients/*/assessments", ("create", "assessment")), ("/courses/*/photos", ("create", "photo")),
        ("/sterility/sterilizers", ("update", "sterility")),
        ("/sterility/packs", ("update", "sterility")), ("/sterility/cycles", ("update", "sterility")),
        ("/sterility/cycles/*/biological", ("update", "sterility")), ("/sterility/packs/*/*", ("update", "sterility")),
        ("/equipment/models", ("update", "sterility")), ("/equipment/handpieces", ("update", "sterility")),
        ("/equipment/handpieces/*/cleanings", ("update", "sterility")), ("/equipment/lots", ("update", "sterility")),
        ("/equipment/lots/*/status", ("update", "sterility")),
        ("/recalls/*/patients/*", ("update", "sterility")), ("/recalls/*/close", ("update", "sterility")),
        ("/recalls/*/close-in-error", ("update", "sterility")), ("/alerts/review", ("update", "sterility")),
        ("/staff/invitations", ("create", "staff")), ("/staff/invitations/*/revoke", ("delete", "staff")),
        ("/staff/*/role", ("update", "staff")), ("/staff/*/remove", ("delete", "staff")), ("/staff/*/deactivate", ("delete", "staff")),
        ("/courses/*/book", ("create", "appointment")), ("/appointments/*/reschedule", ("update", "appointment")),
        ("/appointments/*/cancel", ("update", "appointment")), ("/appointments/*/no-show", ("update", "appointment")),
        ("/appointments/*/check-in", ("update", "appointment")), ("/clinic/rooms", ("update", "clinic")),
        ("/clinic/rooms/*/rename", ("update", "clinic")), ("/clinic/rooms/*/retire", ("update", "clinic")),
        // One's own calendar feed: practitioners and owners (the handler refuses others).
        ("/account/calendar-feed", nil), ("/account/calendar-feed/revoke", nil),
        ("/staff/*/unlock", ("update", "staff")), ("/staff/*/reset-two-factor", ("update", "staff")), ("/staff/two-factor", ("update", "staff")),
        // One's own account, for every role; the forms before a session carry their own double-submit token.
        ("/account/sessions/*/revoke", nil), ("/account/tokens/*/revoke", nil), ("/account/two-factor", nil),
        ("/account/two-factor/disable", nil), ("/account/two-factor/recovery-codes", nil),
        ("/login/code", nil), ("/invitations/*", nil), ("/password/forgot", nil), ("/password/reset/*", nil),
        // The patient portal: its public forms carry the double-submit token, its signed-in form the portal session's.
        ("/portal/sign-in", nil), ("/portal/sign-in/*", nil), ("/portal/sign-out", nil), ("/portal/check-in", nil),
        ("/portal/screening", nil), ("/portal/consent", nil),
        ("/portal/appointments/*", nil),
        // A reminder's link: its form carries the double-submit token; the link itself is the key to one visit.
        ("/appointments/reply/*", nil),
        // A patient's reported warning sign: its draft confirmed or dismissed.
        ("/patient-reports/*/confirm", ("create", "adverse-event")), ("/patient-reports/*/dismiss", ("create", "adverse-event"))
    ]

    /// The table's permission for a route, read as the permission table's own types.
    static func permission(_ p: (action: String, resource: String)?) throws -> (Action, Resource)? {
        guard let p else { return nil }
        return (
            try #require(Action(rawValue: p.action), "no action \(p.action)"),
            try #require(Resource(rawValue: p.resource), "no resource \(p.resource)")
        )
    }

    static let walkers: [Role] = [.owner, .practitioner, .assistant, .frontDesk, .auditor]

    @Test("as every role, every link on every page opens without 403 and every form posts to a route the role may use")
    func walk() async throws {
        try await withDemoServer { app, state in
            try await Self.seedExtras(state)
            let families = try await (state.database.database as! any SQLDatabase).raw("SELECT family_name FROM patients LIMIT 3").all()
                .map { try $0.decode(column: "family_name", as: String.self) }
            for role in Self.walkers {
                let email = try #require(DemoData.users.first { $0.role == role }).email
                let browser = try await BrowserSession.signIn(app: app, email: email, password: DemoData.password)
                var queue: [(path: String, from: String)] = [("/today", "sign-in")]
                if Permissions.allows(role, .read, .patient) { queue += families.map { ("/patients?name=\($0)", "search") } }
                var seen = Set<String>()
                var perPattern: [String: Int] = [:]
                var forms = 0
                while !queue.isEmpty {
                    let (path, from) = queue.removeFirst()
                    guard seen.insert(path).inserted else { continue }
                    let r = try await browser.get(path)
                    #expect(r.status != .forbidden, "\(role.rawValue): \(path), linked from \(from), answers 403")
                    #expect(r.status.code < 500, "\(role.rawValue): \(path), linked from \(from), answers \(r.status.code)")
                    guard r.headers.contentType?.subType == "html", r.status == .ok else { continue }
                    for target in PageTargets.of(r.text) {
                        let key = PageTargets.pattern(target.path)
                        if target.method == "POST" {
                            forms += 1
                            let route = try #require(
                                Self.formRoutes.first { PageTargets.matches($0.pattern, key) },
                                "\(path) posts to \(target.path), a route missing from formRoutes")
                            if let (action, resource) = try Self.permission(route.permission) {
                                #expect(
                                    Permissions.allows(role, action, resource),
                                    "\(role.rawValue) is offered a form to \(target.path) on \(path) but may not \(action.rawValue) \(resource.rawValue)"
                                )
                            }
                            continue
                        }
                        guard !seen.contains(target.path), perPattern[key, default: 0] < 3 else { continue }
                        perPattern[key, default: 0] += 1
                        queue.append((target.path, path))
                    }
                }
                #expect(seen.count >= (role == .assistant ? 8 : 15), "\(role.rawValue) walked only \(seen.count) pages: \(seen.sorted())")
                if role == .owner || role == .assistant { #expect(forms > 10, "\(role.rawValue) met \(forms) forms") }
            }
        }
    }

    @Test("the walk's table of form routes covers every POST page route and agrees with each handler's refusal")
    func formRouteTable() async throws {
        try await withServer { s in
            let posts = s.app.routes.all.filter { $0.method == .POST }
                .map {
                    "/" + $0.path.map { c -> String in if case .parameter = c { return "*" } else { return c.description } }.joined(separator: "/")
                }
                .filter { !$0.hasPrefix("/api/") && $0 != "/login" }
            for route in posts {
                #expect(Self.formRoutes.contains { $0.pattern == route }, "\(route) has no permission in formRoutes")
            }
            for (pattern, permission) in Self.formRoutes {
                guard let (action, resource) = try Self.permission(permission) else { continue }
                #expect(posts.contains(pattern), "\(pattern) is no longer a page route")
                let path = pattern.replacingOccurrences(of: "*", with: UUID().uuidString.lowercased())
                for role in Role.allCases where !Permissions.allows(role, action, resource) {
                    let browser = try await BrowserSession.signIn(s, email: "\(role.rawValue)@a.example")
                    let r = try await browser.post(path, [])
                    // Refused; the traceability forms read their fields before authorizing (decode, then authorize), so
                    // an empty one is answered as invalid (400, or 404 for an unknown change) before the role is judged.
                    #expect(r.status == .forbidden || [400, 404].contains(r.status.code), "\(role.rawValue) POST \(pattern): \(r.status)")
                }
            }
        }
    }

    @Test("Today: the front desk and the auditor get no Document button; the auditor no New patient (reproduction 9)")
    func todayActions() async throws {
        try await withDemoServer { app, _ in
            let owner = try await BrowserSession.signIn(app: app, email: "owner@demo.stratum.test", password: DemoData.password)
            let ownerToday = try await owner.get("/today").text
            #expect(ownerToday.contains("/sessions/new\">Document</a>") || ownerToday.contains("No visits planned"))
            #expect(ownerToday.contains("href=\"/patients/new\""))
            for (email, newPatient) in [("frontdesk@demo.stratum.test", true), ("auditor@demo.stratum.test", false)] {
                let b = try await BrowserSession.signIn(app: app, email: email, password: DemoData.password)
                let today = try await b.get("/today").text
                #expect(!today.contains("/sessions/new"), "\(email) is offered Document")
                #expect(today.contains("href=\"/patients/new\"") == newPatient, "\(email): New patient")
            }
        }
    }

    /// An open adverse event, a pending biological indicator and an open recall, so their actions are on the pages.
    static func seedExtras(_ state: ServerState) async throws {
        let sql = state.database.database as! any SQLDatabase
        let row = try #require(
            try await sql.raw(
                """
                SELECT s.id AS sid, c.patient_id AS pid, s.clinic_id AS cid, c.organization_id AS oid FROM treatment_sessions s
                JOIN courses c ON c.id = s.course_id JOIN clinics k ON k.id = s.clinic_id WHERE k.name = 'Demo Central' LIMIT 1
                """
            ).first(), "a session at Demo Central, where every demo user works")
        let orgID = try row.decode(column: "oid", as: UUID.self)
        let clinicID = try row.decode(column: "cid", as: UUID.self)
        let practitioner = try #require(try await state.directory.credentials(email: "practitioner@demo.stratum.test")?.0)
        let ctx = AccessContext(actorID: practitioner.id, clinicID: clinicID, requestID: "walk-seed")
        let scope = state.scope(orgID)
        _ = try await scope.adverseEvents.report(
            patientID: try row.decode(column: "pid", as: UUID.self),
            sessionID: try row.decode(column: "sid", as: UUID.self), type: .bruising,
            onset: LocalDate.clinicDay(at: Date(), timeZone: "UTC"), grade: .mild,
            suspectedCauses: [.needleTechnique], notes: nil, ctx)
        // The most used lot, so the recall reaches patients and lists them.
        let lot = try #require(try await scope.stock.lots(clinicID: clinicID).max { $0.used < $1.used })
        _ = try await scope.stock.setStatus(lotID: lot.id, .recalled, reason: "Supplier notice (test)", ctx)
    }
}

/// Where a page's links and forms lead, read from its HTML as a browser would.
enum PageTargets {
    struct Target {
        let method: String
        let path: String
    }

    static func of(_ html: String) -> [Target] {
        var out: [Target] = []
        for m in html.matches(of: #/<a\s[^>]*href="([^"]*)"/#) { add(&out, "GET", String(m.1)) }
        for m in html.matches(of: #/<form\s([^>]*)>/#) {
            let attributes = String(m.1)
            let method = attributes.firstMatch(of: #/method="([a-zA-Z]+)"/#).map { String($0.1).uppercased() } ?? "GET"
            if let action = attributes.firstMatch(of: #/action="([^"]*)"/#) { add(&out, method, String(action.1)) }
        }
        // A submit button with its own target posts the form there.
        for m in html.matches(of: #/formaction="([^"]*)"/#) { add(&out, "POST", String(m.1)) }
        return out
    }

    private static func add(_ out: inout [Target], _ method: String, _ raw: String) {
        var path = raw.replacingOccurrences(of: "&amp;", with: "&")
        if let hash = path.firstIndex(of: "#") { path = String(path[..<hash]) }
        guard path.hasPrefix("/") else { return }
        out.append(Target(method: method, path: path))
    }

    /// The path without its query, record ids as `*`: one pattern per kind of page.
    static func pattern(_ path: String) -> String {
        let bare = path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path
        return bare.split(separator: "/", omittingEmptySubsequences: false).map { part in
            UUID(uuidString: String(part)) != nil ? "*" : String(part)
        }.joined(separator: "/")
    }

    static func matches(_ routePattern: String, _ key: String) -> Bool {
        let a = routePattern.split(separator: "/"), b = key.split(separator: "/")
        return a.count == b.count && zip(a, b).allSatisfy { $0 == "*" || $0 == $1 }
    }
}
