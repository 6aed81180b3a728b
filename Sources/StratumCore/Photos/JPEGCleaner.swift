/// JPEG cleaning: keep every segment the decoder needs, drop every one that describes the patient, place or camera.
enum JPEGCleaner {
    // APPn segments are judged by the identifier their payload opens with, since vendors reuse marker numbers.
    static let exifID = Array("Exif\u{0}\u{0}".utf8)
    static let xmpIDs = [Array("http://ns.adobe.com/xap/1.0/\u{0}".utf8), Array("http://ns.adobe.com/xmp/extension/\u{0}".utf8)]
    static let iccID = Array("ICC_PROFILE\u{0}".utf8)
    static let jfifID = Array("JFIF\u{0}".utf8)
    static let jfxxID = Array("JFXX\u{0}".utf8)
    static let adobeID = Array("Adobe".utf8)

    static let truncated = ImageProblem(problem: "the JPEG is truncated")
    static func damaged(_ why: String) -> ImageProblem { ImageProblem(problem: "the JPEG is damaged (\(why))") }

    /// Walks the markers from SOI to EOI, copying what decodes the picture byte for byte.
    static func clean(_ b: [UInt8]) throws(ImageProblem) -> ClinicalImage {
        var out: [UInt8] = [0xFF, 0xD8]
        var removed = RemovedParts()
        var exifAt = 2  // JFIF wants APP0 first and Exif wants APP1 first; the convention is APP0 then APP1
        var rotation: UInt16?
        var hadLocation = false
        var size: (width: Int, height: Int)?
        var scanned = false
        var i = 2
        walk: while true {
            guard i < b.count else { throw truncated }
            guard b[i] == 0xFF else { throw damaged("a segment does not start with a marker") }
            while i < b.count && b[i] == 0xFF { i += 1 }  // fill bytes may pad any marker
            guard i < b.count else { throw truncated }
            let marker = b[i]
            i += 1
            switch marker {
            case 0xD9:
                guard scanned else { throw ImageProblem(problem: "the JPEG has no image data") }
                break walk
            case 0x01, 0xD0...0xD7:  // TEM and RSTn stand alone, with no length
                out += [0xFF, marker]
                continue walk
            case 0x00: throw damaged("a stray zero after a marker byte")
            case 0xD8: throw damaged("a second start of image")
            default: break
            }
            guard i + 2 <= b.count else { throw truncated }
            let end = i + Bytes.be16(b, i)
            guard end >= i + 2 else { throw damaged("a segment is shorter than its own length field") }
            guard end <= b.count else { throw truncated }
            let payload = b[(i + 2)..<end]
            let segment = b[(i - 2)..<end]  // the last fill byte is the marker's own FF
            i = end
            switch marker {
            case 0xE0 where payload.starts(with: jfifID):
                let first = out.count == 2
                let p = payload.startIndex
                if payload.count > 14 || (payload.count == 14 && (b[p + 12] != 0 || b[p + 13] != 0)) {
                    // A JFIF thumbnail can show the uncropped original, so only the density fields stay.
                    out += [0xFF, 0xE0, 0x00, 0x10] + payload.prefix(12) + [0, 0]
                    removed.add("JFIF thumbnail")
                } else {
                    out += segment
                }
                if first { exifAt = out.count }
            case 0xE0 where payload.starts(with: jfxxID):
                removed.add("JFIF thumbnail")
            case 0xE1 where payload.starts(with: exifID):
                let tiff = Array(payload.dropFirst(exifID.count))
                let exif = ExifSummary(tiff: tiff)
                rotation = rotation ?? exif.rotation
                hadLocation = hadLocation || exif.hasGPS
                if !ExifSummary.isMinimal(tiff) { removed.add(exif.hasGPS ? "EXIF (with GPS location)" : "EXIF") }
            case 0xE1 where xmpIDs.contains(where: { payload.starts(with: $0) }):
                hadLocation = hadLocation || Bytes.mentionsLocation(payload)
                removed.add("XMP")
            case 0xE2 where payload.starts(with: iccID), 0xEE where payload.starts(with: adobeID):
                out += segment  // colour profile and Adobe colour transform: without them skin tones shift
            case 0xED:
                removed.add("IPTC")
            case 0xE0...0xEF:
                removed.add("APP\(marker - 0xE0) segment")
            case 0xFE:
                removed.add("comment")
            case 0xC0...0xC3, 0xC5...0xC7, 0xC9...0xCB, 0xCD...0xCF:
                if size == nil {
                    guard payload.count >= 6 else { throw damaged("the frame header is too short") }
                    let height = Bytes.be16(b, payload.startIndex + 1), width = Bytes.be16(b, payload.startIndex + 3)
                    guard width > 0 && height > 0 else { throw ImageProblem(problem: "the JPEG has no size (width or height is zero)") }
                    size = (width, height)
                }
                out += segment
            case 0xC4, 0xCC, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF:  // tables, restart interval, line count, hierarchy
                out += segment
            case 0xDA:
                guard size != nil else { throw damaged("the image data comes before its frame header") }
                out += segment
                // Entropy-coded data runs to the first FF that is not stuffing (FF00), a restart (FFD0–D7) or fill.
                var j = i
                while true {
                    guard j + 1 < b.count else { throw truncated }
                    if b[j] == 0xFF, b[j + 1] != 0x00, b[j + 1] != 0xFF, !(0xD0...0xD7).contains(b[j + 1]) { break }
                    j += 1
                }
                out += b[i..<j]
                i = j
                scanned = true
            default:
                removed.add("reserved segment FF\(String(marker, radix: 16, uppercase: true))")
            }
        }
        out += [0xFF, 0xD9]
        if i < b.count { removed.add("data after the end of the image") }  // e.g. embedded previews or motion-photo video
        if let rotation {
            out.insert(contentsOf: [0xFF, 0xE1, 0x00, 0x22] + exifID + ExifSummary.minimalTIFF(orientation: rotation), at: exifAt)
        }
        guard let size else { throw damaged("no frame header") }
        return ClinicalImage(format: .jpeg, width: size.width, height: size.height, bytes: out, removed: removed.names, hadLocation: hadLocation)
    }
}
