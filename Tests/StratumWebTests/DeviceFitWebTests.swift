import Foundation
import StratumCore
import StratumStore
@testable import StratumWeb
import Testing
import Vapor
import VaporTesting

/// Organization A's catalogue for the fit tests, added in the store: a released pack of a 0.5 mm roller, and a lot of
/// 36-needle cartridges made for another pen than the harness's 12-needle "Test pen" (HP-T1).
struct FitStock {
    let rollerPack: String
    static let scan36 = "(01)09506000134369(17)270630(10)C36"

    static func make(_ s: TestServer) async throws -> FitStock {
        let owner = try #require(try await s.state.directory.credentials(email: "owner@a.example")?.0)
        let today = PageRoutes.today(in: "Europe/London")
        let ctx = AccessContext(actorID: owner.id, clinicID: s.clinicA.id, requestID: "fit-stock")
        let scope = s.state.scope(s.orgA.id)
        let roller = try await scope.devices.addModel(
            name: "Roller 0.5", spec: DeviceSpec(kind: .roller, length: .fixed(0.5), needleMaterial: .titanium),
            needleCount: 192, singleUseHead: false, ctx)
        let range = DeviceSpec(kind: .pen, length: .adjustable(DepthRange(0.25, 2.5)), needleMaterial: .stainlessSteel)
        let pen36 = try await scope.devices.addModel(name: "Pen 36", spec: range, needleCount: 36, singleUseHead: false, part: .handpiece, ctx)
        let c36 = try await scope.devices.addModel(
            name: "Cartridge 36", spec: range, needleCount: 36, singleUseHead: true, part: .cartridge,
            fits: [pen36.id], ctx)
        _ = try await scope.stock.receive(
            LotDraft(
                clinicID: s.clinicA.id, modelID: c36.id, product: "36-needle cartridge", gtin: "09506000134369",
                lot: "C36", expiry: LocalDate(iso: "2027-06-30")!, quantity: 50), ctx)
        let sterilizer = try await scope.sterilization.addSterilizer(clinicID: s.clinicA.id, name: "Autoclave Central", serial: "AC-1", ctx)
        let pack = try await scope.sterilization.assemble(clinicID: s.clinicA.id, items: [PackItemDraft(modelID: roller.id)], ctx)
        _ = try await scope.sterilization.recordCycle(
            sterilizerID: sterilizer.id,
            CycleDraft(
                number: 1, date: today, type: "Steam", temperatureC: 134, minutes: 4, pressureKPa: 206, physical: .passed, chemical: .pass,
                biological: .pass, packCodes: [pack.code]), ctx)
        _ = try await scope.sterilization.release(packID: pack.id, ctx)
        return FitStock(rollerPack: pack.code)
    }
}

