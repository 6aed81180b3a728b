/// Photos as clinics upload them, shared by the core's reader tests and the server's upload tests: Pillow-made 8×8
/// images given the metadata a phone, a photo editor and a records clerk would add (no binary files in the tree).
public enum PhotoSamples {
    /// JFIF + EXIF (Make AcmeCam, Model Derm9000, Orientation 6, DateTimeOriginal, BodySerialNumber SN123, GPS 51°30′N 0°7′W)
    /// + XMP with exif:GPSLatitude + IPTC naming "Jane Do" + a comment naming "Jane Doe" + "TRAILER" after EOI.
    public static let phoneJPEG = hex(
        """
        ffd8ffe000104a46494600010100000100010000ffe100f94578696600004d4d002a000000080005010f0002000000080000004a01100002
        000000090000005201120003000000010006000087690004000000010000005b88250004000000010000008f0000000041636d6543616d00
        4465726d39303030000002900300020000001400000075a43100020000000600000089323032363a30353a30312031303a30303a30300053
        4e31323300000400010002000000024e0000000002000500000003000000c10003000200000002570000000004000500000003000000d900
        000033000000010000001e000000010000000000000001000000000000000100000007000000010000000000000001ffe1008e687474703a
        2f2f6e732e61646f62652e636f6d2f7861702f312e302f003c783a786d706d65746120786d6c6e733a783d2261646f62653a6e733a6d6574
        612f223e3c7264663a5244463e3c7264663a4465736372697074696f6e20657869663a4750534c617469747564653d2235312c33304e222f
        3e3c2f7264663a5244463e3c2f783a786d706d6574613effed002850686f746f73686f7020332e30003842494d040400000000000c1c0278
        00074a616e6520446ffffe001270617469656e74204a616e6520446f65ffdb004300100b0c0e0c0a100e0d0e1211101318281a1816161831
        23251d283a333d3c3933383740485c4e404457453738506d51575f626768673e4d71797064785c656763ffc0000b080008000801011100ff
        c4001f0000010501010101010100000000000000000102030405060708090a0bffc400b5100002010303020403050504040000017d010203
        00041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a4344
        45464748494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aa
        b2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffda0008010100003f
        00afe1187ee715ffd9545241494c4552
        """)

    /// IHDR + tEXt "Comment: GPSLatitude 51.5 Jane Doe" + iTXt "Author: Dr X" + eXIf (Make, GPS) + IDAT + IEND.
    public static let editorPNG = hex(
        """
        89504e470d0a1a0a0000000d4948445200000008000000080800000000e164e1570000002174455874436f6d6d656e74004750534c617469
        747564652035312e35204a616e6520446f651d0149b70000000f69545874417574686f720000000000447220589c69b14b00000090655849
        664d4d002a000000080002010f0002000000080000002688250004000000010000002e0000000041636d6543616d00000400010002000000
        024e00000000020005000000030000006000030002000000025700000000040005000000030000007800000033000000010000001e000000
        0100000000000000010000000000000001000000070000000100000000000000018ad9087a0000001249444154789c636490810026162820
        8f0100516401b4b31f1cd30000000049454e44ae426082
        """)

    /// Bytes from hex digits, ignoring whitespace.
    public static func hex(_ s: String) -> [UInt8] {
        let digits = s.utf8.compactMap { c -> UInt8? in
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x61...0x66: c - 0x61 + 10
            default: nil
            }
        }
        return stride(from: 0, to: digits.count - 1, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
    }

    /// The phone JPEG with another JFIF pixel density (a kept field): a different image file, so a second photo of
    /// the course is not refused as the same image twice.
    public static func jpeg(_ variant: UInt8) -> [UInt8] {
        var b = phoneJPEG
        b[15] = variant  // APP0 JFIF X density, low byte
        return b
    }

    /// The start of a GIF: a real image, in a format a clinical photo may not be.
    public static let gif: [UInt8] = Array("GIF89a".utf8) + [1, 0, 1, 0, 0, 0, 0, 0x3B]

    /// Whether the bytes contain the text, to check what metadata survived.
    public static func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        let n = Array(needle.utf8)
        guard haystack.count >= n.count else { return false }
        return (0...(haystack.count - n.count)).contains { Array(haystack[$0..<($0 + n.count)]) == n }
    }
}
