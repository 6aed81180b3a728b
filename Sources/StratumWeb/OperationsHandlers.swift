import Foundation
import OpenAPIRuntime
import StratumStore

extension APIHandler {
    func getHealth(_ input: Operations.GetHealth.Input) async throws -> Operations.GetHealth.Output {
        .ok(.init(body: .plainText(HTTPBody("ok\n"))))
    }

    func getReady(_ input: Operations.GetReady.Input) async throws -> Operations.GetReady.Output {
        do {
            _ = try await state.directory.organizationCount()
            return .ok(.init(body: .plainText(HTTPBody("ready\n"))))
        } catch {
            throw APIProblem(.serviceUnavailable, "Not ready", detail: "The database does not answer.")
        }
    }

    func getMetrics(_ input: Operations.GetMetrics.Input) async throws -> Operations.GetMetrics.Output {
        .ok(.init(body: .plainText(HTTPBody(state.metrics.registry.emitToString()))))
    }
}
