/// PNG cleaning: every chunk is checked against its CRC, and the chunks that carry text, EXIF or a timestamp are dropped.
enum PNGCleaner {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    static let truncated = ImageProblem(problem: "the PNG is truncated")
    static func damaged(_ why: String) -> ImageProblem { ImageProblem(problem: "the PNG is damaged (\(why))") }

    /// Walks the chunks from IHDR to IEND; kept chunks are copied with their CRC untouched.
    static func clean(_ b: [UInt8]) throws(ImageProblem) -> ClinicalImage {
        var out = signature
        var removed = RemovedParts()
        var size: (width: Int, height: Int)?
        var hasData = false, hadLocation = false
        var rotation: UInt16?
        var i = signature.count
        walk: while true {
            guard i + 8 <= b.count else { throw truncated }
            let length = Bytes.be32(b, i)
            guard length <= 0x7FFF_FFFF else { throw damaged("a chunk is longer than PNG allows") }
            let typeBytes = b[(i + 4)..<(i + 8)]
            guard typeBytes.allSatisfy({ ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A }) else { throw damaged("a chunk type is not four letters") }
            let type = String(decoding: typeBytes, as: UTF8.self)
            let end = i + 12 + length
            guard end <= b.count else { throw truncated }
            guard crc(b[(i + 4)..<(end - 4)]) == UInt32(Bytes.be32(b, end - 4)) else { throw damaged("chunk \(type) fails its checksum") }
            let data = b[(i + 8)..<(end - 4)]
            let chunk = b[i..<end]
            i = end
            if size == nil {
                guard type == "IHDR", length == 13 else { throw damaged("it does not start with its header chunk") }
                let width = Bytes.be32(b, data.startIndex), height = Bytes.be32(b, data.startIndex + 4)
                guard width > 0 && height > 0 else { throw ImageProblem(problem: "the PNG has no size (width or height is zero)") }
                size = (width, height)
                out += chunk
                continue walk
            }
            switch type {
            case "IEND":
                guard hasData else { throw ImageProblem(problem: "the PNG has no image data") }
                out += chunk
                break walk
            case "IHDR":
                throw damaged("it has a second header chunk")
            case "IDAT":
                hasData = true
                out += chunk
            case "tEXt", "zTXt", "iTXt":
                hadLocation = hadLocation || Bytes.mentionsLocation(data)
                removed.add("PNG text chunk \(type)")
            case "eXIf":
                let tiff = Array(data.starts(with: JPEGCleaner.exifID) ? data.dropFirst(JPEGCleaner.exifID.count) : data)
                let exif = ExifSummary(tiff: tiff)
                rotation = rotation ?? exif.rotation
                hadLocation = hadLocation || exif.hasGPS
                if !ExifSummary.isMinimal(tiff) { removed.add("PNG eXIf") }
            case "tIME":
                removed.add("PNG tIME")
            default:
                out += chunk  // palette, transparency, colour space, ICC profile, gamma, pixel size and the rest
            }
        }
        if i < b.count { removed.add("data after the end of the image") }
        if let rotation {
            // Viewers that honour eXIf turn the photo the right way up; it sits before the image data as PNG requires.
            let tiff = ExifSummary.minimalTIFF(orientation: rotation)
            let body = Array("eXIf".utf8) + tiff
            let sum = crc(body[...])
            let chunk = [0, 0, 0, UInt8(tiff.count)] + body + [UInt8(sum >> 24), UInt8(sum >> 16 & 0xFF), UInt8(sum >> 8 & 0xFF), UInt8(sum & 0xFF)]
            out.insert(contentsOf: chunk, at: signature.count + 25)
        }
        guard let size else { throw truncated }
        return ClinicalImage(format: .png, width: size.width, height: size.height, bytes: out, removed: removed.names, hadLocation: hadLocation)
    }

    /// CRC-32 as PNG defines it (ISO 3309, reflected polynomial 0xEDB88320).
    static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// The checksum over a chunk's type and data, which PNG stores after the data.
    static func crc(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        let table = crcTable
        var c: UInt32 = 0xFFFF_FFFF
        for x in bytes { c = table[Int((c ^ UInt32(x)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}
