import Foundation
import SQLKit
import StratumCore
@testable import StratumWeb
import Testing
import Vapor
import VaporTesting

/// One table of record-integrity cases, each sent through the API and through the pages: both doors go through the
/// same store act, so they must come to the same outcome (recorded, refused naming a field, refused naming a rule, or
/// held as a possible duplicate).
@Suite("The API and the pages refuse the same acts for the same reasons")
struct TwoDoorTableTests {
    enum Door: String, CaseIterable, Sendable { case api, page }

    /// What a door answered, in terms both doors share.
    struct Outcome: Equatable, CustomStringConvertible {
        var recorded = false
        var fields: Set<String> = []
        var rules: Set<String> = []
        var duplicate = false
        var description: String { "recorded: \(recorded), fields: \(fields.sorted()), rules: \(rules.sorted()), duplicate: \(duplicate)" }

        static func api(_ r: TestingHTTPResponse) -> Outcome {
            var o = Outcome(recorded: (200..<300).contains(Int(r.status.code)))
            o.fields = Set(((r.json["errors"] as? [[String: Any]]) ?? []).compactMap { $0["path"] as? String })
            o.rules = Set((r.json["rules"] as? [String]) ?? [])
            o.duplicate = r.status == .conflict && r.json["candidates"] != nil
            return o
        }

        /// A page answer: a redirect is a recorded act; a refusal shows its rules as findings and its fields in the
        /// error summary; a possible duplicate asks for the confirmation.
        static func page(_ r: TestingHTTPResponse) -> Outcome {
            var o = Outcome(recorded: r.status == .seeOther)
            guard !o.recorded else { return o }
            let text = r.text
            o.fields = Set(
                text.components(separatedBy: "<li><a href=\"#").dropFirst().compactMap { $0.split(separator: "\"").first.map(String.init) })
            o.rules = Set(
                text.components(separatedBy: "<li class=\"finding finding-stop\" data-rule=\"").dropFirst()
                    .compactMap { $0.split(separator: "\"").first.map(String.init) })
            // A field in error that stands for a finding (a caution's reason) carries the finding's rule.
            for field in o.fields {
                guard let at = text.range(of: "id=\"\(field)\"") else { continue }
                let tag = text[at.upperBound...].prefix { $0 != ">" }
                if let r = tag.range(of: "data-rule=\"") { o.rules.insert(String(tag[r.upperBound...].prefix { $0 != "\"" })) }
            }
            o.duplicate = text.contains("id=\"possible-duplicates\"")
            return o
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        /// The outcome's tell-tale: `recorded`, `field:<name>`, `rule:<ID>` or `duplicate`.
        let expect: String
        /// Set-up shared by both doors, made once (the registry's stock, an existing patient).
        var prepare: @Sendable (TestServer) async throws -> String = { _ in "" }
        let run: @Sendable (TestServer, Door, String) async throws -> TestingHTTPResponse
        var testDescription: String { name }
    }

    /// The accesses of patients' records written since `before` rows, as "action resource outcome", in a stable
    /// order: what a door's act left in the trail, comparable across doors. Signing in lands on the day sheet, whose
    /// own rows (`list schedule`) belong to that page, not to the act.
    static func auditRows(_ s: TestServer, after before: Int) async throws -> [String] {
        let sql = s.state.database.database as! any SQLDatabase
        let rows = try await sql.raw("SELECT action, resource, outcome, patient_id FROM audit_events").all()
        return try rows.dropFirst(before).filter {
            try $0.decodeNil(column: "patient_id") == false && $0.decode(column: "resource", as: String.self) != "schedule"
        }.map {
            "\(try $0.decode(column: "action", as: String.self)) \(try $0.decode(column: "resource", as: String.self)) \(try $0.decode(column: "outcome", as: String.self))"
        }.sorted()
    }

