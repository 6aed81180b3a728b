/// The two formats a clinical photo may be stored in: the ones every browser and record viewer shows without plug-ins.
public enum ImageFormat: String, Sendable, Codable, CaseIterable {
    /// Camera and dermatoscope photos, as phones and clinic cameras take them.
    case jpeg
    /// Lossless exports such as annotated or cropped images from imaging software.
    case png

    /// The media type the photo is served with, so a browser shows it instead of guessing from its bytes.
    public var mediaType: String {
        switch self {
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        }
    }

    /// The extension of the stored file, taken from the content so an upload's name can never mislabel it.
    public var fileExtension: String {
        switch self {
        case .jpeg: "jpg"
        case .png: "png"
        }
    }
}

/// Why an uploaded file cannot be stored as a clinical photo, in one line the clinician can act on.
public struct ImageProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The reason, worded for the person who chose the file.
    public let problem: String
    /// The reason as shown on the upload form and in logs.
    public var description: String { problem }
}

/// A photo checked and cleaned for the record: it decodes, and it tells nothing about the patient but the picture.
public struct ClinicalImage: Sendable, Equatable {
    /// The format found in the content, which decides how the record serves the photo.
    public let format: ImageFormat
    /// Width in pixels as the file stores it, for laying out before/after comparisons.
    public let width: Int
    /// Height in pixels as the file stores it, for laying out before/after comparisons.
    public let height: Int
    /// The cleaned bytes to store: location, camera, author and time metadata are gone.
    public let bytes: [UInt8]
    /// What was taken out, named for the audit trail, e.g. "EXIF (with GPS location)", "XMP", "PNG text chunk tEXt".
    public let removed: [String]
    /// Whether the original said where it was taken, so the audit can note that a location was discarded.
    public let hadLocation: Bool
}

/// Reads clinical photo uploads: the type comes from the content alone, because a file name proves nothing.
public enum ClinicalImageReader {
    /// Largest accepted upload, 15 MiB: ample for a phone photo, and a bound on the memory one upload can take.
    public static let maximumBytes = 15 * 1024 * 1024

    /// Checks, validates and cleans an upload; names are never consulted, so a PNG called "x.jpg" is read as PNG.
    public static func read(_ bytes: [UInt8], maximumBytes: Int = ClinicalImageReader.maximumBytes) throws(ImageProblem) -> ClinicalImage {
        if bytes.isEmpty { throw ImageProblem(problem: "the file is empty") }
        if bytes.count > maximumBytes {
            throw ImageProblem(
                problem: "photos are at most \(mebibytes(maximumBytes, roundingUp: false)); this file is \(mebibytes(bytes.count, roundingUp: true))")
        }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return try JPEGCleaner.clean(bytes) }
        if bytes.starts(with: PNGCleaner.signature) { return try PNGCleaner.clean(bytes) }
        throw ImageProblem(problem: "only JPEG and PNG photos are accepted; this file is \(kind(of: bytes))")
    }

    /// The limit rounds down and the upload's size rounds up, so the size shown is always visibly over the limit.
    static func mebibytes(_ n: Int, roundingUp: Bool) -> String {
        let mib = 1024 * 1024, n = max(0, n)
        if !roundingUp && n % mib == 0 { return "\(n / mib) MiB" }
        let tenths = roundingUp ? (n / mib) * 10 + ((n % mib) * 10 + mib - 1) / mib : (n / mib) * 10 + (n % mib) * 10 / mib
        return "\(tenths / 10).\(tenths % 10) MiB"
    }

    /// Names the common things people upload by mistake, so the refusal tells them what to convert.
    static func kind(of b: [UInt8]) -> String {
        func has(_ ascii: String, at offset: Int) -> Bool {
            let s = Array(ascii.utf8)
            return b.count >= offset + s.count && b[offset..<(offset + s.count)].elementsEqual(s)
        }
        if has("GIF87a", at: 0) || has("GIF89a", at: 0) { return "a GIF image" }
        if has("RIFF", at: 0) && has("WEBP", at: 8) { return "a WebP image" }
        if has("ftyp", at: 4) {
            if ["heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1"].contains(where: { has($0, at: 8) }) { return "a HEIC/HEIF image" }
            if has("avif", at: 8) || has("avis", at: 8) { return "an AVIF image" }
            return "a video or other media file"
        }
        if has("%PDF", at: 0) { return "a PDF document" }
        if has("II*\u{0}", at: 0) || has("MM\u{0}*", at: 0) { return "a TIFF image" }
        if has("BM", at: 0) && b.count >= 14 && b[6..<10].allSatisfy({ $0 == 0 }) { return "a BMP image" }
        return "not an image"
    }
}

