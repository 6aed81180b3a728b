import Foundation

/// The identifiers printed on a single-use needle cartridge's label as GS1 application identifiers (AI 01 GTIN,
/// 17 expiry, 10 lot, 21 serial), read from what a barcode scanner types or from the bracketed human-readable
/// line, so a part is traced by lot and serial without retyping (POLICY §4, `DEV-*`).
public struct GS1Element: Sendable, Equatable {
    /// 14 digits, check digit verified.
    public var gtin: String?
    /// The expiry date; a label's day 00 means the last day of that month.
    public var expiry: LocalDate?
    public var lot: String?
    public var serial: String?

    public init(gtin: String? = nil, expiry: LocalDate? = nil, lot: String? = nil, serial: String? = nil) {
        self.gtin = gtin
        self.expiry = expiry
        self.lot = lot
        self.serial = serial
    }
}

/// Why a scanned or typed GS1 string was not accepted; the message names the AI and the rule.
public struct GS1Error: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// Parser of GS1 element strings (GS1 General Specifications §3 and §7.8–7.12) for the AIs Stratum traces.
public enum GS1ElementString {
    /// The group separator (ASCII 29) a scanner sends for FNC1 after a variable-length field.
    public static let groupSeparator: Character = "\u{1D}"

    /// Variable-length AIs and their maximum lengths; fixed-length ones are listed with their exact length.
    static let fixedLength: [String: Int] = ["01": 14, "17": 6]
    static let variableLength: [String: Int] = ["10": 20, "21": 20]

    /// Parses `text`, raw (as a scanner types it, with or without the symbology identifier `]C1`, `]d2`, `]Q3` and
    /// with group separators) or bracketed (`(01)09506000134352(17)261231(10)A1`). `today` sets the century of
    /// the two-digit expiry year (GS1 §7.12: within 49 years ahead or 50 behind).
    public static func parse(_ text: String, today: LocalDate) throws(GS1Error) -> GS1Element {
        var s = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !s.isEmpty else { throw GS1Error(message: "empty: scan the label or type its human-readable line") }
        guard s.count <= 200 else { throw GS1Error(message: "longer than 200 characters: not a GS1 label") }
        let pairs = s.hasPrefix("(") ? try bracketed(s) : try raw(&s)
        var out = GS1Element()
        var seen = Set<String>()
        for (ai, value) in pairs {
            guard seen.insert(ai).inserted else { throw GS1Error(message: "AI (\(ai)) appears twice") }
            switch ai {
            case "01": out.gtin = try gtin(value)
            case "17": out.expiry = try expiry(value, today: today)
            case "10": out.lot = try field(value, ai: ai, name: "lot")
            case "21": out.serial = try field(value, ai: ai, name: "serial")
            default: throw GS1Error(message: "AI (\(ai)) is not one Stratum reads (01 GTIN, 17 expiry, 10 lot, 21 serial)")
            }
        }
        return out
    }

    private static func bracketed(_ s: String) throws(GS1Error) -> [(String, String)] {
        var out: [(String, String)] = []
        var rest = Substring(s)
        while !rest.isEmpty {
            guard rest.first == "(", let close = rest.firstIndex(of: ")") else {
                throw GS1Error(message: "expected “(AI)” at “\(rest.prefix(12))”")
            }
            let ai = String(rest[rest.index(after: rest.startIndex)..<close])
            guard fixedLength[ai] != nil || variableLength[ai] != nil else {
                throw GS1Error(message: "AI (\(ai)) is not one Stratum reads (01 GTIN, 17 expiry, 10 lot, 21 serial)")
            }
            rest = rest[rest.index(after: close)...]
            let end = rest.firstIndex(of: "(") ?? rest.endIndex
            let value = String(rest[..<end])
            if let n = fixedLength[ai], value.count != n { throw GS1Error(message: "AI (\(ai)) takes exactly \(n) characters, got \(value.count)") }
            out.append((ai, value))
            rest = rest[end...]
        }
        return out
    }

