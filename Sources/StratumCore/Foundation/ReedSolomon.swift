/// Reed–Solomon error correction over GF(256) with the QR Code field polynomial x⁸ + x⁴ + x³ + x² + 1 (0x11D): the
/// codewords that let a phone still read an enrolment code through glare or a smudge on the screen.
enum ReedSolomon {
    /// Product in GF(256) by shift and add: the blocks are a few dozen bytes, so log tables would buy nothing.
    static func multiply(_ x: UInt8, _ y: UInt8) -> UInt8 {
        var z = 0
        for i in (0..<8).reversed() {
            z = (z << 1) ^ ((z >> 7) * 0x11D)
            z ^= ((Int(y) >> i) & 1) * Int(x)
        }
        return UInt8(z)
    }

    /// The generator polynomial ∏ (x − αⁱ) for i < `degree`, highest power first with its leading 1 left out.
    static func generator(degree: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: degree)
        result[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for j in 0..<degree {
                result[j] = multiply(result[j], root)
                if j + 1 < degree { result[j] ^= result[j + 1] }
            }
            root = multiply(root, 0x02)
        }
        return result
    }

    /// The error-correction codewords of one block: the remainder of data · x^degree divided by the generator.
    static func remainder(_ data: [UInt8], generator: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: generator.count)
        for byte in data {
            let factor = byte ^ result.removeFirst()
            result.append(0)
            for i in result.indices { result[i] ^= multiply(generator[i], factor) }
        }
        return result
    }
}
