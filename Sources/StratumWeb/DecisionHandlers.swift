import Foundation
import OpenAPIRuntime
import StratumCore

extension APIHandler {
    func planCourse(_ input: Operations.PlanCourse.Input) async throws -> Operations.PlanCourse.Output {
        _ = try await authorize(.create, .clinicalDecision)
        guard case .json(let body) = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        let doc = try RequestReader.plan(bytes: try Self.bytes(body))
        let result = CoursePlanner.plan(doc.request, policy: doc.policy)
        return .ok(.init(body: .json(try Self.container(ResultWriter.document(result)))))
    }

    func checkSession(_ input: Operations.CheckSession.Input) async throws -> Operations.CheckSession.Output {
        _ = try await authorize(.create, .clinicalDecision)
        guard case .json(let body) = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        let doc = try RequestReader.check(bytes: try Self.bytes(body))
        let result = SessionCheck.check(doc.proposal, policy: doc.policy)
        return .ok(.init(body: .json(try Self.container(ResultWriter.document(result)))))
    }

    /// The request as JSON bytes again, for the core's reader and its path-naming messages.
    static func bytes(_ body: Components.Schemas.DecisionDocument) throws -> [UInt8] {
        Array(try JSONEncoder().encode(body))
    }

    static func container(_ value: JSONValue) throws -> Components.Schemas.DecisionDocument {
        try JSONDecoder().decode(Components.Schemas.DecisionDocument.self, from: Data(JSONWriter.write(value, pretty: false).utf8))
    }
}
