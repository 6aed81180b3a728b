import Foundation
import StratumCore

/// The demo organization's two clinics and the practitioner who treats in both: where the demo's patients are cared for.
public struct DemoClinics: Sendable {
    public let central: UUID
    public let riverside: UUID
    public let practitionerID: UUID

    public init(central: UUID, riverside: UUID, practitionerID: UUID) {
        self.central = central
        self.riverside = riverside
        self.practitionerID = practitionerID
    }

    var all: [UUID] { [central, riverside] }
}

/// One synthetic patient of the demo and how far their care has come: every random choice of the demo is made here,
/// once, so the door-by-door loader and the row generator tell the same story from the same seed.
struct DemoPatient: Sendable {
    let index: Int
    let draft: PatientDraft
    /// 0 new, 1 screened, 2 course proposed, 3–5 an active course with sessions already done (the later stages
    /// further along), so every page has something to show.
    let stage: Int
    /// Screened and consented before the first session, never after today: the record admits only what happened.
    let screening: ScreeningResponse?
    let consentSigned: Bool
    let course: DemoCourse?

    var signerName: String { "\(draft.givenName) \(draft.familyName)" }
}

/// The course the planner proposed for a demo patient, accepted from stage 3 on with its sessions.
struct DemoCourse: Sendable {
    let request: PlanRequest
    let plan: PlanResult
    let goal: String
    /// Nil while the course is only proposed; else each caution of the plan accepted with a reason.
    let acceptance: [AcknowledgementDraft]?
    let visits: [DemoVisit]
}

/// One planned session the demo reached: the handpiece is cleaned before the patient, then the session is recorded,
/// signed and scored, unless the check said do not treat (`draft` nil), which ends the course's sessions.
struct DemoVisit: Sendable {
    let planned: PlannedSession
    let clinicID: UUID
    let handpieceSerial: String
    let draft: SessionDraft?
    let scores: [DemoScore]
}

/// A score the plan schedules at a session, taken on the session's day after it is recorded.
struct DemoScore: Sendable {
    let scale: OutcomeScale
    let score: Double
    let kind: AssessmentKind
    let on: LocalDate
}

/// Deterministic demo data: the same seed gives the same clinic every time.
typealias DemoRandom = SplitMix

/// The demo's patients, one at a time, drawn from one seeded stream (SplitMix64) in the order the demo has always
/// drawn them, so a seed names the same people with the same histories.
struct DemoScript: Sendable, IteratorProtocol {
    let clinics: DemoClinics
    let count: Int
    let today: LocalDate
    private var rng: DemoRandom
    private var index = 0
    /// The cartridge serials used so far (`SN1001`, `SN1002`, …), one per session attempted.
    private var serial = 1000

    init(clinics: DemoClinics, count: Int, seed: UInt64, today: LocalDate) {
        self.clinics = clinics
        self.count = count
        self.today = today
        self.rng = DemoRandom(seed: seed)
    }

    mutating func next() -> DemoPatient? {
        guard index < count else { return nil }
        let i = index
        index += 1
        let female = rng.next() % 4 != 0
        let given =
            female
            ? Self.givenFemale[Int(rng.next() % UInt64(Self.givenFemale.count))]
            : Self.givenMale[Int(rng.next() % UInt64(Self.givenMale.count))]
        let family = Self.families[Int(rng.next() % UInt64(Self.families.count))]
        let birth = LocalDate(year: 1960 + Int(rng.next() % 45), month: 1 + Int(rng.next() % 12), day: 1 + Int(rng.next() % 28))!
        let draft = PatientDraft(
            clinicID: i % 3 == 0 ? clinics.riverside : clinics.central, givenName: given, familyName: family, birthDate: birth,
            sex: female ? .female : .male, fitzpatrick: 1 + Int(rng.next() % 6),
            phone: "+44 20 7946 \(String(format: "%04d", Int(rng.next() % 10000)))",
            email: "\(given.lowercased()).\(family.lowercased())\(i)@example.com")
        return care(i, draft, stage: i % 6)
    }

