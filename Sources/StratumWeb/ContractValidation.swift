import Foundation
import StratumCore
import Vapor
import Yams

/// What the contract says one operation accepts: its path and query parameters and its JSON body.
struct ContractOperation: Sendable {
    struct Parameter: Sendable {
        let name: String
        let location: String
        let required: Bool
        let schema: ContractSchema
    }

    let parameters: [Parameter]
    let body: ContractSchema?
    let bodyRequired: Bool
    /// False for the few public operations (`security: []`): the others are checked only once a caller is signed in,
    /// so an anonymous request learns 401 before anything about its input.
    let secured: Bool
    /// The body is a document the core reads (`CoreDocument`): the handler reads the check's parse of it.
    var coreDocument = false
}

/// Every constraint `openapi.yaml` states, enforced in one place for every operation before its handler runs: the
/// generator checks types but not `maxLength`, `minimum`, `pattern`, `format: date` or unknown members, so without
/// this a schema would promise limits the server does not keep. A refused request is a 400 problem document naming
/// each member's JSON path (`zones[0].passes`) or the parameter; nothing reaches the store. `APITransport` runs it for
/// the operation it registers, after authentication.
struct ContractCheck: Sendable {
    /// Operations by "METHOD /path/{param}".
    let operations: [String: ContractOperation]

    init(spec: Node, coreDocuments: Set<String> = []) {
        let components = ContractSchema.components(of: spec)
        func resolve(_ node: Node) -> Node {
            guard let ref = node["$ref"]?.string, ref.hasPrefix("#/") else { return node }
            var current: Node? = spec
            for part in ref.dropFirst(2).split(separator: "/") { current = current?[String(part)] }
            return current ?? node
        }
        let globallySecured = !(spec["security"]?.sequence?.isEmpty ?? true)
        var operations: [String: ContractOperation] = [:]
        for (pathKey, item) in spec["paths"]?.mapping ?? [:] {
            guard let path = pathKey.string else { continue }
            let shared = item["parameters"]?.sequence.map(Array.init) ?? []
            for method in ["get", "put", "post", "patch", "delete"] {
                guard let op = item[method] else { continue }
                let declared = shared + (op["parameters"]?.sequence.map(Array.init) ?? [])
                let parameters = declared.map(resolve).compactMap { p -> ContractOperation.Parameter? in
                    guard let name = p["name"]?.string, let location = p["in"]?.string, let schema = p["schema"] else { return nil }
                    return .init(
                        name: name, location: location, required: p["required"]?.bool == true,
                        schema: ContractSchema.inline(schema, components: components))
                }
                let body = op["requestBody"].map(resolve)
                let json = body?["content"]?["application/json"]?["schema"]
                let secured = op["security"].map { !($0.sequence?.isEmpty ?? true) } ?? globallySecured
                let schemaName = json?["$ref"]?.string?.split(separator: "/").last.map(String.init)
                operations["\(method.uppercased()) \(path)"] = ContractOperation(
                    parameters: parameters, body: json.map { ContractSchema.inline($0, components: components) },
                    bodyRequired: body?["required"]?.bool == true, secured: secured,
                    coreDocument: schemaName.map(coreDocuments.contains) ?? false)
            }
        }
        self.operations = operations
    }

    /// What the contract says of one operation, by its method and path template as `openapi.yaml` writes them.
    func operation(method: String, path: String) -> ContractOperation? { operations["\(method.uppercased()) \(path)"] }

    /// Runs `next` with the body the check parsed (`ValidatedBody`), or throws the 400 naming every problem found.
    /// A secured operation asked without a signed-in caller goes to `next` unchecked: it learns 401 before anything
    /// about its input.
    static func checked<T>(_ request: Request, against operation: ContractOperation, _ next: () async throws -> T) async throws -> T {
        if operation.secured && RequestContext.current?.principal == nil { return try await next() }
        let (problems, body) = Self.problems(of: request, against: operation)
        guard problems.isEmpty else {
            let first = problems[0]
            throw APIProblem(.badRequest, "Bad input", detail: "\(first.path): \(first.problem)", errors: problems.map { ($0.path, $0.problem) })
        }
        // The body as parsed here, for the handlers that hand it to the core's reader: parsed once, not re-encoded.
        return try await ValidatedBody.$current.withValue(body) { try await next() }
    }

