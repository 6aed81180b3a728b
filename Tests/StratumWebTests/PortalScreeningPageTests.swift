import Foundation
import NIOCore
import SQLKit
import StratumCore
import StratumStore
@testable import StratumWeb
import Testing
import Vapor
import VaporTesting

/// Every screening question answered "no" or "never" as the form posts them, with `overrides` on top.
func screeningFields(_ overrides: [String: String] = [:], without: Set<String> = []) -> [(String, String)] {
    var out: [(String, String)] = []
    for key in ScreeningKey.allCases where !without.contains(key.rawValue) {
        out.append((key.rawValue, overrides[key.rawValue] ?? (key.isDate ? "never" : "no")))
        if let date = overrides[key.rawValue + "-date"] { out.append((key.rawValue + "-date", date)) }
    }
    return out
}

extension PublicVisitor {
    /// GETs a signed-in portal page and posts `fields` to it with the session's CSRF token, as the page's form does.
    mutating func post(_ page: String, _ fields: [(String, String)]) async throws -> TestingHTTPResponse {
        let form = try await get(page)
        let csrf = try #require(BrowserSession.hidden("_csrf", in: form.text), "\(page) has a form")
        var headers = header()
        headers.contentType = .urlEncodedForm
        let r = try await app.testing().sendRequest(
            .POST, page, headers: headers, body: ByteBuffer(string: BrowserSession.encode([("_csrf", csrf)] + fields)))
        absorb(r)
        return r
    }
}

