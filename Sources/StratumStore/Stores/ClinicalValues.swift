import Foundation
import StratumCore

/// One dated, versioned screening questionnaire with the findings the rule set of its `policyVersion` computed
/// from it on the day it was answered (POLICY §3: answers are versioned, findings record the rule-set version).
public struct ScreeningRecord: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let patientID: UUID
    /// 1 for the patient's first screening, then 2, 3, …: a new answer never overwrites an old one.
    public let version: Int
    public let answeredOn: LocalDate
    /// Only the keys that were answered; a date key mapped to `.lastDate(nil)` means "never".
    public let answers: [ScreeningKey: ScreeningAnswer]
    /// Plan-context findings on the day answered, with no zones and the default pen (see `ScreeningStore`).
    public let findings: [Finding]
    public let policyVersion: String
    public let recordedBy: UUID
    public let createdAt: Date
    /// Names and roles of the staff this record names, resolved in the read that loaded it.
    public internal(set) var staff = Authors()
    /// Answered by the patient in the portal, then confirmed (and perhaps corrected) by `recordedBy` in the room.
    public internal(set) var answeredByPatient = false

    /// The response as the core rules read it, for a plan or session check.
    public var response: ScreeningResponse { ScreeningResponse(answeredOn: answeredOn, answers: answers) }
}

/// How far a patient allows photographs to travel: kept in the record only, shown in the clinic, or published.
public enum PhotoConsentTier: String, Sendable, CaseIterable, Codable {
    case recordOnly = "record-only"
    case inClinic = "in-clinic"
    case publication
}

/// Where a consent was signed: in the room before a member of staff, or by the patient in the portal (issue 16).
public enum ConsentChannel: String, Sendable, CaseIterable, Codable {
    case clinic, portal
}

/// What a consent covers: the treatment course itself (`SCR-CONSENT`), or photographs at a given tier.
public enum ConsentKind: Sendable, Equatable, Hashable {
    case treatment
    case photo(PhotoConsentTier)
}

/// A signed consent: the text version the patient read, the name they typed, when, and who recorded it.
public struct Consent: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let patientID: UUID
    public let kind: ConsentKind
    public let textVersion: String
    /// The signer's full name as typed by them (patient or guardian).
    public let signedByName: String
    public let signedAt: Date
    /// The staff member who took the signature; nil when the patient signed in the portal.
    public let recordedBy: UUID?
    /// Set once when the patient withdraws; a withdrawn consent no longer permits anything.
    public let withdrawnAt: Date?
    /// The clinic's calendar day of signing, and of withdrawal as the patient gave it: the days `SCR-CONSENT` counts.
    public let signedOn: LocalDate
    public let withdrawnOn: LocalDate?
    /// Names and roles of the staff this record names, resolved in the read that loaded it.
    public internal(set) var staff = Authors()
    /// Where it was signed: in the room, or by the patient in the portal.
    public internal(set) var channel = ConsentChannel.clinic

    /// Whether the consent still permits what it covers.
    public var isInForce: Bool { withdrawnAt == nil }

    /// The days the consent covers a session (`ConsentPeriod.inForce(on:)`).
    public var period: ConsentPeriod { ConsentPeriod(signedOn: signedOn, withdrawnOn: withdrawnOn) }
}

/// Where a course stands: proposed by the planner, accepted by patient and practitioner (sessions may be recorded
/// only then), completed or cancelled (set by later work; stored values are read back faithfully).
public enum CourseStatus: String, Sendable, CaseIterable, Codable {
    case proposed, active, completed, cancelled
}

/// A visit of a course as planned: its number, date and per-zone nominal depths.
public struct PlannedVisit: Sendable, Equatable {
    public let number: Int
    public let date: LocalDate
    public let zones: [ZoneDepth]
}

/// A course of treatment for a patient: what the planner proposed, under which policy, and where it stands.
public struct Course: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let patientID: UUID
    public let clinicID: UUID
    public let indications: [IndicationID]
    public let zones: [Zone]
    public let device: DeviceSpec
    public let goal: String?
    /// The goal as a score on the course's primary outcome scale, when one was agreed.
    public let goalScore: Double?
    public let status: CourseStatus
    public let intervalWeeks: Int
    /// The plan's decision and findings as the planner gave them when the course was proposed.
    public let decision: Decision
    public let findings: [Finding]
    /// The plan result document (docs/documents.md), exactly as stored.
    public let planJSON: String
    public let policyVersion: String
    public let createdBy: UUID
    public let createdAt: Date
    public let acceptedAt: Date?
    /// Who accepted the course; nil while proposed, and for courses accepted before acceptors were recorded.
    public let acceptedBy: UUID?
    /// The plan's cautions as acknowledged, each with its reason, when the course was accepted.
    public let acknowledgements: [FindingAcknowledgement]
    public let plannedVisits: [PlannedVisit]
    /// Names and roles of the staff this record names, resolved in the read that loaded it.
    public internal(set) var staff = Authors()
}

