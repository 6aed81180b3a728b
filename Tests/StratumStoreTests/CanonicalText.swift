import Foundation

/// A value read back from a store, as lines of `path = value` with the record's identity left out: a UUID becomes
/// `<id>` unless it is one of `names` (the clinics and staff both databases share by role), an instant becomes
/// `<instant>`, and lists whose order only the instant of writing decides are sorted. Two loads of the same demo then
/// read the same, and any field added to a store's value is compared without this file knowing of it.
struct CanonicalText {
    let names: [UUID: String]
    /// Type names whose lists are compared as sets: rows written in one act share its instant, so their order is
    /// the database's choice.
    var unordered: Set<String> = ["FindingAcknowledgement", "Assessment"]

    func lines(_ value: Any, _ path: String = "") -> [String] {
        switch value {
        case let id as UUID: return ["\(path) = \(names[id] ?? "<id>")"]
        case is Date: return ["\(path) = <instant>"]
        case let s as String: return ["\(path) = \(s.debugDescription)"]
        case is Bool, is Int, is Double, is Int64: return ["\(path) = \(value)"]
        default: break
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            guard let wrapped = mirror.children.first?.value else { return ["\(path) = nil"] }
            return lines(wrapped, path)
        case .collection, .set:
            var groups = mirror.children.map { lines($0.value, "") }
            let element = mirror.children.first.map { "\(type(of: $0.value))" } ?? ""
            if mirror.displayStyle == .set || unordered.contains(element) { groups.sort { $0.joined(separator: "\n") < $1.joined(separator: "\n") } }
            if groups.isEmpty { return ["\(path) = []"] }
            return groups.enumerated().flatMap { i, g in g.map { "\(path)[\(i)]\($0)" } }
        case .dictionary:
            let entries = mirror.children.map { entry -> (String, [String]) in
                let pair = Array(Mirror(reflecting: entry.value).children)
                return (lines(pair[0].value, "").map { String($0.dropFirst(3)) }.joined(separator: ","), lines(pair[1].value, ""))
            }.sorted { $0.0 < $1.0 }
            if entries.isEmpty { return ["\(path) = [:]"] }
            return entries.flatMap { key, value in value.map { "\(path)[\(key)]\($0)" } }
        case .enum where mirror.children.isEmpty:
            return ["\(path) = \(value)"]
        default:
            if mirror.children.isEmpty { return ["\(path) = \(value)"] }
            return mirror.children.enumerated().flatMap { i, child in lines(child.value, "\(path).\(child.label ?? String(i))") }
        }
    }

    /// The lines of `a` missing from `b` and of `b` missing from `a`, the first few, to say where two reads differ.
    static func difference(_ a: [String], _ b: [String], limit: Int = 8) -> String {
        let onlyA = a.filter { !b.contains($0) }.prefix(limit), onlyB = b.filter { !a.contains($0) }.prefix(limit)
        return (onlyA.map { "- \($0)" } + onlyB.map { "+ \($0)" }).joined(separator: "\n")
    }
}
