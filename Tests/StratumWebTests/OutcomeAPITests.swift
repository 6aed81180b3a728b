import Foundation
import StratumCore
import StratumStore
import StratumTestFixtures
@testable import StratumWeb
import Testing
import Vapor
import VaporTesting

@Suite("Outcomes through the API: scales with items, photos under consent, progress, forecast, the clinic report")
struct OutcomeAPITests {
    @Test("photo upload: consent first, content not name, metadata and GPS removed, hash recorded, duplicates, size, zone; export needs publication")
    func photos() async throws {
        try await withServer { s in
            let doc = s.token("a", .practitioner)
            let (pid, cid) = try await activeCourseViaAPI(s, given: "Lena")
            let base = "/api/v1/patients/\(pid)/photos?courseId=\(cid)&view=front&visit=baseline&takenOn=2026-11-20"
            let noConsent = try await s.sendBytes(.POST, base, token: doc, bytes: PhotoSamples.phoneJPEG)
            #expect(noConsent.status == .forbidden && noConsent.text.contains("photo consent"), "\(noConsent.text)")
            #expect(
                try await s.send(
                    .POST, "/api/v1/patients/\(pid)/consents", token: doc,
                    json: #"{"kind": "photo", "photoTier": "record-only", "textVersion": "1", "signedByName": "Lena", "confirmed": true}"#
                ).status == .created)
            let gif = try await s.sendBytes(.POST, base, token: doc, bytes: PhotoSamples.gif)
            #expect(gif.status == .unprocessableEntity && gif.text.contains("only JPEG and PNG") && gif.text.contains("GIF"), "\(gif.text)")
            #expect(gif.json["errors"].flatMap { ($0 as? [[String: Any]])?.first?["path"] as? String } == "file")

            let json = try await s.sendBytes(.POST, base, token: doc, bytes: PhotoSamples.phoneJPEG, contentType: "application/json")
            #expect(json.status == .unsupportedMediaType, "a client's wrong content type is its mistake, not a server fault")
            let noView = try await s.sendBytes(
                .POST, base.replacingOccurrences(of: "view=front&", with: ""), token: doc, bytes: PhotoSamples.phoneJPEG)
            #expect(noView.status == .badRequest && noView.text.contains("view"), "\(noView.text)")
            let up = try await s.sendBytes(.POST, base, token: doc, bytes: PhotoSamples.phoneJPEG)
            #expect(up.status == .created, "\(up.text)")
            #expect(up.json["hadLocation"] as? Bool == true && up.json["mediaType"] as? String == "image/jpeg")
            #expect((up.json["metadataRemoved"] as? [String])?.contains { $0.contains("GPS") } == true, "\(up.text)")
            let photoID = try #require(up.json["id"] as? String)
            let image = try await s.send(.GET, "/api/v1/photos/\(photoID)/image", token: doc)
            #expect(image.status == .ok && image.headers.contentType?.description == "image/jpeg")
            let bytes = [UInt8](image.body.readableBytesView)
            #expect(
                !PhotoSamples.contains(bytes, "AcmeCam") && !PhotoSamples.contains(bytes, "Jane Do") && !PhotoSamples.contains(bytes, "GPSLatitude"))
            #expect(PhotoVault.hash(bytes) == up.json["sha256"] as? String)
            // The file on disk is sealed, not the image: no JPEG marker, no metadata.
            let sha = try #require(up.json["sha256"] as? String)
            let onDisk = try #require(FileManager.default.contents(atPath: s.state.photoVault.directory + "/\(sha.prefix(2))/\(sha)"))
            #expect(!onDisk.starts(with: [0xFF, 0xD8]) && onDisk.count > bytes.count)

