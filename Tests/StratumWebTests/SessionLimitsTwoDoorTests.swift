import Foundation
import StratumCore
@testable import StratumWeb
import Testing
import VaporTesting

/// Each limit of a session as documented, just inside and just outside, sent through the API and through the session
/// form: both doors hold the core's limits (SessionInputRules), so both record the session or both refuse it, each
/// naming the field in its own terms.
@Suite("A session's input limits are the same at the API and at the form, field by field")
struct SessionLimitsTwoDoorTests {
    typealias Door = TwoDoorTableTests.Door

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        /// nil: recorded; else the field each door names in its refusal.
        let refused: (api: String, page: String)?
        let api: @Sendable (inout [String: Any]) -> Void
        let page: @Sendable (inout [(String, String)]) -> Void
        var testDescription: String { name }
    }

    static func x(_ n: Int) -> String { String(repeating: "x", count: n) }
    static let rules = SessionInputRules.self

    /// Sets the first zone's member in the JSON document.
    static func zone(_ key: String, _ value: some Sendable) -> @Sendable (inout [String: Any]) -> Void {
        { doc in
            var zones = doc["zones"] as! [[String: Any]]
            zones[0][key] = value
            doc["zones"] = zones
        }
    }

    static func set(_ pairs: [(String, String)]) -> @Sendable (inout [(String, String)]) -> Void {
        { form in
            for (name, value) in pairs {
                if let i = form.firstIndex(where: { $0.0 == name }) { form[i].1 = value } else { form.append((name, value)) }
            }
        }
    }

    static func topical(product: String, lot: String) -> (@Sendable (inout [String: Any]) -> Void, @Sendable (inout [(String, String)]) -> Void) {
        (
            { $0["topical"] = ["product": product, "lot": lot, "approvedForIntradermal": true] },
            set([("topicalUsed", "yes"), ("topicalProduct", product), ("topicalLot", lot), ("topicalApproved", "yes")])
        )
    }

    static let cases: [Case] = {
        let passes = rules.passes.upperBound
        let longProduct = topical(product: x(rules.topicalProductMaxLength + 1), lot: "T1")
        let longestProduct = topical(product: x(rules.topicalProductMaxLength), lot: "T1")
        let longLot = topical(product: "Hyaluronic serum", lot: x(rules.topicalLotMaxLength + 1))
        let longestLot = topical(product: "Hyaluronic serum", lot: x(rules.topicalLotMaxLength))
        return [
            Case(name: "\(passes) passes are recorded", refused: nil, api: zone("passes", passes), page: set([("passes-cheek:left", "\(passes)")])),
            Case(
                name: "\(passes + 1) passes are refused", refused: ("zones[0].passes", "depth-cheek:left"),
                api: zone("passes", passes + 1), page: set([("passes-cheek:left", "\(passes + 1)")])),
            Case(
                name: "a depth of 10.5 mm is a typing error", refused: ("zones[0].depthMM", "depth-cheek:left"),
                api: zone("depthMM", 10.5), page: set([("depth-cheek:left", "10.5")])),
            Case(
                name: "an end point of \(rules.endPointMaxLength) characters is recorded", refused: nil,
                api: zone("endPoint", x(rules.endPointMaxLength)), page: set([("endpoint-cheek:left", x(rules.endPointMaxLength))])),
            Case(
                name: "an end point of \(rules.endPointMaxLength + 1) characters is refused", refused: ("zones[0].endPoint", "depth-cheek:left"),
                api: zone("endPoint", x(rules.endPointMaxLength + 1)), page: set([("endpoint-cheek:left", x(rules.endPointMaxLength + 1))])),
            Case(
                name: "an end point with a control character is refused", refused: ("zones[0].endPoint", "depth-cheek:left"),
                api: zone("endPoint", "erythema\u{7}"), page: set([("endpoint-cheek:left", "erythema\u{7}")])),
            Case(
                name: "a topical product named in \(rules.topicalProductMaxLength) characters is recorded", refused: nil,
                api: longestProduct.0, page: longestProduct.1),
            Case(
                name: "a topical product of \(rules.topicalProductMaxLength + 1) characters is refused",
                refused: ("topical.product", "topicalProduct"),
                api: longProduct.0, page: longProduct.1),
            Case(name: "a topical lot of \(rules.topicalLotMaxLength) characters is recorded", refused: nil, api: longestLot.0, page: longestLot.1),
            Case(
                name: "a topical lot of \(rules.topicalLotMaxLength + 1) characters is refused", refused: ("topical.lot", "topicalLot"),
                api: longLot.0, page: longLot.1),
            Case(
                name: "a handpiece serial of \(rules.handpieceSerialMaxLength + 1) characters is refused",
                refused: ("equipment.handpiece", "handpiece"),
                api: { doc in
                    var e = doc["equipment"] as! [String: Any]
                    e["handpiece"] = x(rules.handpieceSerialMaxLength + 1)
                    doc["equipment"] = e
                }, page: set([("handpiece", x(rules.handpieceSerialMaxLength + 1))])),
            Case(
                name: "a pack code of \(rules.packCodeMaxLength + 1) characters is refused", refused: ("equipment.pack", "packCode"),
                api: { doc in doc["equipment"] = ["pack": x(rules.packCodeMaxLength + 1), "handpiece": testHandpiece] },
                page: set([("sterilityKind", "pack"), ("packCode", x(rules.packCodeMaxLength + 1)), ("scan", "")])),
            Case(
                name: "a part serial of \(rules.partSerialMaxLength + 1) characters is refused", refused: ("equipment.part.serial", "serial"),
                api: { doc in
                    doc["equipment"] = [
                        "part": ["gtin": "09506000134352", "lot": "A123", "serial": x(rules.partSerialMaxLength + 1)],
                        "handpiece": testHandpiece
                    ]
                }, page: set([("scan", ""), ("lotChoice", "09506000134352|A123"), ("serial", x(rules.partSerialMaxLength + 1))])),
            Case(
                name: "a scanned label of \(rules.scanMaxLength + 1) characters is refused", refused: ("equipment.part.scan", "scan"),
                api: { doc in
                    doc["equipment"] = ["part": ["scan": testScan + x(rules.scanMaxLength + 1 - testScan.count)], "handpiece": testHandpiece]
                },
                page: set([("scan", testScan + x(rules.scanMaxLength + 1 - testScan.count))]))
        ]
    }()

    static func send(_ s: TestServer, _ door: Door, _ c: Case) async throws -> TestingHTTPResponse {
        let today = TwoDoorTableTests.today
        let (_, cid) = try await activeCourseViaAPI(s, given: "Limit\(UUID().uuidString.prefix(6))")
        switch door {
        case .api:
            var doc = try JSONSerialization.jsonObject(with: Data(sessionJSON(date: today.description).utf8)) as! [String: Any]
            c.api(&doc)
            let body = String(decoding: try JSONSerialization.data(withJSONObject: doc), as: UTF8.self)
            return try await s.send(.POST, "/api/v1/courses/\(cid)/sessions", token: s.token("a", .practitioner), json: body)
        case .page:
            var form = TwoDoorTableTests.sessionForm(date: today, needles: [("sterilityKind", "single-use"), ("scan", testScan), ("lotChoice", "")])
            c.page(&form)
            return try await BrowserSession.signIn(s, email: "practitioner@a.example").post("/courses/\(cid)/sessions", form)
        }
    }

    @Test("the same outcome through both doors", arguments: cases)
    func sameOutcome(_ c: Case) async throws {
        // Each door on a server of its own: the first door's session would leave the handpiece used, uncleaned.
        for door in Door.allCases {
            try await withServer { s in
                let r = try await Self.send(s, door, c)
                let o = door == .api ? TwoDoorTableTests.Outcome.api(r) : TwoDoorTableTests.Outcome.page(r)
                if let refused = c.refused {
                    let field = door == .api ? refused.api : refused.page
                    #expect(
                        !o.recorded && o.fields.contains(field),
                        "\(door.rawValue): expected a refusal naming \(field), got \(o) (\(r.status.code)) \(r.text.prefix(300))")
                    #expect(r.status.code != 500)
                } else {
                    #expect(o.recorded, "\(door.rawValue): expected the session recorded, got \(o) (\(r.status.code)) \(r.text.prefix(300))")
                }
            }
        }
    }
}