    static func problems(of request: Request, against operation: ContractOperation) -> ([ContractSchema.Problem], JSONValue?) {
        var problems: [ContractSchema.Problem] = []
        for p in operation.parameters {
            let value: String?
            switch p.location {
            case "path": value = request.parameters.get(p.name)
            case "query": value = request.url.query.flatMap { Self.queryValue(p.name, in: $0) }
            case "header": value = request.headers.first(name: p.name)
            default: value = nil
            }
            guard let value else {
                if p.required { problems.append((p.name, "required parameter is missing")) }
                continue
            }
            p.schema.check(parameter: value, named: p.name, into: &problems)
        }
        guard let schema = operation.body, Self.isJSON(request) || (operation.bodyRequired && request.headers.contentType == nil) else {
            return (problems, nil)
        }
        let bytes = request.body.data.flatMap { $0.getBytes(at: $0.readerIndex, length: $0.readableBytes) } ?? []
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            if operation.bodyRequired { problems.append(("(body)", "a JSON body is required")) }
            return (problems, nil)
        }
        do {
            let value = try JSONParser.parse(bytes)
            schema.check(value, at: "(body)", into: &problems)
            return (problems, value)
        } catch {
            problems.append(("(body)", error.description))
            return (problems, nil)
        }
    }

    /// `application/json` or a `+json` type, parameters aside, read from the header's text: parsing it into a media
    /// type cost a `/check` more than a percent of its CPU.
    private static func isJSON(_ request: Request) -> Bool {
        guard let header = request.headers.first(name: .contentType) else { return false }
        // The media type, lower-cased, without parameters or surrounding spaces; ASCII only, as media types are.
        var type: [UInt8] = []
        type.reserveCapacity(32)
        for b in header.utf8 {
            if b == UInt8(ascii: ";") { break }
            type.append(b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") ? b | 0x20 : b)
        }
        while type.last == 0x20 || type.last == 0x09 { type.removeLast() }
        let leading = type.prefix { $0 == 0x20 || $0 == 0x09 }.count
        let media = type.dropFirst(leading)
        let application = Array("application/".utf8)
        guard media.starts(with: application) else { return false }
        return media.elementsEqual(application + Array("json".utf8)) || media.reversed().starts(with: Array("nosj+".utf8))
    }

    /// The first value of a query parameter, percent-decoded (`+` is a space in a form-encoded query).
    private static func queryValue(_ name: String, in query: String) -> String? {
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(parts[0])
            guard key == name else { continue }
            let raw = parts.count > 1 ? String(parts[1]) : ""
            return raw.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? raw
        }
        return nil
    }
}

/// The JSON body of the API request being answered, as the contract check parsed it (nil without one).
enum ValidatedBody {
    @TaskLocal static var current: JSONValue?

    /// The body for the core's reader; a request that reached the handler without one is refused naming the body.
    static func required() throws -> JSONValue {
        guard let value = current else { throw APIProblem.badField("(body)", "a JSON body is required") }
        return value
    }

    /// Reads the body with the core's reader. The contract check has already passed, so the shape is right: what the
    /// reader still refuses is what the members mean together (a fixed length and a range at once, a zone listed
    /// twice, a bad GS1 check digit), answered 422 naming the member, like the store's refusals.
    static func read<T>(_ reader: (JSONValue) throws(DocumentError) -> T) throws -> T {
        let value = try required()
        do {
            return try reader(value)
        } catch {
            throw APIProblem.notAccepted(error.path, error.problem)
        }
    }
}

/// A request document the core's reader reads (plan, check, screening, course proposal, session record). Its schema in
/// `openapi.yaml` is the contract, enforced by `ContractValidationMiddleware`; the handler reads the body that check
/// parsed (`ValidatedBody`) with the core's reader, which keeps its JSON paths and a screening's null-versus-absent.
/// So the generated server decodes nothing of it: a second, typed copy cost a `/check` a sixth of its CPU.
struct CoreDocument: Codable, Hashable, Sendable {
    private struct NoMembers: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init() {}

    init(from decoder: any Decoder) throws {}

    /// Never sent by the server; written as an empty object should a client library encode one.
    func encode(to encoder: any Encoder) throws { _ = encoder.container(keyedBy: NoMembers.self) }
}
