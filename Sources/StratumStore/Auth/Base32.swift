/// RFC 4648 Base32, the form in which authenticator apps accept a TOTP secret typed in by hand when the camera
/// cannot read the enrolment code: upper-case letters and 2–7, no look-alike digits.
public enum Base32 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    /// The bytes as Base32 without `=` padding, which authenticator URIs omit.
    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 8 + 4) / 5)
        var buffer = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
            buffer &= (1 << bits) - 1
        }
        if bits > 0 { out.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of a Base32 text as a person or another system may write it: any case, spaces or hyphens between
    /// groups, with or without trailing `=` padding. Nil for any other character, or a length no encoding produces.
    public static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer = 0
        var bits = 0
        var symbols = 0
        var padded = false
        for c in text.utf8 {
            let value: Int
            switch c {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "-"): continue
            case UInt8(ascii: "="):
                padded = true
                continue
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = Int(c - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = Int(c - UInt8(ascii: "a"))
            case UInt8(ascii: "2")...UInt8(ascii: "7"): value = Int(c - UInt8(ascii: "2")) + 26
            default: return nil
            }
            // Padding only ever ends the text.
            guard !padded else { return nil }
            buffer = (buffer << 5) | value
            bits += 5
            symbols += 1
            if bits >= 8 {
                out.append(UInt8((buffer >> (bits - 8)) & 0xFF))
                bits -= 8
                buffer &= (1 << bits) - 1
            }
        }
        // 1, 3 or 6 symbols past a whole 8 would leave a partial byte: a typing slip, not a secret.
        guard ![1, 3, 6].contains(symbols % 8) else { return nil }
        return out
    }
}
