/// One item of a composite outcome scale, with its allowed scores and what it rates, shown on the form.
public struct ScaleItem: Sendable, Equatable {
    public let key: String
    public let label: String
    public let range: ClosedRange<Double>
    public let definition: String
}

/// The evidence's minimal important difference of a scale, where it gives one, with what it rests on.
public struct ImportantDifference: Sendable, Equatable {
    /// In total-score units, on the scale's own direction (a decrease where lower is better).
    public let value: Double
    public let basis: String
}

/// Why a set of item scores cannot be totalled: the item and its rule.
public struct ItemScoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public let item: String
    public let problem: String
    public var description: String { "\(item): \(problem)" }
}

extension OutcomeScale {
    /// The items a composite scale is scored from (EVIDENCE §6); empty for a single grade.
    public var items: [ScaleItem] {
        func item(_ key: String, _ label: String, _ range: ClosedRange<Double>, _ definition: String) -> ScaleItem {
            ScaleItem(key: key, label: label, range: range, definition: definition)
        }
        let posas = "1 like normal skin … 10 the worst imaginable"
        switch self {
        case .posasObserver:
            return [
                item("vascularity", "Vascularity", 1...10, "Presence of vessels in scar tissue; \(posas)"),
                item("pigmentation", "Pigmentation", 1...10, "Brownish colouring of the scar by melanin; \(posas)"),
                item("thickness", "Thickness", 1...10, "Distance between the subcutaneous border and the scar's surface; \(posas)"),
                item("relief", "Relief", 1...10, "Irregularities of the scar's surface; \(posas)"),
                item("pliability", "Pliability", 1...10, "Suppleness of the scar tested by wrinkling it between thumb and index finger; \(posas)"),
                item("surfaceArea", "Surface area", 1...10, "Surface area of the scar against the original wound; \(posas)")
            ]
        case .posasPatient:
            return [
                item("pain", "Pain", 1...10, "Has the scar been painful in the past weeks? 1 no, 10 yes, very much"),
                item("itching", "Itching", 1...10, "Has the scar been itching in the past weeks? 1 no, 10 yes, very much"),
                item(
                    "colour", "Colour", 1...10, "Is the scar's colour different from your normal skin? 1 no, like normal skin, 10 yes, very different"
                ),
                item("stiffness", "Stiffness", 1...10, "Is the scar stiffer than your normal skin? 1 no, 10 yes, very different"),
                item("thickness", "Thickness", 1...10, "Is the scar thicker than your normal skin? 1 no, 10 yes, very different"),
                item("irregularity", "Irregularity", 1...10, "Is the scar more irregular than your normal skin? 1 no, 10 yes, very different")
            ]
        case .vss:
            return [
                item("vascularity", "Vascularity", 0...3, "0 normal, 1 pink, 2 red, 3 purple"),
                item("pigmentation", "Pigmentation", 0...2, "0 normal, 1 hypopigmentation, 2 hyperpigmentation"),
                item("pliability", "Pliability", 0...5, "0 normal, 1 supple, 2 yielding, 3 firm, 4 banding, 5 contracture"),
                item("height", "Height", 0...3, "0 flat, 1 < 2 mm, 2 2–5 mm, 3 > 5 mm")
            ]
        case .celluliteSeverity:
            let scale = "0 none … 3 most"
            return [
                item("depressionCount", "Number of evident depressions", 0...3, "0 none, 1 one to four, 2 five to nine, 3 ten or more"),
                item("depressionDepth", "Depth of depressions", 0...3, "0 none, 1 superficial, 2 medium, 3 deep"),
                item("raisedLesions", "Raised lesions", 0...3, "Morphological appearance of skin surface alterations; \(scale)"),
                item("laxity", "Laxity, flaccidity or sagging", 0...3, "0 absent, 1 slightly draped, 2 moderately draped, 3 severely draped"),
                item("nurnbergerMuller", "Nürnberger–Müller grade", 0...3, "0 none, 1 on pinching only, 2 standing, 3 standing and lying")
            ]
        case .mmasi:
            var out: [ScaleItem] = []
            for (key, label) in Self.mmasiRegions.map({ ($0.key, $0.label) }) {
                out.append(item("\(key)Area", "\(label): area", 0...6, "0 none, 1 < 10%, 2 10–29%, 3 30–49%, 4 50–69%, 5 70–89%, 6 90–100%"))
                out.append(item("\(key)Darkness", "\(label): darkness", 0...4, "0 normal skin colour … 4 severe"))
            }
            return out
        default:
            return []
        }
    }

