import Foundation
import StratumStore

/// The words of the mails staff receive about their accounts. They carry a one-time link and nothing of any
/// patient; the idempotency key is the link's own hash prefix, so the message can never be written twice.
enum StaffMail {
    static func invitation(token: String, base: String, organization: String, inviter: String, email: String) -> OutgoingMail {
        OutgoingMail(
            kind: "invitation", recipient: email, subject: "You are invited to \(organization) on Stratum",
            body: """
                \(inviter) invited you to work with \(organization) on Stratum, its clinical record for microneedling.

                Set your name and password here (the link works once, for 72 hours):

                \(base)/invitations/\(token)

                If you did not expect this invitation, ignore this mail: nothing happens without the link.
                """,
            idempotencyKey: "invitation-" + key(token))
    }

    static func passwordReset(token: String, base: String, user: User) -> OutgoingMail {
        OutgoingMail(
            kind: "password-reset", recipient: user.email, subject: "Reset your Stratum password",
            body: """
                Someone asked to reset the password of the Stratum account \(user.email).

                Choose a new password here (the link works once, for 15 minutes):

                \(base)/password/reset/\(token)

                If it was not you, ignore this mail: your password stays as it is. Signing in with a new password ends
                every other session of the account.
                """,
            idempotencyKey: "password-reset-" + key(token))
    }

    /// A stable key per link that does not reveal it: the first 32 hex digits of its SHA-256.
    private static func key(_ token: String) -> String {
        String(CredentialStore.linkKey(token))
    }
}
