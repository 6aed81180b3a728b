import Foundation
import StratumCore
import StratumStore
@testable import StratumWeb
import Testing
import Vapor
import VaporTesting

/// A patient of organization A with a clean screening, a treatment consent and an accepted course, made through the API.
func activeCourseViaAPI(_ s: TestServer, given: String) async throws -> (patient: String, course: String) {
    let doc = s.token("a", .practitioner)
    let patient = try await s.send(
        .POST, "/api/v1/patients", token: doc,
        json: patientJSON(clinic: s.clinicA.id, given: given, extra: #", "phone": "+44 20 7946 0000", "confirmDuplicate": true"#)
            .replacingOccurrences(of: "\"fitzpatrick\": 5", with: "\"fitzpatrick\": 2"))
    let pid = try #require(patient.json["id"] as? String)
    #expect(try await s.send(.POST, "/api/v1/patients/\(pid)/screenings", token: doc, json: cleanScreening).status == .created)
    #expect(
        try await s.send(
            .POST, "/api/v1/patients/\(pid)/consents", token: doc,
            json: #"{"kind": "treatment", "textVersion": "1", "signedByName": "Signer", "confirmed": true, "signedOn": "2026-11-20"}"#
        ).status == .created)
    let course = try await s.send(.POST, "/api/v1/patients/\(pid)/courses", token: doc, json: coursePlan)
    let cid = try #require(course.json["id"] as? String)
    #expect(try await s.acceptCourse(cid, token: doc).status == .ok)
    return (pid, cid)
}

@Suite("Sterilization, stock and recalls through the pages, as the assistant and the practitioner use them")
struct TraceabilityPageTests {
    static func sessionForm(day: String, pack: String, acks: [String] = []) -> [(String, String)] {
        var f: [(String, String)] = [("date", day)]
        for z in ["cheek:left", "cheek:right"] {
            f += [("treat-\(z)", "yes"), ("depth-\(z)", "1"), ("passes-\(z)", "2"), ("endpoint-\(z)", "erythema")]
        }
        f += [("sterilityKind", "pack"), ("packCode", pack), ("handpiece", testHandpiece), ("reaction", "erythema")]
        return f + acks.map { ("ack|\($0)|", "Reviewed: released on physical and chemical monitoring per clinic policy") }
    }

