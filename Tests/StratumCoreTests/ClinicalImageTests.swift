import Testing
@testable import StratumCore
import StratumTestFixtures

/// Photos as clinics upload them (StratumTestFixtures.PhotoSamples) and the byte surgery the reader's tests do on them.
private enum PhotoFixture {
    static let phoneJPEG = PhotoSamples.phoneJPEG
    static let editorPNG = PhotoSamples.editorPNG

    /// The phone photo with every metadata segment and the trailer taken out by hand: what a clean upload looks like.
    static let plainJPEG: [UInt8] = {
        let parts = jpegSegments(phoneJPEG)
        return jpeg(parts.segments.filter { [0xE0, 0xDB, 0xC0, 0xC4, 0xDA].contains($0.marker) }, scan: parts.scan.dropLast("TRAILER".utf8.count))
    }()

    /// The editor's PNG reduced to IHDR, IDAT and IEND.
    static let plainPNG: [UInt8] = png(pngChunks(editorPNG).filter { ["IHDR", "IDAT", "IEND"].contains($0.type) }.map { ($0.type, $0.data) })

    static func contains(_ haystack: [UInt8], _ needle: String) -> Bool { PhotoSamples.contains(haystack, needle) }

    static func u16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
    static func u32(_ v: Int) -> [UInt8] { u16(v >> 16) + u16(v & 0xFFFF) }

    /// The header segments up to and including SOS, and everything after SOS (scan data, EOI, trailer).
    /// Only for well-formed fixtures: it trusts every length it reads.
    static func jpegSegments(_ b: [UInt8]) -> (segments: [(marker: UInt8, payload: [UInt8])], scan: [UInt8]) {
        var segments: [(marker: UInt8, payload: [UInt8])] = []
        var i = 2
        while i + 4 <= b.count {
            let marker = b[i + 1], end = i + 2 + (Int(b[i + 2]) << 8 | Int(b[i + 3]))
            segments.append((marker, Array(b[(i + 4)..<end])))
            i = end
            if marker == 0xDA { break }
        }
        return (segments, Array(b[i...]))
    }

    static func segment(_ marker: UInt8, _ payload: [UInt8]) -> [UInt8] { [0xFF, marker] + u16(payload.count + 2) + payload }

    static func jpeg(_ segments: [(marker: UInt8, payload: [UInt8])], scan: [UInt8]) -> [UInt8] {
        [0xFF, 0xD8] + segments.flatMap { segment($0.marker, $0.payload) } + scan
    }

    /// The plain photo with extra segments placed right after its APP0.
    static func plainJPEG(inserting extra: [(marker: UInt8, payload: [UInt8])]) -> [UInt8] {
        let parts = jpegSegments(plainJPEG)
        return jpeg([parts.segments[0]] + extra + parts.segments.dropFirst(), scan: parts.scan)
    }

    /// The APP1 payload this reader must write for an orientation: TIFF "MM", IFD0 with Orientation alone.
    static func minimalExif(_ orientation: UInt8) -> [UInt8] {
        Array("Exif\u{0}\u{0}".utf8) + [0x4D, 0x4D, 0x00, 0x2A, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0]
    }

    /// Little-endian ("II") EXIF, as many phones write it: Make, Orientation and, if asked, a GPS IFD with GPSLatitudeRef.
    static func littleEndianExif(orientation: UInt8, gps: Bool = true) -> [UInt8] {
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func le32(_ v: Int) -> [UInt8] { le16(v & 0xFFFF) + le16(v >> 16) }
        func entry(_ tag: Int, _ type: Int, _ count: Int, _ value: [UInt8]) -> [UInt8] { le16(tag) + le16(type) + le32(count) + value }
        let entries = gps ? 3 : 2
        let gpsOffset = 8 + 2 + entries * 12 + 4
        let makeOffset = gpsOffset + (gps ? 2 + 12 + 4 : 0)
        var ifd0 = le16(entries) + entry(0x010F, 2, 8, le32(makeOffset)) + entry(0x0112, 3, 1, le16(Int(orientation)) + [0, 0])
        if gps { ifd0 += entry(0x8825, 4, 1, le32(gpsOffset)) }
        let gpsIFD = gps ? le16(1) + entry(0x0001, 2, 2, Array("N\u{0}\u{0}\u{0}".utf8)) + le32(0) : []
        return Array("Exif\u{0}\u{0}".utf8) + [0x49, 0x49, 0x2A, 0x00] + le32(8) + ifd0 + le32(0) + gpsIFD + Array("PhoneCo\u{0}".utf8)
    }

