import Foundation
import StratumCore
@testable import StratumWeb
import Testing
import Vapor
import VaporTesting

/// The page after a write shows what the write's audit row records and adds no row; a receipt that is altered, or
/// shown to another user, buys nothing: that view is audited as usual.
@Suite("The receipt after a write: no second audit row for its own page, and only for it")
struct AuditReceiptTests {
    @Test("a recorded session's page is not audited again by its author; a forged receipt or another user's view is")
    func receiptCoversOnlyItsOwnView() async throws {
        try await withServer { s in
            let r = try await TwoDoorTableTests.session(s, .page, date: TwoDoorTableTests.today)
            #expect(r.status == .seeOther)
            let location = try #require(r.headers.first(name: .location))
            #expect(location.contains("seen="), "\(location)")
            let practitioner = try await BrowserSession.signIn(s, email: "practitioner@a.example")
            func rowsOf(_ b: BrowserSession, _ path: String) async throws -> [String] {
                let before = try await rowCount(s, "audit_events")
                let shown = try await b.get(path)
                #expect(shown.status == .ok, "\(path): \(shown.status)")
                return try await TwoDoorTableTests.auditRows(s, after: before)
            }
            #expect(try await rowsOf(practitioner, location) == [], "the write's row covers its own page")
            let path = String(location.prefix { $0 != "?" })
            #expect(try await rowsOf(practitioner, path) == ["read session allowed"], "without a receipt: one row for the page, whatever it shows")
            // The MAC's last digit changed: refused, the view is audited.
            let receipt = try #require(location.range(of: "seen=")).upperBound
            let end = location[receipt...].firstIndex(of: "&") ?? location.endIndex
            let macEnd = location.index(before: end)
            let forged = String(location[..<macEnd]) + (location[macEnd] == "0" ? "1" : "0") + String(location[end...])
            #expect(forged != location)
            #expect(try await rowsOf(practitioner, forged).count == 1)
            let owner = try await BrowserSession.signIn(s, email: "owner@a.example")
            #expect(try await rowsOf(owner, location).count == 1, "a receipt is its author's only")
        }
    }
}
