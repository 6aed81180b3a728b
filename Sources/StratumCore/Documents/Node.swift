/// A JSON value with the path that led to it, so every conversion error names its field.
struct Node {
    let value: JSONValue
    let path: String

    func fail(_ problem: String) -> DocumentError { DocumentError(path: path, problem: problem) }

    func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    var isNull: Bool { value == .null }

    func object(allowed: [String]) throws(DocumentError) -> ObjectNode {
        guard case .object(let members) = value else { throw fail("expected an object, got \(value.shortDescription)") }
        for (key, _) in members where !allowed.contains(key) {
            throw DocumentError(path: child(key), problem: "unknown field; known: \(allowed.joined(separator: ", "))")
        }
        return ObjectNode(members: members, node: self)
    }

    /// An object whose keys are open (answers, overrides); the caller validates each key.
    func members() throws(DocumentError) -> [(String, Node)] {
        guard case .object(let members) = value else { throw fail("expected an object, got \(value.shortDescription)") }
        return members.map { ($0.0, Node(value: $0.1, path: child($0.0))) }
    }

    func array() throws(DocumentError) -> [Node] {
        guard case .array(let items) = value else { throw fail("expected an array, got \(value.shortDescription)") }
        return items.enumerated().map { Node(value: $0.element, path: "\(path)[\($0.offset)]") }
    }

    func string() throws(DocumentError) -> String {
        guard case .string(let s) = value else { throw fail("expected a string, got \(value.shortDescription)") }
        return s
    }

    /// A string of at most `maxLength` characters, possibly empty.
    func string(maxLength: Int) throws(DocumentError) -> String {
        let s = try string()
        guard s.unicodeScalars.count <= maxLength else { throw fail("is longer than \(maxLength) characters") }
        return s
    }

    func nonEmptyString(maxLength: Int = 200) throws(DocumentError) -> String {
        let s = try string()
        guard s.contains(where: { !$0.isWhitespace }) else { throw fail("must not be empty") }
        guard s.unicodeScalars.count <= maxLength else { throw fail("is longer than \(maxLength) characters") }
        return s
    }

    func bool() throws(DocumentError) -> Bool {
        guard case .bool(let b) = value else { throw fail("expected true or false, got \(value.shortDescription)") }
        return b
    }

    func number(in range: ClosedRange<Double>, unit: String = "") throws(DocumentError) -> Double {
        guard case .number(let n) = value else { throw fail("expected a number, got \(value.shortDescription)") }
        guard range.contains(n) else {
            throw fail(
                "\(JSONValue.format(n)) is out of range; allowed \(JSONValue.format(range.lowerBound)) to \(JSONValue.format(range.upperBound))\(unit)"
            )
        }
        return n
    }

    func int(in range: ClosedRange<Int>) throws(DocumentError) -> Int {
        guard case .number(let n) = value else { throw fail("expected a whole number, got \(value.shortDescription)") }
        guard n == n.rounded(), abs(n) < 1e9 else { throw fail("expected a whole number, got \(JSONValue.format(n))") }
        guard range.contains(Int(n)) else {
            throw fail("\(Int(n)) is out of range; allowed \(range.lowerBound) to \(range.upperBound)")
        }
        return Int(n)
    }

    func date() throws(DocumentError) -> LocalDate {
        guard case .string(let s) = value else { throw fail("expected a date (YYYY-MM-DD), got \(value.shortDescription)") }
        guard let d = LocalDate(iso: s) else { throw fail("\"\(s.prefix(40))\" is not a date (YYYY-MM-DD)") }
        return d
    }

    /// A value of a closed vocabulary; the error lists what is known.
    func member<E: RawRepresentable & CaseIterable>(of _: E.Type, named what: String) throws(DocumentError) -> E where E.RawValue == String {
        let s: String
        do { s = try string() } catch { throw fail("expected \(what) (a string), got \(value.shortDescription)") }
        guard let e = E(rawValue: s) else {
            throw fail("unknown \(what) \"\(s.prefix(40))\"; known: \(E.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return e
    }
}

/// An object whose fields were checked against the allowed names.
struct ObjectNode {
    let members: [(String, JSONValue)]
    let node: Node

    /// A field that must be present and not null.
    func required(_ key: String) throws(DocumentError) -> Node {
        guard let v = members.first(where: { $0.0 == key })?.1 else {
            throw DocumentError(path: node.child(key), problem: "required field is missing")
        }
        guard v != .null else { throw DocumentError(path: node.child(key), problem: "required field is null") }
        return Node(value: v, path: node.child(key))
    }

    /// A field that may be absent or null.
    func optional(_ key: String) -> Node? {
        guard let v = members.first(where: { $0.0 == key })?.1, v != .null else { return nil }
        return Node(value: v, path: node.child(key))
    }

    func has(_ key: String) -> Bool { members.contains { $0.0 == key } }
}