    /// mMASI regions and their weights (Pandya 2011): forehead, each malar region and chin.
    public static let mmasiRegions: [(key: String, label: String, weight: Double)] = [
        ("forehead", "Forehead", 0.3), ("rightMalar", "Right malar", 0.3), ("leftMalar", "Left malar", 0.3), ("chin", "Chin", 0.1)
    ]

    /// The total from every item's score, or the first item missing, unknown or out of its range. mMASI is the sum of
    /// weight × area × darkness over its regions; the others are the sum of their items.
    public func total(items scores: [String: Double]) throws(ItemScoreError) -> Double {
        let defined = items
        guard !defined.isEmpty else { throw ItemScoreError(item: rawValue, problem: "is a single grade, not scored by items") }
        if let unknown = scores.keys.sorted().first(where: { k in !defined.contains { $0.key == k } }) {
            throw ItemScoreError(item: unknown, problem: "is not an item of \(rawValue)")
        }
        for i in defined {
            guard let s = scores[i.key] else { throw ItemScoreError(item: i.key, problem: "is required") }
            guard s.isFinite, i.range.contains(s), s.rounded() == s else {
                throw ItemScoreError(
                    item: i.key, problem: "scores are whole numbers from \(Self.text(i.range.lowerBound)) to \(Self.text(i.range.upperBound))")
            }
        }
        if self == .mmasi {
            let sum = Self.mmasiRegions.reduce(0.0) { $0 + $1.weight * scores["\($1.key)Area"]! * scores["\($1.key)Darkness"]! }
            return (sum * 10).rounded() / 10
        }
        return defined.reduce(0) { $0 + scores[$1.key]! }
    }

    /// The smallest change that matters to patients, where the evidence gives one (EVIDENCE §6); nil otherwise,
    /// when responders are counted by at least one grade instead.
    public var importantDifference: ImportantDifference? {
        switch self {
        case .posasPatient:
            // Legemate 2024: MCID up to 0.39 per 1–10 item; six items.
            ImportantDifference(value: 6 * 0.39, basis: "POSAS 2.0 patient MCID −0.39 per item (Legemate 2024), over six items")
        case .celluliteSeverity:
            ImportantDifference(value: 1, basis: "a ≥1-point reduction, the primary end point of a device trial (PMC9342681); no validated MCID")
        default:
            nil
        }
    }
}

extension OutcomeScale {
    /// The score to store from what was entered: the items' total when items are given (a typed total must agree),
    /// else the typed score, each held to the scale's range. The error names the field and the rule.
    public func score(entered: Double?, items: [String: Double]?) throws(ItemScoreError) -> Double {
        if let items, !items.isEmpty {
            let total = try total(items: items)
            if let entered, abs(entered - total) > 1e-9 {
                throw ItemScoreError(item: "score", problem: "\(Self.text(entered)) does not match the items' total \(Self.text(total))")
            }
            return total
        }
        guard let entered else {
            throw ItemScoreError(
                item: "score", problem: items == nil && self.items.isEmpty ? "is required" : "is required, or every item of \(rawValue)")
        }
        if let problem = problem(with: entered) { throw ItemScoreError(item: "score", problem: problem) }
        return entered
    }
}
