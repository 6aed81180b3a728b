import Foundation
import StratumCore
import StratumStore
import StratumTestFixtures
@testable import StratumWeb
import Testing
import Vapor
import VaporTesting

@Suite("Outcomes through the pages: item scores, photos with their checklist and comparison, progress and forecast, the report")
struct OutcomePageTests {
    @Test("the assessment form shows each composite scale's items with ranges and definitions, and totals them")
    func items() async throws {
        try await withServer { s in
            let (pid, cid) = try await activeCourseViaAPI(s, given: "Ines")
            let doc = try await BrowserSession.signIn(s, email: "practitioner@a.example")
            let form = try await doc.get("/patients/\(pid)/assessments/new?course=\(cid)")
            #expect(form.text.contains(#"id="items-POSAS-patient""#))
            #expect(form.text.contains("Has the scar been painful in the past weeks?") && form.text.contains("(1–10)"))
            #expect(form.text.contains("Total = Σ weight × area × darkness"))
            var fields: [(String, String)] = [("courseId", cid), ("scale", "POSAS-patient"), ("kind", "baseline"), ("date", "2026-11-01")]
            for key in ["pain", "itching", "colour", "stiffness", "thickness", "irregularity"] { fields.append(("item-POSAS-patient-\(key)", "4")) }
            let bad = try await doc.post("/patients/\(pid)/assessments", fields.map { $0.0 == "item-POSAS-patient-pain" ? ($0.0, "11") : $0 })
            #expect(bad.status == .badRequest && bad.text.contains("Pain: scores are whole numbers from 1 to 10."))
            #expect(bad.text.contains(#"value="11""#), "what was typed is kept")
            let saved = try await doc.post("/patients/\(pid)/assessments", fields)
            #expect(saved.status == .seeOther)
            let list = try await s.send(.GET, "/api/v1/patients/\(pid)/assessments", token: s.token("a", .practitioner))
            let scored = (list.json["items"] as? [[String: Any]])?.first
            #expect(scored?["score"] as? Double == 24 && (scored?["items"] as? [String: Double])?["pain"] == 4, "\(list.text)")
            let outOfRange = try await doc.post(
                "/patients/\(pid)/assessments",
                [
                    ("courseId", cid), ("scale", "goodman-baron"), ("score", "5"),
                    ("kind", "visit"), ("date", "2026-11-02")
                ])
            #expect(outOfRange.status == .badRequest && outOfRange.text.contains("goodman-baron scores run from 1 to 4"))
        }
    }