    /// What the door shows after the act: a page's redirect is followed by the same user, as the browser does (the
    /// recording cases post as the practitioner).
    static func follow(_ s: TestServer, _ door: Door, _ r: TestingHTTPResponse) async throws {
        guard door == .page, r.status == .seeOther, let location = r.headers.first(name: .location) else { return }
        let shown = try await BrowserSession.signIn(s, email: "practitioner@a.example").get(location)
        #expect(shown.status == .ok, "\(location): \(shown.status)")
    }

    static var today: LocalDate { PageRoutes.today(in: "Europe/London") }

    static func sessionForm(date: LocalDate, depth: String = "1", needles: [(String, String)]) -> [(String, String)] {
        var f: [(String, String)] = [("date", date.description)]
        for z in ["cheek:left", "cheek:right"] {
            f += [("treat-\(z)", "yes"), ("depth-\(z)", depth), ("passes-\(z)", "2"), ("endpoint-\(z)", "erythema")]
        }
        return f + needles + [("handpiece", testHandpiece), ("reaction", "erythema")]
    }

    /// Records a session on a fresh active course through one door.
    static func session(
        _ s: TestServer, _ door: Door, date: LocalDate, depth: Double = 1.0, api apiEquipment: (String) -> String = { $0 },
        page needles: [(String, String)] = [("sterilityKind", "single-use"), ("scan", testScan), ("lotChoice", "")]
    ) async throws -> TestingHTTPResponse {
        let (_, cid) = try await activeCourseViaAPI(s, given: "Door\(UUID().uuidString.prefix(6))")
        switch door {
        case .api:
            return try await s.send(
                .POST, "/api/v1/courses/\(cid)/sessions", token: s.token("a", .practitioner),
                json: apiEquipment(sessionJSON(depth: depth, date: date.description)))
        case .page:
            let b = try await BrowserSession.signIn(s, email: "practitioner@a.example")
            return try await b.post("/courses/\(cid)/sessions", sessionForm(date: date, depth: String(depth), needles: needles))
        }
    }

    static func rosaJSON(_ s: TestServer) -> String {
        patientJSON(clinic: s.clinicA.id, given: "Rosa", family: "Rossi").replacingOccurrences(of: "1988-03-14", with: "1983-04-09")
    }

