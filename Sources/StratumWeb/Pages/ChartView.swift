import Foundation
import StratumCore
import StratumStore

/// The chart page's content: a banner with what must be seen before touching the patient, then the record.
struct ChartView: Encodable {
    struct Banner: Encodable {
        let name: String
        let age: Int
        let sex: String
        let phototype: String
        let alerts: [PageValues.FindingView]
        let screeningState: String
        /// A stale, missing or incomplete screening is shown as a warning, not a footnote.
        let screeningWarning: Bool
    }

    struct ScreeningView: Encodable {
        let version: Int
        let answeredOn: String
        let findings: [PageValues.FindingView]
        let hasFindings: Bool
        /// Answered by the patient at home, confirmed in the room (decision 0019).
        var byPatient = false
    }

    struct ConsentView: Encodable {
        let id: String
        let kind: String
        let textVersion: String
        let signedByName: String
        let signedAt: String
        let signedOn: String
        let withdrawn: Bool
        let withdrawnOn: String
        /// A consent in force, and a role that may record the patient's withdrawal of it.
        let canWithdraw: Bool
        /// Who recorded it, by name and role (issue 12).
        var by = ""
        /// Signed by the patient in the portal (decision 0019).
        var portal = false
    }

    struct CourseView: Encodable {
        let id: String
        let indications: String
        let zones: String
        let status: String
        let decision: String
        let intervalWeeks: Int
        let visits: Int
        let recorded: Int
        let goal: String?
        /// Who recorded it, by name and role (issue 12).
        var by = ""
    }

    struct SessionRow: Encodable {
        let id: String
        let date: String
        let zones: String
        let decision: String
        let signed: Bool
        let acknowledgements: Int
        /// Who recorded it, by name and role (issue 12).
        var by = ""
    }

    struct AssessmentRow: Encodable {
        let scale: String
        let score: String
        let kind: String
        let date: String
        /// Who recorded it, by name and role (issue 12).
        var by = ""
    }

    struct EventRow: Encodable {
        let id: String
        let type: String
        let grade: Int
        let onset: String
        let open: Bool
        /// Who recorded it, by name and role (issue 12).
        var by = ""
    }

    let id: String
    let clinical: Bool
    let banner: Banner
    /// Stop findings of the latest screening and plan: the chart turns red "Do not treat" while there is one.
    let stops: [ChartStop]
    let doNotTreat: Bool
    let screening: ScreeningView?
    let consents: [ConsentView]
    let hasConsents: Bool
    /// The clinic's today: the default day of a withdrawal.
    let todayText: String
    let courses: [CourseView]
    let hasCourses: Bool
    let sessions: [SessionRow]
    let hasSessions: Bool
    let assessments: [AssessmentRow]
    let hasAssessments: Bool
    let events: [EventRow]
    let hasEvents: Bool
    /// Answers the patient gave at home, awaiting review: not yet what plans and sessions read (decision 0019).
    var homeScreening: HomeScreeningPages.Awaiting?

    static let romans = ["", "I", "II", "III", "IV", "V", "VI"]
    /// POLICY `SCR-STALE`: a screening older than this must be repeated before a session.
    static let staleAfterDays = 90

    init(
        patient: Patient, screenings: [ScreeningRecord], consents: [Consent], courses: [Course], sessions: [TreatmentSession],
        events: [AdverseEvent], assessments: [Assessment], today: LocalDate, role: Role, clinical: Bool
    ) {
        id = PageValues.id(patient.id)
        self.clinical = clinical
        let latest = screenings.first
        stops = clinical ? ChartStop.of(latestScreening: latest, courses: courses) : []
        doNotTreat = !stops.isEmpty
        var state = "No screening recorded: screen the patient before planning."
        var warning = true
        if let latest {
            let age = latest.answeredOn.days(until: today)
            if age > Self.staleAfterDays {
                state = "Screening v\(latest.version) is \(age) days old: screen again before the next session (SCR-STALE)."
            } else if latest.findings.contains(where: { $0.rule == .scrIncomplete }) {
                state = "Screening v\(latest.version) of \(latest.answeredOn) is incomplete (SCR-INCOMPLETE)."
            } else {
                state = "Screened \(latest.answeredOn) (v\(latest.version))."
                warning = false
            }
        }
        banner = Banner(
            name: "\(patient.givenName) \(patient.familyName)", age: patient.birthDate.age(on: today), sex: patient.sex.rawValue,
            phototype: Self.romans[max(0, min(6, patient.fitzpatrick))],
            alerts: PageValues.findings((latest?.findings ?? []).filter { $0.severity >= .caution }),
            screeningState: clinical ? state : "", screeningWarning: clinical && warning)
        screening = latest.map {
            ScreeningView(
                version: $0.version, answeredOn: $0.answeredOn.description, findings: PageValues.findings($0.findings),
                hasFindings: !$0.findings.isEmpty, byPatient: $0.answeredByPatient)
        }
        self.consents = consents.map { c in
            var kind = "Treatment"
            if case .photo(let tier) = c.kind { kind = "Photographs: \(tier.rawValue)" }
            return ConsentView(
                id: PageValues.id(c.id), kind: kind, textVersion: c.textVersion, signedByName: c.signedByName,
                signedAt: PageValues.time(c.signedAt), signedOn: c.signedOn.description, withdrawn: c.withdrawnAt != nil,
                withdrawnOn: c.withdrawnOn?.description ?? "",
                canWithdraw: c.withdrawnAt == nil && Permissions.allows(role, .update, .consent),
                by: c.recorder.label, portal: c.channel == .portal)
        }
        todayText = today.description
        hasConsents = !consents.isEmpty
        self.courses = courses.map { c in
            CourseView(
                id: PageValues.id(c.id), indications: c.indications.map(PageValues.indicationName).joined(separator: ", "),
                zones: c.zones.map(PageValues.zoneName).joined(separator: ", "), status: c.status.rawValue, decision: c.decision.rawValue,
                intervalWeeks: c.intervalWeeks, visits: c.plannedVisits.count,
                recorded: sessions.filter { $0.courseID == c.id }.count, goal: c.goal,
                by: [AuthorshipText.by("proposed", c.proposer, at: nil), c.acceptor.map { AuthorshipText.by("accepted", $0, at: nil) }]
                    .compactMap { $0 }.joined(separator: ", "))
        }
        hasCourses = !courses.isEmpty
        self.sessions = sessions.map { s in
            SessionRow(
                id: PageValues.id(s.id), date: s.date.description,
                zones: s.zones.map { "\(PageValues.zoneName($0.zone)) \(PageValues.mm($0.depthMM)) mm" }.joined(separator: ", "),
                decision: s.decision.rawValue, signed: s.isSigned, acknowledgements: s.acknowledgements.count,
                by: AuthorshipText.sessionShort(s))
        }
        hasSessions = !sessions.isEmpty
        self.assessments = assessments.map {
            AssessmentRow(
                scale: PageValues.scaleName($0.scale), score: PageValues.mm($0.score), kind: $0.kind.rawValue, date: $0.assessedOn.description,
                by: $0.assessor.label)
        }
        hasAssessments = !assessments.isEmpty
        self.events = events.map {
            EventRow(
                id: PageValues.id($0.id), type: $0.type.rawValue, grade: $0.grade.rawValue, onset: $0.onset.description, open: $0.status == .open,
                by: $0.recorder.label)
        }
        hasEvents = !events.isEmpty
    }
}