    @Test("photos: a PNG named .jpg is taken as PNG, a GIF refused naming the rule; the checklist; baseline and later side by side")
    func photos() async throws {
        try await withServer { s in
            let (pid, cid) = try await activeCourseViaAPI(s, given: "Ana")
            let doc = try await BrowserSession.signIn(s, email: "practitioner@a.example")
            let page = try await doc.get("/courses/\(cid)/photos")
            #expect(page.status == .ok && page.text.contains("No photo consent in force"))
            let refused = try await doc.postFile(
                "/courses/\(cid)/photos", [("view", "front"), ("visit", "baseline"), ("takenOn", "2026-11-20")],
                file: PhotoSamples.phoneJPEG, filename: "face.jpg", type: "image/jpeg")
            #expect(refused.status == .badRequest && refused.text.contains("photo consent"))
            #expect(
                try await s.send(
                    .POST, "/api/v1/patients/\(pid)/consents", token: s.token("a", .practitioner),
                    json: #"{"kind": "photo", "photoTier": "in-clinic", "textVersion": "1", "signedByName": "Ana", "confirmed": true}"#
                ).status == .created)
            let gif = try await doc.postFile(
                "/courses/\(cid)/photos", [("view", "front"), ("visit", "baseline"), ("takenOn", "2026-11-20")],
                file: PhotoSamples.gif, filename: "face.jpg", type: "image/jpeg")
            #expect(gif.status == .badRequest && gif.text.contains("Photo file: only JPEG and PNG photos are accepted"), "\(gif.status)")
            #expect(gif.text.contains(#"<option value="front" selected>"#), "the chosen view is kept")
            let png = try await doc.postFile(
                "/courses/\(cid)/photos", [("view", "front"), ("visit", "baseline"), ("takenOn", "2026-11-20")],
                file: PhotoSamples.editorPNG, filename: "front.jpg", type: "image/jpeg")
            #expect(png.status == .seeOther, "\(png.text.prefix(300))")
            let later = try await doc.postFile(
                "/courses/\(cid)/photos", [("view", "front"), ("visit", "session-2"), ("takenOn", "2026-11-28")],
                file: PhotoSamples.phoneJPEG, filename: "later.jpeg", type: "image/jpeg")
            #expect(later.status == .seeOther)
            let list = try await s.send(.GET, "/api/v1/courses/\(cid)/photos", token: s.token("a", .practitioner))
            let items = try #require(list.json["items"] as? [[String: Any]])
            #expect(items.map { $0["mediaType"] as? String } == ["image/png", "image/jpeg"], "the PNG named .jpg is a PNG")
            #expect((items.first?["metadataRemoved"] as? [String])?.contains("PNG eXIf") == true)

            let shown = try await doc.get("/courses/\(cid)/photos")
            #expect(shown.text.contains(#"id="visit-baseline""#) && shown.text.contains(#"id="visit-session-2""#))
            #expect(
                shown.text.contains(
                    "Missing: <span class=\"missing-views\">Left 45°; Right 45°; Left 90° (profile); Right 90° (profile); Zone close-up: Left cheek"))
            #expect(shown.text.contains("Photos stay in the record: export needs the publication tier."))
            let compare = try await doc.get("/courses/\(cid)/photos/compare?view=front&visit=session-2")
            #expect(compare.status == .ok && compare.text.contains(#"id="compare-baseline""#) && compare.text.contains(#"id="zoom""#))
            let ids = items.compactMap { $0["id"] as? String }
            #expect(compare.text.contains("/photos/\(ids[0])/image") && compare.text.contains("/photos/\(ids[1])/image"))
            let image = try await doc.get("/photos/\(ids[0])/image")
            #expect(image.status == .ok && image.headers.first(name: .cacheControl) == "no-store")
            let export = try await doc.get("/photos/\(ids[0])/export")
            #expect(export.status == .forbidden && export.text.contains("publication"))
            #expect(try await doc.get("/courses/\(cid)/photos/compare?view=left-90").status == .notFound)
        }
    }

    @Test("progress shows the status, the change band and the forecast with its uncertainty; the report page draws its chart")
    func progressAndReport() async throws {
        try await withServer { s in
            let (pid, cid) = try await activeCourseViaAPI(s, given: "Uma")
            let api = s.token("a", .practitioner)
            for (score, day, kind) in [(4, "2026-11-01", "baseline"), (3, "2026-11-29", "visit"), (3, "2026-11-30", "visit")] {
                #expect(
                    try await s.send(
                        .POST, "/api/v1/patients/\(pid)/assessments", token: api,
                        json: #"{"courseId": "\#(cid)", "scale": "goodman-baron", "score": \#(score), "kind": "\#(kind)", "assessedOn": "\#(day)"}"#
                    ).status == .created)
            }
            let doc = try await BrowserSession.signIn(s, email: "practitioner@a.example")
            let progress = try await doc.get("/courses/\(cid)/progress")
            // One unchanged visit with the course's sessions still to come: too early to judge, not a plateau (issue 12, 6).
            #expect(progress.text.contains(#"data-status="too-early""#) && progress.text.contains("Too early to judge"))
            #expect(progress.text.contains(#"class="chart-band""#) && progress.text.contains("band ±1 around baseline"))
            #expect(
                progress.text.contains(#"id="forecast-headline""#) && progress.text.contains(#"id="forecast-caveat""#)
                    && progress.text.contains("too few patients"))
            #expect(progress.text.contains("80% interval"))
            let owner = try await BrowserSession.signIn(s, email: "owner@a.example")
            let report = try await owner.get("/reports/outcomes")
            #expect(report.status == .ok && report.text.contains("Responders") && report.text.contains(#"href="/reports/outcomes.csv""#))
            let csv = try await owner.get("/reports/outcomes.csv")
            #expect(csv.status == .ok && csv.text.hasPrefix(#""table","key","name""#))
            #expect(try await BrowserSession.signIn(s, email: "front-desk@a.example").get("/reports/outcomes").status == .forbidden)
        }
    }
}
