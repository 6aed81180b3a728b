import Foundation
import Testing
@testable import StratumCore

@Suite("QR Code encoder: codewords, format and version information, version choice")
struct QRCodeTests {
    @Test("Reed–Solomon gives the error-correction codewords of the HELLO WORLD 1-M example")
    func helloWorldErrorCorrection() {
        // The data codewords of "HELLO WORLD" in alphanumeric mode at 1-M (ISO/IEC 18004 annex I, thonky.com).
        let data: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
        #expect(ReedSolomon.remainder(data, generator: ReedSolomon.generator(degree: 10)) == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23])
    }

    @Test("the generator polynomial of degree 7 has the standard's coefficients")
    func generatorDegreeSeven() {
        // α exponents 87, 229, 146, 149, 238, 102, 21 (ISO/IEC 18004 annex A) as field elements.
        var powers: [UInt8] = [1]
        for _ in 1..<255 { powers.append(ReedSolomon.multiply(powers.last!, 2)) }
        #expect(ReedSolomon.generator(degree: 7) == [87, 229, 146, 149, 238, 102, 21].map { powers[$0] })
    }

    @Test("format information for known levels and masks (BCH, XOR 0x5412)")
    func formatInformation() {
        #expect(QRCode.formatBits(level: .low, mask: 0) == 0b111011111000100)
        #expect(QRCode.formatBits(level: .low, mask: 4) == 0b110011000101111)
        #expect(QRCode.formatBits(level: .medium, mask: 0) == 0b101010000010010)
        #expect(QRCode.formatBits(level: .medium, mask: 7) == 0b100101010100000)
        #expect(QRCode.formatBits(level: .quartile, mask: 0) == 0b011010101011111)
        #expect(QRCode.formatBits(level: .high, mask: 7) == 0b000100000111011)
    }

    @Test("version information for versions 7–10 (BCH(18,6))")
    func versionInformation() {
        #expect((7...10).map { QRCode.versionBits(version: $0) } == [0x07C94, 0x085BC, 0x09A99, 0x0A4D3])
    }

    @Test("codeword totals and byte capacities match the standard's tables", arguments: QRCode.ErrorCorrection.allCases)
    func capacities(level: QRCode.ErrorCorrection) {
        #expect((1...10).map { QRCode.rawCodewords(version: $0) } == [26, 44, 70, 100, 134, 172, 196, 242, 292, 346])
        let expected: [QRCode.ErrorCorrection: [Int]] = [
            .low: [17, 32, 53, 78, 106, 134, 154, 192, 230, 271],
            .medium: [14, 26, 42, 62, 84, 106, 122, 152, 180, 213],
            .quartile: [11, 20, 32, 46, 60, 74, 86, 108, 130, 151],
            .high: [7, 14, 24, 34, 44, 58, 64, 84, 98, 119]
        ]
        #expect((1...10).map { QRCode.capacity(version: $0, level: level) } == expected[level])
    }

    @Test("the smallest version that holds the UTF-8 bytes is chosen")
    func versionChoice() throws {
        #expect(try QRCode(String(repeating: "a", count: 14)).version == 1)
        #expect(try QRCode(String(repeating: "a", count: 15)).version == 2)
        #expect(try QRCode(String(repeating: "a", count: 122)).version == 7)
        #expect(try QRCode(String(repeating: "a", count: 123)).version == 8)
        #expect(try QRCode(String(repeating: "a", count: 213)).version == 10)
        #expect(try QRCode(String(repeating: "a", count: 7), level: .high).version == 1)
        // "é" is two bytes: seven fill version 1 exactly, eight do not.
        #expect(try QRCode(String(repeating: "é", count: 7)).version == 1)
        #expect(try QRCode(String(repeating: "é", count: 8)).version == 2)
    }

    @Test("a text longer than version 10 holds is refused with its size and the capacity")
    func tooLong() {
        #expect(throws: QRCode.TooLong(bytes: 214, capacity: 213)) { _ = try QRCode(String(repeating: "a", count: 214)) }
        #expect(throws: QRCode.TooLong(bytes: 120, capacity: 119)) { _ = try QRCode(String(repeating: "a", count: 120), level: .high) }
    }

