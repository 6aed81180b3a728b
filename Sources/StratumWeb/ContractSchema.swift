import Foundation
import StratumCore
import Yams

/// One JSON Schema of the contract, compiled once from `openapi.yaml`: what a request's value must be. Only the
/// keywords the contract uses are read (type, properties, required, additionalProperties, items, length and size
/// bounds, minimum/maximum, pattern, enum, const, format date/uuid, allOf/oneOf/anyOf); a keyword the checker does not
/// know constrains nothing, so a schema can never refuse more than it says.
final class ContractSchema: @unchecked Sendable {
    // Set once while compiling (references are filled after every component exists), read only afterwards.
    var types: Set<String>? {
        didSet { typeMask = types.map(Self.mask) }
    }
    /// `types` as bits, so the walk tests a value's type without hashing a name.
    private var typeMask: UInt8?
    var properties: [String: ContractSchema] = [:]
    var required: [String] = []
    /// nil: any member; false: none beyond `properties`; a schema: every other member's.
    var closed = false
    var additional: ContractSchema?
    var items: ContractSchema?
    var minItems: Int?, maxItems: Int?
    var minLength: Int?, maxLength: Int?
    var minimum: Double?, maximum: Double?
    var pattern: NSRegularExpression?
    /// The value must hold a visible character (the contract's not-blank text pattern).
    var visible = false
    /// The value may hold GS1's group separator U+001D (a scanned label: `format: gs1` or the GS1 text pattern).
    var groupSeparator = false
    var patternText = ""
    var allowed: [JSONValue]?
    var format: String?
    var allOf: [ContractSchema] = []
    var oneOf: [ContractSchema] = []
    var anyOf: [ContractSchema] = []
    /// A `$ref`, resolved after compiling.
    var reference: String?
    var target: ContractSchema?

    /// A problem at a JSON path: `zones[0].site`, `limit`, or `(body)`.
    typealias Problem = (path: String, problem: String)

    /// Checks `value`, appending at most `limit` problems in document order.
    func check(_ value: JSONValue, at path: String, into problems: inout [Problem], limit: Int = 10) {
        check(value, path: { path }, into: &problems, limit: limit)
    }

    /// The walk itself. A member's path is made only when a problem is reported there: building `zones[3].site` for
    /// every member of every valid request cost a `/check` more than its schema did.
    private func check(_ value: JSONValue, path: () -> String, into problems: inout [Problem], limit: Int) {
        guard problems.count < limit else { return }
        if let target { return target.check(value, path: path, into: &problems, limit: limit) }
        if let typeMask, !Self.matches(value, typeMask), let types {
            return problems.append((path(), "expected \(Self.describe(types)), got \(value.shortDescription)"))
        }
        for s in allOf { s.check(value, path: path, into: &problems, limit: limit) }
        if !oneOf.isEmpty || !anyOf.isEmpty {
            let options = oneOf + anyOf
            var fits = 0
            // An option of another type cannot fit: it is passed over without wording a problem (a nullable member is
            // `oneOf` its type and null, so every such member of every valid request would word one).
            for s in options where s.admits(value) {
                var found: [Problem] = []
                s.check(value, path: path, into: &found, limit: limit)
                if found.isEmpty { fits += 1 }
            }
            if fits == 0 {
                // None fits: what the first option finds is the refusal, as a client reads the first shape first.
                var found: [Problem] = []
                options.first?.check(value, path: path, into: &found, limit: limit)
                problems += (found.isEmpty ? [(path(), "matches none of the allowed shapes")] : found).prefix(limit - problems.count)
            }
            if !oneOf.isEmpty && anyOf.isEmpty && fits > 1 { problems.append((path(), "matches more than one of the allowed shapes")) }
        }
        if let allowed, !allowed.contains(value) {
            let words = allowed.map(\.shortDescription).joined(separator: ", ")
            return problems.append((path(), "\(value.shortDescription) is not one of \(words)"))
        }
        switch value {
        case .string(let s): checkString(s, at: path, into: &problems)
        case .number(let n): checkNumber(n, at: path, into: &problems)
        case .array(let elements):
            if let minItems, elements.count < minItems { problems.append((path(), "at least \(minItems) item\(minItems == 1 ? "" : "s") required")) }
            if let maxItems, elements.count > maxItems { problems.append((path(), "at most \(maxItems) items allowed")) }
            if let items { for (i, e) in elements.enumerated() { items.check(e, path: { "\(path())[\(i)]" }, into: &problems, limit: limit) } }
        case .object(let members):
            for name in required where !members.contains(where: { $0.0 == name }) {
                problems.append((Self.child(path(), name), "required field is missing"))
            }
            for (name, member) in members {
                if let schema = properties[name] {
                    schema.check(member, at: Self.child(path(), name), into: &problems, limit: limit)
                } else if let additional {
                    additional.check(member, at: Self.child(path(), name), into: &problems, limit: limit)
                } else if closed {
                    problems.append((Self.child(path(), name), "unknown field; allowed: \(properties.keys.sorted().joined(separator: ", "))"))
                }
            }
        case .null, .bool: break
        }
    }

