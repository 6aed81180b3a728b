import Foundation
import LeafKit
import StratumCore
import StratumStore
import Vapor

/// Form values as the browser sends them: every field a string, absent when empty.
struct FormFields {
    let values: [String: [String]]

    init(_ request: Request) throws {
        guard let body = request.body.string else { values = [:]; return }
        var out: [String: [String]] = [:]
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (s: Substring) in String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            let key = decode(parts[0])
            out[key, default: []].append(parts.count > 1 ? decode(parts[1]) : "")
        }
        values = out
    }

    /// The trimmed value, nil when absent or blank.
    subscript(_ key: String) -> String? {
        guard let v = values[key]?.first?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty else { return nil }
        return v
    }

    func all(_ key: String) -> [String] { values[key] ?? [] }
}

/// Field errors of a form, shown next to each field and in a summary at the top.
struct FieldErrors: Encodable {
    private(set) var byField: [String: String] = [:]
    private(set) var list: [Item] = []

    struct Item: Encodable {
        let field: String
        let message: String
    }

    mutating func add(_ field: String, _ message: String) {
        guard byField[field] == nil else { return }
        byField[field] = message
        list.append(Item(field: field, message: message))
    }

    var isEmpty: Bool { list.isEmpty }
}
