import Foundation
import OpenAPIRuntime
import StratumCore

extension APIHandler {
    func planCourse(_ input: Operations.PlanCourse.Input) async throws -> Operations.PlanCourse.Output {
        _ = try await authorize(.create, .clinicalDecision)
        guard case .json(let body) = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        let doc = try RequestReader.plan(bytes: try Self.bytes(body))
        let result = CoursePlanner.plan(doc.request, policy: doc.policy)
        return .ok(.init(body: .json(.init(result))))
    }

    func checkSession(_ input: Operations.CheckSession.Input) async throws -> Operations.CheckSession.Output {
        _ = try await authorize(.create, .clinicalDecision)
        guard case .json(let body) = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        let doc = try RequestReader.check(bytes: try Self.bytes(body))
        let result = SessionCheck.check(doc.proposal, policy: doc.policy)
        return .ok(.init(body: .json(.init(result))))
    }

    /// The request as JSON bytes again, for the core's reader and its path-naming messages.
    /// Written by the core's writer from the decoded values (keys sorted, as the container holds no order):
    /// Foundation's encoder of the container spent most of a `/check` on bridging each value.
    static func bytes(_ body: Components.Schemas.DecisionDocument) throws -> [UInt8] {
        Array(JSONWriter.write(jsonObject(body.additionalProperties.value), pretty: false).utf8)
    }

    private static func jsonObject(_ members: [String: (any Sendable)?]) -> JSONValue {
        .object(members.sorted { $0.key < $1.key }.map { ($0.key, json($0.value)) })
    }

    private static func json(_ value: (any Sendable)?) -> JSONValue {
        switch value {
        case nil: return .null
        case let b as Bool: return .bool(b)
        case let i as Int: return .number(Double(i))
        case let d as Double: return .number(d)
        case let s as String: return .string(s)
        case let items as [(any Sendable)?]: return .array(items.map(json))
        case let members as [String: (any Sendable)?]: return jsonObject(members)
        default: return .null
        }
    }
}
