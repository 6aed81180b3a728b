import Foundation
import StratumCore
import StratumStore

/// Values as templates show them: plain strings, lower-case ids, human zone names.
enum PageValues {
    /// One option of a select or datalist.
    struct Choice: Encodable {
        let value: String
        let label: String
    }

    struct FindingView: Encodable {
        let rule: String
        let severity: String
        let message: String
        let zone: String?
        let evidence: String
    }

    static func id(_ u: UUID) -> String { u.uuidString.lowercased() }

    static func findings(_ fs: [Finding]) -> [FindingView] {
        fs.ordered().map {
            FindingView(
                rule: $0.rule.rawValue, severity: $0.severity.rawValue, message: $0.message, zone: $0.zone.map(zoneName),
                evidence: "\($0.evidence) · \($0.source)")
        }
    }

    /// "Left cheek", "Forehead", "Both thighs".
    static func zoneName(_ z: Zone) -> String {
        let site = siteName(z.site)
        switch z.side {
        case .left: return "Left \(site.lowercased())"
        case .right: return "Right \(site.lowercased())"
        case .midline: return site
        case .bilateral: return "\(site) (both sides)"
        }
    }

    static func siteName(_ s: SiteID) -> String {
        switch s {
        case .dorsalHand: "Back of hand"
        case .upperArm: "Upper arm"
        case .decolletage: "Décolletage"
        default: s.rawValue.prefix(1).uppercased() + s.rawValue.dropFirst()
        }
    }

    /// The zone key forms and the map use: "cheek:left".
    static func zoneKey(_ z: Zone) -> String { "\(z.site.rawValue):\(z.side.rawValue)" }

    static func zone(key: String) -> Zone? {
        let parts = key.split(separator: ":")
        guard parts.count == 2, let site = SiteID(rawValue: String(parts[0])), let side = Side(rawValue: String(parts[1])) else { return nil }
        return Zone(site: site, side: side)
    }

    /// The zones the map offers, in map order, with the side a single-sided site is drawn on.
    static let mapZones: [Zone] = [
        ("scalp", "midline"), ("forehead", "midline"), ("temple", "left"), ("temple", "right"), ("eyelid", "left"), ("eyelid", "right"),
        ("periorbital", "left"), ("periorbital", "right"), ("nose", "midline"), ("cheek", "left"), ("cheek", "right"),
        ("perioral", "midline"), ("chin", "midline"), ("jawline", "left"), ("jawline", "right"), ("neck", "midline"),
        ("decolletage", "midline"), ("abdomen", "midline"), ("upper-arm", "left"), ("upper-arm", "right"),
        ("dorsal-hand", "left"), ("dorsal-hand", "right"), ("thigh", "left"), ("thigh", "right"), ("back", "midline"),
        ("buttock", "left"), ("buttock", "right")
    ].map { Zone(site: SiteID(rawValue: $0.0)!, side: Side(rawValue: $0.1)!) }

    /// A stored scale id as its clinical name; an id from before the scale catalogue is shown as stored.
    static func scaleName(_ id: String) -> String { OutcomeScale(rawValue: id)?.name ?? id }

    static func indicationName(_ i: IndicationID) -> String {
        switch i {
        case .photoaging: "Photoaging (fine lines, texture)"
        case .handRejuvenation: "Hand rejuvenation"
        case .acneScars: "Acne scars"
        case .scars: "Scars (surgical, traumatic)"
        case .burnScars: "Burn scars"
        case .striae: "Stretch marks (striae)"
        case .cellulite: "Cellulite"
        case .skinLaxity: "Skin laxity"
        case .pigmentation: "Pigmentation (melasma, PIH)"
        case .enlargedPores: "Enlarged pores"
        case .transdermalDelivery: "Transdermal delivery"
        }
    }

    static func mm(_ d: Double) -> String {
        var s = String(format: "%.2f", d)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    /// A decimal number as typed in a form; a comma is accepted as the decimal mark, nothing else is.
    /// A store's or reader's problem ("at most 100 characters") as a sentence beside its field.
    static func sentence(_ problem: String) -> String { problem.prefix(1).uppercased() + problem.dropFirst() + "." }

    /// A measured value as a person writes it: 134, 4.5, never 134.0.
    static func plain(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e9 ? String(Int(d)) : String(format: "%g", d)
    }

    static func number(_ s: String) -> Double? {
        let t = s.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".")
        guard !t.isEmpty, t.count <= 12, let d = Double(t), d.isFinite else { return nil }
        return d
    }

    /// The decision in the words a practitioner acts on.
    static func decisionText(_ d: Decision) -> String {
        switch d {
        case .proceed: "Proceed"
        case .proceedWithCaution: "Proceed with caution: acknowledge each caution with a reason"
        case .doNotTreat: "Do not treat: a stop finding must be resolved first"
        }
    }

    /// "Pen 0.25–2.5 mm, stainless steel" or "Roller 1 mm, titanium".
    static func device(_ d: DeviceSpec) -> String {
        let length: String
        switch d.length {
        case .adjustable(let r): length = "\(mm(r.lower))–\(mm(r.upper)) mm"
        case .fixed(let l): length = "\(mm(l)) mm"
        }
        return
            "\(d.kind.rawValue.prefix(1).uppercased() + d.kind.rawValue.dropFirst()) \(length), \(d.needleMaterial.rawValue.replacingOccurrences(of: "-", with: " "))"
    }

    static func time(_ d: Date?) -> String {
        guard let d else { return "" }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f.string(from: d) + " UTC"
    }
}