    /// Checks a query or path parameter's text as this schema's type.
    func check(parameter text: String, named name: String, into problems: inout [Problem]) {
        let schema = target ?? self
        let types = schema.types ?? ["string"]
        if types.contains("integer") || types.contains("number") {
            guard let n = Double(text), n.isFinite, !types.contains("integer") || n == n.rounded() else {
                return problems.append((name, "\"\(text.prefix(40))\" is not \(types.contains("integer") ? "a whole number" : "a number")"))
            }
            return schema.check(.number(n), at: name, into: &problems)
        }
        if types.contains("boolean") {
            guard text == "true" || text == "false" else { return problems.append((name, "expected true or false")) }
            return schema.check(.bool(text == "true"), at: name, into: &problems)
        }
        schema.check(.string(text), at: name, into: &problems)
    }

    private func checkString(_ s: String, at path: () -> String, into problems: inout [Problem]) {
        // Records keep no invisible characters, on every database (PostgreSQL cannot store U+0000 at all).
        // A scanned GS1 label (`format: gs1`) carries its group separator (U+001D) between variable-length fields.
        let text = format == "gs1" || groupSeparator ? s.replacingOccurrences(of: "\u{1D}", with: "") : s
        if let code = RecordText.controlCharacter(in: text) { return problems.append((path(), RecordText.describe(code))) }
        // JSON Schema counts a string's length in code points (RFC 8259 characters), not in grapheme clusters: a run
        // of 100 skin-tone modifiers is one cluster and 100 characters. A text is never longer in code points than in
        // UTF-8 bytes, so the count is taken only when the bytes could break a bound.
        if let minLength, minLength == 1 ? s.isEmpty : s.unicodeScalars.count < minLength {
            return problems.append((path(), minLength == 1 ? "must not be empty" : "at least \(minLength) characters"))
        }
        if let maxLength, s.utf8.count > maxLength, s.unicodeScalars.count > maxLength {
            return problems.append((path(), "at most \(maxLength) characters"))
        }
        if visible && !s.utf8.contains(where: { $0 > 0x20 && $0 < 0x7F }) && s.allSatisfy(\.isWhitespace) {
            return problems.append((path(), "must not be blank"))
        }
        if let pattern, pattern.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) == nil {
            return problems.append((path(), "does not match the pattern \(patternText)"))
        }
        switch format {
        case "date"?:
            if LocalDate(iso: s) == nil { problems.append((path(), "\"\(s.prefix(40))\" is not a date (YYYY-MM-DD)")) }
        case "uuid"?:
            if UUID(uuidString: s) == nil { problems.append((path(), "\"\(s.prefix(40))\" is not an id")) }
        default: break
        }
    }

    private func checkNumber(_ n: Double, at path: () -> String, into problems: inout [Problem]) {
        if let minimum, n < minimum { problems.append((path(), "\(JSONValue.format(n)) is below the minimum \(JSONValue.format(minimum))")) }
        if let maximum, n > maximum { problems.append((path(), "\(JSONValue.format(n)) is above the maximum \(JSONValue.format(maximum))")) }
    }

    private static let typeNames = ["null", "boolean", "string", "array", "object", "number", "integer"]

    private static func mask(_ types: Set<String>) -> UInt8 {
        typeNames.enumerated().reduce(0) { types.contains($1.element) ? $0 | 1 << $1.offset : $0 }
    }

    /// False only when this schema (or the one it refers to) states types and the value is none of them.
    private func admits(_ value: JSONValue) -> Bool {
        guard let mask = (target ?? self).typeMask else { return true }
        return Self.matches(value, mask)
    }

    private static func matches(_ value: JSONValue, _ mask: UInt8) -> Bool {
        switch value {
        case .null: mask & 1 != 0
        case .bool: mask & 2 != 0
        case .string: mask & 4 != 0
        case .array: mask & 8 != 0
        case .object: mask & 16 != 0
        case .number(let n): mask & 32 != 0 || (mask & 64 != 0 && n == n.rounded() && abs(n) < 9.0e15)
        }
    }

    private static func describe(_ types: Set<String>) -> String {
        types.sorted().map { $0 == "integer" ? "a whole number" : $0 == "null" ? "null" : "a\($0 == "object" || $0 == "array" ? "n" : "") \($0)" }
            .joined(separator: " or ")
    }

    static func child(_ path: String, _ name: String) -> String { path.isEmpty || path == "(body)" ? name : "\(path).\(name)" }
}

