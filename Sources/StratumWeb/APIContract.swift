import Foundation
import Yams

/// The API contract as the target's resource (`openapi.yaml`, the file the generator reads) and the `/docs` page
/// built from it at start-up, so the served spec can never differ from the one the handlers were generated from.
struct APIContract: Sendable {
    let yaml: String
    let docsPage: String
    /// The contract's constraints, checked on every API request before its handler.
    let check: ContractCheck

    enum LoadError: Error, CustomStringConvertible {
        case missing
        case unreadable(String)
        var description: String {
            switch self {
            case .missing: "openapi.yaml is missing from the StratumWeb resource bundle"
            case .unreadable(let why): "openapi.yaml could not be read: \(why)"
            }
        }
    }

    /// Reads the spec from the resource bundle that ships beside the binary.
    static func bundled() throws -> APIContract {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
            let config = Bundle.module.url(forResource: "openapi-generator-config", withExtension: "yaml")
        else { throw LoadError.missing }
        return try APIContract(yaml: String(contentsOf: url, encoding: .utf8), generatorConfig: String(contentsOf: config, encoding: .utf8))
    }

    /// `generatorConfig` is the generator's configuration, read for the schemas it maps to `CoreDocument`: those
    /// bodies are read by the core from the check's parse, and the generated code is handed no copy to decode.
    init(yaml: String, generatorConfig: String = "") throws {
        self.yaml = yaml
        do {
            guard let root = try Yams.compose(yaml: yaml) else { throw LoadError.unreadable("empty document") }
            docsPage = APIDocsPage(spec: root).html
            let overrides = try Yams.compose(yaml: generatorConfig)?["typeOverrides"]?["schemas"]?.mapping ?? [:]
            let coreDocuments = Set(overrides.compactMap { $0.value.string == "CoreDocument" ? $0.key.string : nil })
            check = ContractCheck(spec: root, coreDocuments: coreDocuments)
        } catch let error as LoadError {
            throw error
        } catch {
            throw LoadError.unreadable(String(describing: error))
        }
    }
}

/// The human-readable contract: every operation with its parameters, request body and answers, and every schema
/// with its members and constraints, in the spec's own order.
struct APIDocsPage {
    let spec: Node

    private static let methods = ["get", "put", "post", "patch", "delete"]