/// The names of what a cleaner took out, each once and in the order met, for the audit trail.
struct RemovedParts {
    private(set) var names: [String] = []
    mutating func add(_ name: String) { if !names.contains(name) { names.append(name) } }
}

/// Byte reading shared by the cleaners; callers check bounds first, so malformed uploads never index past the end.
enum Bytes {
    static func be16(_ b: [UInt8], _ i: Int) -> Int { Int(b[i]) << 8 | Int(b[i + 1]) }
    static func be32(_ b: [UInt8], _ i: Int) -> Int { be16(b, i) << 16 | be16(b, i + 2) }

    /// Whether metadata text (XMP, PNG text) gives a GPS position; drone and phone writers vary the case.
    static func mentionsLocation(_ s: ArraySlice<UInt8>) -> Bool {
        contains(s, "gpslatitude") || contains(s, "exif:gps")
    }

    /// ASCII case-insensitive search for a lower-case needle.
    static func contains(_ s: ArraySlice<UInt8>, _ needle: String) -> Bool {
        let n = Array(needle.utf8)
        var i = s.startIndex
        while i + n.count <= s.endIndex {
            var k = 0
            while k < n.count, (s[i + k] >= 0x41 && s[i + k] <= 0x5A ? s[i + k] | 0x20 : s[i + k]) == n[k] { k += 1 }
            if k == n.count { return true }
            i += 1
        }
        return false
    }
}

/// What the record keeps of EXIF before discarding it: which way up the photo is, and whether it said where it was taken.
struct ExifSummary {
    var orientation: UInt16?
    var hasGPS = false

    /// Reads IFD0 of a TIFF block in either byte order; anything malformed simply yields nothing.
    init(tiff t: [UInt8]) {
        guard t.count >= 8, t[0] == t[1], t[0] == 0x4D || t[0] == 0x49 else { return }
        let big = t[0] == 0x4D
        func u16(_ o: Int) -> Int { big ? Int(t[o]) << 8 | Int(t[o + 1]) : Int(t[o + 1]) << 8 | Int(t[o]) }
        func u32(_ o: Int) -> Int { big ? u16(o) << 16 | u16(o + 2) : u16(o + 2) << 16 | u16(o) }
        guard u16(2) == 42 else { return }
        let ifd = u32(4)
        guard ifd + 2 <= t.count else { return }
        for k in 0..<u16(ifd) {
            let e = ifd + 2 + 12 * k
            guard e + 12 <= t.count else { break }
            if u16(e) == 0x0112, u16(e + 2) == 3, u32(e + 4) >= 1 { orientation = UInt16(u16(e + 8)) }
            if u16(e) == 0x8825 { hasGPS = true }
        }
    }

    /// The orientation worth keeping: 1 is the default, and values past 8 are not orientations.
    var rotation: UInt16? { orientation.flatMap { (2...8).contains($0) ? $0 : nil } }

    /// Orientation and nothing else, big-endian, so viewers still turn the photo the right way up.
    static func minimalTIFF(orientation o: UInt16) -> [UInt8] {
        [
            0x4D, 0x4D, 0x00, 0x2A, 0, 0, 0, 8, 0, 1,
            0x01, 0x12, 0, 3, 0, 0, 0, 1, UInt8(o >> 8), UInt8(o & 0xFF), 0, 0,
            0, 0, 0, 0
        ]
    }

    /// True for a block this reader wrote itself, so re-reading a cleaned photo reports nothing removed.
    static func isMinimal(_ t: [UInt8]) -> Bool {
        guard let o = ExifSummary(tiff: t).rotation else { return false }
        return t == minimalTIFF(orientation: o)
    }
}
