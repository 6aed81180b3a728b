import Foundation
import StratumCore
import StratumStore
@testable import StratumWeb
import Testing
import Vapor
import VaporTesting

/// Organization A's sterilizer with one cycle, its biological indicator pending, carrying `packs` sterilized packs of a
/// reusable roller; made through the store as the owner.
private func pendingCycle(_ s: TestServer, packs: Int) async throws -> (SterilizationCycle, [SterilizationPack]) {
    let owner = try #require(try await s.state.directory.credentials(email: "owner@a.example")?.0)
    let ctx = AccessContext(actorID: owner.id, clinicID: s.clinicA.id, requestID: "test-cycle")
    let scope = s.state.scope(s.orgA.id)
    let roller = try await scope.devices.addModel(
        name: "Roller 0.5", spec: DeviceSpec(kind: .roller, length: .fixed(0.5), needleMaterial: .titanium),
        needleCount: 192, singleUseHead: false, ctx)
    let sterilizer = try await scope.sterilization.addSterilizer(clinicID: s.clinicA.id, name: "Autoclave R", serial: "AR-1", ctx)
    var codes: [String] = []
    for _ in 0..<packs {
        codes.append(try await scope.sterilization.assemble(clinicID: s.clinicA.id, items: [PackItemDraft(modelID: roller.id)], ctx).code)
    }
    let cycle = try await scope.sterilization.recordCycle(
        sterilizerID: sterilizer.id,
        CycleDraft(
            number: 12, date: PageRoutes.today(in: s.clinicA.timezone), type: "Pre-vacuum steam", temperatureC: 134, minutes: 4, pressureKPa: 206,
            physical: .passed, chemical: .pass, packCodes: codes), ctx)
    var made: [SterilizationPack] = []
    for code in codes { made.append(try #require(try await scope.sterilization.pack(code: code))) }
    return (cycle, made)
}

@Suite("Failing a biological indicator is confirmed with its reach; a recall opened in error is closed with the reason")
struct RecallCorrectionPageTests {
    @Test("Failed without the confirmation shows what the recall will reach and records nothing; confirmed, it opens the recall")
    func confirmFailure() async throws {
        try await withServer { s in
            let (cycle, packs) = try await pendingCycle(s, packs: 3)
            let scope = s.state.scope(s.orgA.id)
            let assistant = try await BrowserSession.signIn(s, email: "assistant@a.example")
            let path = "/sterility/cycles/\(PageValues.id(cycle.id))/biological"

            let asked = try await assistant.post(path, [("result", "fail")])
            #expect(asked.status == .ok)
            #expect(asked.text.contains("This opens a recall reaching 0 sessions (0 patients) and quarantines 3 packs."))
            #expect(asked.text.contains("Autoclave R cycle 12, \(cycle.date)"))
            #expect(asked.text.contains("name=\"confirm\" value=\"yes\"") && asked.text.contains("id=\"bi-confirm-fail\""))
            // Nothing changed: the indicator is pending, no recall, the packs are as they were.
            #expect(try await scope.sterilization.cycle(cycle.id)?.biological == .pending)
            #expect(try await scope.recalls.summaries().isEmpty)
            for k in packs { #expect(try await scope.sterilization.pack(id: k.id)?.state == .sterilized) }
            // Any other value of the flag is no confirmation either.
            #expect(try await assistant.post(path, [("result", "fail"), ("confirm", "1")]).status == .ok)
            #expect(try await scope.recalls.summaries().isEmpty)

            // The practitioner reads the room but cannot fail a cycle, confirmed or not.
            let doc = try await BrowserSession.signIn(s, email: "practitioner@a.example")
            #expect(try await doc.post(path, [("result", "fail")]).status == .forbidden)

            let confirmed = try await assistant.post(path, [("result", "fail"), ("confirm", "yes")])
            #expect(confirmed.status == .seeOther)
            #expect(confirmed.headers.first(name: .location)?.hasPrefix("/recalls/") == true)
            #expect(try await scope.sterilization.cycle(cycle.id)?.biological == .fail)
            for k in packs { #expect(try await scope.sterilization.pack(id: k.id)?.state == .quarantined) }
            // Read once: asking again says so on the room's page and records nothing.
            let again = try await assistant.post(path, [("result", "fail")])
            #expect(again.status == .unprocessableEntity && again.text.contains("already read: fail"))
            #expect(try await scope.recalls.summaries().count == 1)
        }
    }

    @Test("the API previews a failure's reach and keeps recording the indicator in one explicit call")
    func apiPreview() async throws {
        try await withServer { s in
            let (cycle, _) = try await pendingCycle(s, packs: 2)
            let assistant = s.token("a", .assistant)
            let preview = try await s.send(.GET, "/api/v1/cycles/\(PageValues.id(cycle.id))/recall-preview", token: assistant)
            #expect(preview.status == .ok)
            #expect(preview.json["sessions"] as? Int == 0 && preview.json["patients"] as? Int == 0 && preview.json["packs"] as? Int == 2)
            #expect((preview.json["cycles"] as? [Any])?.compactMap { $0 as? Int } == [12])
            #expect(try await s.state.scope(s.orgA.id).sterilization.cycle(cycle.id)?.biological == .pending)
            let read = try await s.send(
                .PUT, "/api/v1/cycles/\(PageValues.id(cycle.id))/biological-indicator", token: assistant,
                json: #"{"result": "fail"}"#)
            #expect(read.status == .ok && read.json["biological"] as? String == "fail" && read.json["recallId"] is String)
            let late = try await s.send(.GET, "/api/v1/cycles/\(PageValues.id(cycle.id))/recall-preview", token: assistant)
            #expect(late.status == .conflict)
            #expect(
                try await s.send(.GET, "/api/v1/cycles/\(PageValues.id(cycle.id))/recall-preview", token: s.token("b", .assistant)).status
                    == .notFound)
        }
    }

    @Test("a recall opened in error closes with the reason on its page: who, when, why; off Today; its packs stay quarantined")
    func closeInErrorPage() async throws {
        try await withServer { s in
            let (cycle, packs) = try await pendingCycle(s, packs: 1)
            let assistant = try await BrowserSession.signIn(s, email: "assistant@a.example")
            let opened = try await assistant.post("/sterility/cycles/\(PageValues.id(cycle.id))/biological", [("result", "fail"), ("confirm", "yes")])
            let recallPath = try #require(opened.headers.first(name: .location)?.components(separatedBy: "?").first)
            #expect(try await assistant.get("/today").text.contains("id=\"open-recalls\""))
            #expect(try await assistant.get(recallPath).text.contains("id=\"close-in-error\""))

            let empty = try await assistant.post(recallPath + "/close-in-error", [("reason", "  ")])
            #expect(empty.status == .unprocessableEntity && empty.text.contains("id=\"error-reason\"") && empty.text.contains("field-error"))
            #expect(try await assistant.get(recallPath).text.contains("id=\"recall-status\">open"))

            let closed = try await assistant.post(recallPath + "/close-in-error", [("reason", "opened in error: wrong cycle selected")])
            #expect(closed.status == .seeOther)
            let page = try await assistant.get(recallPath)
            #expect(page.text.contains("id=\"recall-status\">closed in error"))
            #expect(page.text.contains("Closed in error by ") && page.text.contains(": opened in error: wrong cycle selected"))
            #expect(!page.text.contains("id=\"close-in-error\"") && !page.text.contains("id=\"close-recall\""))
            #expect(!(try await assistant.get("/today").text.contains("id=\"open-recalls\"")))
            #expect(try await assistant.get("/recalls").text.contains("closed in error"))
            #expect(try await s.state.scope(s.orgA.id).sterilization.pack(id: packs[0].id)?.state == .quarantined)

            let twice = try await assistant.post(recallPath + "/close-in-error", [("reason", "again")])
            #expect(twice.status == .unprocessableEntity && twice.text.contains("the recall is already closed"))
            #expect(try await s.state.database.read { try await AuditTrail.verify(key: s.state.auditKey, on: $0) }.isIntact)
        }
    }

    @Test("the API closes a recall in error with the reason; an empty reason or a closed recall is refused by name")
    func closeInErrorAPI() async throws {
        try await withServer { s in
            let (cycle, _) = try await pendingCycle(s, packs: 1)
            let assistant = s.token("a", .assistant)
            let read = try await s.send(
                .PUT, "/api/v1/cycles/\(PageValues.id(cycle.id))/biological-indicator", token: assistant, json: #"{"result": "fail"}"#)
            let recallID = try #require(read.json["recallId"] as? String)
            let path = "/api/v1/recalls/\(recallID)/close-in-error"

            let blank = try await s.send(.POST, path, token: assistant, json: #"{"reason": "   "}"#)
            #expect(blank.status == .badRequest && blank.text.contains("reason"))
            let empty = try await s.send(.POST, path, token: assistant, json: #"{"reason": ""}"#)
            #expect([.badRequest, .unprocessableEntity].contains(empty.status) && empty.text.contains("reason"))
            #expect(try await s.send(.POST, path, token: s.token("a", .practitioner), json: #"{"reason": "mine"}"#).status == .forbidden)
            #expect(try await s.send(.POST, path, token: s.token("b", .assistant), json: #"{"reason": "theirs"}"#).status == .notFound)

            let closed = try await s.send(.POST, path, token: assistant, json: #"{"reason": "opened in error: wrong cycle selected"}"#)
            #expect(closed.status == .ok && closed.json["open"] as? Bool == false && closed.json["closedInError"] as? Bool == true)
            let recall = try await s.send(.GET, "/api/v1/recalls/\(recallID)", token: assistant)
            #expect((recall.json["closedInError"] as? [String: Any])?["reason"] as? String == "opened in error: wrong cycle selected")
            #expect(recall.json["closedBy"] is String && recall.json["closedAt"] is String)
            let twice = try await s.send(.POST, path, token: assistant, json: #"{"reason": "again"}"#)
            #expect(twice.status == .conflict && twice.text.contains("already closed"))
        }
    }
}
