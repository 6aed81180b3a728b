import Foundation
import StratumCore
import StratumStore
@testable import StratumWeb
import Testing

/// Reproduction 11 of the record-integrity work: the demo broke its own rules (sessions before the treatment consent,
/// packs assembled after their cycle, handpieces never cleaned). Every recorded demo session is judged again here on
/// the record as it stands, through the same facts the server reads, and none may meet a `stop`.
@Suite("Demo data keeps the clinical rules")
struct DemoRulesTests {
    @Test("every demo session, checked again on the record, meets no stop")
    func demoSessionsPassTheirChecks() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("stratum-demo-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = AppConfig(store: StoreConfiguration(database: .sqlite(path: dir.appendingPathComponent("d.sqlite").path),
                                                         dataDirectory: dir.path, auditKeyHex: String(repeating: "5d", count: 32)))
        let (app, state) = try await StratumServer.makeApplication(config: config, environment: .testing)
        do {
            #expect(try await DemoData.loadIfEmpty(state))
            let org = try #require(try await state.directory.organizations().first)
            let scope = state.scope(org.id)
            let practitioner = try #require(try await state.directory.credentials(email: "practitioner@demo.stratum.test")).0
            let clinic = try #require(try await scope.clinics().first)
            let ctx = AccessContext(actorID: practitioner.id, clinicID: clinic.id, requestID: "demo-rules")
            var checked = 0
            var stops: [String] = []
            for patient in try await scope.patients.search(name: nil, birthDate: nil, limit: 500, ctx) {
                for course in try await scope.courses.list(patientID: patient.id, ctx) {
                    for s in try await scope.sessions.list(courseID: course.id, ctx) {
                        let facts = try #require(try await scope.sessions.facts(courseID: course.id, on: s.date, excluding: s.id,
                                                                                 equipment: s.equipment ?? EquipmentReference(), ctx))
                        let doc = SessionRecordDocument(date: s.date, zones: s.zones.map { ZoneDose(zone: $0.zone, depthMM: $0.depthMM, passes: $0.passes) },
                                                        endPoints: [:], equipment: s.equipment ?? EquipmentReference(), topical: s.topical,
                                                        reactions: s.reactions, acknowledgements: [])
                        let result = SessionCheck.check(SessionWorkflow.proposal(facts, doc))
                        stops += result.findings.filter { $0.severity == .stop }.map { "\(s.date) \($0.rule.rawValue): \($0.message)" }
                        #expect(s.decision != .doNotTreat)
                        checked += 1
                    }
                }
            }
            #expect(checked >= 20, "the demo records sessions")
            #expect(stops.isEmpty, "\(stops.prefix(10))")
            try await app.asyncShutdown()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }
}