    /// CRC-32 bit by bit, written independently of the table-driven one under test.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            c ^= UInt32(byte)
            for _ in 0..<8 { c = (c >> 1) ^ (c & 1 == 1 ? 0xEDB8_8320 : 0) }
        }
        return ~c
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return u32(data.count) + body + u32(Int(crc32(body)))
    }

    static func png(_ chunks: [(String, [UInt8])]) -> [UInt8] {
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunks.flatMap { chunk($0.0, $0.1) }
    }

    /// Every chunk with its stored CRC; trusts the lengths, so only for PNGs the reader has accepted.
    static func pngChunks(_ b: [UInt8]) -> [(type: String, data: [UInt8], crc: UInt32)] {
        var chunks: [(type: String, data: [UInt8], crc: UInt32)] = []
        var i = 8
        while i + 12 <= b.count {
            let length = b[i..<(i + 4)].reduce(0) { $0 << 8 | Int($1) }
            let end = i + 12 + length
            let crc = b[(end - 4)..<end].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            chunks.append((String(decoding: b[(i + 4)..<(i + 8)], as: UTF8.self), Array(b[(i + 8)..<(end - 4)]), crc))
            i = end
        }
        return chunks
    }

    /// The plain PNG with extra chunks placed right after IHDR.
    static func plainPNG(inserting extra: [(String, [UInt8])]) -> [UInt8] {
        let parts = pngChunks(plainPNG).map { ($0.type, $0.data) }
        return png([parts[0]] + extra + parts.dropFirst())
    }
}

/// The start of a file that is not a JPEG or PNG, named in test output by what it is rather than by its raw bytes.
struct PhotoUploadSample: Sendable, CustomTestStringConvertible {
    let bytes: [UInt8]
    let kind: String
    init(_ content: String, _ kind: String) { bytes = Array(content.utf8); self.kind = kind }
    var testDescription: String { kind }
}

/// SplitMix64, so a failing mutation can be reproduced from its seed.
private struct PhotoFuzzRNG: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Clinical photos: type from content, personal metadata removed, clear refusals")
struct ClinicalImageTests {
    @Test("a phone JPEG loses its GPS, camera, XMP, IPTC, comment and trailer but keeps its orientation")
    func phoneJPEG() throws {
        let image = try ClinicalImageReader.read(PhotoFixture.phoneJPEG)
        #expect(image.format == .jpeg && image.width == 8 && image.height == 8)
        #expect(image.hadLocation)
        #expect(image.removed == ["EXIF (with GPS location)", "XMP", "IPTC", "comment", "data after the end of the image"])
        for leak in ["GPS", "AcmeCam", "Derm9000", "SN123", "2026:05", "Jane", "Photoshop", "xmpmeta", "TRAILER"] {
            #expect(!PhotoFixture.contains(image.bytes, leak), "cleaned JPEG still contains \(leak)")
        }
        let parts = PhotoFixture.jpegSegments(image.bytes)
        #expect(parts.segments.map(\.marker) == [0xE0, 0xE1, 0xDB, 0xC0, 0xC4, 0xC4, 0xDA])
        #expect(parts.segments[1].payload == PhotoFixture.minimalExif(6))
        #expect(image.bytes.suffix(2) == [0xFF, 0xD9])
        // The picture itself is copied byte for byte: tables, frame header, scan header and entropy-coded data.
        let original = PhotoFixture.jpegSegments(PhotoFixture.phoneJPEG)
        #expect(parts.segments.dropFirst(2).map(\.payload) == original.segments.filter { $0.marker >= 0xC0 && $0.marker <= 0xDF }.map(\.payload))
        #expect(parts.scan == Array(original.scan.dropLast("TRAILER".utf8.count)))
    }

