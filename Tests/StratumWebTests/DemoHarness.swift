import Foundation
import StratumStore
@testable import StratumWeb
import Testing
import Vapor

/// A server holding the demo organization (fewer patients than `--demo`, every stage of care still present).
func withDemoServer<T: Sendable>(patients: Int = 12, _ body: @Sendable (Application, ServerState) async throws -> T) async throws -> T {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("stratum-walk-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let config = AppConfig(
        store: StoreConfiguration(
            database: .sqlite(path: dir.appendingPathComponent("w.sqlite").path),
            dataDirectory: dir.path, auditKeyHex: String(repeating: "5d", count: 32)))
    let (app, state) = try await StratumServer.makeApplication(config: config, environment: .testing)
    do {
        #expect(try await DemoData.loadIfEmpty(state, patients: patients))
        let result = try await body(app, state)
        try await app.asyncShutdown()
        return result
    } catch {
        try? await app.asyncShutdown()
        throw error
    }
}