@Suite("Device fit and clinic scope through the API and the pages (issue 12, reproductions 3 and 8)")
struct DeviceFitWebTests {
    @Test(
        "reproduction 3 through the API: a 0.5 mm roller pack on a 1.25 mm session is DEPTH-DEVICE; a 36-needle lot on the 12-needle pen is DEV-INCOMPATIBLE"
    )
    func apiRefusesUnfitParts() async throws {
        try await withServer { s in
            let stock = try await FitStock.make(s)
            let doc = s.token("a", .practitioner)
            let (_, cid) = try await activeCourseViaAPI(s, given: "Rosa")
            let today = PageRoutes.today(in: "Europe/London").description
            let deep = sessionJSON(depth: 1.25, date: today).replacingOccurrences(
                of: #""part": {"scan": "\#(testScan)"}"#, with: #""pack": "\#(stock.rollerPack)""#)
            let refused = try await s.send(.POST, "/api/v1/courses/\(cid)/sessions", token: doc, json: deep)
            #expect(refused.status == .unprocessableEntity, "\(refused.text)")
            #expect((refused.json["rules"] as? [String])?.contains("DEPTH-DEVICE") == true, "\(refused.text)")
            let wrongCartridge = sessionJSON(date: today).replacingOccurrences(of: testScan, with: FitStock.scan36)
            let incompatible = try await s.send(.POST, "/api/v1/courses/\(cid)/sessions", token: doc, json: wrongCartridge)
            #expect(incompatible.status == .unprocessableEntity, "\(incompatible.text)")
            #expect((incompatible.json["rules"] as? [String])?.contains("DEV-INCOMPATIBLE") == true, "\(incompatible.text)")
            // Near misses: the same roller at its own 0.5 mm, and the harness's cartridge on its own pen, are recorded.
            let (_, other) = try await activeCourseViaAPI(s, given: "Yara")
            let fits = try await s.send(
                .POST, "/api/v1/courses/\(other)/sessions", token: doc,
                json: sessionJSON(
                    depth: 0.5, acknowledgements: #"[{"rule": "DEPTH-INDICATION", "reason": "Gentle first session"}]"#,
                    date: PageRoutes.today(in: "Europe/London").description
                ).replacingOccurrences(of: #""part": {"scan": "\#(testScan)"}"#, with: #""pack": "\#(stock.rollerPack)""#))
            #expect(fits.status == .created, "\(fits.text)")
        }
    }

    @Test("reproduction 3 through the session page: the same two refusals, shown on the form")
    func pageRefusesUnfitParts() async throws {
        try await withServer { s in
            let stock = try await FitStock.make(s)
            let doc = try await BrowserSession.signIn(s, email: "practitioner@a.example")
            let (_, cid) = try await activeCourseViaAPI(s, given: "Rosa")
            let day = PageRoutes.today(in: "Europe/London").description
            var deep: [(String, String)] = [("date", day)]
            for z in ["cheek:left", "cheek:right"] {
                deep += [("treat-\(z)", "yes"), ("depth-\(z)", "1.25"), ("passes-\(z)", "2"), ("endpoint-\(z)", "erythema")]
            }
            deep += [("sterilityKind", "pack"), ("packCode", stock.rollerPack), ("handpiece", testHandpiece), ("reaction", "erythema")]
            let refused = try await doc.post("/courses/\(cid)/sessions", deep)
            #expect(refused.status == .unprocessableEntity && refused.text.contains("data-rule=\"DEPTH-DEVICE\""))
            var cartridge: [(String, String)] = [("date", day)]
            for z in ["cheek:left", "cheek:right"] {
                cartridge += [("treat-\(z)", "yes"), ("depth-\(z)", "1"), ("passes-\(z)", "2"), ("endpoint-\(z)", "erythema")]
            }
            cartridge += [("sterilityKind", "single-use"), ("scan", FitStock.scan36), ("handpiece", testHandpiece), ("reaction", "erythema")]
            let incompatible = try await doc.post("/courses/\(cid)/sessions", cartridge)
            #expect(
                incompatible.status == .unprocessableEntity && incompatible.text.contains("data-rule=\"DEV-INCOMPATIBLE\""),
                "\(incompatible.text.components(separatedBy: "data-rule=").dropFirst().map { $0.prefix(30) })")
            #expect(try await s.state.scope(s.orgA.id).sterilization.pack(code: stock.rollerPack)?.state == .released)
        }
    }

    @Test("a lot within 30 days of expiry is flagged in the stock API and marked on the stock page; one further out is not")
    func nearingExpiry() async throws {
        try await withServer { s in
            let assistant = s.token("a", .assistant)
            let soon = PageRoutes.today(in: "Europe/London").adding(days: 20)
            let received = try await s.send(
                .POST, "/api/v1/lots", token: assistant,
                json: """
                    {"product": "Short-dated cartridge", "quantity": 5, "gtin": "09506000134369", "lot": "SOON-1", "expiry": "\(soon)"}
                    """)
            #expect(received.status == .created, "\(received.text)")
            let lots = try #require((try await s.send(.GET, "/api/v1/lots", token: assistant)).json["items"] as? [[String: Any]])
            #expect(lots.first { $0["lot"] as? String == "SOON-1" }?["nearingExpiry"] as? Bool == true)
            #expect(lots.first { $0["lot"] as? String == "A123" }?["nearingExpiry"] as? Bool == false)
            let page = try await BrowserSession.signIn(s, email: "assistant@a.example").get("/equipment")
            let row = try #require(
                page.text.components(separatedBy: "<tr data-lot=\"SOON-1\"").dropFirst().first?.components(separatedBy: "</tr>").first)
            #expect(row.contains("expires within 30 days"))
            let far = try #require(
                page.text.components(separatedBy: "<tr data-lot=\"A123\"").dropFirst().first?.components(separatedBy: "</tr>").first)
            #expect(!far.contains("expires within 30 days"))
        }
    }

    @Test(
        "reproduction 8: another clinic's assistant sees none of Central's sterilizers, packs, lots or handpieces; the session form lists only its clinic's stock"
    )
    func riversideSeesNoneOfCentrals() async throws {
        try await withServer { s in
            let stock = try await FitStock.make(s)
            // A second clinic of organization A, with its own assistant.
            let hash = try Bcrypt.hash(TestServer.password, cost: 4)
            let east = try await s.state.directory.createUser(email: "east.assistant@a.example", displayName: "East Assistant", passwordHash: hash)
            _ = try await s.state.directory.addMembership(userID: east.id, clinicID: s.clinicA2.id, role: .assistant)
            let riverside = try await BrowserSession.signIn(s, email: "east.assistant@a.example")
            let room = try await riverside.get("/sterility")
            #expect(room.status == .ok && room.text.contains("Alder East&#39;s sterilizers") || room.text.contains("Alder East's sterilizers"))
            #expect(!room.text.contains("Autoclave Central") && !room.text.contains(stock.rollerPack))
            let equipment = try await riverside.get("/equipment")
            #expect(!equipment.text.contains("data-lot=\"A123\"") && !equipment.text.contains("data-lot=\"C36\""))
            #expect(!equipment.text.contains("data-handpiece=\"\(testHandpiece)\""))
            // Riverside receives its own lot; Central's session form does not offer it, and still offers Central's.
            #expect(
                try await riverside.post(
                    "/equipment/lots",
                    [
                        ("product", "East cartridge"), ("gtin", "09506000134352"), ("lot", "EAST-1"),
                        ("expiry", "2027-06-30"), ("quantity", "10")
                    ]
                ).status == .seeOther)
            #expect(try await riverside.get("/equipment").text.contains("data-lot=\"EAST-1\""))
            let doc = try await BrowserSession.signIn(s, email: "practitioner@a.example")
            let (_, cid) = try await activeCourseViaAPI(s, given: "Leila")
            let form = try await doc.get("/courses/\(cid)/sessions/new")
            #expect(form.status == .ok)
            #expect(!form.text.contains("lot EAST-1") && form.text.contains("lot A123"))
            #expect(form.text.contains(stock.rollerPack))
            let central = try await BrowserSession.signIn(s, email: "assistant@a.example")
            #expect(try await central.get("/sterility").text.contains("Autoclave Central"))
            #expect(!(try await central.get("/equipment").text.contains("data-lot=\"EAST-1\"")))
        }
    }
}
