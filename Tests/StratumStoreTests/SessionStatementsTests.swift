import Foundation
import Logging
import StratumCore
@testable import StratumStore
import Testing

/// Recording a session is the one act the writer serialises; every statement of it is paid by every session behind it
/// in the queue. These tests pin how many statements one recording issues, so that number cannot creep back up.
@Suite("Session recording: a bounded number of statements")
struct SessionStatementsTests {
    static let bound = 34

    @Test("one recording, its audit row included, issues no more statements than the bound")
    func recordingStatements() async throws {
        try await withLoggedSQLiteStore { db, recorder in
            let orgs = try await TwoOrganizations.make(db)
            let (p, course) = try await activeCourse(db, orgs)
            let written = ctx(orgs.ctxA, now: at(60 * 86_400))
            let a = orgs.scopeA(db)
            _ = try await a.screenings.record(
                patientID: p.id,
                response: ScreeningResponse(
                    answeredOn: day0.adding(days: -3),
                    answers: completeAnswers()), written)
            _ = try await a.consents.sign(
                patientID: p.id, kind: .treatment, textVersion: "t1", signedByName: "Mira Okafor",
                signedOn: day0.adding(days: -3), written)
            let one = [ZoneDose(zone: cheeks, depthMM: 0.5, passes: 3), ZoneDose(zone: forehead, depthMM: 0.25, passes: 2)]
            func record(on date: LocalDate) async throws {
                let judged = try #require(try await a.sessions.check(courseID: course.id, sessionDocument(date: date, zones: one), written))
                _ = try await a.sessions.record(
                    courseID: course.id, clinicID: orgs.clinicA.id,
                    sessionDocument(date: date, zones: one, acknowledging: judged), written)
            }
            try await record(on: day0)
            let checked = try #require(
                try await a.sessions.check(courseID: course.id, sessionDocument(date: day0.adding(days: 28), zones: one), written))
            let before = recorder.statements.count
            _ = try await a.sessions.record(
                courseID: course.id, clinicID: orgs.clinicA.id,
                sessionDocument(date: day0.adding(days: 28), zones: one, acknowledging: checked), written)
            let issued = Array(recorder.statements.dropFirst(before))
            // 41 before the answer stopped being read back and the clinic read once; a batch of one adds BEGIN and COMMIT.
            #expect(issued.count <= Self.bound, "\(issued.count) statements:\n\(issued.map { String($0.prefix(90)) }.joined(separator: "\n"))")
            let inserted = try #require(issued.firstIndex { $0.hasPrefix("INSERT INTO \"zone_treatments\"") })
            #expect(
                !issued[inserted...].contains { $0.hasPrefix("SELECT") && $0.contains("FROM \"zone_treatments\"") },
                "what the recording wrote is not read back")
            #expect(issued.filter { $0.contains("FROM \"clinics\"") }.count == 1, "the clinic is read once")
        }
    }
}
