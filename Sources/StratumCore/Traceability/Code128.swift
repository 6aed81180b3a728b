/// Code 128 (ISO/IEC 15417) for pack and part labels: what the clinic's scanner reads back at the chair, so a
/// pack is bound to a session by scanning, not typing. Code set B (printable ASCII), with code set C for runs of
/// digits, and the mod-103 check symbol.
public enum Code128 {
    /// Bar and space widths in modules for symbol values 0–106, bar first (ISO/IEC 15417 table 1); 106 is the stop
    /// with its final 2-module bar.
    static let patterns: [String] = [
        "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212", "221213",
        "221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221", "223211", "221132",
        "221231", "213212", "223112", "312131", "311222", "321122", "321221", "312212", "322112", "322211",
        "212123", "212321", "232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",
        "231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121", "313121", "211331",
        "231131", "213113", "213311", "213131", "311123", "311321", "331121", "312113", "312311", "332111",
        "314111", "221411", "431111", "111224", "111422", "121124", "121421", "141122", "141221", "112214",
        "112412", "122114", "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",
        "111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
        "214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311", "113141",
        "114131", "311141", "411131", "211412", "211214", "211232", "2331112"
    ]
    static let startB = 104, startC = 105, codeB = 100, codeC = 99, stop = 106

    /// Why a text cannot be drawn as Code 128 B/C.
    public struct Unencodable: Error, Sendable, Equatable {
        public let character: Character
    }

    /// The symbol values for `text`, start to check symbol (without the stop): code set C for a digit run of four
    /// or more (or a whole even-length numeric text), B otherwise.
    public static func symbols(_ text: String) throws(Unencodable) -> [Int] {
        let chars = Array(text)
        if let bad = chars.first(where: { !($0.isASCII && $0.asciiValue! >= 32 && $0.asciiValue! <= 126) }) { throw Unencodable(character: bad) }
        func digitRun(from i: Int) -> Int {
            var j = i
            while j < chars.count, chars[j].isASCII, chars[j].isNumber { j += 1 }
            return j - i
        }
        var values: [Int] = []
        var inC = false
        var i = 0
        let allDigits = !chars.isEmpty && digitRun(from: 0) == chars.count && chars.count % 2 == 0
        values.append(allDigits || digitRun(from: 0) >= 4 ? startC : startB)
        inC = values[0] == startC
        while i < chars.count {
            let run = digitRun(from: i)
            if inC {
                if run >= 2 {
                    values.append(Int(String(chars[i..<i + 2]))!)
                    i += 2
                    continue
                }
                values.append(codeB)
                inC = false
            }
            // Switch to C for a run of at least 4 digits (an odd run keeps its first digit in B).
            if run >= 4 {
                if run % 2 == 1 {
                    values.append(Int(chars[i].asciiValue!) - 32)
                    i += 1
                }
                values.append(codeC)
                inC = true
                continue
            }
            values.append(Int(chars[i].asciiValue!) - 32)
            i += 1
        }
        var sum = values[0]
        for (position, v) in values.enumerated().dropFirst() { sum += position * v }
        values.append(sum % 103)
        return values
    }

    /// The module widths of the whole symbol, bars and spaces alternating from a bar, with the quiet zones left out.
    public static func widths(_ text: String) throws(Unencodable) -> [Int] {
        (try symbols(text) + [stop]).flatMap { patterns[$0].compactMap(\.wholeNumberValue) }
    }

    /// The symbol as SVG: black bars on white with 10-module quiet zones and the text beneath, `module` user units
    /// per module. Drawn from the widths only, so what prints is what `decode` reads.
    public static func svg(_ text: String, module: Double = 2, height: Double = 60) throws(Unencodable) -> String {
        let w = try widths(text)
        let quiet = 10
        let total = Double(w.reduce(0, +) + 2 * quiet) * module
        var x = Double(quiet) * module
        var rects = ""
        for (i, width) in w.enumerated() {
            let dx = Double(width) * module
            if i % 2 == 0 { rects += "<rect x=\"\(fmt(x))\" y=\"0\" width=\"\(fmt(dx))\" height=\"\(fmt(height))\"/>" }
            x += dx
        }
        let escaped = text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        return
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"barcode\" viewBox=\"0 0 \(fmt(total)) \(fmt(height + 16))\" role=\"img\" aria-label=\"Code 128 barcode \(escaped)\">"
            + "<rect x=\"0\" y=\"0\" width=\"\(fmt(total))\" height=\"\(fmt(height + 16))\" fill=\"#fff\"/><g fill=\"#000\">\(rects)</g>"
            + "<text x=\"\(fmt(total / 2))\" y=\"\(fmt(height + 13))\" text-anchor=\"middle\" font-family=\"monospace\" font-size=\"12\">\(escaped)</text></svg>"
    }

    /// Reads module widths back to the text, checking every pattern and the check symbol: the inverse of `widths`.
    public static func decode(_ widths: [Int]) -> String? {
        guard widths.count >= 6 * 3 + 7, (widths.count - 7) % 6 == 0 else { return nil }
        var values: [Int] = []
        var i = 0
        while i < widths.count - 7 {
            let p = widths[i..<i + 6].map(String.init).joined()
            guard let v = patterns.firstIndex(of: p) else { return nil }
            values.append(v)
            i += 6
        }
        guard widths[(widths.count - 7)...].map(String.init).joined() == patterns[stop] else { return nil }
        let check = values.removeLast()
        var sum = values[0]
        for (position, v) in values.enumerated().dropFirst() { sum += position * v }
        guard sum % 103 == check else { return nil }
        var out = ""
        var inC: Bool
        switch values[0] {
        case startB: inC = false
        case startC: inC = true
        default: return nil
        }
        for v in values.dropFirst() {
            if inC {
                if v == codeB { inC = false; continue }
                guard v < 100 else { return nil }
                out += v < 10 ? "0\(v)" : "\(v)"
            } else {
                if v == codeC { inC = true; continue }
                guard v < 95 else { return nil }
                out.append(Character(Unicode.Scalar(UInt8(v + 32))))
            }
        }
        return out
    }

    static func fmt(_ d: Double) -> String { d.rounded() == d ? String(Int(d)) : String(d) }
}
