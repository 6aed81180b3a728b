/// The module grid while a QR Code is drawn: which modules are dark, and which belong to function patterns that
/// the data and the mask must leave alone (ISO/IEC 18004 §7.7–7.9).
struct QRCodeMatrix {
    let size: Int
    var modules: [Bool]
    var isFunction: [Bool]

    init(version: Int) {
        size = 17 + 4 * version
        modules = Array(repeating: false, count: size * size)
        isFunction = Array(repeating: false, count: size * size)
    }

    subscript(x: Int, y: Int) -> Bool { modules[y * size + x] }

    mutating func setFunction(_ x: Int, _ y: Int, _ dark: Bool) {
        modules[y * size + x] = dark
        isFunction[y * size + x] = true
    }

    /// Finders, separators, timing, alignment, the dark module, and placeholders for the format (and version)
    /// information, so the codewords flow around all of them.
    mutating func drawFunctionPatterns(version: Int) {
        for i in 0..<size {
            setFunction(6, i, i % 2 == 0)
            setFunction(i, 6, i % 2 == 0)
        }
        for (cx, cy) in [(3, 3), (size - 4, 3), (3, size - 4)] {
            // A 9 × 9 square clipped to the symbol: the 7 × 7 finder and its light separator.
            for dy in -4...4 {
                for dx in -4...4 where (0..<size).contains(cx + dx) && (0..<size).contains(cy + dy) {
                    let ring = max(abs(dx), abs(dy))
                    setFunction(cx + dx, cy + dy, ring != 2 && ring != 4)
                }
            }
        }
        let centres = QRCode.alignmentCentres[version]
        for (i, cy) in centres.enumerated() {
            for (j, cx) in centres.enumerated() {
                // The three corners with a finder get no alignment pattern.
                let last = centres.count - 1
                if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) { continue }
                for dy in -2...2 {
                    for dx in -2...2 { setFunction(cx + dx, cy + dy, max(abs(dx), abs(dy)) != 1) }
                }
            }
        }
        drawFormatBits(0)
        if version >= 7 { drawVersionBits(QRCode.versionBits(version: version)) }
    }

    /// Both copies of the 15 format bits, least significant first, and the dark module beside the lower copy.
    mutating func drawFormatBits(_ bits: Int) {
        func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
        for i in 0..<6 { setFunction(8, i, bit(i)) }
        setFunction(8, 7, bit(6))
        setFunction(8, 8, bit(7))
        setFunction(7, 8, bit(8))
        for i in 9..<15 { setFunction(14 - i, 8, bit(i)) }
        for i in 0..<8 { setFunction(size - 1 - i, 8, bit(i)) }
        for i in 8..<15 { setFunction(8, size - 15 + i, bit(i)) }
        setFunction(8, size - 8, true)
    }

    /// Both 6 × 3 copies of the version bits, beside the upper-right and lower-left finders.
    mutating func drawVersionBits(_ bits: Int) {
        for i in 0..<18 {
            let dark = (bits >> i) & 1 == 1
            setFunction(size - 11 + i % 3, i / 3, dark)
            setFunction(i / 3, size - 11 + i % 3, dark)
        }
    }

    /// The codeword bits, most significant first, in two-column strips zigzagging up and down from the lower
    /// right, skipping the vertical timing column; modules left over are the light remainder bits.
    mutating func drawCodewords(_ codewords: [UInt8]) {
        var bitIndex = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            let upward = (right + 1) & 2 == 0
            for vertical in 0..<size {
                let y = upward ? size - 1 - vertical : vertical
                for x in [right, right - 1] where !isFunction[y * size + x] && bitIndex < codewords.count * 8 {
                    modules[y * size + x] = (codewords[bitIndex >> 3] >> (7 - (bitIndex & 7))) & 1 == 1
                    bitIndex += 1
                }
            }
            right -= 2
        }
    }

    /// Inverts the data modules where mask pattern `mask` (0–7) holds, x being the column and y the row.
    mutating func applyMask(_ mask: Int) {
        for y in 0..<size {
            for x in 0..<size where !isFunction[y * size + x] {
                let flip =
                    switch mask {
                    case 0: (x + y) % 2 == 0
                    case 1: y % 2 == 0
                    case 2: x % 3 == 0
                    case 3: (x + y) % 3 == 0
                    case 4: (x / 3 + y / 2) % 2 == 0
                    case 5: x * y % 2 + x * y % 3 == 0
                    case 6: (x * y % 2 + x * y % 3) % 2 == 0
                    default: ((x + y) % 2 + x * y % 3) % 2 == 0
                    }
                if flip { modules[y * size + x].toggle() }
            }
        }
    }

    /// The four penalty rules of ISO/IEC 18004 §7.8.3: long runs, 2 × 2 blocks, finder look-alikes and an
    /// unbalanced share of dark modules all make a symbol harder to read, so the mask with the lowest score wins.
    func penalty() -> Int {
        var score = 0
        for line in 0..<size {
            score += linePenalty { modules[line * size + $0] }
            score += linePenalty { modules[$0 * size + line] }
        }
        for y in 0..<size - 1 {
            for x in 0..<size - 1 {
                let c = self[x, y]
                if c == self[x + 1, y] && c == self[x, y + 1] && c == self[x + 1, y + 1] { score += 3 }
            }
        }
        let dark = modules.reduce(0) { $0 + ($1 ? 1 : 0) }
        let total = modules.count
        // 10 points for every whole 5 % the dark share strays from one half.
        score += 10 * (abs(dark * 20 - total * 10) / total)
        return score
    }

    /// Rules 1 and 3 along one row or column: 3 + (n − 5) for each run of n ≥ 5 alike, and 40 for each
    /// dark-light-dark-dark-dark-light-dark with four light modules (or the quiet zone) before or after it.
    private func linePenalty(_ at: (Int) -> Bool) -> Int {
        var score = 0
        var runColour = at(0)
        var runLength = 1
        for i in 1..<size {
            if at(i) == runColour {
                runLength += 1
            } else {
                if runLength >= 5 { score += runLength - 2 }
                runColour = at(i)
                runLength = 1
            }
        }
        if runLength >= 5 { score += runLength - 2 }
        func light(_ range: Range<Int>) -> Bool { range.allSatisfy { !(0..<size).contains($0) || !at($0) } }
        let finder = [true, false, true, true, true, false, true]
        for start in 0...(size - finder.count) where finder.indices.allSatisfy({ at(start + $0) == finder[$0] }) {
            if light(start - 4..<start) || light(start + 7..<start + 11) { score += 40 }
        }
        return score
    }
}