    private mutating func care(_ i: Int, _ draft: PatientDraft, stage: Int) -> DemoPatient {
        func patient(_ screening: ScreeningResponse? = nil, consent: Bool = false, course: DemoCourse? = nil) -> DemoPatient {
            DemoPatient(index: i, draft: draft, stage: stage, screening: screening, consentSigned: consent, course: course)
        }
        guard stage >= 1 else { return patient() }
        let indication = [IndicationID.acneScars, .photoaging, .pigmentation, .scars][Int(rng.next() % 4)]
        let done = stage >= 3 ? stage - 2 + Int(rng.next() % 2) : 0
        let interval = IndicationCatalogue.byID[indication]!.defaultIntervalWeeks
        let start = today.adding(days: -(done * interval * 7) + (done == 0 ? 7 : 0))
        var answers: [ScreeningKey: ScreeningAnswer] = [:]
        for key in ScreeningKey.allCases { answers[key] = key.isDate ? .lastDate(nil) : .yesNo(false) }
        answers[.anticoagulants] = .yesNo(rng.next() % 7 == 0)
        let screening = ScreeningResponse(answeredOn: min(start.adding(days: -3), today), answers: answers)
        guard stage >= 2 else { return patient(screening) }
        let facts = PatientFacts(birthDate: draft.birthDate, sex: draft.sex, fitzpatrick: draft.fitzpatrick, screening: screening)
        let request = PlanRequest(
            patient: facts, indications: [indication], zones: [Zone(site: .cheek, side: .left), Zone(site: .cheek, side: .right)],
            device: Self.device, startDate: start)
        let plan = CoursePlanner.plan(request)
        guard plan.decision != .doNotTreat else { return patient(screening, consent: true) }
        let goal = "Improve \(indication.rawValue) by one grade"
        guard stage >= 3 else {
            return patient(screening, consent: true, course: DemoCourse(request: request, plan: plan, goal: goal, acceptance: nil, visits: []))
        }
        let acceptance = plan.findings.filter { $0.severity == .caution }
            .map { AcknowledgementDraft(rule: $0.rule, zone: $0.zone, reason: "Discussed with the patient at planning (demo data)") }
        var visits: [DemoVisit] = []
        var previous: [PriorSession] = []
        for planned in plan.course.sessions.prefix(done) where planned.date <= today {
            let doses = planned.zones.map { ZoneDose(zone: $0.zone, depthMM: $0.depthMM, passes: 3) }
            serial += 1
            let equipment = DemoRegistry.equipment(clinicID: draft.clinicID, clinics: clinics, serial: "SN\(serial)")
            // The check sees the cartridge as the demo has always described it (the first clinic's lot name); the
            // store judges the clinic's own lot from the registry when it writes.
            let sterility = SterilityFacts(
                singleUsePart: SingleUsePart(
                    lot: DemoRegistry.cartridgeLot, expiry: DemoRegistry.lotExpiry(today: today),
                    serial: equipment.part?.serial, previouslyUsed: false, lotRecalled: false),
                pack: nil)
            let proposal = SessionProposal(
                patient: facts, indications: [indication], device: Self.device, date: planned.date, zones: doses,
                sterility: sterility, handpiece: HandpieceFacts(cleanedSinceLastUse: true), topical: nil,
                consentSigned: true, previousSessions: previous)
            let result = SessionCheck.check(proposal)
            guard result.decision != .doNotTreat else {
                visits.append(
                    DemoVisit(planned: planned, clinicID: draft.clinicID, handpieceSerial: equipment.handpieceSerial!, draft: nil, scores: []))
                break
            }
            let acks = result.findings.filter { $0.severity == .caution }
                .map { AcknowledgementDraft(rule: $0.rule, zone: $0.zone, reason: "Reviewed with the patient (demo data)") }
            let session = SessionDraft(
                practitionerID: clinics.practitionerID, date: planned.date, zones: doses, device: Self.device,
                equipment: equipment, topical: nil, reactions: planned.expectedReactions, result: result,
                acknowledgements: acks)
            visits.append(
                DemoVisit(
                    planned: planned, clinicID: draft.clinicID, handpieceSerial: equipment.handpieceSerial!, draft: session,
                    scores: Self.scores(at: planned, plan: plan.course, birthDate: draft.birthDate)))
            previous.append(
                PriorSession(
                    date: planned.date, zones: doses.map { ZoneDepth(zone: $0.zone, depthMM: $0.depthMM) },
                    reactionsResolvedWithinDays: 2, openAdverseEvent: false))
        }
        return patient(screening, consent: true, course: DemoCourse(request: request, plan: plan, goal: goal, acceptance: acceptance, visits: visits))
    }

