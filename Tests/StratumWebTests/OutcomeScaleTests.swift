import Foundation
import StratumCore
import StratumStore
@testable import StratumWeb
import Testing
import Vapor
import VaporTesting

/// Issue 12, reproduction 6: GAIS scored at baseline, the planner scheduling it, a duplicate baseline counted as a
/// follow-up, "Plateau" after one unchanged visit with sessions to go.
@Suite("Outcome scales as designed through the API and the pages (POLICY §1, OUT-GAIS-BASELINE)")
struct OutcomeScaleTests {
    static func problemPaths(_ r: TestingHTTPResponse) -> [String] {
        (r.json["errors"] as? [[String: Any]])?.compactMap { $0["path"] as? String } ?? []
    }

    @Test("the API refuses GAIS at baseline naming the rule and the field, and a second baseline as a conflict; GAIS after session 1 is kept")
    func api() async throws {
        try await withServer { s in
            let doc = s.token("a", .practitioner)
            let (pid, cid) = try await activeCourseViaAPI(s, given: "Gaia")
            let path = "/api/v1/patients/\(pid)/assessments"
            func post(_ scale: String, _ score: Int, _ kind: String, _ day: String) async throws -> TestingHTTPResponse {
                try await s.send(
                    .POST, path, token: doc,
                    json: #"{"courseId": "\#(cid)", "scale": "\#(scale)", "score": \#(score), "kind": "\#(kind)", "assessedOn": "\#(day)"}"#)
            }
            let asBaseline = try await post("GAIS", 3, "baseline", "2026-11-30")
            #expect(asBaseline.status == .unprocessableEntity && asBaseline.json["rules"] as? [String] == ["OUT-GAIS-BASELINE"], "\(asBaseline.text)")
            #expect(Self.problemPaths(asBaseline) == ["kind"])
            let beforeAnySession = try await post("GAIS", 3, "visit", "2026-11-30")
            #expect(beforeAnySession.status == .unprocessableEntity && (beforeAnySession.json["rules"] as? [String]) == ["OUT-GAIS-BASELINE"])
            #expect(Self.problemPaths(beforeAnySession) == ["assessedOn"])

            // The severity baseline is taken once; a second is refused as a conflict, naming the field, and the first stands.
            #expect(try await post("goodman-baron", 3, "baseline", "2026-11-30").status == .created)
            let second = try await post("goodman-baron", 2, "baseline", "2026-11-30")
            #expect(
                second.status == .conflict && Self.problemPaths(second) == ["kind"] && second.text.contains("one baseline per scale per course"),
                "\(second.text)")

            // After the first session GAIS rates the change; on the session's own day it is still refused. The paper
            // consent was signed before that session.
            #expect(
                try await s.send(
                    .POST, "/api/v1/patients/\(pid)/consents", token: doc,
                    json: #"{"kind": "treatment", "textVersion": "1", "signedByName": "Gaia", "confirmed": true, "signedOn": "2026-11-01"}"#
                ).status == .created)
            let session = try await s.send(.POST, "/api/v1/courses/\(cid)/sessions", token: doc, json: sessionJSON(date: "2026-12-01"))
            #expect(session.status == .created, "\(session.text)")
            let sameDay = try await post("GAIS", 3, "visit", "2026-12-01")
            #expect(sameDay.status == .unprocessableEntity && Self.problemPaths(sameDay) == ["assessedOn"] && sameDay.text.contains("2026-12-01"))
            #expect(try await post("GAIS", 3, "visit", "2026-12-02").status == .created)

            let list = try await s.send(.GET, path, token: doc)
            let scored = (list.json["items"] as? [[String: Any]])?.map { "\($0["scale"] as? String ?? "") \($0["kind"] as? String ?? "")" }
            #expect(scored == ["goodman-baron baseline", "GAIS visit"], "\(list.text)")
            // GAIS reads as a change scale: its progress is the latest grade, with no baseline score.
            let progress = try await s.send(.GET, "/api/v1/courses/\(cid)/progress", token: doc)
            let gais = try #require((progress.json["scales"] as? [[String: Any]])?.first { $0["scale"] as? String == "GAIS" })
            #expect(
                gais["scaleKind"] as? String == "change" && gais["baseline"] is NSNull && gais["status"] as? String == "improving", "\(progress.text)"
            )
        }
    }

    @Test("the assessment page refuses GAIS at baseline on the kind field, naming the rule, and keeps what was typed")
    func page() async throws {
        try await withServer { s in
            let (pid, cid) = try await activeCourseViaAPI(s, given: "Paula")
            let doc = try await BrowserSession.signIn(s, email: "practitioner@a.example")
            let form = try await doc.get("/patients/\(pid)/assessments/new?course=\(cid)")
            #expect(form.text.contains("GAIS is never a baseline"))
            let refused = try await doc.post(
                "/patients/\(pid)/assessments",
                [
                    ("courseId", cid), ("scale", "GAIS"), ("score", "3"),
                    ("kind", "baseline"), ("date", "2026-11-30")
                ])
            #expect(refused.status == .unprocessableEntity && refused.text.contains("OUT-GAIS-BASELINE"), "\(refused.status)")
            #expect(refused.text.contains(#"<div class="field has-error"><label for="kind">"#), "the error sits on the kind field")
            #expect(refused.text.contains(#"<option value="GAIS" selected>"#))
            let beforeSession = try await doc.post(
                "/patients/\(pid)/assessments",
                [
                    ("courseId", cid), ("scale", "GAIS"), ("score", "3"),
                    ("kind", "visit"), ("date", "2026-11-30")
                ])
            #expect(beforeSession.status == .unprocessableEntity && beforeSession.text.contains(#"<div class="field has-error"><label for="date">"#))
            #expect(
                try await doc.post(
                    "/patients/\(pid)/assessments",
                    [
                        ("courseId", cid), ("scale", "goodman-baron"), ("score", "3"),
                        ("kind", "baseline"), ("date", "2026-11-30")
                    ]
                ).status == .seeOther)
            let again = try await doc.post(
                "/patients/\(pid)/assessments",
                [
                    ("courseId", cid), ("scale", "goodman-baron"), ("score", "3"),
                    ("kind", "baseline"), ("date", "2026-11-30")
                ])
            #expect(again.status == .conflict && again.text.contains("one baseline per scale per course"))
            let list = try await s.send(.GET, "/api/v1/patients/\(pid)/assessments", token: s.token("a", .practitioner))
            #expect((list.json["items"] as? [Any])?.count == 1, "only the first baseline was written")
        }
    }

    @Test("the planner never schedules GAIS at baseline: photoaging's baseline is Glogau, Fitzpatrick class and the photo set")
    func plan() async throws {
        try await withServer { s in
            let body = PermissionTests.planDocument.replacingOccurrences(of: #"["pigmentation"]"#, with: #"["photoaging"]"#)
            let r = try await s.send(.POST, "/api/v1/plan", token: s.token("a", .practitioner), json: body)
            #expect(r.status == .ok, "\(r.text)")
            let assessments = try #require((r.json["course"] as? [String: Any])?["assessments"] as? [[String: Any]])
            let baseline = try #require(assessments.first)
            #expect(baseline["kind"] as? String == "baseline" && baseline["scales"] as? [String] == ["glogau", "fitzpatrick-wrinkle"])
            #expect(baseline["photoSet"] as? Bool == true)
            #expect(assessments.filter { $0["kind"] as? String == "visit" }.allSatisfy { $0["scales"] as? [String] == ["GAIS"] })
            #expect(!assessments.contains { $0["kind"] as? String == "baseline" && ($0["scales"] as? [String])?.contains("GAIS") == true })
        }
    }

    @Test("progress: a same-day duplicate is no follow-up; one unchanged visit with sessions to go is too early, not a plateau")
    func plateau() async throws {
        try await withServer { s in
            let (pid, cid) = try await activeCourseViaAPI(s, given: "Rita")
            let api = s.token("a", .practitioner)
            for (score, day, kind) in [
                (4, "2026-11-01", "baseline"), (4, "2026-11-01", "visit"), (3, "2026-11-15", "visit"), (3, "2026-11-29", "visit")
            ] {
                let r = try await s.send(
                    .POST, "/api/v1/patients/\(pid)/assessments", token: api,
                    json: #"{"courseId": "\#(cid)", "scale": "goodman-baron", "score": \#(score), "kind": "\#(kind)", "assessedOn": "\#(day)"}"#)
                #expect(r.status == .created, "\(r.text)")
            }
            let progress = try await s.send(.GET, "/api/v1/courses/\(cid)/progress", token: api)
            let gb = try #require((progress.json["scales"] as? [[String: Any]])?.first)
            let improvements = (gb["points"] as? [[String: Any]])?.map { $0["improvement"] as? Double }
            #expect(improvements == [nil, nil, 1, 1], "the same-day duplicate of the baseline is not a follow-up: \(progress.text)")
            #expect(gb["status"] as? String == "too-early")
            let doc = try await BrowserSession.signIn(s, email: "practitioner@a.example")
            let page = try await doc.get("/courses/\(cid)/progress")
            #expect(page.text.contains(#"data-status="too-early""#) && page.text.contains("Too early to judge"))
            #expect(!page.text.contains(#"data-status="plateau""#))
            // The forecast leads with one plain sentence; the statistics wait behind a disclosure.
            #expect(page.text.contains(#"id="forecast-headline""#) && page.text.contains("Too few scores to forecast yet"))
            #expect(page.text.contains(#"<details id="forecast-details">"#))
            #expect(page.text.contains("Better by 1 since the baseline of 2026-11-01 (4 → 3)"))
        }
    }
}
