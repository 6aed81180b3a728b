import Foundation
import StratumStore

/// The words of the mail that opens a patient's portal. It carries a one-time link and the clinic's name, nothing
/// clinical: a mailbox is not a safe place for a chart, and the portal asks the date of birth before it shows one.
enum PortalMail {
    static func link(token: String, base: String, recipient: PortalRecipient) -> OutgoingMail {
        OutgoingMail(
            kind: "portal-link", recipient: recipient.email, subject: "Your link to \(recipient.clinicName)'s patient portal",
            body: """
                You asked to open your patient portal at \(recipient.clinicName).

                Open it here, with your date of birth (the link works once, for 15 minutes):

                \(base)/portal/sign-in/\(token)

                If you did not ask, ignore this mail: nothing opens without the link and your date of birth.
                """,
            idempotencyKey: "portal-link-" + String(CredentialStore.linkKey(token)))
    }
}
