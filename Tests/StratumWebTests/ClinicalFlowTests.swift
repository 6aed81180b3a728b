import Foundation
import StratumStore
@testable import StratumWeb
import Testing
import Vapor
import VaporTesting

/// The examples' screening answers, all "no", as the API takes them.
let cleanScreening = """
    {"answeredOn": "2026-11-20", "answers": {
    "activeInfectionInArea": false, "openWoundInArea": false, "skinCancerOrChangingLesionInArea": false, "activeAcneInArea": false,
    "isotretinoinCurrent": false, "isotretinoinLastDose": null, "pregnantOrBreastfeeding": false, "bleedingDisorder": false,
    "stainlessSteelAllergy": false, "anaestheticAllergy": false, "sunburnInArea": false, "anticoagulants": false,
    "keloidHistory": false, "herpesHistory": false, "immunosuppressed": false, "poorlyControlledDiabetes": false,
    "autoimmuneSkinDisease": false, "radiotherapyToArea": null, "recentTanning": false, "retinoidOrAcidLast2Days": false,
    "surgeryOrTraumaInArea": null, "deepPeelOrDermabrasion": null, "metalAllergy": false, "topicalAllergy": false}}
    """

let coursePlan = """
    {"indications": ["acne-scars"], "zones": [{"site": "cheek", "side": "left"}, {"site": "cheek", "side": "right"}],
     "device": {"kind": "pen", "minDepthMM": 0.25, "maxDepthMM": 2.5, "needleMaterial": "stainless-steel"},
     "startDate": "2026-12-01", "goal": "Goodman & Baron grade 2"}
    """

func sessionJSON(depth: Double = 1.0, acknowledgements: String = "[]", date: String = "2026-12-01") -> String {
    """
    {"date": "\(date)",
     "zones": [{"site": "cheek", "side": "left", "depthMM": \(depth), "passes": 3, "endPoint": "erythema"},
               {"site": "cheek", "side": "right", "depthMM": \(depth), "passes": 3}],
     "equipment": {"part": {"scan": "\(testScan)"}, "handpiece": "\(testHandpiece)"}, "reactions": ["erythema", "pinpoint-bleeding"],
     "acknowledgements": \(acknowledgements)}
    """
}