/// The contract's patterns for free text (docs/decisions/0011): no control characters but tab and line breaks; the same
/// with a visible character required; a GS1 scan, which keeps its group separator U+001D.
let textPattern = #"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"#
let visiblePattern = #"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"#
let gs1Pattern = #"^[^\x00-\x08\x0B\x0C\x0E-\x1C\x1E\x1F\x7F-\x9F]*$"#
let gs1VisiblePattern = #"^[^\x00-\x08\x0B\x0C\x0E-\x1C\x1E\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x08\x0B\x0C\x0E-\x1C\x1E\x1F\x7F-\x9F]*$"#

extension ContractSchema {
    /// Compiles every schema of `components.schemas`, then resolves references among them.
    static func components(of spec: Node) -> [String: ContractSchema] {
        var named: [String: ContractSchema] = [:]
        var all: [ContractSchema] = []
        for (key, node) in spec["components"]?["schemas"]?.mapping ?? [:] {
            guard let name = key.string else { continue }
            named[name] = compile(node, into: &all)
        }
        resolve(all, named)
        return named
    }

    /// Compiles a schema written inline (a parameter's, a body's) against the compiled components.
    static func inline(_ node: Node, components: [String: ContractSchema]) -> ContractSchema {
        var all: [ContractSchema] = []
        let schema = compile(node, into: &all)
        resolve(all, components)
        return schema
    }

    private static func resolve(_ all: [ContractSchema], _ named: [String: ContractSchema]) {
        for s in all {
            if let ref = s.reference, let name = ref.split(separator: "/").last { s.target = named[String(name)] }
        }
    }

    private static func compile(_ node: Node, into all: inout [ContractSchema]) -> ContractSchema {
        let s = ContractSchema()
        all.append(s)
        if let ref = node["$ref"]?.string {
            s.reference = ref
            return s
        }
        if let type = node["type"] {
            s.types = type.sequence.map { Set($0.compactMap(\.string)) } ?? type.string.map { [$0] }
        }
        if node["nullable"]?.bool == true { s.types?.insert("null") }
        for (key, value) in node["properties"]?.mapping ?? [:] {
            if let name = key.string { s.properties[name] = compile(value, into: &all) }
        }
        s.required = node["required"]?.sequence?.compactMap(\.string) ?? []
        if let extra = node["additionalProperties"] {
            if let flag = extra.bool { s.closed = !flag } else { s.additional = compile(extra, into: &all) }
        }
        s.items = node["items"].map { compile($0, into: &all) }
        s.minItems = node["minItems"]?.int
        s.maxItems = node["maxItems"]?.int
        s.minLength = node["minLength"]?.int
        s.maxLength = node["maxLength"]?.int
        s.minimum = node["minimum"]?.float
        s.maximum = node["maximum"]?.float
        if let p = node["pattern"]?.string {
            s.patternText = p
            // The contract's text patterns say what `checkString` already enforces for every string (no control
            // characters; not blank): matching them again with a regular expression would only repeat it slower.
            switch p {
            case textPattern: break
            case visiblePattern: s.visible = true
            case gs1Pattern: s.groupSeparator = true
            case gs1VisiblePattern: (s.visible, s.groupSeparator) = (true, true)
            default: s.pattern = try? NSRegularExpression(pattern: p)
            }
        }
        if let values = node["enum"]?.sequence { s.allowed = values.map(json) }
        if let value = node["const"] { s.allowed = [json(value)] }
        s.format = node["format"]?.string
        s.allOf = node["allOf"]?.sequence?.map { compile($0, into: &all) } ?? []
        s.oneOf = node["oneOf"]?.sequence?.map { compile($0, into: &all) } ?? []
        s.anyOf = node["anyOf"]?.sequence?.map { compile($0, into: &all) } ?? []
        return s
    }

    /// A YAML scalar as the JSON value a client sends for it (enum members are strings, numbers or null).
    private static func json(_ node: Node) -> JSONValue {
        switch node.tag.description {
        case Tag.Name.null.rawValue: return .null
        case Tag.Name.bool.rawValue: return node.bool.map(JSONValue.bool) ?? .null
        case Tag.Name.int.rawValue: return node.int.map { .number(Double($0)) } ?? .null
        case Tag.Name.float.rawValue: return node.float.map(JSONValue.number) ?? .null
        default: return .string(node.string ?? "")
        }
    }
}