    /// The demo's pen: 0.25–2.5 mm, stainless steel, as planned for every course.
    static let device = DeviceSpec(kind: .pen, length: .adjustable(DepthRange(0.25, 2.5)), needleMaterial: .stainlessSteel)

    static let givenFemale = [
        "Amara", "Beatriz", "Chloe", "Daniela", "Elif", "Fatima", "Grace", "Hana", "Ines", "Julia",
        "Keiko", "Leila", "Maya", "Nadia", "Olga", "Priya", "Rosa", "Sofia", "Tamar", "Yara"
    ]
    static let givenMale = ["Ahmed", "Bruno", "Chen", "David", "Emeka", "Felix", "Goran", "Hugo", "Ivan", "Jonas"]
    static let families = [
        "Adeyemi", "Bianchi", "Chowdhury", "Dubois", "Eriksen", "Fernandes", "Garcia", "Hansen",
        "Ibrahim", "Jovanovic", "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrov",
        "Quinn", "Rossi", "Silva", "Tanaka", "Usman", "Varga", "Wojcik", "Yilmaz", "Zhang"
    ]
}

// MARK: Outcome scores

extension DemoScript {
    /// The scores the plan schedules at `session` (POLICY §1): the indication's severity scales at baseline on the first
    /// session's day, the visit scales at each later session (GAIS only from the visit after session 1), each patient
    /// with a response of their own height, some of them non-responders, so progress, the forecast and the outcome
    /// report tell one story.
    static func scores(at session: PlannedSession, plan: CoursePlan, birthDate: LocalDate) -> [DemoScore] {
        guard let planned = plan.assessments.first(where: { $0.session == session.number }) else { return [] }
        // The patient's own response, from their birth date rather than the demo's shared stream, so names and
        // care histories stay as they were.
        var own = DemoRandom(seed: UInt64(truncatingIfNeeded: birthDate.dayNumber) &* 31 &+ 7)
        let share = Double(own.next() % 1000) / 1000
        let done = Double(session.number - 1)
        return planned.scales.map { scale in
            let reference = baseline(scale, &own)
            // A third of the patients hardly respond; the others reach one to two bands over a course.
            let height = (share < 0.33 ? 0.3 : 1 + 1.2 * share) * scale.changeBand * (scale.ratesChange ? 1.4 : 1)
            let gain = (height * (1 - exp(-0.45 * done)) / scale.changeBand).rounded(.down) * scale.changeBand
            let raw = scale.score(improvement: gain, from: scale.ratesChange ? OutcomeScale.gaisNoChange : reference)
            let score = min(max(scale.integral ? raw.rounded() : raw, scale.range.lowerBound), scale.range.upperBound)
            return DemoScore(scale: scale, score: score, kind: planned.kind, on: session.date)
        }
    }

    /// A plausible starting score on a severity scale (GAIS has none: its reference is "no change").
    static func baseline(_ scale: OutcomeScale, _ rng: inout DemoRandom) -> Double {
        let draw = rng.next()
        func pick(_ values: [Double]) -> Double { values[Int(draw % UInt64(values.count))] }
        return switch scale {
        case .gais: OutcomeScale.gaisNoChange
        case .goodmanBaron: pick([3, 4])
        case .posasObserver, .posasPatient: pick([26, 30, 34, 38])
        case .vss: pick([6, 7, 8])
        case .glogau: pick([2, 3])
        case .fitzpatrickWrinkle: pick([1, 2])
        case .nurnbergerMuller: pick([2, 3])
        case .celluliteSeverity: pick([8, 10])
        case .mmasi: pick([8, 10])
        case .satisfaction: pick([4, 5])
        }
    }
}
