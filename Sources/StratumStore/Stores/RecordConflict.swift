/// Why the record's state does not allow an act. Typed so each door tells the cases apart (the API's `conflict`
/// member, a page's message) without reading text; nothing was written.
public enum RecordConflict: Sendable, Equatable, CustomStringConvertible {
    /// Sessions are recorded only on an accepted (active) course: a proposed plan is not yet agreed, a finished or
    /// stopped one is closed.
    case courseNotActive(status: String)
    /// Only a proposed course is accepted, and only once.
    case courseNotProposed(status: String)
    /// A signed session is locked: the record stands as signed, corrections go to addenda.
    case sessionSigned
    /// An addendum corrects a signed session; an unsigned one is edited instead.
    case sessionNotSigned
    /// An organization keeps at least one active owner: nobody else can manage its staff or settings.
    case lastOwner
    /// The practitioner or the room is already booked at that time (the database refused the second booking).
    case doubleBooked
    /// Only a booked appointment is moved, checked in or marked a no-show: a cancelled one or a no-show is history.
    case appointmentNotBooked(status: String)
    /// A no-show is marked only once the appointment's start has passed.
    case appointmentNotStarted
    /// The front desk checks a patient in only on the appointment's own day in the clinic.
    case notAppointmentDay
    /// A patient checked in came: the appointment cannot be a no-show.
    case checkedIn

    /// The stable name a client branches on (the API's `conflict` member).
    public var kind: String {
        switch self {
        case .courseNotActive: "course-not-active"
        case .courseNotProposed: "course-not-proposed"
        case .sessionSigned: "session-signed"
        case .sessionNotSigned: "session-not-signed"
        case .lastOwner: "last-owner"
        case .doubleBooked: "double-booked"
        case .appointmentNotBooked: "appointment-not-booked"
        case .appointmentNotStarted: "appointment-not-started"
        case .notAppointmentDay: "not-appointment-day"
        case .checkedIn: "checked-in"
        }
    }

    public var description: String {
        switch self {
        case .courseNotActive(let status): "course is \(status), sessions are recorded only on an active course"
        case .courseNotProposed(let status): "course is \(status), only a proposed course can be accepted"
        case .sessionSigned: "session is signed: add an addendum instead"
        case .sessionNotSigned: "session is not signed: edit it instead of adding an addendum"
        case .lastOwner: "this is the organization's last active owner: make someone else an owner first"
        case .doubleBooked: "the practitioner or the room is already booked at that time"
        case .appointmentNotBooked(let status): "the appointment is \(status == "noShow" ? "a no-show" : status), only a booked one can change"
        case .appointmentNotStarted: "the appointment has not started yet: a no-show is marked after its start"
        case .notAppointmentDay: "check-in is on the appointment's day in the clinic"
        case .checkedIn: "the patient was checked in: the appointment is not a no-show"
        }
    }
}
