/// A QR Code (ISO/IEC 18004) for the two-factor enrolment screen: the clinician's phone reads the `otpauth://` URI
/// off the screen, so the shared secret is never typed and never leaves the clinic's server for a third-party
/// image service. Byte mode (UTF-8), versions 1–10, the smallest that fits chosen, the mask scored by the standard.
public struct QRCode: Sendable, Equatable {
    /// How much of the symbol may be lost and still read (about 7, 15, 25 and 30 %); M suits a screen.
    public enum ErrorCorrection: Sendable, CaseIterable {
        case low, medium, quartile, high
    }

    /// Why a text cannot be drawn: its UTF-8 bytes exceed what version 10 holds at the level asked for.
    public struct TooLong: Error, Sendable, Equatable {
        public let bytes: Int
        public let capacity: Int
    }

    /// The version (1–10): the smallest that holds the text, so the code stays large on a small screen.
    public let version: Int
    /// Modules per side, quiet zone excluded (17 + 4 × version).
    public let size: Int
    /// The error-correction level the symbol was drawn at.
    public let level: ErrorCorrection
    /// The mask pattern (0–7) with the lowest penalty, as written in the format information.
    public let mask: Int
    /// Row-major, dark = true.
    let modules: [Bool]

    /// Encodes `text` as UTF-8 bytes; throws when even version 10 is too small at `level`.
    public init(_ text: String, level: ErrorCorrection = .medium) throws(TooLong) {
        try self.init(text, level: level, mask: nil)
    }

    /// As the public initializer, with `mask` forced when given, so tests can have every mask read by a scanner.
    init(_ text: String, level: ErrorCorrection, mask forcedMask: Int?) throws(TooLong) {
        let bytes = Array(text.utf8)
        guard let version = (1...Self.maxVersion).first(where: { Self.capacity(version: $0, level: level) >= bytes.count }) else {
            throw TooLong(bytes: bytes.count, capacity: Self.capacity(version: Self.maxVersion, level: level))
        }
        var matrix = QRCodeMatrix(version: version)
        matrix.drawFunctionPatterns(version: version)
        matrix.drawCodewords(Self.codewords(Self.dataCodewords(bytes, version: version, level: level), version: version, level: level))
        var best: (penalty: Int, mask: Int, matrix: QRCodeMatrix)?
        for mask in forcedMask.map({ [$0] }) ?? Array(0..<8) {
            var candidate = matrix
            candidate.applyMask(mask)
            candidate.drawFormatBits(Self.formatBits(level: level, mask: mask))
            let penalty = candidate.penalty()
            if best == nil || penalty < best!.penalty { best = (penalty, mask, candidate) }
        }
        self.version = version
        self.size = matrix.size
        self.level = level
        self.mask = best!.mask
        self.modules = best!.matrix.modules
    }

    /// Whether the module at column `x`, row `y` is dark; outside the symbol is the light quiet zone.
    public func isDark(x: Int, y: Int) -> Bool {
        (0..<size).contains(x) && (0..<size).contains(y) && modules[y * size + x]
    }

    /// The symbol as SVG: one path of the dark modules on a white square with `quietZone` light modules around
    /// (4 is the standard's minimum), `module` pixels per module. `label` names it for a screen reader; it is not
    /// the payload, which for an enrolment is a secret and should not be spoken aloud or left in the page's text.
    public func svg(module: Int = 4, quietZone: Int = 4, label: String = "QR code") -> String {
        let side = size + 2 * quietZone
        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard isDark(x: x, y: y) else {
                    x += 1
                    continue
                }
                let start = x
                while isDark(x: x, y: y) { x += 1 }
                path += "M\(start + quietZone) \(y + quietZone)h\(x - start)v1h-\(x - start)z"
            }
        }
        let escaped = label.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        return
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qrcode\" width=\"\(side * module)\" height=\"\(side * module)\" viewBox=\"0 0 \(side) \(side)\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"\(escaped)\">"
            + "<rect width=\"\(side)\" height=\"\(side)\" fill=\"#fff\"/><path fill=\"#000\" d=\"\(path)\"/></svg>"
    }

    /// The data codewords: byte-mode indicator, character count, the bytes, a terminator of up to four zero bits,
    /// zero bits to a whole byte, then the alternating pad bytes 0xEC 0x11 up to the version's capacity.
    static func dataCodewords(_ bytes: [UInt8], version: Int, level: ErrorCorrection) -> [UInt8] {
        let capacityBits = dataCodewords(version: version, level: level) * 8
        var bits: [Bool] = []
        func append(_ value: Int, _ count: Int) {
            for i in (0..<count).reversed() { bits.append((value >> i) & 1 == 1) }
        }
        append(0b0100, 4)
        append(bytes.count, countBits(version: version))
        for byte in bytes { append(Int(byte), 8) }
        append(0, min(4, capacityBits - bits.count))
        append(0, (8 - bits.count % 8) % 8)
        var codewords = stride(from: 0, to: bits.count, by: 8).map { start in
            bits[start..<start + 8].reduce(UInt8(0)) { $0 << 1 | ($1 ? 1 : 0) }
        }
        var pad: UInt8 = 0xEC
        while codewords.count < capacityBits / 8 {
            codewords.append(pad)
            pad ^= 0xEC ^ 0x11
        }
        return codewords
    }

    /// The final codeword sequence: data split into blocks (the shorter ones first), each given its Reed–Solomon
    /// codewords, then data and error correction each interleaved column by column across the blocks, so a damaged
    /// patch of the symbol spreads over several blocks instead of overwhelming one.
    static func codewords(_ data: [UInt8], version: Int, level: ErrorCorrection) -> [UInt8] {
        let blocks = blockCount(version: version, level: level)
        let ecc = eccPerBlock(version: version, level: level)
        let raw = rawCodewords(version: version)
        let shortBlocks = blocks - raw % blocks
        let shortData = raw / blocks - ecc
        let generator = ReedSolomon.generator(degree: ecc)
        var dataBlocks: [[UInt8]] = []
        var eccBlocks: [[UInt8]] = []
        var next = 0
        for i in 0..<blocks {
            let count = shortData + (i < shortBlocks ? 0 : 1)
            let block = Array(data[next..<next + count])
            next += count
            dataBlocks.append(block)
            eccBlocks.append(ReedSolomon.remainder(block, generator: generator))
        }
        var result: [UInt8] = []
        for i in 0...shortData {
            for block in dataBlocks where i < block.count { result.append(block[i]) }
        }
        for i in 0..<ecc {
            for block in eccBlocks { result.append(block[i]) }
        }
        return result
    }
}