    @Test("a cleaned photo re-reads to itself with nothing more removed")
    func idempotent() throws {
        for upload in [PhotoFixture.phoneJPEG, PhotoFixture.editorPNG, PhotoFixture.plainJPEG, PhotoFixture.plainPNG] {
            let cleaned = try ClinicalImageReader.read(upload)
            let again = try ClinicalImageReader.read(cleaned.bytes)
            #expect(again.bytes == cleaned.bytes)
            #expect(again.removed.isEmpty && !again.hadLocation)
            #expect(again.format == cleaned.format && again.width == cleaned.width && again.height == cleaned.height)
        }
        #expect(try ClinicalImageReader.read(PhotoFixture.plainJPEG).bytes == PhotoFixture.plainJPEG)
        #expect(try ClinicalImageReader.read(PhotoFixture.plainPNG).bytes == PhotoFixture.plainPNG)
    }

    @Test("little-endian EXIF is read too: its GPS pointer is noticed and its orientation rewritten big-endian")
    func littleEndianExif() throws {
        let upload = PhotoFixture.plainJPEG(inserting: [(0xE1, PhotoFixture.littleEndianExif(orientation: 8))])
        let image = try ClinicalImageReader.read(upload)
        #expect(image.hadLocation && image.removed == ["EXIF (with GPS location)"])
        #expect(!PhotoFixture.contains(image.bytes, "PhoneCo"))
        #expect(PhotoFixture.jpegSegments(image.bytes).segments[1].payload == PhotoFixture.minimalExif(8))
    }

    @Test("EXIF with the default orientation and no GPS leaves no EXIF behind and no location flag")
    func uprightExif() throws {
        let exif = PhotoFixture.littleEndianExif(orientation: 1, gps: false)
        let image = try ClinicalImageReader.read(PhotoFixture.plainJPEG(inserting: [(0xE1, exif)]))
        #expect(!image.hadLocation && image.removed == ["EXIF"])
        #expect(image.bytes == PhotoFixture.plainJPEG)
    }

    @Test("GPS named only in XMP still counts as a location")
    func xmpLocation() throws {
        let xmp = Array("http://ns.adobe.com/xap/1.0/\u{0}<rdf:Description exif:GPSLongitude=\"0,7W\"/>".utf8)
        let image = try ClinicalImageReader.read(PhotoFixture.plainJPEG(inserting: [(0xE1, xmp)]))
        #expect(image.hadLocation && image.removed == ["XMP"])
        let plain = Array("http://ns.adobe.com/xap/1.0/\u{0}<rdf:Description dc:creator=\"Dr X\"/>".utf8)
        #expect(try !ClinicalImageReader.read(PhotoFixture.plainJPEG(inserting: [(0xE1, plain)])).hadLocation)
    }

    @Test("the ICC profile and Adobe colour transform stay, so skin tones render as shot; other APPn segments go")
    func colourSegmentsKept() throws {
        let icc: (marker: UInt8, payload: [UInt8]) = (0xE2, Array("ICC_PROFILE\u{0}".utf8) + [1, 1, 0, 0, 0, 0])
        let adobe: (marker: UInt8, payload: [UInt8]) = (0xEE, Array("Adobe".utf8) + [0, 100, 0, 0, 0, 0, 1])
        let mpf: (marker: UInt8, payload: [UInt8]) = (0xE2, Array("MPF\u{0}".utf8) + [0, 0])
        let ducky: (marker: UInt8, payload: [UInt8]) = (0xEC, Array("Ducky".utf8) + [0, 1])
        let image = try ClinicalImageReader.read(PhotoFixture.plainJPEG(inserting: [icc, mpf, adobe, ducky]))
        #expect(image.bytes == PhotoFixture.plainJPEG(inserting: [icc, adobe]))
        #expect(image.removed == ["APP2 segment", "APP12 segment"])
    }