/// A zone as treated: site and side, nominal depth, passes, and the clinical end point reached (e.g. "erythema").
public struct ZoneTreatment: Sendable, Equatable {
    public let zone: Zone
    public let depthMM: Double
    public let passes: Int
    public let endPoint: String?
}

/// A caution finding the practitioner accepted with a written reason before treating (POLICY "Decision vocabulary").
public struct FindingAcknowledgement: Sendable, Equatable {
    public let rule: RuleID
    /// The zone the finding concerned; nil acknowledges the rule for every zone it fired on.
    public let zone: Zone?
    public let reason: String
    public let acknowledgedBy: UUID
    public let acknowledgedAt: Date
}

/// An acknowledgement as given when a session is recorded; who and when come from the access context.
public struct AcknowledgementDraft: Sendable, Equatable {
    public var rule: RuleID
    public var zone: Zone?
    public var reason: String

    public init(rule: RuleID, zone: Zone? = nil, reason: String) {
        self.rule = rule
        self.zone = zone
        self.reason = reason
    }
}

/// A note appended to a signed session: the signed record itself never changes, corrections are added beside it.
public struct SessionAddendum: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let text: String
    public let authorID: UUID
    public let createdAt: Date
}

/// Everything documented for one treatment session, as checked by `SessionCheck` before needles touched skin.
public struct SessionDraft: Sendable, Equatable {
    public var practitionerID: UUID
    /// Who wrote the record, when not the treating practitioner (an assistant documenting for them); nil: the practitioner.
    public var documentedBy: UUID? = nil
    public var date: LocalDate
    public var zones: [ZoneDose]
    /// Clinical end point reached per zone, where recorded.
    public var endPoints: [Zone: String]
    public var device: DeviceSpec
    /// What touched the patient, as labelled; the store resolves it from the registry and binds it to the session.
    public var equipment: EquipmentReference
    public var topical: TopicalFacts?
    public var reactions: [ExpectedReaction]
    /// The guardrail result the session was recorded under; its decision and findings are stored with it.
    public var result: CheckResult
    public var acknowledgements: [AcknowledgementDraft]

    public init(
        practitionerID: UUID, date: LocalDate, zones: [ZoneDose], endPoints: [Zone: String] = [:], device: DeviceSpec,
        equipment: EquipmentReference, topical: TopicalFacts?, reactions: [ExpectedReaction],
        result: CheckResult, acknowledgements: [AcknowledgementDraft]
    ) {
        self.practitionerID = practitionerID
        self.date = date
        self.zones = zones
        self.endPoints = endPoints
        self.device = device
        self.equipment = equipment
        self.topical = topical
        self.reactions = reactions
        self.result = result
        self.acknowledgements = acknowledgements
    }
}

/// A recorded treatment session with its zones, findings, acknowledgements and, once signed, its addenda.
public struct TreatmentSession: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let courseID: UUID
    public let patientID: UUID
    public let clinicID: UUID
    public let practitionerID: UUID
    public let date: LocalDate
    public let zones: [ZoneTreatment]
    public let device: DeviceSpec
    /// The sterility facts as the registry stood when the session was recorded.
    public let sterility: SterilityFacts
    public let handpiece: HandpieceFacts?
    /// The part, pack and handpiece bound to the session, as labelled.
    public let equipment: EquipmentReference?
    public let topical: TopicalFacts?
    public let reactions: [ExpectedReaction]
    public let decision: Decision
    public let findings: [Finding]
    public let policyVersion: String
    public let acknowledgements: [FindingAcknowledgement]
    public let addenda: [SessionAddendum]
    public let createdAt: Date
    /// Set when the practitioner signs; from then on the record is locked and only addenda may be added.
    public let signedAt: Date?
    public let signedBy: UUID?
    /// Who wrote the record: the practitioner, or an assistant documenting for them.
    public let documentedBy: UUID
    /// Names and roles of the staff this record names, resolved in the read that loaded it.
    public internal(set) var staff = Authors()

    /// Recorded for a day before the clinic's today at the time of writing (`writtenAt`): shown as a late entry.
    public var lateEntry = false
    public var writtenAt: Date?

    /// Whether the session is signed and therefore locked.
    public var isSigned: Bool { signedAt != nil }
}

/// Where an adverse event stands: open until the clinic closes it; an open event holds the next session's depth
/// on the same area (`REACTION-UNRESOLVED`).
public enum AdverseEventStatus: String, Sendable, CaseIterable, Codable {
    case open, closed
}

/// The equipment and product an adverse event may be traced to (POLICY §6, `AE-CLUSTER`), as free identifiers.
public struct AdverseEventLinks: Sendable, Equatable {
    public var devicePart: String?
    public var lot: String?
    public var pack: String?
    public var topical: String?

    public init(devicePart: String? = nil, lot: String? = nil, pack: String? = nil, topical: String? = nil) {
        self.devicePart = devicePart
        self.lot = lot
        self.pack = pack
        self.topical = topical
    }
}