    var html: String {
        let info = spec["info"]
        let title = esc(info?["title"]?.string ?? "API")
        let version = esc(info?["version"]?.string ?? "")
        let description = (info?["description"]?.string ?? "").components(separatedBy: "\n\n")
            .filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
            .map { "<p>\(esc($0))</p>" }.joined()
        var out = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title) \(version)</title>
            <style>body{font:16px/1.5 system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
            table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #d0d7de;vertical-align:top}
            code{font:14px ui-monospace,monospace}section.op{border-top:2px solid #d0d7de;margin-top:1.5rem}
            ul.schema{margin:.2rem 0 .2rem 1rem;padding-left:1rem}</style></head>
            <body><h1>\(title) <small>\(version)</small></h1>
            \(description)
            <p>The full contract: <a href="/openapi.yaml">openapi.yaml</a> (OpenAPI \(esc(spec["openapi"]?.string ?? ""))).</p>
            <h2>Operations</h2>
            <table><thead><tr><th>Method</th><th>Path</th><th>What it does</th><th>Access</th><th>Answers</th></tr></thead><tbody>
            """
        let operations = self.operations
        for op in operations {
            out += "<tr><td><code>\(op.method.uppercased())</code></td><td><a href=\"#\(op.anchor)\"><code>\(esc(op.path))</code></a></td>"
            out +=
                "<td>\(esc(op.node["summary"]?.string ?? ""))</td><td>\(op.node["security"]?.sequence?.isEmpty == true ? "public" : "bearer token")</td>"
            out += "<td>\(esc(statuses(op.node).joined(separator: ", ")))</td></tr>"
        }
        out += "</tbody></table>"
        for op in operations { out += operationSection(op) }
        out += "<h2 id=\"schemas\">Schemas</h2>"
        for (name, schema) in mapping(spec["components"]?["schemas"]) {
            out += "<section id=\"schema-\(esc(name))\"><h3><code>\(esc(name))</code></h3>\(describe(schema))</section>"
        }
        return out + "</body></html>"
    }

    private struct Operation {
        let method: String
        let path: String
        let node: Node
        var anchor: String { node["operationId"]?.string ?? "\(method)-\(path)" }
    }

    private var operations: [Operation] {
        mapping(spec["paths"]).flatMap { path, item in
            Self.methods.compactMap { m in item[m].map { Operation(method: m, path: path, node: $0) } }
        }
    }

    private func operationSection(_ op: Operation) -> String {
        var out = "<section class=\"op\" id=\"\(esc(op.anchor))\"><h3><code>\(op.method.uppercased()) \(esc(op.path))</code></h3>"
        if let summary = op.node["summary"]?.string { out += "<p>\(esc(summary))</p>" }
        let parameters = op.node["parameters"]?.sequence.map(Array.init) ?? []
        if !parameters.isEmpty {
            out += "<h4>Parameters</h4><ul class=\"schema\">"
            for p in parameters.map(resolve) {
                let name = esc(p["name"]?.string ?? "")
                let place = esc(p["in"]?.string ?? "")
                let required = p["required"]?.bool == true ? ", required" : ""
                out += "<li><code>\(name)</code> (\(place)\(required)): \(p["schema"].map(describe) ?? "")</li>"
            }
            out += "</ul>"
        }
        if let body = op.node["requestBody"].map(resolve) {
            out += "<h4>Request body\(body["required"]?.bool == true ? " (required)" : "")</h4>"
            for (type, content) in mapping(body["content"]) {
                out += "<p><code>\(esc(type))</code></p>\(content["schema"].map(describe) ?? "")"
            }
        }
        out += "<h4>Answers</h4><ul class=\"schema\">"
        for (status, answer) in mapping(op.node["responses"]) {
            let answer = resolve(answer)
            out += "<li><strong>\(esc(status))</strong> \(esc(answer["description"]?.string ?? ""))"
            for (type, content) in mapping(answer["content"]) {
                out += "<br><code>\(esc(type))</code> \(content["schema"].map(describe) ?? "")"
            }
            out += "</li>"
        }
        return out + "</ul></section>"
    }

    private func statuses(_ op: Node) -> [String] { mapping(op["responses"]).map(\.0) }

    /// A schema in words: a link for a named component, else its type, constraints and members.
    private func describe(_ schema: Node) -> String {
        if let ref = schema["$ref"]?.string {
            let name = ref.components(separatedBy: "/").last ?? ref
            return "<a href=\"#schema-\(esc(name))\"><code>\(esc(name))</code></a>"
        }
        for combinator in ["oneOf", "anyOf", "allOf"] {
            if let parts = schema[combinator]?.sequence {
                return "\(combinator) [" + parts.map(describe).joined(separator: ", ") + "]"
            }
        }
        var words: [String] = []
        if let type = schema["type"] {
            words.append("<code>\(esc(type.string ?? type.sequence?.compactMap(\.string).joined(separator: " | ") ?? ""))</code>")
        }
        for key in ["format", "pattern", "minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems", "default"] {
            if let value = schema[key]?.string { words.append("\(key) <code>\(esc(value))</code>") }
        }
        if let values = schema["enum"]?.sequence {
            words.append("one of <code>\(esc(values.compactMap(\.string).joined(separator: ", ")))</code>")
        }
        if let description = schema["description"]?.string { words.append(esc(description)) }
        var out = words.joined(separator: ", ")
        if let items = schema["items"] { out += " of " + describe(items) }
        let required = Set(schema["required"]?.sequence?.compactMap(\.string) ?? [])
        let properties = mapping(schema["properties"])
        if !properties.isEmpty {
            out += "<ul class=\"schema\">"
            for (name, property) in properties {
                out += "<li><code>\(esc(name))</code>\(required.contains(name) ? " (required)" : ""): \(describe(property))</li>"
            }
            out += "</ul>"
        }
        if let extra = schema["additionalProperties"] {
            if extra.bool == false {
                out += " No other members."
            } else if extra.mapping != nil {
                out += " Any member: \(describe(extra))"
            }
        }
        return out
    }

    private func resolve(_ node: Node) -> Node {
        guard let ref = node["$ref"]?.string, ref.hasPrefix("#/") else { return node }
        var current: Node? = spec
        for part in ref.dropFirst(2).components(separatedBy: "/") { current = current?[part] }
        return current ?? node
    }

    private func mapping(_ node: Node?) -> [(String, Node)] {
        guard let m = node?.mapping else { return [] }
        return m.compactMap { key, value in key.string.map { ($0, value) } }
    }

    private func esc(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