    @Test("assemble, label, cycle, release; a session on the pack; the pack never twice; a failed indicator opens the recall on Today")
    func packToRecall() async throws {
        try await withServer { s in
            let assistant = try await BrowserSession.signIn(s, email: "assistant@a.example")
            #expect(try await assistant.get("/sterility").status == .ok)
            #expect(try await assistant.post("/sterility/sterilizers", [("name", "Autoclave B"), ("serial", "AB-1")]).status == .seeOther)
            // Packs hold catalogue models: a stamp of the session's 1.0 mm, and a roller.
            for (name, kind, mm) in [("Stamp 1.0", "stamp", "1.0"), ("Roller 0.5", "roller", "0.5")] {
                let added = try await assistant.post(
                    "/equipment/models",
                    [
                        ("name", name), ("kind", kind), ("needleMaterial", "titanium"), ("minMM", mm),
                        ("maxMM", mm), ("needleCount", "35"), ("head", "reusable")
                    ])
                #expect(added.status == .seeOther, "\(added.text)")
            }
            let catalogue = try await s.state.scope(s.orgA.id).devices.models()
            var codes: [String] = []
            for name in ["Stamp 1.0", "Roller 0.5"] {
                let model = try #require(catalogue.first { $0.name == name })
                let made = try await assistant.post("/sterility/packs", [("model", PageValues.id(model.id)), ("count", "1")])
                let label = try await assistant.get(try #require(made.headers.first(name: .location)))
                #expect(label.text.contains("<svg") && label.text.contains("id=\"pack-code\""))
                let code = try #require(label.text.range(of: #"PK-[0-9A-Z]{8}"#, options: .regularExpression).map { String(label.text[$0]) })
                codes.append(code)
            }
            let hub = try await assistant.get("/sterility")
            let sterilizer = try #require(
                hub.text.range(of: #"<option value="[0-9a-f-]{36}""#, options: .regularExpression)
                    .map { String(hub.text[$0].dropFirst(15).dropLast()) })
            let cycleFields: [(String, String)] = [
                ("sterilizer", sterilizer), ("number", "7"), ("date", PageRoutes.today(in: "Europe/London").description),
                ("type", "Pre-vacuum steam"),
                ("temperatureC", "134"), ("minutes", "4"), ("pressureKPa", "206"), ("physical", "passed"),
                ("chemical", "pass"), ("biological", "pending")
            ]
            let noPacks = try await assistant.post("/sterility/cycles", cycleFields)
            #expect(noPacks.status == .badRequest && noPacks.text.contains("Tick the packs"), "a cycle carries packs")
            #expect(noPacks.text.contains("value=\"206\""), "the form comes back as typed")
            #expect(try await assistant.post("/sterility/cycles", cycleFields + codes.map { ("pack", $0) }).status == .seeOther)
            let repeated = try await assistant.post("/sterility/cycles", cycleFields + [("pack", codes[0])])
            #expect(repeated.status == .unprocessableEntity && repeated.text.contains("ycle 7 of Autoclave B is already recorded"))
            let packs = try await s.state.scope(s.orgA.id).sterilization.packs()
            let first = try #require(packs.first { $0.code == codes[0] })
            #expect(first.state == .sterilized)
            #expect(try await assistant.post("/sterility/packs/\(PageValues.id(first.id))/release", []).status == .seeOther)

            // A lot with a mistyped GTIN is refused naming AI (01), and nothing is received.
            let badLot = try await assistant.post(
                "/equipment/lots",
                [
                    ("scan", "(01)09506000134353(17)280131(10)L-9"), ("product", "Cartridge 36"),
                    ("quantity", "20")
                ])
            #expect(badLot.status == .unprocessableEntity && badLot.text.contains("AI (01) GTIN check digit is 3, expected 2"))
            #expect(badLot.text.contains("value=\"Cartridge 36\""))
            #expect(try await s.state.scope(s.orgA.id).stock.lots().count == 1)

            // The practitioner documents a session on the released pack; its pending indicator is a caution to acknowledge.
            let doc = try await BrowserSession.signIn(s, email: "practitioner@a.example")
            let day = PageRoutes.today(in: "UTC").description
            let (pid, cid) = try await activeCourseViaAPI(s, given: "Ines")
            let unacknowledged = try await doc.post("/courses/\(cid)/sessions", Self.sessionForm(day: day, pack: codes[0]))
            #expect(unacknowledged.status == .unprocessableEntity && unacknowledged.text.contains("data-rule=\"DEV-PACK-BI-PENDING\""))
            let notReleased = try await doc.post("/courses/\(cid)/sessions", Self.sessionForm(day: day, pack: codes[1]))
            #expect(notReleased.text.contains("data-rule=\"DEV-PACK-NOT-RELEASED\""), "a sterilized pack is not used before release")
            let recorded = try await doc.post("/courses/\(cid)/sessions", Self.sessionForm(day: day, pack: codes[0], acks: ["DEV-PACK-BI-PENDING"]))
            #expect(recorded.status == .seeOther, "\(recorded.text.components(separatedBy: "data-rule=").dropFirst().map { $0.prefix(30) })")
            let session = try await doc.get(try #require(recorded.headers.first(name: .location)))
            #expect(session.text.contains("Pack \(codes[0])") && session.text.contains("Handpiece \(testHandpiece)"))
            let (_, other) = try await activeCourseViaAPI(s, given: "Olga")
            let again = try await doc.post(
                "/courses/\(other)/sessions", Self.sessionForm(day: day, pack: codes[0], acks: ["DEV-PACK-BI-PENDING", "DEV-HANDPIECE"]))
            #expect(again.status == .unprocessableEntity && again.text.contains("data-rule=\"DEV-REUSE\""))

            // The indicator fails: the recall opens with the patient, is on Today, and exports as CSV.
            let cycle = try #require(try await s.state.scope(s.orgA.id).sterilization.sterilizers().first)
            let cycleID = try #require(try await s.state.scope(s.orgA.id).sterilization.cycles(sterilizerID: cycle.id).first?.id)
            // Failed first shows what the recall will reach (the session on the released pack, the one unused pack) and
            // records nothing; only the confirmation's post records it.
            let asked = try await assistant.post("/sterility/cycles/\(PageValues.id(cycleID))/biological", [("result", "fail")])
            #expect(asked.status == .ok && asked.text.contains("This opens a recall reaching 1 session (1 patient) and quarantines 1 pack."))
            #expect(try await s.state.scope(s.orgA.id).recalls.summaries().isEmpty)
            let failed = try await assistant.post("/sterility/cycles/\(PageValues.id(cycleID))/biological", [("result", "fail"), ("confirm", "yes")])
            let recallPath = try #require(failed.headers.first(name: .location)?.components(separatedBy: "?").first)
            #expect(recallPath.hasPrefix("/recalls/"))
            let recall = try await assistant.get(recallPath)
            #expect(recall.text.contains("Ines") && recall.text.contains("data-patient=\"\(pid)\"") && recall.text.contains("+44 20 7946 0000"))
            #expect(try await assistant.get("/today").text.contains("id=\"open-recalls\""))
            let csv = try await assistant.get(recallPath + "/export.csv")
            #expect(csv.headers.contentType?.subType == "csv" && csv.text.hasPrefix("session_date,patient,phone,email,via,status,note"))
            #expect(csv.text.contains("\"Ines Okafor\"") && csv.text.contains("\"pack \(codes[0])\"") && csv.text.contains("\"to-contact\""))
            #expect(try await s.state.scope(s.orgA.id).sterilization.pack(code: codes[1])?.state == .quarantined)
            let early = try await assistant.post(recallPath + "/close", [])
            #expect(early.status == .unprocessableEntity && early.text.contains("no follow-up done yet"))
            #expect(
                try await assistant.post(recallPath + "/patients/\(pid)", [("status", "follow-up-done"), ("note", "Called, healing well")]).status
                    == .seeOther)
            #expect(try await assistant.post(recallPath + "/close", []).status == .seeOther)
            #expect(try await assistant.get(recallPath).text.contains("id=\"recall-status\">closed"))
            #expect(!(try await assistant.get("/today").text.contains("id=\"open-recalls\"")))
            #expect(try await s.state.database.read { try await AuditTrail.verify(key: s.state.auditKey, on: $0) }.isIntact)
        }
    }

    @Test("the front desk sees no sterilization page; the practitioner reads it but changes nothing")
    func roles() async throws {
        try await withServer { s in
            let desk = try await BrowserSession.signIn(s, email: "front-desk@a.example")
            #expect(try await desk.get("/sterility").status == .forbidden)
            #expect(try await desk.get("/recalls").status == .forbidden)
            let doc = try await BrowserSession.signIn(s, email: "practitioner@a.example")
            let hub = try await doc.get("/equipment")
            #expect(hub.status == .ok && !hub.text.contains("id=\"receive\""))
            #expect(try await doc.post("/sterility/packs", [("model", UUID().uuidString)]).status == .forbidden)
        }
    }
}
