import Foundation
import StratumStore
@testable import StratumWeb
import Testing
import Vapor
import VaporTesting

@Suite("Traceability through the API: scanned lots, packs bound once, recalls, cluster alerts")
struct TraceabilityAPITests {
    @Test("lots from a scanned label, a bad check digit named; a pack recorded once; a failed indicator's recall lists the patient")
    func flow() async throws {
        try await withServer { s in
            let assistant = s.token("a", .assistant)
            let doc = s.token("a", .practitioner)
            let bad = try await s.send(
                .POST, "/api/v1/lots", token: assistant,
                json: #"{"product": "Cartridge", "quantity": 10, "scan": "(01)09506000134353(17)280100(10)X-1"}"#)
            #expect(bad.status == .unprocessableEntity && bad.text.contains("AI (01) GTIN check digit"))
            let raw = "]C1" + "0109506000134369" + "17280100" + "10X-1" + "\u{1D}" + "21S-9"
            let scanned = try await s.send(
                .POST, "/api/v1/lots", token: assistant,
                json: #"{"product": "Cartridge 36", "quantity": 10, "scan": "\#(raw.replacingOccurrences(of: "\u{1D}", with: "\\u001d"))"}"#)
            #expect(scanned.status == .created, "\(scanned.text)")
            #expect(scanned.json["expiry"] as? String == "2028-01-31", "day 00 is the month's end")
            #expect(scanned.json["lot"] as? String == "X-1" && scanned.json["gtin"] as? String == "09506000134369")
            let twice = try await s.send(
                .POST, "/api/v1/lots", token: assistant,
                json: #"{"product": "Cartridge 36", "quantity": 10, "gtin": "09506000134369", "lot": "X-1", "expiry": "2028-01-31"}"#)
            #expect(twice.status == .unprocessableEntity && twice.text.contains("already received"))

            let sterilizer = try await s.send(.POST, "/api/v1/sterilizers", token: assistant, json: #"{"name": "Autoclave A", "serial": "A-1"}"#)
            let sid = try #require(sterilizer.json["id"] as? String)
            // The pack holds a catalogue stamp of the session's 1.0 mm: what DEPTH-DEVICE is judged on.
            let stamp = try await s.send(
                .POST, "/api/v1/device-models", token: assistant,
                json: """
                    {"name": "Stamp 1.0", "kind": "stamp", "minMM": 1.0, "maxMM": 1.0, "needleCount": 35, "needleMaterial": "titanium", "singleUseHead": false}
                    """)
            let stampID = try #require(stamp.json["id"] as? String, "\(stamp.text)")
            let pack = try await s.send(.POST, "/api/v1/packs", token: assistant, json: #"{"items": [{"modelId": "\#(stampID)"}]}"#)
            let packID = try #require(pack.json["id"] as? String)
            let code = try #require(pack.json["code"] as? String)
            let early = try await s.send(.POST, "/api/v1/packs/\(packID)/release", token: assistant)
            #expect(early.status == .conflict && early.text.contains("DEV-PACK-NOT-RELEASED"))
            let cycle = try await s.send(
                .POST, "/api/v1/sterilizers/\(sid)/cycles", token: assistant,
                json: """
                    {"number": 1, "date": "\(PageRoutes.today(in: "Europe/London"))", "type": "Pre-vacuum steam", "temperatureC": 134, "minutes": 4, "pressureKPa": 206,
                     "physical": "passed", "chemical": "pass", "packCodes": ["\(code)"]}
                    """)
            #expect(cycle.status == .created, "\(cycle.text)")
            let cycleID = try #require(cycle.json["id"] as? String)
            #expect(try await s.send(.POST, "/api/v1/packs/\(packID)/release", token: assistant).json["state"] as? String == "released")
            #expect(try await s.send(.POST, "/api/v1/packs", token: doc, json: #"{"items": [{"modelId": "\#(stampID)"}]}"#).status == .forbidden)

            let (pid, cid) = try await activeCourseViaAPI(s, given: "Hana")
            let body = sessionJSON(acknowledgements: #"[{"rule": "DEV-PACK-BI-PENDING", "reason": "Released on physical and chemical monitoring"}]"#)
                .replacingOccurrences(
                    of: #"{"part": {"scan": "\#(testScan)"}, "handpiece": "\#(testHandpiece)"}"#,
                    with: #"{"pack": "\#(code)", "handpiece": "\#(testHandpiece)"}"#)
            let recorded = try await s.send(.POST, "/api/v1/courses/\(cid)/sessions", token: doc, json: body)
            #expect(recorded.status == .created, "\(recorded.text)")
            #expect((recorded.json["equipment"] as? [String: Any])?["pack"] as? String == code)
            let (_, other) = try await activeCourseViaAPI(s, given: "Keiko")
            let reused = try await s.send(.POST, "/api/v1/courses/\(other)/sessions", token: doc, json: body)
            #expect(reused.status == .unprocessableEntity && (reused.json["rules"] as? [String])?.contains("DEV-REUSE") == true, "\(reused.text)")
            let nothing = try await s.send(
                .POST, "/api/v1/courses/\(other)/sessions", token: doc,
                json: body.replacingOccurrences(of: #""pack": "\#(code)", "#, with: ""))
            #expect((nothing.json["rules"] as? [String])?.contains("DEV-NO-STERILE-PART") == true, "\(nothing.text)")
            let unknown = try await s.send(
                .POST, "/api/v1/courses/\(other)/sessions", token: doc,
                json: body.replacingOccurrences(of: code, with: "PK-UNKNOWN1"))
            #expect(unknown.status == .unprocessableEntity && unknown.text.contains("equipment.pack"))

            let failed = try await s.send(.PUT, "/api/v1/cycles/\(cycleID)/biological-indicator", token: assistant, json: #"{"result": "fail"}"#)
            let recallID = try #require(failed.json["recallId"] as? String, "\(failed.text)")
            let recall = try await s.send(.GET, "/api/v1/recalls/\(recallID)", token: assistant)
            let patients = try #require(recall.json["patients"] as? [[String: Any]])
            #expect(patients.map { $0["patientId"] as? String } == [pid] && patients.first?["status"] as? String == "to-contact")
            let exposures = try await s.send(.GET, "/api/v1/cycles/\(cycleID)/exposures", token: doc)
            #expect((exposures.json["items"] as? [[String: Any]])?.count == 1)
            // What an assistant learns of a patient for a recall is what docs/api.md states: who to contact and how,
            // with the session that exposed them; nothing else of the record.
            #expect(patients.allSatisfy { Set($0.keys) == ["patientId", "name", "phone", "email", "status", "note", "updatedAt"] }, "\(patients)")
            let seen = try await s.send(.GET, "/api/v1/cycles/\(cycleID)/exposures", token: assistant)
            let exposed = try #require(seen.json["items"] as? [[String: Any]], "\(seen.text)")
            #expect(
                exposed.allSatisfy { Set($0.keys) == ["sessionId", "date", "patientId", "patientName", "phone", "email", "clinicId", "via"] },
                "\(exposed)")
            let contacted = try await s.send(.PUT, "/api/v1/recalls/\(recallID)/patients/\(pid)", token: assistant, json: #"{"status": "contacted"}"#)
            #expect(contacted.status == .ok)
            let wrongStatus = try await s.send(.PUT, "/api/v1/recalls/\(recallID)/patients/\(pid)", token: assistant, json: #"{"status": "called"}"#)
            #expect(wrongStatus.status == .badRequest && wrongStatus.text.contains("status"))
            #expect(try await s.send(.POST, "/api/v1/recalls/\(recallID)/close", token: assistant).status == .conflict)
            let list = try await s.send(.GET, "/api/v1/recalls", token: assistant)
            #expect(((list.json["items"] as? [[String: Any]])?.first?["open"] as? Bool) == true)
            let handpieces = try await s.send(.GET, "/api/v1/handpieces", token: doc)
            let hp = try #require((handpieces.json["items"] as? [[String: Any]])?.first?["id"] as? String)
            #expect(
                try await s.send(
                    .POST, "/api/v1/handpieces/\(hp)/cleanings", token: assistant, json: #"{"method": "Enzymatic wipe, then 70% alcohol"}"#
                ).status == .created)
            let log = try await s.send(.GET, "/api/v1/handpieces/\(hp)/cleanings", token: doc)
            #expect((log.json["items"] as? [[String: Any]])?.first?["method"] as? String == "Enzymatic wipe, then 70% alcohol")
            #expect((log.json["items"] as? [Any])?.count == 2, "the harness's cleaning and this one")
            let alerts = try await s.send(.GET, "/api/v1/cluster-alerts", token: doc)
            #expect((alerts.json["items"] as? [Any])?.isEmpty == true)
        }
    }
}
