import Foundation
import StratumCore
import StratumStore

/// A demo organization for newcomers: two clinics, one user in every role, and about fifty synthetic patients.
/// Loaded once; the demo passwords are printed in the README and are for demo databases only.
public enum DemoData {
    public static let password = "demo-password-2026"
    public static let users: [(email: String, name: String, role: Role)] = [
        ("owner@demo.stratum.test", "Olivia Owner", .owner),
        ("practitioner@demo.stratum.test", "Dr Priya Practitioner", .practitioner),
        ("assistant@demo.stratum.test", "Sam Assistant", .assistant),
        ("frontdesk@demo.stratum.test", "Frankie Front-Desk", .frontDesk),
        ("auditor@demo.stratum.test", "Aud Auditor", .auditor),
    ]

    /// Loads the demo unless the database already holds an organization; returns whether it loaded.
    @discardableResult
    public static func loadIfEmpty(_ state: ServerState, patients count: Int = 50, seed: UInt64 = 2026) async throws -> Bool {
        let directory = state.directory
        guard try await directory.organizationCount() == 0 else { return false }
        let org = try await directory.createOrganization(name: "Demo Skin Clinics")
        let central = try await directory.createClinic(organizationID: org.id, name: "Demo Central", timezone: "Europe/London")
        let riverside = try await directory.createClinic(organizationID: org.id, name: "Demo Riverside", timezone: "Europe/London")
        let hash = try Passwords.hash(password)
        var practitionerID: UUID?
        for u in users {
            let user = try await directory.createUser(email: u.email, displayName: u.name, passwordHash: hash)
            _ = try await directory.addMembership(userID: user.id, clinicID: central.id, role: u.role)
            if u.role == .practitioner || u.role == .owner {
                _ = try await directory.addMembership(userID: user.id, clinicID: riverside.id, role: u.role)
            }
            if u.role == .practitioner { practitionerID = user.id }
        }
        var rng = DemoRandom(seed: seed)
        let ctx = AccessContext(actorID: practitionerID, clinicID: central.id, requestID: "demo-load")
        let scope = state.scope(org.id)
        let today = DemoData.today()
        var equipment = try await DemoEquipment.load(scope: scope, clinics: [central.id, riverside.id], today: today, ctx: ctx)
        for i in 0..<count {
            let female = rng.next() % 4 != 0
            let given = female ? givenFemale[Int(rng.next() % UInt64(givenFemale.count))] : givenMale[Int(rng.next() % UInt64(givenMale.count))]
            let family = families[Int(rng.next() % UInt64(families.count))]
            let birth = LocalDate(year: 1960 + Int(rng.next() % 45), month: 1 + Int(rng.next() % 12), day: 1 + Int(rng.next() % 28))!
            let patient = try await scope.patients.create(PatientDraft(
                clinicID: i % 3 == 0 ? riverside.id : central.id, givenName: given, familyName: family, birthDate: birth,
                sex: female ? .female : .male, fitzpatrick: 1 + Int(rng.next() % 6),
                phone: "+44 20 7946 \(String(format: "%04d", Int(rng.next() % 10000)))",
                email: "\(given.lowercased()).\(family.lowercased())\(i)@example.com"),
                // Invented people: a shared random phone number does not make two of them one person.
                confirmDuplicate: true, ctx)
            try await addCareHistory(patient, stage: i % 6, today: today, rng: &rng, equipment: &equipment, scope: scope, ctx: ctx,
                                     practitionerID: practitionerID!)
        }
        try await equipment.cleanAll(scope: scope, ctx: ctx)
        return true
    }

    static func today() -> LocalDate {
        LocalDate(dayNumber: Int((Date().timeIntervalSince1970 / 86_400).rounded(.down)))
    }

