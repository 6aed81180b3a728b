import Foundation
import StratumStore
@testable import StratumWeb
import Testing

@Suite("The owner's view of outgoing mail")
struct MailOutboxPageTests {
    @Test("without a relay, the owner sees each waiting message (never its body, which holds a one-time link); others see no outbox")
    func waitingMail() async throws {
        try await withServer { s in
            try await MailOutbox(database: s.state.database).enqueue(
                OutgoingMail(
                    kind: "invitation", recipient: "priya@clinic.example", subject: "Your invitation to Alder",
                    body: "Set your password: http://127.0.0.1:8080/invitations/one-time-secret", idempotencyKey: "inv-page-1"),
                organizationID: s.orgA.id)
            let owner = try await BrowserSession.signIn(s, email: "owner@a.example")
            let page = try await owner.get("/clinic/settings").text
            #expect(page.contains("id=\"mail-no-relay\""))
            #expect(page.contains("priya@clinic.example") && page.contains("Your invitation to Alder") && page.contains("waiting"))
            #expect(!page.contains("one-time-secret"))
            let practitioner = try await BrowserSession.signIn(s, email: "practitioner@a.example")
            let theirs = try await practitioner.get("/clinic/settings").text
            #expect(!theirs.contains("id=\"outgoing-mail\"") && !theirs.contains("priya@clinic.example"))
            let otherOrganization = try await BrowserSession.signIn(s, email: "owner@b.example")
            #expect(!(try await otherOrganization.get("/clinic/settings").text.contains("priya@clinic.example")))
        }
    }
}