            let again = try await s.sendBytes(.POST, base, token: doc, bytes: PhotoSamples.phoneJPEG)
            #expect(again.status == .conflict && again.text.contains("already in the patient's record"))
            let closeUp = try await s.sendBytes(
                .POST, base.replacingOccurrences(of: "view=front", with: "view=close-up"), token: doc, bytes: PhotoSamples.jpeg(2))
            #expect(closeUp.status == .unprocessableEntity && closeUp.text.contains("zone"))
            let wrongZone = try await s.sendBytes(
                .POST, base.replacingOccurrences(of: "view=front", with: "view=close-up&site=forehead&side=midline"),
                token: doc, bytes: PhotoSamples.jpeg(2))
            #expect(wrongZone.status == .unprocessableEntity && wrongZone.text.contains("not a zone of this course"))
            let badVisit = try await s.sendBytes(
                .POST, base.replacingOccurrences(of: "visit=baseline", with: "visit=session-40"), token: doc,
                bytes: PhotoSamples.jpeg(2))
            #expect(badVisit.status == .badRequest && badVisit.text.contains("visit"))
            // Over the reader's 15 MiB but within the route's allowance: the reader names the size.
            let big = try await s.sendBytes(.POST, base, token: doc, bytes: PhotoSamples.jpeg(3) + [UInt8](repeating: 0, count: 15 * 1_048_576))
            #expect(
                big.status == .unprocessableEntity && big.text.contains("photos are at most 15 MiB; this file is 15.1 MiB"),
                "\(big.status) \(big.text.prefix(200))")
            // Over the route's allowance: refused before the body is read, naming the file.
            let huge = try await s.sendBytes(.POST, base, token: doc, bytes: [UInt8](repeating: 0, count: 17 * 1_048_576))
            #expect(huge.status == .payloadTooLarge && huge.text.contains("file"))

            let closeUpOK = try await s.sendBytes(
                .POST, base.replacingOccurrences(of: "view=front", with: "view=close-up&site=cheek&side=left"),
                token: doc, bytes: PhotoSamples.jpeg(4))
            #expect(closeUpOK.status == .created, "\(closeUpOK.text)")
            let list = try await s.send(.GET, "/api/v1/courses/\(cid)/photos", token: doc)
            let visits = try #require(list.json["visits"] as? [[String: Any]])
            let baseline = try #require(visits.first { $0["visit"] as? String == "baseline" })
            let missing = (baseline["missing"] as? [[String: Any]])?.map {
                ($0["view"] as? String ?? "") + (($0["zone"] as? [String: Any])?["side"] as? String ?? "")
            }
            #expect(missing == ["left-45", "right-45", "left-90", "right-90", "close-upright"], "\(list.text)")
            #expect((list.json["items"] as? [Any])?.count == 2)

            let refused = try await s.send(.GET, "/api/v1/photos/\(photoID)/export", token: doc)
            #expect(refused.status == .forbidden && refused.text.contains("publication"))
            #expect(
                try await s.send(
                    .POST, "/api/v1/patients/\(pid)/consents", token: doc,
                    json: #"{"kind": "photo", "photoTier": "publication", "textVersion": "1", "signedByName": "Lena", "confirmed": true}"#
                ).status == .created)
            let exported = try await s.send(.GET, "/api/v1/photos/\(photoID)/export", token: doc)
            #expect(exported.status == .ok && PhotoVault.hash([UInt8](exported.body.readableBytesView)) == sha)
            #expect(try await s.send(.GET, "/api/v1/photos/\(photoID)", token: s.token("a", .frontDesk)).status == .forbidden)
            #expect(try await s.send(.GET, "/api/v1/photos/\(photoID)", token: s.token("b", .owner)).status == .notFound)
            // Every read of the photo is in the audit trail, refusals included.
            let audit = try await s.send(.GET, "/api/v1/patients/\(pid)/audit", token: s.token("a", .auditor))
            let resources =
                (audit.json["items"] as? [[String: Any]])?.compactMap { "\($0["resource"] as? String ?? ""):\($0["outcome"] as? String ?? "")" } ?? []
            #expect(
                resources.contains("photo.image:allowed") && resources.contains("photo.export:denied") && resources.contains("photo.export:allowed"))
        }
    }

    @Test("scores from items, out-of-range refused with the range; progress with band and status; the forecast says its data is thin")
    func progressAndForecast() async throws {
        try await withServer { s in
            let doc = s.token("a", .practitioner)
            let (pid, cid) = try await activeCourseViaAPI(s, given: "Ola")
            let path = "/api/v1/patients/\(pid)/assessments"
            let out = try await s.send(
                .POST, path, token: doc,
                json: #"{"courseId": "\#(cid)", "scale": "goodman-baron", "score": 5, "kind": "baseline", "assessedOn": "2026-11-01"}"#)
            #expect(out.status == .unprocessableEntity && out.text.contains("goodman-baron scores run from 1 to 4"), "\(out.text)")
            let vss = try await s.send(
                .POST, path, token: doc,
                json:
                    #"{"scale": "VSS", "items": {"vascularity": 2, "pigmentation": 1, "pliability": 3, "height": 1}, "kind": "baseline", "assessedOn": "2026-11-01"}"#
            )
            #expect(vss.status == .created && vss.json["score"] as? Double == 7, "\(vss.text)")
            let badItem = try await s.send(
                .POST, path, token: doc,
                json:
                    #"{"scale": "VSS", "items": {"vascularity": 4, "pigmentation": 1, "pliability": 3, "height": 1}, "kind": "baseline", "assessedOn": "2026-11-01"}"#
            )
            #expect(badItem.status == .unprocessableEntity && badItem.text.contains("items.vascularity") && badItem.text.contains("0 to 3"))
            for (score, day) in [(4, "2026-11-01"), (3, "2026-11-29")] {
                let r = try await s.send(
                    .POST, path, token: doc,
                    json: #"{"courseId": "\#(cid)", "scale": "goodman-baron", "score": \#(score), "kind": "visit", "assessedOn": "\#(day)"}"#)
                #expect(r.status == .created, "\(r.text)")
            }
            let progress = try await s.send(.GET, "/api/v1/courses/\(cid)/progress", token: doc)
            let scales = try #require(progress.json["scales"] as? [[String: Any]], "\(progress.text)")
            let gb = try #require(scales.first)
            #expect(gb["scale"] as? String == "goodman-baron" && gb["status"] as? String == "improving" && gb["band"] as? Double == 1)
            #expect(gb["baseline"] as? Double == 4 && (gb["points"] as? [Any])?.count == 2)
            let forecast = try await s.send(.GET, "/api/v1/courses/\(cid)/forecast", token: doc)
            #expect(
                forecast.json["populationIsPrior"] as? Bool == true && (forecast.json["caveat"] as? String)?.contains("too few patients") == true,
                "\(forecast.text)")
            let interval = try #require(forecast.json["improvementInterval80"] as? [Double])
            #expect(interval[0] < interval[1])
            #expect(try await s.send(.GET, "/api/v1/courses/\(cid)/forecast", token: s.token("a", .frontDesk)).status == .forbidden)
        }
    }

    @Test("the outcome report as JSON and CSV, for the organization or a clinic; a foreign clinic id is refused")
    func report() async throws {
        try await withServer { s in
            let owner = s.token("a", .owner)
            let json = try await s.send(.GET, "/api/v1/reports/outcomes", token: owner)
            #expect(json.status == .ok && (json.json["overall"] as? [String: Any])?["courses"] as? Double == 0, "\(json.text)")
            let csv = try await s.send(.GET, "/api/v1/reports/outcomes?format=csv&clinicId=\(s.clinicA.id)", token: owner)
            #expect(csv.status == .ok && csv.headers.contentType?.description.hasPrefix("text/csv") == true)
            #expect(csv.text.hasPrefix(#""table","key","name","courses","assessed","responders","responder_share","responder_ci95_low""#))
            let foreign = try await s.send(.GET, "/api/v1/reports/outcomes?clinicId=\(s.clinicB.id)", token: owner)
            #expect(foreign.status == .unprocessableEntity && foreign.text.contains("clinicId"))
            #expect(try await s.send(.GET, "/api/v1/reports/outcomes", token: s.token("a", .frontDesk)).status == .forbidden)
        }
    }
}
