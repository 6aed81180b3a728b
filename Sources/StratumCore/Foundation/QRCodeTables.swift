/// ISO/IEC 18004 tables for versions 1–10 only: an authenticator enrolment URI is about 120 bytes, and version 10
/// holds 213 at level M, so the forty-version tables would be dead weight.
extension QRCode {
    /// The largest version drawn: 57 × 57 modules, still crisp at 4 px a module on a tablet.
    static let maxVersion = 10

    /// Error-correction codewords per block, by version (index 0 unused) (ISO/IEC 18004 table 9).
    static func eccPerBlock(version: Int, level: ErrorCorrection) -> Int {
        switch level {
        case .low: [0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18][version]
        case .medium: [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26][version]
        case .quartile: [0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24][version]
        case .high: [0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28][version]
        }
    }

    /// Error-correction blocks, by version (index 0 unused) (ISO/IEC 18004 table 9).
    static func blockCount(version: Int, level: ErrorCorrection) -> Int {
        switch level {
        case .low: [0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4][version]
        case .medium: [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5][version]
        case .quartile: [0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8][version]
        case .high: [0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8][version]
        }
    }

    /// Centre rows and columns of the alignment patterns, by version (ISO/IEC 18004 annex E).
    static let alignmentCentres: [[Int]] = [
        [], [], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34], [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50]
    ]

    /// Codewords (data and error correction) the symbol holds: its modules less the function patterns, format and
    /// version information, in whole bytes (the remainder bits stay light).
    static func rawCodewords(version: Int) -> Int {
        var modules = (16 * version + 128) * version + 64
        if version >= 2 {
            let alignments = version / 7 + 2
            modules -= (25 * alignments - 10) * alignments - 55
            if version >= 7 { modules -= 36 }
        }
        return modules / 8
    }

    /// Data codewords at a version and level: what is left after every block's error correction.
    static func dataCodewords(version: Int, level: ErrorCorrection) -> Int {
        rawCodewords(version: version) - blockCount(version: version, level: level) * eccPerBlock(version: version, level: level)
    }

    /// Bits of the byte-mode character count: 8 up to version 9, 16 from version 10.
    static func countBits(version: Int) -> Int { version <= 9 ? 8 : 16 }

    /// Bytes of text a version holds in byte mode at a level, after the mode indicator and character count.
    static func capacity(version: Int, level: ErrorCorrection) -> Int {
        (dataCodewords(version: version, level: level) * 8 - 4 - countBits(version: version)) / 8
    }

    /// The 15 format bits: level and mask protected by a BCH(15,5) code and XORed with 0x5412, so they are never
    /// all light.
    static func formatBits(level: ErrorCorrection, mask: Int) -> Int {
        let levelBits =
            switch level {
            case .low: 1
            case .medium: 0
            case .quartile: 3
            case .high: 2
            }
        let data = levelBits << 3 | mask
        var remainder = data
        for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        return (data << 10 | remainder & 0x3FF) ^ 0x5412
    }

    /// The 18 version bits from version 7 on: the version protected by a BCH(18,6) code, so a reader does not have
    /// to infer it from the symbol's size alone.
    static func versionBits(version: Int) -> Int {
        var remainder = version
        for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
        return version << 12 | remainder & 0xFFF
    }
}
