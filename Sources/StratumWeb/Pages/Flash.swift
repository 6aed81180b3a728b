import Foundation
import LeafKit
import StratumCore
import StratumStore
import Vapor

/// Confirmations shown once after a successful form; keys in the URL, never patient data.
enum Flash: String {
    case patientSaved = "patient-saved", screeningSaved = "screening-saved", consentSigned = "consent-signed"
    case consentWithdrawn = "consent-withdrawn"
    case coursePlanned = "course-planned", courseAccepted = "course-accepted", sessionRecorded = "session-recorded"
    case sessionSigned = "session-signed", addendumAdded = "addendum-added", eventReported = "event-reported"
    case eventUpdated = "event-updated", assessmentSaved = "assessment-saved", clinicSwitched = "clinic-switched"
    case photoSaved = "photo-saved", chartsMerged = "charts-merged", clinicSaved = "clinic-saved"
    case staffSaved = "staff-saved", invitationSent = "invitation-sent", passwordSet = "password-set", accountSaved = "account-saved"
    case twoFactorOn = "two-factor-on"
    case reportDismissed = "report-dismissed"
    case traceSaved = "trace-saved", recallOpened = "recall-opened", recallUpdated = "recall-updated", alertReviewed = "alert-reviewed"
    case appointmentsBooked = "appointments-booked", appointmentSaved = "appointment-saved", roomSaved = "room-saved"

    static func text(_ key: String) -> String? {
        switch Flash(rawValue: key) {
        case .patientSaved: "Patient saved."
        case .screeningSaved: "Screening saved."
        case .consentSigned: "Consent signed."
        case .consentWithdrawn: "Withdrawal recorded: sessions from that day need a new consent."
        case .coursePlanned: "Course proposed. Review the plan, then accept it."
        case .courseAccepted: "Course accepted."
        case .sessionRecorded: "Session recorded. Sign it to lock it."
        case .sessionSigned: "Session signed and locked."
        case .addendumAdded: "Addendum added."
        case .eventReported: "Adverse event reported."
        case .eventUpdated: "Adverse event updated."
        case .reportDismissed: "Report dismissed; the reason is on the record."
        case .assessmentSaved: "Assessment saved."
        case .clinicSwitched: "Clinic switched."
        case .clinicSaved: "Clinic settings saved: from now on, today is counted in the new time zone."
        case .traceSaved: "Saved."
        case .staffSaved: "Staff changed."
        case .invitationSent: "Invitation written; it leaves with the next mail delivery."
        case .passwordSet: "Password set. Sign in with it."
        case .accountSaved: "Saved."
        case .twoFactorOn: "Two-factor sign-in is on."
        case .photoSaved: "Photo saved; location and camera metadata were removed."
        case .chartsMerged: "Charts merged: every record of the other chart is now on this one."
        case .recallOpened: "A recall is open: contact every patient listed and record each follow-up."
        case .recallUpdated: "Recall updated."
        case .alertReviewed: "Review recorded; the item may be used again."
        case .appointmentsBooked: "Visits booked."
        case .appointmentSaved: "Appointment updated."
        case .roomSaved: "Rooms saved."
        case nil: nil
        }
    }
}