    private static func raw(_ s: inout String) throws(GS1Error) -> [(String, String)] {
        for prefix in ["]C1", "]d2", "]Q3", "]e0"] where s.hasPrefix(prefix) { s.removeFirst(prefix.count) }
        var chars = Array(s)
        if chars.first == groupSeparator { chars.removeFirst() }  // FNC1 in first position
        var out: [(String, String)] = []
        var i = 0
        while i < chars.count {
            guard i + 2 <= chars.count else { throw GS1Error(message: "a lone “\(String(chars[i...]))” where an AI was expected") }
            let ai = String(chars[i..<i + 2])
            i += 2
            if let n = fixedLength[ai] {
                guard i + n <= chars.count else { throw GS1Error(message: "AI (\(ai)) takes exactly \(n) characters, got \(chars.count - i)") }
                out.append((ai, String(chars[i..<i + n])))
                i += n
                if i < chars.count, chars[i] == groupSeparator { i += 1 }
            } else if let max = variableLength[ai] {
                let end = chars[i...].firstIndex(of: groupSeparator) ?? chars.count
                let value = String(chars[i..<end])
                if value.count > max {
                    throw GS1Error(message: "AI (\(ai)) is at most \(max) characters, got \(value.count): is a group separator missing after it?")
                }
                out.append((ai, value))
                i = end < chars.count ? end + 1 : end
            } else {
                throw GS1Error(message: "AI (\(ai)) is not one Stratum reads (01 GTIN, 17 expiry, 10 lot, 21 serial)")
            }
        }
        return out
    }

    /// Verifies the GS1 mod-10 check digit (weights 3 and 1 from the right, §7.9.1).
    public static func gtin(_ v: String) throws(GS1Error) -> String {
        guard v.count == 14, v.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw GS1Error(message: "AI (01) GTIN must be 14 digits, got “\(v.prefix(20))”")
        }
        let digits = v.compactMap(\.wholeNumberValue)
        let expected = checkDigit(Array(digits.dropLast()))
        guard digits.last == expected else {
            throw GS1Error(message: "AI (01) GTIN check digit is \(digits.last!), expected \(expected): the number was mistyped or misread")
        }
        return v
    }

    /// The check digit of `body` (every digit but the last of a GTIN).
    public static func checkDigit(_ body: [Int]) -> Int {
        var sum = 0
        for (i, d) in body.reversed().enumerated() { sum += d * (i % 2 == 0 ? 3 : 1) }
        return (10 - sum % 10) % 10
    }

    private static func expiry(_ v: String, today: LocalDate) throws(GS1Error) -> LocalDate {
        guard v.count == 6, v.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw GS1Error(message: "AI (17) expiry must be YYMMDD, got “\(v.prefix(12))”")
        }
        let n = v.compactMap(\.wholeNumberValue)
        let yy = n[0] * 10 + n[1], mm = n[2] * 10 + n[3], dd = n[4] * 10 + n[5]
        let thisYear = Int(today.description.prefix(4))!
        var year = thisYear - thisYear % 100 + yy
        let diff = yy - thisYear % 100
        if diff >= 51 { year -= 100 } else if diff <= -50 { year += 100 }
        guard (1...12).contains(mm) else { throw GS1Error(message: "AI (17) expiry month \(mm) does not exist") }
        let last = LocalDate.daysIn(month: mm, year: year)
        guard dd <= last else { throw GS1Error(message: "AI (17) expiry day \(dd) does not exist in \(year)-\(mm)") }
        let day = dd == 0 ? last : dd  // day 00: the month's last day (§7.12)
        return LocalDate(iso: String(format4(year)) + "-" + two(mm) + "-" + two(day))!
    }

    private static func field(_ v: String, ai: String, name: String) throws(GS1Error) -> String {
        guard !v.isEmpty else { throw GS1Error(message: "AI (\(ai)) \(name) is empty") }
        // GS1 AI encodable character set 82 (§7.11): printable ASCII without space and a few symbols.
        let allowed = Set("!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz")
        if let bad = v.first(where: { !allowed.contains($0) }) {
            throw GS1Error(message: "AI (\(ai)) \(name) has “\(bad)”, which a GS1 label cannot carry")
        }
        return v
    }

    private static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    private static func format4(_ n: Int) -> String { String(repeating: "0", count: max(0, 4 - String(n).count)) + String(n) }
}
