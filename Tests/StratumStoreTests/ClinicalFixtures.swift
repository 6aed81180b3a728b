import Foundation
import SQLKit
import StratumCore
@testable import StratumStore
import Testing

// Shared facts for the clinical store tests: a fully answered screening, a planned course and a checked session.

let day0 = LocalDate(iso: "2026-11-02")!

/// Every question answered "no" or "never", with `overrides` on top.
func completeAnswers(_ overrides: [ScreeningKey: ScreeningAnswer] = [:]) -> [ScreeningKey: ScreeningAnswer] {
    var a: [ScreeningKey: ScreeningAnswer] = [:]
    for k in ScreeningKey.allCases { a[k] = k.isDate ? .lastDate(nil) : .yesNo(false) }
    return a.merging(overrides) { $1 }
}

let testPen = DeviceSpec(kind: .pen, length: .adjustable(DepthRange(0.25, 2.5)), needleMaterial: .stainlessSteel)
let cheeks = Zone(site: .cheek, side: .bilateral)
let forehead = Zone(site: .forehead, side: .midline)

func facts(_ p: Patient, answeredOn: LocalDate = day0) -> PatientFacts {
    PatientFacts(
        birthDate: p.birthDate, sex: p.sex, fitzpatrick: p.fitzpatrick,
        screening: ScreeningResponse(answeredOn: answeredOn, answers: completeAnswers()))
}

func photoagingPlan(_ p: Patient, start: LocalDate = day0) -> (PlanRequest, PlanResult) {
    let request = PlanRequest(patient: facts(p), indications: [.photoaging], zones: [cheeks, forehead], device: testPen, startDate: start)
    return (request, CoursePlanner.plan(request))
}

/// A session on `date` checked by the guardrails with everything in order, every caution acknowledged with a reason.
/// The test lot `activeCourse` receives: cartridges without a printed serial, told apart by count.
let testGTIN = "09506000134352"
let testLot = "LOT-2291"
let testPart = EquipmentReference(part: PartReference(gtin: testGTIN, lot: testLot, serial: nil))

func checkedSession(
    _ p: Patient, practitioner: UUID, date: LocalDate, zones: [ZoneDose], previous: [PriorSession] = [],
    consentSigned: Bool = true, equipment: EquipmentReference = testPart
) -> SessionDraft {
    let sterility = SterilityFacts(
        singleUsePart: SingleUsePart(
            lot: testLot, expiry: LocalDate(iso: "2028-01-31")!, serial: nil,
            previouslyUsed: false, lotRecalled: false), pack: nil)
    let handpiece = HandpieceFacts(cleanedSinceLastUse: true)
    let proposal = SessionProposal(
        patient: facts(p, answeredOn: day0), indications: [.photoaging], device: testPen, date: date, zones: zones,
        sterility: sterility, handpiece: handpiece, topical: nil, consentSigned: consentSigned,
        previousSessions: previous)
    let result = SessionCheck.check(proposal)
    let acks = result.findings.filter { $0.severity == .caution }
        .map { AcknowledgementDraft(rule: $0.rule, zone: $0.zone, reason: "Discussed with the patient; conservative depth") }
    return SessionDraft(
        practitionerID: practitioner, date: date, zones: zones, endPoints: [zones[0].zone: "erythema"], device: testPen,
        equipment: equipment, topical: nil,
        reactions: ExpectedReaction.expected(atDepth: zones.map(\.depthMM).max() ?? 0), result: result,
        acknowledgements: acks)
}

/// What a practitioner sends to record `zones` on `date` with the test part, acknowledging every caution of `check`
/// (the live re-check the form shows before recording).
func sessionDocument(
    date: LocalDate, zones: [ZoneDose], equipment: EquipmentReference = testPart, acknowledging check: CheckResult? = nil,
    reason: String = "Discussed with the patient; conservative depth"
) -> SessionRecordDocument {
    let acks = (check?.findings ?? []).filter { $0.severity == .caution }.map { Acknowledgement(rule: $0.rule, zone: $0.zone, reason: reason) }
    return SessionRecordDocument(
        date: date, zones: zones, endPoints: [zones[0].zone: "erythema"], equipment: equipment, topical: nil,
        reactions: ExpectedReaction.expected(atDepth: zones.map(\.depthMM).max() ?? 0), acknowledgements: acks)
}

/// A patient of organization A with an accepted (active) photoaging course, and organization A's test lot in stock.
func activeCourse(_ db: StratumDatabase, _ orgs: TwoOrganizations) async throws -> (Patient, Course) {
    let a = orgs.scopeA(db)
    if try await a.stock.lots().isEmpty {
        _ = try await a.stock.receive(
            LotDraft(
                clinicID: orgs.clinicA.id, modelID: nil, product: "Test cartridge", gtin: testGTIN, lot: testLot,
                expiry: LocalDate(iso: "2028-01-31")!, quantity: 500), orgs.ctxA)
    }
    // Tests call this for several patients: same-named test people, confirmed as different persons.
    let p = try await a.patients.create(draft(orgs.clinicA.id), confirmDuplicate: true, orgs.ctxA)
    let (request, _) = photoagingPlan(p)
    let course = try await a.courses.create(
        patientID: p.id, clinicID: orgs.clinicA.id, request: request,
        goal: "Softer fine lines", orgs.ctxA)
    return (p, try await a.courses.accept(courseID: course.id, acknowledgements: acknowledgingCautions(course), orgs.ctxA))
}

/// A reason for every caution of the course's plan, as a practitioner gives them to accept it.
func acknowledgingCautions(_ course: Course) -> [AcknowledgementDraft] {
    course.findings.filter { $0.severity == .caution }
        .map { AcknowledgementDraft(rule: $0.rule, zone: $0.zone, reason: "Discussed with the patient at planning") }
}

func allAuditRows(_ db: StratumDatabase) async throws -> [AuditRow] {
    try await db.read { database in
        try await (database as! any SQLDatabase).select().column("*").from("audit_events").orderBy("seq").all().map(AuditTrail.decode)
    }
}

/// The chain verifies from its first row to its pinned head; every store test ends with this.
func expectAuditIntact(_ db: StratumDatabase, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    let rows = try await allAuditRows(db).count
    let verdict = try await db.read { try await AuditTrail.verify(key: testAuditKey, on: $0) }
    #expect(rows > 0, "no audit rows were written", sourceLocation: sourceLocation)
    #expect(verdict == .intact(rows: Int64(rows)), sourceLocation: sourceLocation)
}

/// The newest audit row: what the last store call recorded.
func lastAudit(_ db: StratumDatabase) async throws -> AuditEntry {
    try #require(try await allAuditRows(db).last).entry
}

/// Whole-second times: both databases store them exactly.
func at(_ seconds: TimeInterval) -> Date { Date(timeIntervalSince1970: 1_793_000_000 + seconds) }

func ctx(_ base: AccessContext, now: Date) -> AccessContext {
    AccessContext(actorID: base.actorID, clinicID: base.clinicID, requestID: base.requestID, now: now)
}

extension TwoOrganizations {
    /// Organization B's practitioner trying organization A's records.
    var intruder: AccessContext { ctxB }
}
