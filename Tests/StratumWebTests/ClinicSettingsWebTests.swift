import Foundation
import SQLKit
import StratumCore
import StratumStore
@testable import StratumWeb
import Testing
import VaporTesting

/// A forehead course for the policy tests: photoaging, the forehead alone.
let foreheadCoursePlan = """
    {"indications": ["photoaging"], "zones": [{"site": "forehead", "side": "midline"}],
     "device": {"kind": "pen", "minDepthMM": 0.25, "maxDepthMM": 2.5, "needleMaterial": "stainless-steel"},
     "startDate": "2026-12-01"}
    """

@Suite("Clinic settings and clinic policy through the pages and the API")
struct ClinicSettingsWebTests {
    @Test(
        "the owner sets the clinic's phone, address and Pacific/Auckland on the page; the aftercare sheet, the .ics and the recall notice show them")
    func detailsOnDocuments() async throws {
        try await withServer { s in
            let owner = try await BrowserSession.signIn(s, email: "owner@a.example")
            let form = [
                ("name", "Alder Central"), ("address", "12 Quay Street\nAuckland 1010"), ("phone", "+64 9 555 0100"),
                ("email", "desk@alder.example"), ("timezone", "Pacific/Auckland"), ("packShelfLifeDays", "180")
            ]
            // Without the CSRF token the page refuses and nothing changes.
            #expect(try await owner.post("/clinic/settings", form, csrf: .some(nil)).status == .forbidden)
            #expect(try await s.send(.GET, "/api/v1/clinic", token: s.token("a", .owner)).json["phone"] is NSNull)
            // A phone with letters names the field, and nothing is saved (not even the valid zone beside it).
            let bad = try await owner.post("/clinic/settings", form.map { $0.0 == "phone" ? ($0.0, "ring reception") : $0 })
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains("<a href=\"#phone\">") && bad.text.contains("Not a phone number"), "\(bad.text)")
            let unchanged = try await s.send(.GET, "/api/v1/clinic", token: s.token("a", .owner))
            #expect(unchanged.json["timezone"] as? String == "Europe/London" && unchanged.json["phone"] is NSNull)

            #expect(try await owner.post("/clinic/settings", form).status == .seeOther)
            let clinic = try await s.send(.GET, "/api/v1/clinic", token: s.token("a", .frontDesk))
            #expect(clinic.json["phone"] as? String == "+64 9 555 0100" && clinic.json["timezone"] as? String == "Pacific/Auckland")
            #expect(clinic.json["packShelfLifeDays"] as? Double == 180)
            let settings = try await owner.get("/clinic/settings").text
            #expect(settings.contains("<dd id=\"clinic-phone\">+64 9 555 0100</dd>"))
            #expect(settings.contains("id=\"changes-table\"") && settings.contains("Pacific/Auckland"))

            // A session, its aftercare sheet and the course's calendar.
            let (_, cid) = try await activeCourseViaAPI(s, given: "Aftercare")
            let doc = s.token("a", .practitioner)
            let session = try await s.send(.POST, "/api/v1/courses/\(cid)/sessions", token: doc, json: sessionJSON(date: "2026-12-01"))
            #expect(session.status == .created, "\(session.text)")
            let sid = try #require(session.json["id"] as? String)
            let practitioner = try await BrowserSession.signIn(s, email: "practitioner@a.example")
            let aftercare = try await practitioner.get("/sessions/\(sid)/aftercare").text
            #expect(aftercare.contains("<strong id=\"clinic-phone\"><a href=\"tel:+64 9 555 0100\">+64 9 555 0100</a></strong>"), "\(aftercare)")
            #expect(aftercare.contains("12 Quay Street<br>Auckland 1010") && aftercare.contains("desk@alder.example"))
            #expect(aftercare.contains("time zone Pacific/Auckland"))
            let ics = try await practitioner.get("/courses/\(cid)/visits.ics").text.replacingOccurrences(of: "\r\n ", with: "")
            #expect(ics.contains("LOCATION:Alder Central\\, 12 Quay Street\\, Auckland 1010\r\n"), "\(ics)")
            #expect(ics.contains("Clinic phone: +64 9 555 0100.") && ics.contains("X-WR-TIMEZONE:Pacific/Auckland"))
            // The visits are the clinic's days: the course's first planned visit, not shifted by the zone.
            #expect(ics.contains("DTSTART;VALUE=DATE:20261201\r\n"))

            // Recalling the session's lot: the recall notice and the phone list give the clinic's number to call back.
            let assistant = s.token("a", .assistant)
            let lots = (try await s.send(.GET, "/api/v1/lots", token: assistant).json["items"] as? [[String: Any]]) ?? []
            let lotID = try #require(lots.first { $0["lot"] as? String == "A123" }?["id"] as? String, "\(lots)")
            let recalled = try await s.send(
                .PUT, "/api/v1/lots/\(lotID)/status", token: assistant, json: #"{"status": "recalled", "reason": "Manufacturer recall"}"#)
            let recallID = try #require(recalled.json["recallId"] as? String, "\(recalled.text)")
            let recall = try await s.send(.GET, "/api/v1/recalls/\(recallID)", token: assistant)
            #expect((recall.json["patients"] as? [Any])?.count == 1, "\(recall.text) \(lots)")
            #expect((recall.json["exposures"] as? [Any])?.count == 1, "\(recall.text)")
            let staff = try await BrowserSession.signIn(s, email: "assistant@a.example")
            let notice = try await staff.get("/recalls/\(recallID)").text
            #expect(notice.contains("<strong id=\"notice-phone\">+64 9 555 0100</strong>") && !notice.contains("notice-no-contact"), "\(notice)")
            let csv = try await staff.get("/recalls/\(recallID)/export.csv").text
            #expect(
                csv.hasPrefix("session_date,patient,phone,email,via,status,note,clinic,clinic_phone\r\n")
                    && csv.contains(#","Alder Central","'+64 9 555 0100"\#r\#n"#), "\(csv)")
        }
    }

    @Test("the owner lowers the forehead's caution ceiling on the policy page: the plan now gets DEPTH-SITE-CAUTION and shows the clinic's change")
    func policyPage() async throws {
        try await withServer { s in
            let doc = s.token("a", .practitioner)
            let patient = try await s.send(
                .POST, "/api/v1/patients", token: doc,
                json: patientJSON(clinic: s.clinicA.id, given: "Forehead", extra: #", "confirmDuplicate": true"#))
            let pid = try #require(patient.json["id"] as? String)
            #expect(try await s.send(.POST, "/api/v1/patients/\(pid)/screenings", token: doc, json: cleanScreening).status == .created)
            func cautions(_ r: TestingHTTPResponse) -> [String] {
                ((r.json["findings"] as? [[String: Any]]) ?? []).compactMap { $0["rule"] as? String }
            }
            let before = try await s.send(.POST, "/api/v1/patients/\(pid)/courses", token: doc, json: foreheadCoursePlan)
            #expect(before.status == .created, "\(before.text)")
            #expect(!cautions(before).contains("DEPTH-SITE-CAUTION"), "\(before.text)")

            let owner = try await BrowserSession.signIn(s, email: "owner@a.example")
            let page = try await owner.get("/clinic/policy")
            #expect(page.status == .ok && page.text.contains("placeholder=\"1\"") && page.text.contains("as shipped, without changes"))
            // Wider than shipped: refused with the core's reason beside the field, nothing stored.
            let wider = try await owner.post("/clinic/policy", [("sites.forehead.stopAboveMM", "2")])
            #expect(wider.status == .unprocessableEntity)
            #expect(
                wider.text.contains("a clinic may only lower it") && wider.text.contains("<a href=\"#sites.forehead.stopAboveMM\">"), "\(wider.text)")
            #expect(try await owner.post("/clinic/policy", [("sites.forehead.cautionAboveMM", "0.5")], csrf: .some(nil)).status == .forbidden)
            let unchanged = try await s.send(.GET, "/api/v1/clinic/policy", token: doc)
            #expect((unchanged.json["changes"] as? [Any])?.isEmpty == true, "\(unchanged.text)")
            // A practitioner may read the page but not post it.
            let practitioner = try await BrowserSession.signIn(s, email: "practitioner@a.example")
            #expect(try await practitioner.get("/clinic/policy").status == .ok)
            #expect(try await practitioner.post("/clinic/policy", [("sites.forehead.cautionAboveMM", "0.5")]).status == .forbidden)

            let saved = try await owner.post("/clinic/policy", [("sites.forehead.cautionAboveMM", "0.5"), ("severities.INT-SHORT", "stop")])
            #expect(saved.status == .seeOther)
            let policy = try await s.send(.GET, "/api/v1/clinic/policy", token: doc)
            let summaries = ((policy.json["changes"] as? [[String: Any]]) ?? []).compactMap { $0["summary"] as? String }
            #expect(summaries == ["INT-SHORT raised to stop (shipped caution)", "forehead caution above 0.5 mm (shipped 1 mm)"], "\(policy.text)")
            #expect(policy.json["version"] as? String == ClinicalPolicy.shippedVersion + "+clinic")

            let after = try await s.send(.POST, "/api/v1/patients/\(pid)/courses", token: doc, json: foreheadCoursePlan)
            #expect(cautions(after).contains("DEPTH-SITE-CAUTION"), "\(after.text)")
            let cid = try #require(after.json["id"] as? String)
            let course = try await practitioner.get("/courses/\(cid)").text
            #expect(
                course.contains(
                    "with this clinic's changes: <span id=\"policy-changes\">INT-SHORT raised to stop (shipped caution); forehead caution above 0.5 mm (shipped 1 mm)</span>"
                ), "\(course)")
            #expect(course.contains("<strong id=\"policy-judged\">\(ClinicalPolicy.shippedVersion)+clinic</strong>"))
            let history = try await owner.get("/clinic/settings").text
            #expect(history.contains("policy.sites.forehead.cautionAboveMM") && history.contains("policy.severities.INT-SHORT"))
        }
    }

    @Test(
        "the API: a widening policy is 422 naming each member; consent texts are versioned and signing names one; the history reads before and after")
    func api() async throws {
        try await withServer { s in
            let owner = s.token("a", .owner)
            let wider = try await s.send(
                .PUT, "/api/v1/clinic/policy", token: owner,
                json: #"{"sites": {"cheek": {"stopAboveMM": 3.0}}, "severities": {"SCR-PREGNANCY": "caution"}}"#)
            #expect(wider.status == .unprocessableEntity, "\(wider.text)")
            let paths = ((wider.json["errors"] as? [[String: Any]]) ?? []).compactMap { $0["path"] as? String }
            #expect(paths == ["severities.SCR-PREGNANCY", "sites.cheek.stopAboveMM"], "\(wider.text)")
            let narrower = try await s.send(
                .PUT, "/api/v1/clinic/policy", token: owner, json: #"{"indications": {"photoaging": {"intervalWeeks": [4, 6]}}}"#)
            #expect(narrower.status == .ok, "\(narrower.text)")
            #expect(((narrower.json["changes"] as? [[String: Any]]) ?? []).first?["clinic"] as? String == "4–6 weeks")
            #expect(try await s.send(.PUT, "/api/v1/clinic/policy", token: s.token("a", .practitioner), json: "{}").status == .forbidden)

            let patch = try await s.send(.PATCH, "/api/v1/clinic", token: owner, json: #"{"phone": "0800 ALDER"}"#)
            #expect(patch.status == .badRequest || patch.status == .unprocessableEntity, "\(patch.text)")
            let shelf = try await s.send(.PATCH, "/api/v1/clinic", token: owner, json: #"{"packShelfLifeDays": 30, "email": "desk@alder.example"}"#)
            #expect(shelf.status == .ok && shelf.json["packShelfLifeDays"] as? Double == 30, "\(shelf.text)")
            let eventRelated = try await s.send(.PATCH, "/api/v1/clinic", token: owner, json: #"{"packShelfLifeDays": null}"#)
            #expect(eventRelated.json["packShelfLifeDays"] is NSNull && eventRelated.json["email"] as? String == "desk@alder.example")

            let added = try await s.send(
                .POST, "/api/v1/clinic/consent-texts", token: owner,
                json: #"{"kind": "treatment", "version": "alder-t1", "text": "I agree.\nI may withdraw."}"#)
            #expect(added.status == .created && added.json["number"] as? Int == 1, "\(added.text)")
            let again = try await s.send(
                .POST, "/api/v1/clinic/consent-texts", token: owner, json: #"{"kind": "treatment", "version": "alder-t1", "text": "Other"}"#)
            #expect(again.status == .unprocessableEntity)
            #expect(((again.json["errors"] as? [[String: Any]]) ?? []).compactMap { $0["path"] as? String } == ["version"])
            let doc = s.token("a", .practitioner)
            let patient = try await s.send(.POST, "/api/v1/patients", token: doc, json: patientJSON(clinic: s.clinicA.id))
            let pid = try #require(patient.json["id"] as? String)
            let unknown = try await s.send(
                .POST, "/api/v1/patients/\(pid)/consents", token: doc,
                json: #"{"kind": "treatment", "textVersion": "treatment-2026.1", "signedByName": "Mira Okafor", "confirmed": true}"#)
            #expect(unknown.status == .unprocessableEntity)
            #expect(((unknown.json["errors"] as? [[String: Any]]) ?? []).compactMap { $0["path"] as? String } == ["textVersion"])
            let signed = try await s.send(
                .POST, "/api/v1/patients/\(pid)/consents", token: doc,
                json: #"{"kind": "treatment", "textVersion": "alder-t1", "signedByName": "Mira Okafor", "confirmed": true}"#)
            #expect(signed.status == .created, "\(signed.text)")

            // The consent page shows the clinic's text and signs its version.
            let browser = try await BrowserSession.signIn(s, email: "practitioner@a.example")
            let form = try await browser.get("/patients/\(pid)/consents/new").text
            #expect(form.contains("<p>I may withdraw.</p>") && form.contains("value=\"alder-t1\""))
            let pageSigned = try await browser.post(
                "/patients/\(pid)/consents",
                [("kind", "treatment"), ("textVersion-treatment", "alder-t1"), ("signedByName", "Mira Okafor"), ("confirmed", "yes")])
            #expect(pageSigned.status == .seeOther)

            let changes = try await s.send(.GET, "/api/v1/clinic/changes", token: s.token("a", .auditor))
            let list = (try? JSONSerialization.jsonObject(with: Data(changes.text.utf8))) as? [[String: Any]] ?? []
            let fields = list.compactMap { $0["field"] as? String }
            #expect(fields.contains("consentText.treatment") && fields.contains("policy.indications.photoaging.intervalWeeks"), "\(changes.text)")
            #expect(fields.contains("packShelfLifeDays") && fields.contains("email"))
            #expect(try await s.send(.GET, "/api/v1/clinic/changes", token: doc).status == .forbidden)
        }
    }
}