/// A complication after treatment, graded by CTCAE v5.0, with its suspected causes and equipment links.
public struct AdverseEvent: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let patientID: UUID
    public let sessionID: UUID?
    public let type: AdverseEventType
    public let onset: LocalDate
    public let grade: CTCAEGrade
    public let suspectedCauses: [SuspectedCause]
    public let links: AdverseEventLinks
    public let notes: String?
    public let status: AdverseEventStatus
    public let recordedBy: UUID
    public let createdAt: Date
    public let closedAt: Date?
    /// The clinic the event belongs to: its session's, or its patient's when it follows none.
    public let clinicID: UUID
    /// The zones the event affects; `REACTION-UNRESOLVED` holds only these while it is open. Empty for an event
    /// recorded without zones and no session: it then holds the whole area of the session it followed.
    public let zones: [Zone]
    /// Who closed it; nil while open, and for events closed before closers were recorded.
    public let closedBy: UUID?
    /// Names and roles of the staff this record names, resolved in the read that loaded it.
    public internal(set) var staff = Authors()
}

/// An outcome measurement on a named scale (baseline, per visit, follow-up), the evidence a course worked.
public struct Assessment: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let patientID: UUID
    public let courseID: UUID?
    public let scale: String
    public let score: Double
    /// Item-level scores as a JSON document, when the scale has items.
    public let itemsJSON: String?
    public let kind: AssessmentKind
    public let assessedOn: LocalDate
    public let assessedBy: UUID
    public let createdAt: Date
    /// Names and roles of the staff this record names, resolved in the read that loaded it.
    public internal(set) var staff = Authors()

    /// The item scores in the scale's item order, when the score was computed from items.
    public var items: [(key: String, value: Double)]? {
        guard let itemsJSON, case .object(let pairs)? = try? JSONParser.parse(itemsJSON) else { return nil }
        return pairs.compactMap { k, v in if case .number(let n) = v { (k, n) } else { nil } }
    }
}

/// One review of an adverse event before it is closed: when, the grade then, and what was seen or done.
public struct AdverseEventFollowUp: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let eventID: UUID
    public let notedOn: LocalDate
    public let grade: CTCAEGrade?
    public let text: String
    public let recordedBy: UUID
    public let createdAt: Date
    /// Names and roles of the staff this record names, resolved in the read that loaded it.
    public internal(set) var staff = Authors()
}

/// What a session is judged on, read from the record in the transaction that records it (POLICY §2–§5: the
/// patient, screening, consent and earlier sessions come from the record, never from the client).
public struct SessionFacts: Sendable {
    public let course: Course
    public let patient: Patient
    /// The newest screening; nil when the patient was never screened.
    public let screening: ScreeningRecord?
    public let consentSigned: Bool
    /// The patient's sessions on or before the session's date, across all their courses.
    public let previousSessions: [PriorSession]
    /// The named equipment as the registry knows it (`DEV-*`); nothing named gives no part and no pack.
    public let sterility: SterilityFacts
    public let handpiece: HandpieceFacts?
    /// Unreviewed `AE-CLUSTER` alerts on the named sterilizer, lot or handpiece.
    public let clusterAlerts: [InfectionCluster.Alert]
    /// What the catalogue says the named parts and handpiece are (`DEPTH-DEVICE`, `DEV-INCOMPATIBLE`).
    public let registered: RegisteredEquipment
    /// The policy of the clinic where the session happens: the shipped one narrowed by the clinic's override.
    public let policy: ClinicalPolicy
}

/// Where a screening answered at home stands: waiting for the room, confirmed there (an ordinary screening version
/// now holds it), or replaced by the patient's later answers before anyone reviewed it.
public enum HomeScreeningStatus: String, Sendable, CaseIterable, Codable {
    case awaitingReview = "awaiting-review"
    case confirmed
    case superseded
}

/// A screening the patient answered in the portal before a visit. It counts for nothing (plans and sessions read
/// `ScreeningRecord`s only) until a practitioner reviews and confirms it in the room.
public struct HomeScreening: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let patientID: UUID
    public let clinicID: UUID
    /// The clinic's day the patient answered on.
    public let answeredOn: LocalDate
    public let answers: [ScreeningKey: ScreeningAnswer]
    /// What the answers raise, judged as a screening on its own is (`ScreeningStore.findings`), so the clinic sees a
    /// stop before the visit.
    public let findings: [Finding]
    public let policyVersion: String
    public let submittedAt: Date
    public let status: HomeScreeningStatus
    public let reviewedBy: UUID?
    public let reviewedAt: Date?
    /// The screening version the review wrote.
    public let screeningID: UUID?

    public var response: ScreeningResponse { ScreeningResponse(answeredOn: answeredOn, answers: answers) }
}

/// A patient whose answers from home wait for review, as the clinic's Today lists them.
public struct HomeScreeningAwaiting: Sendable, Equatable {
    public let screening: HomeScreening
    public let patientName: String
}
