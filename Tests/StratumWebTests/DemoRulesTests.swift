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
        try await withDemoServer(patients: 50) { _, state in
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
                        let equipment = try #require(s.equipment, "every demo session names its needles")
                        let facts = try #require(
                            try await scope.sessions.facts(
                                courseID: course.id, on: s.date, excluding: s.id,
                                equipment: equipment, ctx))
                        let doc = SessionRecordDocument(
                            date: s.date, zones: s.zones.map { ZoneDose(zone: $0.zone, depthMM: $0.depthMM, passes: $0.passes) },
                            endPoints: [:], equipment: equipment, topical: s.topical,
                            reactions: s.reactions, acknowledgements: [])
                        let result = SessionCheck.check(SessionStore.proposal(facts, doc))
                        stops += result.findings.filter { $0.severity == .stop }.map { "\(s.date) \($0.rule.rawValue): \($0.message)" }
                        #expect(s.decision != .doNotTreat)
                        #expect(facts.handpiece?.cleanedSinceLastUse == true, "DEV-HANDPIECE on a re-check of \(s.date)")
                        checked += 1
                    }
                }
            }
            #expect(checked >= 20, "the demo records sessions")
            #expect(stops.isEmpty, "\(stops.prefix(10))")
        }
    }
}