@Suite("Clinical records through the API: screening → consent → course → session → sign → addendum")
struct ClinicalFlowTests {
    @Test("the whole course of care, with the server re-checking the session and the audit log recording every access")
    func flow() async throws {
        try await withServer { s in
            let doc = s.token("a", .practitioner)
            let created = try await s.send(.POST, "/api/v1/patients", token: doc, json: patientJSON(clinic: s.clinicA.id))
            let pid = try #require(created.json["id"] as? String)

            // Screening with a misspelt key is refused with its path; a correct one is version 1.
            let typo = try await s.send(
                .POST, "/api/v1/patients/\(pid)/screenings", token: doc,
                json: cleanScreening.replacingOccurrences(of: "\"anticoagulants\"", with: "\"anticoagulant\""))
            #expect(typo.status == .badRequest)
            #expect(typo.text.contains("answers.anticoagulant"))
            let screening = try await s.send(.POST, "/api/v1/patients/\(pid)/screenings", token: doc, json: cleanScreening)
            #expect(screening.status == .created)
            #expect(screening.json["version"] as? Int == 1)

            // Plan and accept a course; the patient comes from the record.
            let course = try await s.send(.POST, "/api/v1/patients/\(pid)/courses", token: doc, json: coursePlan)
            #expect(course.status == .created, "\(course.text)")
            let cid = try #require(course.json["id"] as? String)
            #expect(course.json["status"] as? String == "proposed")
            #expect(((course.json["plan"] as? [String: Any])?["course"] as? [String: Any])?["sessions"] != nil)
            // Only an accepted course takes sessions; an unknown one is 404 like another organization's.
            let early = try await s.send(.POST, "/api/v1/courses/\(cid)/sessions", token: doc, json: sessionJSON())
            #expect(early.status == .conflict && early.json["title"] as? String == "Course not active")
            #expect(try await s.send(.POST, "/api/v1/courses/\(UUID().uuidString)/sessions", token: doc, json: sessionJSON()).status == .notFound)
            let accepted = try await s.acceptCourse(cid, token: doc)
            #expect(accepted.status == .ok)
            #expect(try await s.send(.POST, "/api/v1/courses/\(cid)/accept", token: doc).status == .conflict)

            // Without a signed consent the server refuses the session: SCR-CONSENT is a stop.
            let noConsent = try await s.send(.POST, "/api/v1/courses/\(cid)/sessions", token: doc, json: sessionJSON())
            #expect(noConsent.status == .unprocessableEntity)
            #expect((noConsent.json["rules"] as? [String])?.contains("SCR-CONSENT") == true)

            let consent = try await s.send(
                .POST, "/api/v1/patients/\(pid)/consents", token: doc,
                json: #"{"kind": "treatment", "textVersion": "2026-11", "signedByName": "Mira Okafor", "confirmed": true, "signedOn": "2026-11-20"}"#)
            #expect(consent.status == .created)
            let unconfirmed = try await s.send(
                .POST, "/api/v1/patients/\(pid)/consents", token: doc,
                json: #"{"kind": "treatment", "textVersion": "2026-11", "signedByName": "Mira Okafor", "confirmed": false}"#)
            #expect(unconfirmed.status == .badRequest)

            // 1.75 mm on the cheek is a caution (DEPTH-SITE-CAUTION) that needs a reason per zone.
            let unacknowledged = try await s.send(.POST, "/api/v1/courses/\(cid)/sessions", token: doc, json: sessionJSON(depth: 1.75))
            #expect(unacknowledged.status == .unprocessableEntity)
            #expect((unacknowledged.json["rules"] as? [String])?.contains("DEPTH-SITE-CAUTION") == true)
            // The patient is Fitzpatrick V, so the phototype cautions need their reasons too.
            #expect(Set(unacknowledged.json["rules"] as? [String] ?? []) == ["DEPTH-SITE-CAUTION", "DEPTH-PHOTOTYPE", "SCR-PHOTOTYPE"])
            let partial = #"[{"rule": "DEPTH-SITE-CAUTION", "zone": {"site": "cheek", "side": "left"}, "reason": "deep rolling scars"}]"#
            let stillBlocked = try await s.send(
                .POST, "/api/v1/courses/\(cid)/sessions", token: doc, json: sessionJSON(depth: 1.75, acknowledgements: partial))
            #expect(stillBlocked.status == .unprocessableEntity)
            let acks =
                "["
                + ["left", "right"].flatMap { side in
                    ["DEPTH-SITE-CAUTION", "DEPTH-PHOTOTYPE"].map { rule in
                        #"{"rule": "\#(rule)", "zone": {"site": "cheek", "side": "\#(side)"}, "reason": "deep rolling scars; tolerated 1.5 mm well; strict sun protection"}"#
                    }
                }.joined(separator: ", ") + #", {"rule": "SCR-PHOTOTYPE", "reason": "discussed PIH risk and photoprotection"}]"#
            let recorded = try await s.send(
                .POST, "/api/v1/courses/\(cid)/sessions", token: doc, json: sessionJSON(depth: 1.75, acknowledgements: acks))
            #expect(recorded.status == .created, "\(recorded.text)")
            let sid = try #require(recorded.json["id"] as? String)
            #expect((recorded.json["acknowledgements"] as? [Any])?.count == 5)
            #expect(recorded.json["decision"] as? String == "proceed-with-caution")

            // A stop (3.4 mm, DEPTH-RANGE) is never recorded, acknowledged or not.
            let stop = try await s.send(
                .POST, "/api/v1/courses/\(cid)/sessions", token: doc,
                json: sessionJSON(depth: 3.4, acknowledgements: #"[{"rule": "DEPTH-RANGE", "reason": "please"}]"#, date: "2026-12-02"))
            #expect(stop.status == .unprocessableEntity)
            #expect((stop.json["rules"] as? [String])?.contains("DEPTH-RANGE") == true)

            // Addenda only after signing; signing locks.
            #expect(try await s.send(.POST, "/api/v1/sessions/\(sid)/addenda", token: doc, json: #"{"text": "note"}"#).status == .conflict)
            #expect(try await s.send(.POST, "/api/v1/sessions/\(sid)/sign", token: doc).status == .ok)
            #expect(try await s.send(.POST, "/api/v1/sessions/\(sid)/sign", token: doc).status == .conflict)
            let addendum = try await s.send(.POST, "/api/v1/sessions/\(sid)/addenda", token: doc, json: #"{"text": "Redness settled by day 2."}"#)
            #expect(addendum.status == .created)
            #expect((addendum.json["addenda"] as? [Any])?.count == 1)

            // Adverse event and assessment.
            let ae = try await s.send(
                .POST, "/api/v1/patients/\(pid)/adverse-events", token: doc,
                json: #"{"sessionId": "\#(sid)", "type": "bruising", "onset": "2026-12-02", "grade": 1, "suspectedCauses": ["needle-technique"]}"#)
            #expect(ae.status == .created, "\(ae.text)")
            #expect(ae.json["gradeDefinition"] as? String != nil)
            let badGrade = try await s.send(
                .POST, "/api/v1/patients/\(pid)/adverse-events", token: doc,
                json: #"{"type": "bruising", "onset": "2026-12-02", "grade": 7}"#)
            #expect(badGrade.status == .badRequest)
            let assessment = try await s.send(
                .POST, "/api/v1/patients/\(pid)/assessments", token: doc,
                json: #"{"courseId": "\#(cid)", "scale": "goodman-baron", "score": 3, "kind": "baseline", "assessedOn": "2026-12-01"}"#)
            #expect(assessment.status == .created, "\(assessment.text)")

            // Lists, and the audit log: owners and auditors read it, practitioners may not.
            for path in ["screenings", "consents", "courses", "adverse-events", "assessments"] {
                let list = try await s.send(.GET, "/api/v1/patients/\(pid)/\(path)", token: doc)
                #expect(list.status == .ok)
                #expect((list.json["items"] as? [Any])?.isEmpty == false, "\(path)")
            }
            #expect(try await s.send(.GET, "/api/v1/courses/\(cid)/sessions", token: doc).json["items"] != nil)

            // The chart holds all of it in one read, audited once; the front desk may not read it.
            let chart = try await s.send(.GET, "/api/v1/patients/\(pid)/chart", token: doc)
            #expect(chart.status == .ok)
            #expect((chart.json["patient"] as? [String: Any])?["id"] as? String == pid)
            for part in ["screenings", "consents", "courses", "sessions", "adverseEvents", "assessments"] {
                #expect((chart.json[part] as? [Any])?.isEmpty == false, "\(part)")
            }
            #expect(((chart.json["sessions"] as? [[String: Any]])?.first?["addenda"] as? [Any])?.count == 1)
            #expect(try await s.send(.GET, "/api/v1/patients/\(pid)/chart", token: s.token("a", .frontDesk)).status == .forbidden)
            #expect(try await s.send(.GET, "/api/v1/patients/\(pid)/chart", token: s.token("b", .owner)).status == .notFound)
            #expect(try await s.send(.GET, "/api/v1/patients/\(pid)/audit", token: doc).status == .forbidden)
            let audit = try await s.send(.GET, "/api/v1/patients/\(pid)/audit", token: s.token("a", .auditor))
            #expect(audit.status == .ok)
            let rows = try #require(audit.json["items"] as? [[String: Any]])
            #expect(rows.contains { $0["outcome"] as? String == "denied" && $0["resource"] as? String == "audit-log" })
            #expect(rows.contains { $0["action"] as? String == "create" && $0["resource"] as? String == "session" })
            #expect(rows.filter { $0["resource"] as? String == "patient.chart" && $0["outcome"] as? String == "allowed" }.count == 1)

            // Another organization sees none of it.
            for path in ["/api/v1/patients/\(pid)/screenings", "/api/v1/courses/\(cid)/sessions", "/api/v1/sessions/\(sid)"] {
                #expect(try await s.send(.GET, path, token: s.token("b", .owner)).status == .notFound, "\(path)")
            }
            #expect(try await s.state.database.read { try await AuditTrail.verify(key: s.state.auditKey, on: $0) }.isIntact)
        }
    }
}