    /// Gives a patient a stage of care: 0 new, 1 screened, 2 course proposed, 3–5 an active course with sessions
    /// already done (the later stages further along), so every page has something to show.
    static func addCareHistory(_ patient: Patient, stage: Int, today: LocalDate, rng: inout DemoRandom, equipment: inout DemoEquipment,
                               scope: OrganizationScope,
                               ctx: AccessContext, practitionerID: UUID) async throws {
        guard stage >= 1 else { return }
        let indication = [IndicationID.acneScars, .photoaging, .pigmentation, .scars][Int(rng.next() % 4)]
        let done = stage >= 3 ? stage - 2 + Int(rng.next() % 2) : 0
        let interval = IndicationCatalogue.byID[indication]!.defaultIntervalWeeks
        let start = today.adding(days: -(done * interval * 7) + (done == 0 ? 7 : 0))
        var answers: [ScreeningKey: ScreeningAnswer] = [:]
        for key in ScreeningKey.allCases { answers[key] = key.isDate ? .lastDate(nil) : .yesNo(false) }
        answers[.anticoagulants] = .yesNo(rng.next() % 7 == 0)
        // Screened and consented before the first session, never after today: the record admits only what happened.
        let screenedOn = min(start.adding(days: -3), today)
        let screening = ScreeningResponse(answeredOn: screenedOn, answers: answers)
        _ = try await scope.screenings.record(patientID: patient.id, response: screening, ctx)
        guard stage >= 2 else { return }
        _ = try await scope.consents.sign(patientID: patient.id, kind: .treatment, textVersion: "2026-11",
                                          signedByName: "\(patient.givenName) \(patient.familyName)", signedOn: screenedOn, ctx)
        let facts = PatientFacts(birthDate: patient.birthDate, sex: patient.sex, fitzpatrick: patient.fitzpatrick, screening: screening)
        let device = DeviceSpec(kind: .pen, length: .adjustable(DepthRange(0.25, 2.5)), needleMaterial: .stainlessSteel)
        let request = PlanRequest(patient: facts, indications: [indication],
                                  zones: [Zone(site: .cheek, side: .left), Zone(site: .cheek, side: .right)],
                                  device: device, startDate: start)
        let plan = CoursePlanner.plan(request)
        guard plan.decision != .doNotTreat else { return }
        let course = try await scope.courses.create(patientID: patient.id, clinicID: patient.clinicID, request: request, result: plan,
                                                    goal: "Improve \(indication.rawValue) by one grade", ctx)
        guard stage >= 3 else { return }
        let planAcks = course.findings.filter { $0.severity == .caution }
            .map { AcknowledgementDraft(rule: $0.rule, zone: $0.zone, reason: "Discussed with the patient at planning (demo data)") }
        _ = try await scope.courses.accept(courseID: course.id, acknowledgements: planAcks, ctx)
        var previous: [PriorSession] = []
        for planned in plan.course.sessions.prefix(done) where planned.date <= today {
            let doses = planned.zones.map { ZoneDose(zone: $0.zone, depthMM: $0.depthMM, passes: 3) }
            let parts = try await equipment.next(clinicID: patient.clinicID, scope: scope, ctx: ctx)
            let sterility = SterilityFacts(singleUsePart: SingleUsePart(lot: DemoEquipment.cartridgeLot, expiry: equipment.lotExpiry,
                                                                        serial: parts.part?.serial, previouslyUsed: false,
                                                                        lotRecalled: false), pack: nil)
            let proposal = SessionProposal(patient: facts, indications: [indication], device: device, date: planned.date, zones: doses,
                                           sterility: sterility, handpiece: HandpieceFacts(cleanedSinceLastUse: true), topical: nil,
                                           consentSigned: true, previousSessions: previous)
            let result = SessionCheck.check(proposal)
            guard result.decision != .doNotTreat else { break }
            let acks = result.findings.filter { $0.severity == .caution }
                .map { AcknowledgementDraft(rule: $0.rule, zone: $0.zone, reason: "Reviewed with the patient (demo data)") }
            let session = try await scope.sessions.record(courseID: course.id, clinicID: patient.clinicID, SessionDraft(
                practitionerID: practitionerID, date: planned.date, zones: doses, device: device, equipment: parts,
                topical: nil, reactions: planned.expectedReactions, result: result, acknowledgements: acks), ctx.fresh())
            _ = try await scope.sessions.sign(sessionID: session.id, by: practitionerID, ctx)
            try await DemoOutcomes.recordScores(at: planned, plan: plan.course, patient: patient, courseID: course.id, scope: scope, ctx: ctx)
            previous.append(PriorSession(date: planned.date, zones: doses.map { ZoneDepth(zone: $0.zone, depthMM: $0.depthMM) },
                                         reactionsResolvedWithinDays: 2, openAdverseEvent: false))
        }
    }

    static let givenFemale = ["Amara", "Beatriz", "Chloe", "Daniela", "Elif", "Fatima", "Grace", "Hana", "Ines", "Julia",
                              "Keiko", "Leila", "Maya", "Nadia", "Olga", "Priya", "Rosa", "Sofia", "Tamar", "Yara"]
    static let givenMale = ["Ahmed", "Bruno", "Chen", "David", "Emeka", "Felix", "Goran", "Hugo", "Ivan", "Jonas"]
    static let families = ["Adeyemi", "Bianchi", "Chowdhury", "Dubois", "Eriksen", "Fernandes", "Garcia", "Hansen",
                           "Ibrahim", "Jovanovic", "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrov",
                           "Quinn", "Rossi", "Silva", "Tanaka", "Usman", "Varga", "Wojcik", "Yilmaz", "Zhang"]
}

/// Deterministic demo data: the same seed gives the same clinic every time.
typealias DemoRandom = SplitMix
