import Testing
@testable import StratumCore

@Suite("Composite outcome scales scored from their items (EVIDENCE §6)")
struct ScaleItemTests {
    @Test(
        "every composite scale's items add up to its stated range", arguments: [OutcomeScale.posasObserver, .posasPatient, .vss, .celluliteSeverity])
    func rangesAddUp(_ scale: OutcomeScale) throws {
        let low = Dictionary(uniqueKeysWithValues: scale.items.map { ($0.key, $0.range.lowerBound) })
        let high = Dictionary(uniqueKeysWithValues: scale.items.map { ($0.key, $0.range.upperBound) })
        #expect(try scale.total(items: low) == scale.range.lowerBound)
        #expect(try scale.total(items: high) == scale.range.upperBound)
        #expect(scale.items.allSatisfy { !$0.definition.isEmpty })
    }

    @Test("POSAS has six items of 1–10 on each scale; VSS four domains; CSS five items of 0–3")
    func structure() {
        #expect(OutcomeScale.posasObserver.items.count == 6 && OutcomeScale.posasPatient.items.count == 6)
        #expect(OutcomeScale.posasPatient.items.allSatisfy { $0.range == 1...10 })
        #expect(OutcomeScale.vss.items.map(\.key) == ["vascularity", "pigmentation", "pliability", "height"])
        #expect(OutcomeScale.celluliteSeverity.items.count == 5 && OutcomeScale.celluliteSeverity.items.allSatisfy { $0.range == 0...3 })
        #expect(OutcomeScale.gais.items.isEmpty)
    }

    @Test("mMASI is 0.3·A·D for forehead and each malar plus 0.1·A·D for the chin, 0 to 24")
    func mmasi() throws {
        var scores: [String: Double] = [:]
        for r in OutcomeScale.mmasiRegions { scores["\(r.key)Area"] = 6; scores["\(r.key)Darkness"] = 4 }
        #expect(try OutcomeScale.mmasi.total(items: scores) == 24)
        scores = [
            "foreheadArea": 2, "foreheadDarkness": 3, "rightMalarArea": 4, "rightMalarDarkness": 2, "leftMalarArea": 3,
            "leftMalarDarkness": 2, "chinArea": 1, "chinDarkness": 1
        ]
        // 0.3·6 + 0.3·8 + 0.3·6 + 0.1·1 = 6.1
        #expect(try OutcomeScale.mmasi.total(items: scores) == 6.1)
    }

    @Test("a missing, unknown, fractional or out-of-range item is refused naming the item and its rule")
    func refusals() {
        let full = Dictionary(uniqueKeysWithValues: OutcomeScale.vss.items.map { ($0.key, 1.0) })
        var missing = full; missing["height"] = nil
        #expect(throws: ItemScoreError(item: "height", problem: "is required")) { try OutcomeScale.vss.total(items: missing) }
        var high = full; high["pigmentation"] = 3
        #expect(throws: ItemScoreError(item: "pigmentation", problem: "scores are whole numbers from 0 to 2")) {
            try OutcomeScale.vss.total(items: high)
        }
        var half = full; half["height"] = 1.5
        #expect(throws: ItemScoreError.self) { try OutcomeScale.vss.total(items: half) }
        var extra = full; extra["colour"] = 1
        #expect(throws: ItemScoreError(item: "colour", problem: "is not an item of VSS")) { try OutcomeScale.vss.total(items: extra) }
        #expect(throws: ItemScoreError.self) { try OutcomeScale.gais.total(items: [:]) }
    }

    @Test("important differences only where the evidence gives one")
    func differences() {
        #expect(OutcomeScale.posasPatient.importantDifference?.value == 6 * 0.39)
        #expect(OutcomeScale.celluliteSeverity.importantDifference?.value == 1)
        #expect(OutcomeScale.gais.importantDifference == nil && OutcomeScale.vss.importantDifference == nil)
    }
}