@Suite("The portal's screening at home and consent, and the clinic's review of the answers before the visit")
struct PortalScreeningPageTests {
    @Test("answered at home with a stop: refused while incomplete, listed on the practitioner's Today, counted only once reviewed")
    func screeningAtHome() async throws {
        try await withServer(clock: .fixed(portalNow)) { s in
            let (patient, course, _) = try await portalPatientViaAPI(s, given: "Mira", family: "Okafor", email: "mira@example.com")
            var mira = try await portalSignIn(s, email: "mira@example.com")
            let home = try await mira.get("/portal")
            #expect(home.text.contains("id=\"portal-screening-link\"") && home.text.contains("id=\"portal-consent-link\""))
            #expect(home.text.contains("Not answered yet."))
            let form = try await mira.get("/portal/screening")
            #expect(form.status == .ok && form.text.contains("Are you pregnant or breastfeeding?") && !form.text.contains("<script>"))
            #expect(!form.text.contains("SCR-"), "the patient sees questions, not rule ids")

            let partial = try await mira.post("/portal/screening", screeningFields(without: ["pregnantOrBreastfeeding"]))
            #expect(partial.status == .unprocessableEntity)
            #expect(partial.text.contains("Are you pregnant or breastfeeding? Please answer this question."))
            let future = try await mira.post(
                "/portal/screening", screeningFields(["surgeryOrTraumaInArea": "date", "surgeryOrTraumaInArea-date": "2027-01-05"]))
            #expect(future.status == .unprocessableEntity && future.text.contains("The date cannot be after today."))
            let nonsense = try await mira.post("/portal/screening", screeningFields(["activeAcneInArea": String(repeating: "y", count: 5000)]))
            #expect(
                nonsense.status == .unprocessableEntity
                    && nonsense.text.contains("Is there active inflamed or cystic acne in the area? Choose yes or no."))
            #expect(try await rowCount(s, "home_screenings") == 0, "a refused form keeps nothing")

            let sent = try await mira.post("/portal/screening", screeningFields(["activeInfectionInArea": "yes"]))
            #expect(sent.status == .seeOther && sent.headers.first(name: .location) == "/portal?done=screening-saved")
            #expect(try await mira.get("/portal").text.contains("Answered on 2026-12-04"))
            #expect(try await mira.get("/portal/screening").text.contains("id=\"screening-awaiting\""))

            let doc = try await BrowserSession.signIn(s, email: "practitioner@a.example")
            let today = try await doc.get("/today").text
            let section = try #require(today.components(separatedBy: "id=\"home-screenings\"").last?.components(separatedBy: "</section>").first)
            #expect(section.contains("Mira Okafor") && section.contains("SCR-INFECTION") && section.contains("badge-stop"))
            let desk = try await BrowserSession.signIn(s, email: "front-desk@a.example")
            let deskToday = try await desk.get("/today").text
            #expect(!deskToday.contains("home-screenings") && !deskToday.contains("SCR-INFECTION"), "the front desk sees no screening")

            let sessionForm = try await doc.get("/courses/\(course)/sessions/new").text
            #expect(sessionForm.contains("id=\"home-screening-awaiting\"") && sessionForm.contains("does not use those answers"))
            let chartBefore = try await doc.get("/patients/\(patient)").text
            #expect(!chartBefore.contains("SCR-INFECTION"), "unreviewed home answers stop nothing yet")
            #expect(chartBefore.contains("Answered by the patient on 2026-12-04, awaiting review"))
            let screening = try await doc.get("/patients/\(patient)/screening").text
            #expect(screening.contains("Answered by the patient on 2026-12-04, awaiting review"))
            let link = try #require(
                screening.components(separatedBy: "id=\"review-home-screening\" href=\"").last?.components(separatedBy: "\"").first)
            let review = try await doc.get(link)
            #expect(
                review.status == .ok && review.text.contains("id=\"activeInfectionInArea-yes\" name=\"activeInfectionInArea\" value=\"yes\" checked"))
            let incomplete = try await doc.post(link, screeningFields(["activeInfectionInArea": "yes"], without: ["sunburnInArea"]))
            #expect(incomplete.status == .unprocessableEntity && incomplete.text.contains("Not answered: ask the patient"))
            let confirmed = try await doc.post(link, screeningFields(["activeInfectionInArea": "yes"]))
            #expect(confirmed.status == .seeOther)
            let chart = try await doc.get("/patients/\(patient)").text
            #expect(chart.contains("id=\"do-not-treat\"") && chart.contains("SCR-INFECTION"), "the confirmed answers count")
            #expect(chart.contains("by the patient at home, confirmed in the room"))
            #expect(!chart.contains("id=\"home-screening-awaiting\""))
            #expect(!(try await doc.get("/today").text.contains("id=\"home-screenings\"")), "reviewed: off Today")
            #expect(!(try await doc.get("/courses/\(course)/sessions/new").text.contains("home-screening-awaiting")))

            let sql = s.state.database.database as! any SQLDatabase
            let rows = try await sql.raw("SELECT actor_id, patient_id FROM audit_events WHERE resource = 'portal.screening' AND action = 'create'")
                .all()
            let pid = try #require(UUID(uuidString: patient))
            #expect(rows.count == 1)
            #expect(try rows.first?.decode(column: "actor_id", as: UUID.self) == pid)
        }
    }

    @Test("consent read and signed in the portal: the typed name must be the patient's; the chart shows it as signed in the portal")
    func consentAtHome() async throws {
        try await withServer(clock: .fixed(portalNow)) { s in
            let (patient, _, _) = try await portalPatientViaAPI(s, given: "Mira", family: "Okafor", email: "mira@example.com")
            var mira = try await portalSignIn(s, email: "mira@example.com")
            let page = try await mira.get("/portal/consent")
            #expect(page.status == .ok && page.text.contains(ConsentTexts.treatmentVersion) && page.text.contains(ConsentTexts.treatment[0]))
            let consents = try await rowCount(s, "consents")
            let base = [("kind", "treatment"), ("textVersion-treatment", ConsentTexts.treatmentVersion), ("confirmed", "yes")]
            let wrong = try await mira.post("/portal/consent", base + [("signedByName", "Ada Lovelace")])
            #expect(wrong.status == .unprocessableEntity && wrong.text.contains("Your full name: must be your full name"))
            let long = try await mira.post("/portal/consent", base + [("signedByName", String(repeating: "M", count: 300))])
            #expect(long.status == .unprocessableEntity && long.text.contains("Your full name: at most 200 characters"))
            let unticked = try await mira.post(
                "/portal/consent", [("kind", "treatment"), ("textVersion-treatment", ConsentTexts.treatmentVersion), ("signedByName", "Mira Okafor")])
            #expect(unticked.status == .unprocessableEntity && unticked.text.contains("Confirmation: tick the box"))
            let noTier = try await mira.post(
                "/portal/consent", [("kind", "photo"), ("confirmed", "yes"), ("signedByName", "Mira Okafor")])
            #expect(noTier.status == .unprocessableEntity && noTier.text.contains("Photographs: choose how far"))
            #expect(try await rowCount(s, "consents") == consents, "nothing signed")

            let signed = try await mira.post("/portal/consent", base + [("signedByName", "  mira OKAFOR ")])
            #expect(signed.status == .seeOther && signed.headers.first(name: .location) == "/portal?done=consent-signed")
            #expect(try await mira.get("/portal/consent").text.contains("signed on 2026-12-04 in this portal"))
            let owner = try await BrowserSession.signIn(s, email: "owner@a.example")
            let chart = try await owner.get("/patients/\(patient)").text
            #expect(chart.contains("signed in the portal") && chart.contains("recorded by the patient, in the patient portal"))
            let api = try await s.send(.GET, "/api/v1/patients/\(patient)/consents", token: s.token("a", .practitioner))
            #expect(api.status == .ok && api.text.contains("the patient, in the patient portal"), "the API's answer keeps its contract: \(api.text)")
            let sql = s.state.database.database as! any SQLDatabase
            let row = try #require(
                try await sql.raw("SELECT actor_id FROM audit_events WHERE resource = 'patient.consent' AND action = 'create' ORDER BY seq DESC")
                    .first())
            #expect(try row.decode(column: "actor_id", as: UUID.self) == UUID(uuidString: patient))
        }
    }

    @Test("id substitution: another patient's ids in the portal's screening and consent forms reach nothing of theirs")
    func idSubstitution() async throws {
        try await withServer(clock: .fixed(portalNow)) { s in
            let a = try await portalPatientViaAPI(s, given: "Mira", family: "Okafor", email: "mira@example.com")
            let b = try await portalPatientViaAPI(s, given: "Zoltan", family: "Brightwater", email: "zoltan@example.com")
            var mira = try await portalSignIn(s, email: "mira@example.com")
            for path in ["/portal/screening?patientId=\(b.patient)", "/portal/consent?patientId=\(b.patient)"] {
                let r = try await mira.get(path)
                #expect(r.status == .ok && r.text.contains("<span id=\"portal-name\">Mira Okafor</span>"), "\(path)")
                #expect(!r.text.contains("Brightwater") && !r.text.contains("Zoltan"), "\(path) shows patient B")
            }
            let sent = try await mira.post(
                "/portal/screening", screeningFields(["activeInfectionInArea": "yes"]) + [("patientId", b.patient), ("patient", b.patient)])
            #expect(sent.status == .seeOther)
            let signed = try await mira.post(
                "/portal/consent",
                [
                    ("kind", "treatment"), ("textVersion-treatment", ConsentTexts.treatmentVersion), ("confirmed", "yes"),
                    ("signedByName", "Zoltan Brightwater"), ("patientId", b.patient)
                ])
            #expect(signed.status == .unprocessableEntity, "B's name does not sign for Mira, nor for B")
            let sql = s.state.database.database as! any SQLDatabase
            let owners = try await sql.raw("SELECT patient_id FROM home_screenings").all().map { try $0.decode(column: "patient_id", as: UUID.self) }
            #expect(owners == [UUID(uuidString: a.patient)!])
            let portalConsents = try await sql.raw("SELECT patient_id FROM consents WHERE channel = 'portal'").all()
            #expect(portalConsents.isEmpty)
        }
    }
}