    @Test("a JFIF thumbnail, which may show the uncropped original, is dropped and the JFIF header kept")
    func jfifThumbnail() throws {
        let parts = PhotoFixture.jpegSegments(PhotoFixture.plainJPEG)
        var app0 = parts.segments[0].payload
        app0[12] = 1; app0[13] = 1
        app0 += [200, 10, 10]  // one RGB pixel of thumbnail
        let upload = PhotoFixture.jpeg([(marker: 0xE0, payload: app0)] + Array(parts.segments.dropFirst()), scan: parts.scan)
        let image = try ClinicalImageReader.read(upload)
        #expect(image.bytes == PhotoFixture.plainJPEG && image.removed == ["JFIF thumbnail"])
    }

    @Test("fill bytes before a marker and restart or TEM markers outside a scan are handled, not refused")
    func fillBytesAndStandaloneMarkers() throws {
        let parts = PhotoFixture.jpegSegments(PhotoFixture.plainJPEG)
        let head = PhotoFixture.jpeg(Array(parts.segments.prefix(1)), scan: [])
        let rest = parts.segments.dropFirst().flatMap { PhotoFixture.segment($0.marker, $0.payload) }
        let padded = head + [0xFF, 0xFF, 0xFF] + rest + parts.scan
        #expect(try ClinicalImageReader.read(padded).bytes == PhotoFixture.plainJPEG)
        let standalone = head + [0xFF, 0x01, 0xFF, 0xD0] + rest + parts.scan
        #expect(try ClinicalImageReader.read(standalone).bytes == standalone)
    }

    @Test("a PNG loses its text, eXIf and tIME chunks; every other chunk is copied with its CRC unchanged")
    func pngChunksCleaned() throws {
        let image = try ClinicalImageReader.read(PhotoFixture.editorPNG)
        #expect(image.format == .png && image.width == 8 && image.height == 8)
        #expect(image.hadLocation)
        #expect(image.removed == ["PNG text chunk tEXt", "PNG text chunk iTXt", "PNG eXIf"])
        let chunks = PhotoFixture.pngChunks(image.bytes)
        #expect(chunks.map(\.type) == ["IHDR", "IDAT", "IEND"])
        #expect(chunks.allSatisfy { PhotoFixture.crc32(Array($0.type.utf8) + $0.data) == $0.crc })
        let original = PhotoFixture.pngChunks(PhotoFixture.editorPNG)
        #expect(chunks.filter { $0.type == "IDAT" }.map(\.data) == original.filter { $0.type == "IDAT" }.map(\.data))
        for leak in ["GPS", "AcmeCam", "Jane", "Dr X"] { #expect(!PhotoFixture.contains(image.bytes, leak)) }

        let ancillary: [(String, [UInt8])] = [
            ("gAMA", PhotoFixture.u32(45455)), ("pHYs", PhotoFixture.u32(11811) + PhotoFixture.u32(11811) + [1]),
            ("sRGB", [0]), ("bKGD", [0, 0])
        ]
        let dropped: [(String, [UInt8])] = [
            ("zTXt", Array("Title\u{0}\u{0}".utf8) + [0x78, 0x9C, 0x03, 0, 0, 0, 0, 1]),
            ("tIME", [0x07, 0xEA, 5, 1, 10, 0, 0])
        ]
        let kept = try ClinicalImageReader.read(PhotoFixture.plainPNG(inserting: ancillary + dropped))
        #expect(kept.bytes == PhotoFixture.plainPNG(inserting: ancillary))
        #expect(kept.removed == ["PNG text chunk zTXt", "PNG tIME"] && !kept.hadLocation)
    }

    @Test("a PNG eXIf orientation survives as a minimal eXIf right after IHDR")
    func pngOrientation() throws {
        let exif = Array(PhotoFixture.littleEndianExif(orientation: 6).dropFirst(6))
        let image = try ClinicalImageReader.read(PhotoFixture.plainPNG(inserting: [("eXIf", exif)]))
        #expect(image.hadLocation && image.removed == ["PNG eXIf"])
        #expect(image.bytes == PhotoFixture.plainPNG(inserting: [("eXIf", Array(PhotoFixture.minimalExif(6).dropFirst(6)))]))
    }

    @Test("the content decides the type: PNG bytes uploaded as \"wound.jpg\" are stored as PNG")
    func contentWins() throws {
        // There is no name parameter: ClinicalImageReader never consults a file name or a declared type.
        let image = try ClinicalImageReader.read(PhotoFixture.plainPNG)
        #expect(image.format == .png && image.format.fileExtension == "png" && image.format.mediaType == "image/png")
        #expect(ImageFormat.jpeg.mediaType == "image/jpeg" && ImageFormat.jpeg.fileExtension == "jpg")
        #expect(ImageFormat.allCases == [.jpeg, .png])
    }

    @Test(
        "other formats are refused naming what they are",
        arguments: [
            PhotoUploadSample("GIF89a\u{1}\u{0}\u{1}\u{0}", "a GIF image"),
            PhotoUploadSample("RIFF\u{24}\u{0}\u{0}\u{0}WEBPVP8 ", "a WebP image"),
            PhotoUploadSample("\u{0}\u{0}\u{0}\u{18}ftypheic\u{0}\u{0}\u{0}\u{0}", "a HEIC/HEIF image"),
            PhotoUploadSample("\u{0}\u{0}\u{0}\u{18}ftypmif1\u{0}\u{0}\u{0}\u{0}", "a HEIC/HEIF image"),
            PhotoUploadSample("%PDF-1.7\n", "a PDF document"),
            PhotoUploadSample("II*\u{0}\u{8}\u{0}\u{0}\u{0}", "a TIFF image"),
            PhotoUploadSample("MM\u{0}*\u{0}\u{0}\u{0}\u{8}", "a TIFF image"),
            PhotoUploadSample("BM\u{46}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{36}\u{0}\u{0}\u{0}", "a BMP image"),
            PhotoUploadSample("Patient: Jane Doe, left cheek, session 3", "not an image")
        ])
    func otherFormats(_ sample: PhotoUploadSample) {
        #expect(throws: ImageProblem(problem: "only JPEG and PNG photos are accepted; this file is \(sample.kind)")) {
            try ClinicalImageReader.read(sample.bytes)
        }
    }

