import Foundation
import StratumCore
import StratumStore

/// The words of a visit reminder: the clinic, the time in the clinic's zone, the pre-care of POLICY §3 in plain words
/// (the 48-hour reminder in full; the 2-hour one and a text message in one sentence), the link that confirms or
/// cancels, and the clinic's phone. Nothing about the treatment: a mailbox or a phone's lock screen is not a chart.
enum ReminderMail {
    static func compose(_ f: ReminderFacts) -> OutgoingMail {
        let when = ReminderSchedule.wording(f.startsAt, timeZone: f.clinicTimezone)
        let link = "\(OutgoingMail.linkBase)/appointments/reply/\(f.replyToken)"
        let call = f.clinicPhone.map { " Questions? Call \($0)." } ?? ""
        switch f.channel {
        case .sms:
            let text = "\(f.clinicName): your visit is on \(when). \(PreCareAdvice.short) Confirm or cancel: \(link)\(call)"
            return OutgoingMail(
                kind: "reminder-\(f.kind.rawValue)", recipient: f.recipient, subject: "", body: text, idempotencyKey: f.idempotencyKey)
        case .email:
            let intro =
                f.kind == .twoDays
                ? "This is a reminder of your visit to \(f.clinicName) on \(when)."
                : "Your visit to \(f.clinicName) is in about two hours: \(when)."
            let care =
                f.kind == .twoDays
                ? "Before your visit:\n\n\(PreCareAdvice.text)"
                : PreCareAdvice.short
            let body = """
                Dear \(f.givenName),

                \(intro)

                \(care)

                Please confirm or cancel your visit here:

                \(link)
                \(f.kind == .twoDays ? "\nBefore you come, you can answer the screening questions and read your consent in your patient portal:\n\n\(OutgoingMail.linkBase)/portal/sign-in\n" : "")
                \(f.clinicPhone.map { "\nIf anything has changed, call \(f.clinicName) on \($0)." } ?? "")
                """
            return OutgoingMail(
                kind: "reminder-\(f.kind.rawValue)", recipient: f.recipient, subject: "Your visit to \(f.clinicName): \(when)", body: body,
                idempotencyKey: f.idempotencyKey)
        }
    }
}