    static let cases: [Case] = [
        Case(name: "a session dated today is recorded", expect: "recorded") { s, door, _ in try await session(s, door, date: today) },
        Case(name: "a session dated 9 days ahead is refused on its date", expect: "field:date") { s, door, _ in
            try await session(s, door, date: today.adding(days: 9))
        },
        Case(
            name: "a 0.5 mm roller pack on a 1.25 mm session is DEPTH-DEVICE", expect: "rule:DEPTH-DEVICE",
            prepare: { s in try await FitStock.make(s).rollerPack }
        ) { s, door, pack in
            try await session(
                s, door, date: today, depth: 1.25,
                api: { $0.replacingOccurrences(of: #""part": {"scan": "\#(testScan)"}"#, with: #""pack": "\#(pack)""#) },
                page: [("sterilityKind", "pack"), ("packCode", pack)])
        },
        Case(
            name: "a 36-needle cartridge lot on the 12-needle pen is DEV-INCOMPATIBLE", expect: "rule:DEV-INCOMPATIBLE",
            prepare: { s in try await FitStock.make(s).rollerPack }
        ) { s, door, _ in
            try await session(
                s, door, date: today, api: { $0.replacingOccurrences(of: testScan, with: FitStock.scan36) },
                page: [("sterilityKind", "single-use"), ("scan", FitStock.scan36), ("lotChoice", "")])
        },
        Case(name: "a plan's caution without a reason keeps the course from being accepted", expect: "rule:SCR-ANTICOAGULANT") { s, door, _ in
            let pid = try await PlanAcknowledgementDoorTests.patient(s, "Door\(door.rawValue)", anticoagulants: true)
            let course = try await s.send(.POST, "/api/v1/patients/\(pid)/courses", token: s.token("a", .practitioner), json: coursePlan)
            let cid = try #require(course.json["id"] as? String)
            switch door {
            case .api: return try await s.send(.POST, "/api/v1/courses/\(cid)/accept", token: s.token("a", .practitioner))
            case .page:
                let b = try await BrowserSession.signIn(s, email: "practitioner@a.example")
                return try await b.post("/courses/\(cid)/accept", (0..<6).map { ("ack-\($0)", "") })
            }
        },
        Case(
            name: "a second Rosa Rossi born 1983-04-09 is held as a possible duplicate", expect: "duplicate",
            prepare: { s in
                let r = try await s.send(.POST, "/api/v1/patients", token: s.token("a", .frontDesk), json: rosaJSON(s))
                #expect(r.status == .created, "\(r.text)")
                return ""
            }
        ) { s, door, _ in
            let desk = s.token("a", .frontDesk)
            let rosa = rosaJSON(s)
            switch door {
            case .api: return try await s.send(.POST, "/api/v1/patients", token: desk, json: rosa)
            case .page: return try await BrowserSession.signIn(s, email: "front-desk@a.example").post("/patients", PatientMergePageTests.rosa)
            }
        },
        Case(name: "a birth date in 2030 is refused on birthDate", expect: "field:birthDate") { s, door, _ in
            switch door {
            case .api:
                return try await s.send(
                    .POST, "/api/v1/patients", token: s.token("a", .frontDesk),
                    json: patientJSON(clinic: s.clinicA.id).replacingOccurrences(of: "1988-03-14", with: "2030-01-05"))
            case .page:
                return try await BrowserSession.signIn(s, email: "front-desk@a.example")
                    .post(
                        "/patients",
                        [("givenName", "Mira"), ("familyName", "Okafor"), ("birthDate", "2030-01-05"), ("sex", "female"), ("fitzpatrick", "5")])
            }
        }
    ]

    @Test("each case comes to the same outcome through the API and the pages", arguments: cases)
    func sameOutcome(_ c: Case) async throws {
        var seen: [Door: Outcome] = [:]
        var trail: [Door: [String]] = [:]
        // Each door meets the case on a clinic of its own, so neither door's act changes what the other finds (a
        // handpiece used, a patient registered).
        for door in Door.allCases {
            let (outcome, rows) = try await withServer { s in
                let prepared = try await c.prepare(s)
                let before = try await rowCount(s, "audit_events")
                let r = try await c.run(s, door, prepared)
                let o = door == .api ? Outcome.api(r) : Outcome.page(r)
                try await Self.follow(s, door, r)
                let rows = try await Self.auditRows(s, after: before)
                let holds: Bool
                switch c.expect.split(separator: ":", maxSplits: 1).map(String.init) {
                case ["recorded"]: holds = o.recorded
                case ["duplicate"]: holds = o.duplicate && !o.recorded
                case let p where p.count == 2 && p[0] == "field": holds = !o.recorded && o.fields.contains(p[1])
                case let p where p.count == 2 && p[0] == "rule": holds = !o.recorded && o.rules.contains(p[1])
                default: holds = false
                }
                #expect(holds, "\(door.rawValue): expected \(c.expect), got \(o) (\(r.status.code))")
                return (o, rows)
            }
            seen[door] = outcome
            trail[door] = rows
        }
        #expect(seen[.api]?.recorded == seen[.page]?.recorded)
        #expect(seen[.api]?.rules == seen[.page]?.rules, "the same rules through both doors")
        for door in Door.allCases {
            // A recording, or a refused one, is one row of the session whichever door, the page's redirect included.
            let sessionRows = (trail[door] ?? []).filter { $0.split(separator: " ").dropFirst().first == "session" }
            #expect(sessionRows.count <= 1, "\(door.rawValue): \(sessionRows)")
            if c.expect == "recorded" { #expect(sessionRows == ["create session allowed"], "\(door.rawValue): \(sessionRows)") }
        }
        #expect(trail[.api] == trail[.page], "the same audit rows through both doors: api \(trail[.api] ?? []), page \(trail[.page] ?? [])")
    }
}
