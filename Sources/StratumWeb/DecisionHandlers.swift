import Foundation
import OpenAPIRuntime
import StratumCore

extension APIHandler {
    func planCourse(_ input: Operations.PlanCourse.Input) async throws -> Operations.PlanCourse.Output {
        _ = try await authorize(.create, .clinicalDecision)
        guard case .json = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        let doc = try ValidatedBody.read(RequestReader.plan(value:))
        let result = CoursePlanner.plan(doc.request, policy: doc.policy)
        return .ok(.init(body: .json(.init(result))))
    }

    func checkSession(_ input: Operations.CheckSession.Input) async throws -> Operations.CheckSession.Output {
        _ = try await authorize(.create, .clinicalDecision)
        guard case .json = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        let doc = try ValidatedBody.read(RequestReader.check(value:))
        let result = SessionCheck.check(doc.proposal, policy: doc.policy)
        return .ok(.init(body: .json(.init(result))))
    }
}
