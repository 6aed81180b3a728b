import Testing
@testable import StratumCore

@Suite("GS1 element strings from a needle cartridge's label (POLICY §4 traceability)")
struct GS1ElementStringTests {
    let today = LocalDate(iso: "2026-12-01")!
    let gs = String(GS1ElementString.groupSeparator)

    @Test("the bracketed human-readable line and the scanner's raw string give the same part")
    func bothForms() throws {
        let bracketed = try GS1ElementString.parse("(01)09506000134352(17)281231(10)LOT-A17(21)SN0042", today: today)
        let raw = try GS1ElementString.parse("]C101095060001343521728123110LOT-A17\(gs)21SN0042", today: today)
        #expect(bracketed == raw)
        #expect(bracketed == GS1Element(gtin: "09506000134352", expiry: LocalDate(iso: "2028-12-31"), lot: "LOT-A17", serial: "SN0042"))
        // A leading FNC1 (group separator) and any order of AIs.
        let reordered = try GS1ElementString.parse("\(gs)10LOT-A17\(gs)0109506000134352", today: today)
        #expect(reordered.lot == "LOT-A17" && reordered.gtin == "09506000134352" && reordered.expiry == nil)
    }

    @Test("day 00 of the expiry means the last day of the month, leap years included")
    func dayZero() throws {
        #expect(try GS1ElementString.parse("(17)280200", today: today).expiry == LocalDate(iso: "2028-02-29"))
        #expect(try GS1ElementString.parse("(17)270200", today: today).expiry == LocalDate(iso: "2027-02-28"))
        #expect(try GS1ElementString.parse("(17)261100", today: today).expiry == LocalDate(iso: "2026-11-30"))
    }

    @Test("the two-digit year lies within 49 years ahead and 50 behind")
    func century() throws {
        #expect(try GS1ElementString.parse("(17)751231", today: today).expiry == LocalDate(iso: "2075-12-31"))
        #expect(try GS1ElementString.parse("(17)770101", today: today).expiry == LocalDate(iso: "1977-01-01"))
    }

    @Test("a wrong check digit is refused, naming the expected digit", arguments: ["09506000134353", "09506000134350"])
    func badCheckDigit(gtin: String) {
        #expect(throws: GS1Error.self) { try GS1ElementString.parse("(01)\(gtin)", today: today) }
        do { _ = try GS1ElementString.parse("(01)\(gtin)", today: today) } catch {
            #expect(error.message.contains("check digit") && error.message.contains("expected 2"))
        }
    }

    @Test("the check digit matches published GTINs")
    func checkDigits() throws {
        for valid in ["09506000134352", "00012345600012", "04006381333931"] { #expect(try GS1ElementString.gtin(valid) == valid) }
    }

    @Test("a missing group separator after a lot is caught when the lot would overrun 20 characters")
    func missingSeparator() {
        do {
            _ = try GS1ElementString.parse("0109506000134352" + "10LOT-A17" + "21SN0042-LONG-SERIAL", today: today)
            Issue.record("accepted a lot that swallowed the serial")
        } catch {
            #expect(error.message.contains("AI (10)") && error.message.contains("group separator"))
        }
    }

    @Test(
        "malformed strings get a message that names the AI and the rule",
        arguments: [
            ("(01)0950600013435", "exactly 14"), ("(17)261332", "month 13"), ("(17)270230", "day 30"), ("(99)ABC", "AI (99)"),
            ("01ABCDEFGHIJKLMN", "14 digits"), ("(10)LOT A", "cannot carry"), ("(10)A(10)B", "twice"), ("", "empty"),
            ("0109506000134352\u{1D}1", "lone"), ("(10)", "empty"), ("01095060001343", "exactly 14"), ("LOT-A17", "AI (LO)")
        ])
    func malformed(input: String, says: String) {
        do {
            _ = try GS1ElementString.parse(input, today: today)
            Issue.record("accepted \(input)")
        } catch {
            #expect(error.message.contains(says), "\(input): \(error.message)")
        }
    }
}

@Suite("Code 128 pack labels")
struct Code128Tests {
    @Test("the pattern table has the standard's shape: 11 modules a symbol, bars even and spaces odd")
    func table() {
        #expect(Code128.patterns.count == 107)
        #expect(Set(Code128.patterns).count == 107)
        for (value, p) in Code128.patterns.enumerated() {
            let w = p.compactMap(\.wholeNumberValue)
            if value == Code128.stop {
                #expect(w.reduce(0, +) == 13)
                continue
            }
            #expect(w.reduce(0, +) == 11, "value \(value)")
            #expect((w[0] + w[2] + w[4]) % 2 == 0, "value \(value): bars of even total width")
            #expect(w.allSatisfy { (1...4).contains($0) })
        }
    }

    @Test("the check symbol is (start + Σ position × value) mod 103, here for PJJ123C in code set B")
    func knownSymbol() throws {
        let values = try Code128.symbols("PJJ123C")
        #expect(values.first == Code128.startB)
        #expect(values.count == 1 + 7 + 1)
        #expect(Array(values.dropFirst().dropLast()) == [48, 42, 42, 17, 18, 19, 35])
        // (104 + 48·1 + 42·2 + 42·3 + 17·4 + 18·5 + 19·6 + 35·7) = 879, and 879 mod 103 = 55
        #expect(values.last == 55)
    }

    @Test("the drawn bars decode back to the text", arguments: ["PK-000123", "LOT-2291", "0123456789", "A1234567B", "12345", "Pack #7 & co", "x"])
    func roundTrip(text: String) throws {
        let widths = try Code128.widths(text)
        #expect(Code128.decode(widths) == text)
        let svg = try Code128.svg(text)
        // Read the bars back out of the SVG itself: rect x and width in user units, 2 per module.
        let rects = svg.components(separatedBy: "<rect x=\"").dropFirst(2).map { part -> (Double, Double) in
            let x = Double(part.prefix { $0 != "\"" })!
            let w = Double(part.components(separatedBy: "width=\"")[1].prefix { $0 != "\"" })!
            return (x, w)
        }
        var fromSVG: [Int] = []
        var cursor = rects.first!.0
        for (x, w) in rects {
            if x > cursor { fromSVG.append(Int((x - cursor) / 2)) }
            fromSVG.append(Int(w / 2))
            cursor = x + w
        }
        #expect(Code128.decode(fromSVG) == text)
    }

    @Test("digit runs use code set C, so a numeric pack id is short")
    func codeSetC() throws {
        #expect(try Code128.symbols("0123456789").count == 1 + 5 + 1)
        #expect(try Code128.symbols("PK-000123").contains(Code128.codeC))
    }

    @Test("a character outside printable ASCII is refused, and a damaged symbol does not decode")
    func refusals() throws {
        #expect(throws: Code128.Unencodable.self) { try Code128.symbols("Zoë") }
        var widths = try Code128.widths("PK-000123")
        widths.swapAt(7, 8)
        #expect(Code128.decode(widths) == nil || Code128.decode(widths) != "PK-000123")
    }
}