    @Test("finders, timing, the dark module and both copies of the format information are where the standard puts them")
    func functionPatterns() throws {
        let code = try QRCode("Stratum")
        let n = code.size
        #expect(n == 21)
        for (x, y) in [(0, 0), (n - 7, 0), (0, n - 7)] {
            #expect(code.isDark(x: x, y: y) && code.isDark(x: x + 6, y: y + 6) && code.isDark(x: x + 3, y: y + 3))
            #expect(!code.isDark(x: x + 1, y: y + 1) && !code.isDark(x: x + 5, y: y + 1))
        }
        #expect((8..<n - 8).allSatisfy { code.isDark(x: $0, y: 6) == ($0 % 2 == 0) && code.isDark(x: 6, y: $0) == ($0 % 2 == 0) })
        #expect(code.isDark(x: 8, y: n - 8))
        #expect(!code.isDark(x: -1, y: 0) && !code.isDark(x: n, y: n))
        let format = QRCode.formatBits(level: .medium, mask: code.mask)
        // Read back least significant bit first, along the same paths the format was written on.
        var firstPath: [(x: Int, y: Int)] = (0..<6).map { (8, $0) }
        firstPath += [(8, 7), (8, 8), (7, 8)]
        firstPath += (9..<15).map { (14 - $0, 8) }
        var secondPath: [(x: Int, y: Int)] = (0..<8).map { (n - 1 - $0, 8) }
        secondPath += (8..<15).map { (8, n - 15 + $0) }
        for path in [firstPath, secondPath] {
            var read = 0
            for (bit, module) in path.enumerated() where code.isDark(x: module.x, y: module.y) { read |= 1 << bit }
            #expect(read == format)
        }
    }

    @Test("version 7 and up carry both copies of the version information")
    func versionBlocks() throws {
        let code = try QRCode(String(repeating: "a", count: 110))
        #expect(code.version == 7)
        let n = code.size
        var upperRight = 0
        var lowerLeft = 0
        for bit in 0..<18 {
            if code.isDark(x: n - 11 + bit % 3, y: bit / 3) { upperRight |= 1 << bit }
            if code.isDark(x: bit / 3, y: n - 11 + bit % 3) { lowerLeft |= 1 << bit }
        }
        #expect(upperRight == 0x07C94 && lowerLeft == 0x07C94)
    }

    @Test("the chosen mask scores no worse than any other")
    func lowestPenaltyMask() throws {
        for text in ["Stratum", String(repeating: "0123456789", count: 12)] {
            let chosen = try QRCode(text)
            let penalties = try (0..<8).map { mask in try QRCode(text, level: .medium, mask: mask).penalty }
            #expect(penalties[chosen.mask] == penalties.min())
        }
    }

    @Test("byte mode data codewords: indicator, count, bytes, terminator and alternating pad bytes")
    func dataCodewords() {
        // 0100 00000010 01000001 01000010 0000, then padding: 0x40 0x24 0x14 0x20 then 0xEC 0x11 …
        let codewords = QRCode.dataCodewords(Array("AB".utf8), version: 1, level: .medium)
        #expect(codewords == [0x40, 0x24, 0x14, 0x20, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11])
    }

    @Test("the SVG is one path on a white square, sized by module and quiet zone, with an escaped label")
    func svgShape() throws {
        let code = try QRCode("Stratum")
        let svg = code.svg(module: 5, quietZone: 4, label: "Scan with \"Authenticator\" & <go>")
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.contains("width=\"145\" height=\"145\" viewBox=\"0 0 29 29\" shape-rendering=\"crispEdges\" role=\"img\""))
        #expect(svg.contains("aria-label=\"Scan with &quot;Authenticator&quot; &amp; &lt;go&gt;\""))
        #expect(svg.contains("<rect width=\"29\" height=\"29\" fill=\"#fff\"/>"))
        #expect(svg.components(separatedBy: "<path").count == 2)
        #expect(!svg.contains("Stratum"))
        // The upper-left finder's top edge is one run of seven dark modules starting inside the quiet zone.
        #expect(svg.contains("d=\"M4 4h7v1h-7z"))
    }
}

extension QRCode {
    /// The penalty of the symbol as drawn, for comparing masks.
    var penalty: Int {
        var matrix = QRCodeMatrix(version: version)
        matrix.modules = modules
        return matrix.penalty()
    }
}