    @Test("empty and oversize uploads are refused with their size")
    func sizes() {
        #expect(throws: ImageProblem(problem: "the file is empty")) { try ClinicalImageReader.read([]) }
        #expect(throws: ImageProblem(problem: "photos are at most 1 MiB; this file is 1.5 MiB")) {
            try ClinicalImageReader.read(
                PhotoFixture.plainJPEG + [UInt8](repeating: 0, count: 1024 * 1024 / 2 * 3 - PhotoFixture.plainJPEG.count),
                maximumBytes: 1024 * 1024)
        }
        // Rounded up, so a file just over the limit never reads as equal to it.
        #expect(throws: ImageProblem(problem: "photos are at most 15 MiB; this file is 15.1 MiB")) {
            try ClinicalImageReader.read([UInt8](repeating: 0xFF, count: ClinicalImageReader.maximumBytes + 1))
        }
        #expect(ClinicalImageReader.maximumBytes == 15 * 1024 * 1024)
        #expect((try? ClinicalImageReader.read(PhotoFixture.plainJPEG, maximumBytes: PhotoFixture.plainJPEG.count)) != nil)
    }

    @Test("truncated and damaged JPEGs are refused with a one-line reason")
    func damagedJPEG() {
        let plain = PhotoFixture.plainJPEG
        let truncated = ImageProblem(problem: "the JPEG is truncated")
        #expect(throws: truncated) { try ClinicalImageReader.read(Array(plain.dropLast(2))) }  // no EOI
        #expect(throws: truncated) { try ClinicalImageReader.read(Array(plain.prefix(40))) }  // inside a table
        #expect(throws: truncated) { try ClinicalImageReader.read([0xFF, 0xD8, 0xFF]) }
        #expect(throws: truncated) { try ClinicalImageReader.read([0xFF, 0xD8, 0xFF, 0xFE, 0x40, 0x00, 1, 2, 3]) }  // length past the end

        let parts = PhotoFixture.jpegSegments(plain)
        let noScan = PhotoFixture.jpeg(Array(parts.segments.dropLast()), scan: [0xFF, 0xD9])
        #expect(throws: ImageProblem(problem: "the JPEG has no image data")) { try ClinicalImageReader.read(noScan) }
        let noFrame = PhotoFixture.jpeg(parts.segments.filter { $0.marker != 0xC0 }, scan: parts.scan)
        #expect(throws: ImageProblem(problem: "the JPEG is damaged (the image data comes before its frame header)")) {
            try ClinicalImageReader.read(noFrame)
        }
        let zeroWidth = PhotoFixture.jpeg(parts.segments.map { $0.marker == 0xC0 ? (0xC0, [8, 0, 8, 0, 0, 1, 1, 0x11, 0]) : $0 }, scan: parts.scan)
        #expect(throws: ImageProblem(problem: "the JPEG has no size (width or height is zero)")) { try ClinicalImageReader.read(zeroWidth) }
        #expect(throws: ImageProblem(problem: "the JPEG is damaged (a segment does not start with a marker)")) {
            try ClinicalImageReader.read([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x02, 0x12, 0x34])
        }
    }

    @Test("truncated and damaged PNGs are refused with a one-line reason")
    func damagedPNG() {
        let plain = PhotoFixture.plainPNG
        #expect(throws: ImageProblem(problem: "the PNG is truncated")) { try ClinicalImageReader.read(Array(plain.dropLast(12))) }  // no IEND
        #expect(throws: ImageProblem(problem: "the PNG is truncated")) { try ClinicalImageReader.read(Array(plain.prefix(50))) }
        var badCRC = plain
        badCRC[8 + 25 + 8 + 3] ^= 0x01  // a byte of IDAT data
        #expect(throws: ImageProblem(problem: "the PNG is damaged (chunk IDAT fails its checksum)")) { try ClinicalImageReader.read(badCRC) }

        let chunks = PhotoFixture.pngChunks(plain).map { ($0.type, $0.data) }
        #expect(throws: ImageProblem(problem: "the PNG has no image data")) {
            try ClinicalImageReader.read(PhotoFixture.png(chunks.filter { $0.0 != "IDAT" }))
        }
        #expect(throws: ImageProblem(problem: "the PNG is damaged (it does not start with its header chunk)")) {
            try ClinicalImageReader.read(PhotoFixture.png([("gAMA", PhotoFixture.u32(45455))] + chunks))
        }
        var zeroHeight = chunks
        zeroHeight[0].1 = PhotoFixture.u32(8) + PhotoFixture.u32(0) + [8, 0, 0, 0, 0]
        #expect(throws: ImageProblem(problem: "the PNG has no size (width or height is zero)")) {
            try ClinicalImageReader.read(PhotoFixture.png(zeroHeight))
        }
    }

    @Test("2,000 random mutations of each photo are refused or give a photo that re-reads to itself; none crash")
    func mutations() {
        var rng = PhotoFuzzRNG(state: 20_260_501)
        var failures: [String] = []
        for (name, original) in [("JPEG", PhotoFixture.phoneJPEG), ("PNG", PhotoFixture.editorPNG)] {
            for round in 0..<2_000 {
                var bytes = original
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    guard !bytes.isEmpty else { break }
                    let at = Int.random(in: 0..<bytes.count, using: &rng)
                    switch Int.random(in: 0..<6, using: &rng) {
                    case 0: bytes[at] = UInt8.random(in: 0...255, using: &rng)
                    case 1: bytes[at] = [0x00, 0xFF, 0xD9, 0xDA, 0x7F][Int.random(in: 0..<5, using: &rng)]
                    case 2:
                        bytes.insert(contentsOf: (0..<Int.random(in: 1...8, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }, at: at)
                    case 3: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...16, using: &rng)))
                    case 4: bytes.removeSubrange(at...)
                    default: bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + 12)], at: Int.random(in: 0...bytes.count, using: &rng))
                    }
                }
                let image: ClinicalImage
                do throws(ImageProblem) {
                    image = try ClinicalImageReader.read(bytes)
                } catch {
                    if error.problem.isEmpty { failures.append("\(name) round \(round): refused with an empty reason") }
                    continue
                }
                do throws(ImageProblem) {
                    let again = try ClinicalImageReader.read(image.bytes)
                    if again.bytes != image.bytes { failures.append("\(name) round \(round): cleaning is not idempotent") }
                } catch {
                    failures.append("\(name) round \(round): cleaned bytes refused: \(error)")
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }
}
