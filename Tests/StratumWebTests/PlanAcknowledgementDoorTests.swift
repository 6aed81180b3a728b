import Foundation
import StratumCore
import StratumStore
@testable import StratumWeb
import Testing
import Vapor
import VaporTesting

/// Reproduction 2 of the record-integrity work: plan cautions were never acknowledged, and the API kept a
/// do-not-treat plan as proposed while the page refused it. Both doors now go through the store's one rule.
@Suite("Plan acknowledgements through the API and the pages")
struct PlanAcknowledgementDoorTests {
    static func screening(anticoagulants: Bool, pregnant: Bool) -> String {
        cleanScreening.replacingOccurrences(of: "\"anticoagulants\": false", with: "\"anticoagulants\": \(anticoagulants)")
            .replacingOccurrences(of: "\"pregnantOrBreastfeeding\": false", with: "\"pregnantOrBreastfeeding\": \(pregnant)")
    }

    /// A patient of clinic A screened as given, through the API; her id.
    static func patient(_ s: TestServer, _ family: String, anticoagulants: Bool, pregnant: Bool = false) async throws -> String {
        let doc = s.token("a", .practitioner)
        let created = try await s.send(.POST, "/api/v1/patients", token: doc, json: patientJSON(clinic: s.clinicA.id, family: family))
        #expect(created.status == .created, "\(created.text)")
        let pid = try #require(created.json["id"] as? String)
        let screened = try await s.send(
            .POST, "/api/v1/patients/\(pid)/screenings", token: doc,
            json: screening(anticoagulants: anticoagulants, pregnant: pregnant))
        #expect(screened.status == .created, "\(screened.text)")
        return pid
    }

    @Test("API: a do-not-treat plan is not kept (422 with its stop); a caution needs a reason to accept; the reason is kept")
    func api() async throws {
        try await withServer { s in
            let doc = s.token("a", .practitioner)
            let pregnant = try await Self.patient(s, "Pregnant", anticoagulants: false, pregnant: true)
            let refused = try await s.send(.POST, "/api/v1/patients/\(pregnant)/courses", token: doc, json: coursePlan)
            #expect(refused.status == .unprocessableEntity, "\(refused.text)")
            #expect((refused.json["rules"] as? [String]) == ["SCR-PREGNANCY"])
            let none = try await s.send(.GET, "/api/v1/patients/\(pregnant)/courses", token: doc)
            #expect((none.json["items"] as? [Any])?.isEmpty == true, "\(none.text)")

            let pid = try await Self.patient(s, "Anticoagulated", anticoagulants: true)
            let course = try await s.send(.POST, "/api/v1/patients/\(pid)/courses", token: doc, json: coursePlan)
            #expect(course.status == .created, "\(course.text)")
            let cid = try #require(course.json["id"] as? String)
            let bare = try await s.send(.POST, "/api/v1/courses/\(cid)/accept", token: doc)
            #expect(bare.status == .unprocessableEntity)
            #expect((bare.json["rules"] as? [String])?.contains("SCR-ANTICOAGULANT") == true, "\(bare.text)")
            let blank = try await s.send(
                .POST, "/api/v1/courses/\(cid)/accept", token: doc,
                json: #"{"acknowledgements": [{"rule": "SCR-ANTICOAGULANT", "reason": " "}]}"#)
            #expect(blank.status == .badRequest && blank.text.contains("acknowledgements[0].reason"), "\(blank.text)")
            let unknown = try await s.send(
                .POST, "/api/v1/courses/\(cid)/accept", token: doc,
                json: #"{"acknowledgements": [{"rule": "NOT-A-RULE", "reason": "x"}]}"#)
            #expect(unknown.status == .badRequest && unknown.text.contains("acknowledgements[0].rule"), "\(unknown.text)")
            let cautions = Set(
                ((course.json["findings"] as? [[String: Any]]) ?? []).filter { $0["severity"] as? String == "caution" }
                    .compactMap { $0["rule"] as? String })
            #expect(cautions.contains("SCR-ANTICOAGULANT"))
            let acks = cautions.sorted().map { #"{"rule": "\#($0)", "reason": "Warfarin paused by her GP"}"# }.joined(separator: ",")
            let ok = try await s.send(.POST, "/api/v1/courses/\(cid)/accept", token: doc, json: #"{"acknowledgements": [\#(acks)]}"#)
            #expect(ok.status == .ok, "\(ok.text)")
            #expect(ok.json["status"] as? String == "active")
            let kept = try #require(ok.json["acknowledgements"] as? [[String: Any]])
            #expect(Set(kept.compactMap { $0["rule"] as? String }) == cautions)
            #expect(kept.allSatisfy { $0["reason"] as? String == "Warfarin paused by her GP" })
            #expect(ok.json["acceptedBy"] as? String != nil)
        }
    }

    @Test("pages: each caution has a reason field; accepting without one names the field; the reasons show on the course")
    func pages() async throws {
        try await withServer { s in
            let pid = try await Self.patient(s, "Anticoagulated", anticoagulants: true)
            let doc = s.token("a", .practitioner)
            let course = try await s.send(.POST, "/api/v1/patients/\(pid)/courses", token: doc, json: coursePlan)
            let cid = try #require(course.json["id"] as? String)
            let b = try await BrowserSession.signIn(s, email: "practitioner@a.example")
            let page = try await b.get("/courses/\(cid)")
            #expect(page.text.contains("id=\"ack-0\"") && page.text.contains("data-rule=\"SCR-ANTICOAGULANT\""), "a reason field per caution")
            let fields = (0..<10).map { "ack-\($0)" }.filter { page.text.contains("id=\"\($0)\"") }
            let missing = try await b.post("/courses/\(cid)/accept", fields.map { ($0, "") })
            #expect(missing.status == .unprocessableEntity)
            #expect(missing.text.contains("Give the clinical reason for accepting SCR-ANTICOAGULANT."))
            #expect(missing.text.contains("href=\"#ack-0\""), "the error summary links the field")
            let accepted = try await b.post("/courses/\(cid)/accept", fields.map { ($0, "Warfarin paused by her GP") })
            #expect(accepted.status == .seeOther)
            let shown = try await b.get("/courses/\(cid)")
            #expect(shown.text.contains("id=\"course-acknowledgements\"") && shown.text.contains("Warfarin paused by her GP"))
            #expect(!shown.text.contains("id=\"accept-course\""))

            // The page, like the API, keeps no do-not-treat plan.
            let pregnant = try await Self.patient(s, "Pregnant", anticoagulants: false, pregnant: true)
            let day = PageRoutes.today(in: "UTC").description
            let plan: [(String, String)] = [
                ("indication", "acne-scars"), ("zone", "cheek:left"), ("deviceKind", "pen"), ("depthMin", "0.25"),
                ("depthMax", "2.5"), ("material", "stainless-steel"), ("startDate", day), ("sessions", ""),
                ("intervalWeeks", ""), ("goal", ""), ("goalScore", "")
            ]
            let refused = try await b.post("/patients/\(pregnant)/courses", plan)
            #expect(refused.status == .unprocessableEntity && refused.text.contains("SCR-PREGNANCY"))
            let none = try await s.send(.GET, "/api/v1/patients/\(pregnant)/courses", token: doc)
            #expect((none.json["items"] as? [Any])?.isEmpty == true)
        }
    }
}
