import Testing
@testable import StratumCore

@Suite("Applied substances (POLICY §1 DEL-*)")
struct TopicalRuleTests {
    static let firing: [Firing] = [
        Firing(.delReg, .caution, "transdermal delivery as the indication, no substance recorded yet") {
            $0.indications = [.transdermalDelivery]; $0.zones = [dose(.cheek, 0.5)]
        },
        Firing(.delReg, .caution, "transdermal delivery with an approved, traced product") {
            $0.indications = [.photoaging, .transdermalDelivery]; $0.zones = [dose(.cheek, 0.5)]
            $0.topical = TopicalFacts(product: "HA serum", lot: "H-7", approvedForIntradermal: true)
        },
        Firing(.delLot, .stop, "a substance without a lot") {
            $0.topical = TopicalFacts(product: "HA serum", lot: nil, approvedForIntradermal: true)
        },
        Firing(.delLot, .stop, "a substance with a blank lot") {
            $0.topical = TopicalFacts(product: "HA serum", lot: "   ", approvedForIntradermal: true)
        },
        Firing(.delLot, .stop, "a substance without a product name") {
            $0.topical = TopicalFacts(product: "", lot: "H-7", approvedForIntradermal: true)
        },
        Firing(.delProduct, .caution, "a product not approved for intradermal use, under photoaging") {
            $0.topical = TopicalFacts(product: "Vitamin C serum", lot: "C-1", approvedForIntradermal: false)
        },
        Firing(.delProduct, .caution, "a product not approved for intradermal use, under pigmentation") {
            $0.indications = [.pigmentation]; $0.zones = [dose(.cheek, 0.75)]
            $0.topical = TopicalFacts(product: "Tranexamic serum", lot: "T-2", approvedForIntradermal: false)
        }
    ]

    @Test("Fires", arguments: firing)
    func fires(_ c: Firing) {
        let result = Fixture.check(c.change)
        #expect(result.findings.severities(of: c.rule) == [c.severity])
    }

    static let nearMisses: [NearMiss] = [
        NearMiss(.delReg, "photoaging without delivery") { _ in },
        NearMiss(.delReg, "an approved substance applied under photoaging") {
            $0.topical = TopicalFacts(product: "HA serum", lot: "H-7", approvedForIntradermal: true)
        },
        NearMiss(.delLot, "product and lot recorded") {
            $0.topical = TopicalFacts(product: "HA serum", lot: "H-7", approvedForIntradermal: true)
        },
        NearMiss(.delLot, "no substance applied") { $0.topical = nil },
        NearMiss(.delProduct, "an approved product") {
            $0.topical = TopicalFacts(product: "HA serum", lot: "H-7", approvedForIntradermal: true)
        },
        NearMiss(.delProduct, "transdermal delivery with no substance recorded") {
            $0.indications = [.transdermalDelivery]; $0.zones = [dose(.cheek, 0.5)]
        }
    ]

    @Test("Does not fire", arguments: nearMisses)
    func nearMiss(_ c: NearMiss) {
        #expect(!Fixture.check(c.change).findings.has(c.rule))
    }

    @Test("DEL-REG is raised in a plan for transdermal delivery, at caution")
    func planRaisesDelReg() {
        let plan = Fixture.planned { $0.indications = [.transdermalDelivery] }
        #expect(plan.findings.severities(of: .delReg) == [.caution])
        #expect(!Fixture.planned().findings.has(.delReg))
    }

    @Test("A missing product name and lot are both named")
    func delLotNamesBoth() throws {
        let result = Fixture.check { $0.topical = TopicalFacts(product: nil, lot: " ", approvedForIntradermal: true) }
        let f = try #require(result.findings.first { $0.rule == .delLot })
        #expect(f.message.contains("product name") && f.message.contains("lot"))
        #expect(result.decision == .doNotTreat)
    }
}
