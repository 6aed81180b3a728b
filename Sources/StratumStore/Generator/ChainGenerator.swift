import FluentKit
import Foundation
import SQLKit
import StratumCore

/// The size of a generated data set: a chain of clinics with their patients, courses and sessions.
public struct ChainScale: Sendable, Equatable {
    public let clinics: Int
    public let patientsPerClinic: Int
    public let sessionsPerCourse: Int

    public init(clinics: Int, patientsPerClinic: Int, sessionsPerCourse: Int) {
        self.clinics = clinics
        self.patientsPerClinic = patientsPerClinic
        self.sessionsPerCourse = sessionsPerCourse
    }

    /// 100 clinics, 200,000 patients, 1,000,000 sessions: the size the recall and report benchmarks are held to.
    public static let chain = ChainScale(clinics: 100, patientsPerClinic: 2_000, sessionsPerCourse: 5)
    /// A few clinics, for tests of the generator itself.
    public static let small = ChainScale(clinics: 3, patientsPerClinic: 20, sessionsPerCourse: 5)

    public var patients: Int { clinics * patientsPerClinic }
    public var sessions: Int { patients * sessionsPerCourse }
}

/// What the generator made that a benchmark needs to find again.
public struct ChainSummary: Sendable, Equatable {
    public let organizationID: UUID
    public let patients: Int
    public let sessions: Int
    public let lots: Int
    public let cycles: Int
    public let failedCycles: Int
    public let packs: Int
}

/// Writes a deterministic chain-scale data set straight into the tables, in large batched inserts: the same seed
/// gives the same rows (ids included) on SQLite and PostgreSQL. Every session has a single-use part of its clinic's
/// lot or a pack of one of its clinic's two sterilizers; one cycle in 40 has a failed biological indicator, so
/// recalls have something to find. Planned visits and audit rows are not generated: the data set is for
/// measuring queries over treatment history, not a record anyone accessed.
public struct ChainGenerator: Sendable {
    public let scale: ChainScale
    public let seed: UInt64

    public init(scale: ChainScale, seed: UInt64 = 2026) {
        self.scale = scale
        self.seed = seed
    }

    /// Rows per INSERT statement and statements per transaction: well inside SQLite's 32,766 bound values.
    static let rowsPerStatement = 500
    static let statementsPerTransaction = 20
    static let lotsPerClinic = 20
    /// About ten packs to a load: 150 cycles per sterilizer at chain scale, never fewer than ten.
    var cyclesPerSterilizer: Int { max(10, scale.patientsPerClinic * scale.sessionsPerCourse * 3 / 200) }
    static let start = LocalDate(iso: "2024-12-02")!

    /// Generates into `db` for the organization and clinics already created (one practitioner per clinic), calling
    /// `progress(done, total, phase)` as it goes.
    public func run(
        on db: StratumDatabase, organizationID org: UUID, clinics: [UUID], practitioners: [UUID],
        progress: @escaping @Sendable (Int, Int, String) -> Void
    ) async throws -> ChainSummary {
        precondition(clinics.count == scale.clinics && practitioners.count == scale.clinics)
        var ids = DeterministicIDs(seed: seed)
        var rng = SplitMix(seed: seed ^ 0x5EED)
        let now = Date(timeIntervalSince1970: 1_796_083_200)  // 2026-12-01, so two runs write the same rows
        let writer = BatchWriter(db: db)

        // Device model, handpieces, lots, sterilizers, cycles: the registry each clinic traces its sessions to.
        let modelID = ids.next()
        try await writer.insert(
            "device_models",
            [
                "id", "organization_id", "name", "kind", "adjustable", "min_mm", "max_mm", "needle_count",
                "needle_material", "single_use_head", "created_at"
            ],
            [[modelID, org, "Chain Pen 2.5", "pen", true, 0.25, 2.5, 12, "stainless-steel", true, now]])
        var handpieces: [UUID] = []
        var lots: [[UUID]] = []
        var sterilizers: [[UUID]] = []
        var rows: [[any Encodable & Sendable]] = []
        var lotRows: [[any Encodable & Sendable]] = []
        var sterilizerRows: [[any Encodable & Sendable]] = []
        for (c, clinic) in clinics.enumerated() {
            let hp = ids.next()
            handpieces.append(hp)
            rows.append([hp, org, clinic, modelID, "HP-\(String(format: "%04d", c + 1))", true, now])
            var clinicLots: [UUID] = []
            for l in 0..<Self.lotsPerClinic {
                let id = ids.next()
                clinicLots.append(id)
                lotRows.append([
                    id, org, clinic, modelID, "Chain 12-needle cartridge", "09506000134352", "C\(c + 1)-L\(l + 1)",
                    Self.start.adding(days: 900 + l).description, 100_000, "available", now, practitioners[c]
                ])
            }
            lots.append(clinicLots)
            var clinicSterilizers: [UUID] = []
            for s in 0..<2 {
                let id = ids.next()
                clinicSterilizers.append(id)
                sterilizerRows.append([id, org, clinic, "Clinic \(c + 1) autoclave \(s + 1)", "AC-\(c + 1)-\(s + 1)", now])
            }
            sterilizers.append(clinicSterilizers)
        }
        try await writer.insert("handpieces", ["id", "organization_id", "clinic_id", "model_id", "serial", "in_service", "created_at"], rows)
        try await writer.insert(
            "device_lots",
            [
                "id", "organization_id", "clinic_id", "model_id", "product", "gtin", "lot", "expiry", "quantity",
                "status", "received_at", "received_by"
            ], lotRows)
        try await writer.insert("sterilizers", ["id", "organization_id", "clinic_id", "name", "serial", "created_at"], sterilizerRows)

        // Cycles: one every few days per sterilizer across the two years; one in 40 fails its biological indicator.
        var cycles: [[[(id: UUID, date: LocalDate)]]] = []
        var cycleRows: [[any Encodable & Sendable]] = []
        var failed = 0
        let days = 730
        for c in 0..<scale.clinics {
            var perSterilizer: [[(id: UUID, date: LocalDate)]] = []
            for s in 0..<2 {
                var list: [(id: UUID, date: LocalDate)] = []
                for n in 1...cyclesPerSterilizer {
                    let id = ids.next()
                    let date = Self.start.adding(days: (n - 1) * days / cyclesPerSterilizer)
                    let bi = n % 40 == 17 % min(40, cyclesPerSterilizer) ? "fail" : "pass"
                    if bi == "fail" { failed += 1 }
                    list.append((id, date))
                    cycleRows.append([
                        id, org, sterilizers[c][s], n, date.description, "Pre-vacuum steam", 134.0, 4.0, 206.0, practitioners[c],
                        "passed", "pass", bi, now, now
                    ])
                }
                perSterilizer.append(list)
            }
            cycles.append(perSterilizer)
        }
        try await writer.insert(
            "sterilization_cycles",
            [
                "id", "organization_id", "sterilizer_id", "number", "date", "type", "temperature_c",
                "minutes", "pressure_kpa", "operator_id", "physical", "chemical", "biological",
                "bi_read_at", "created_at"
            ], cycleRows)

        // Patients, a course each, and its sessions with zones and equipment, clinic by clinic.
        let device = StoredJSON.text(
            StoredJSON.device(DeviceSpec(kind: .pen, length: .adjustable(DepthRange(0.25, 2.5)), needleMaterial: .stainlessSteel)))
        let zones = [Zone(site: .cheek, side: .left), Zone(site: .cheek, side: .right)]
        let indications: [IndicationID] = [.acneScars, .photoaging, .pigmentation, .scars]
        let plans: [String] = indications.map { ind in
            let facts = PatientFacts(
                birthDate: LocalDate(iso: "1985-06-15")!, sex: .female, fitzpatrick: 2,
                screening: ScreeningResponse(answeredOn: Self.start, answers: [:]))
            return JSONWriter.write(
                ResultWriter.document(
                    CoursePlanner.plan(
                        PlanRequest(
                            patient: facts, indications: [ind], zones: zones,
                            device: DeviceSpec(kind: .pen, length: .adjustable(DepthRange(0.25, 2.5)), needleMaterial: .stainlessSteel),
                            startDate: Self.start))))
        }
        let zonesJSON = StoredJSON.text(StoredJSON.zones(zones))
        let reactions = StoredJSON.text(StoredJSON.rawValues([ExpectedReaction.erythema]))
        let findings = StoredJSON.text(StoredJSON.findings([]))
        let total = scale.sessions
        var done = 0
        var packCount = 0
        var serial = 0
        for c in 0..<scale.clinics {
            let clinic = clinics[c]
            let practitioner = practitioners[c]
            var patients: [[any Encodable & Sendable]] = []
            var courses: [[any Encodable & Sendable]] = []
            var sessions: [[any Encodable & Sendable]] = []
            var zoneRows: [[any Encodable & Sendable]] = []
            var equipment: [[any Encodable & Sendable]] = []
            var packs: [[any Encodable & Sendable]] = []
            var assessments: [[any Encodable & Sendable]] = []
            var outcomes: [[any Encodable & Sendable]] = []
            var events: [[any Encodable & Sendable]] = []
            for i in 0..<scale.patientsPerClinic {
                let pid = ids.next()
                let given = Names.given[Int(rng.next() % UInt64(Names.given.count))]
                let family = Names.family[Int(rng.next() % UInt64(Names.family.count))]
                let birth = LocalDate(year: 1955 + Int(rng.next() % 50), month: 1 + Int(rng.next() % 12), day: 1 + Int(rng.next() % 28))!
                let phone = "+44 20 7946 \(String(format: "%04d", (c * scale.patientsPerClinic + i) % 10_000))"
                let email = "\(given.lowercased()).\(family.lowercased()).\(c)-\(i)@example.com"
                // The duplicate-check keys the patient store writes (`PatientIdentity`), so generated patients are found too.
                patients.append([
                    pid, org, clinic, given, family, "\(family) \(given)".lowercased(), birth.description, "female",
                    1 + Int(rng.next() % 6), phone, email, now, now, PatientIdentity.nameKey(family),
                    PatientIdentity.phoneKey(phone), PatientIdentity.emailKey(email)
                ])
                let cid = ids.next()
                let indication = Int(rng.next() % UInt64(indications.count))
                let first = Self.start.adding(days: Int(rng.next() % UInt64(days - scale.sessionsPerCourse * 28)))
                courses.append([
                    cid, org, pid, clinic, StoredJSON.text(StoredJSON.indications([indications[indication]])), zonesJSON, device,
                    "Improve by one grade", "active", 4, plans[indication], ClinicalPolicy.shippedVersion, practitioner, now, now,
                    indications[indication] == .scars ? 20.0 : 2.0
                ])
                let sterilizer = Int(rng.next() % 2)
                var sessionsWithEvent = 0
                for n in 0..<scale.sessionsPerCourse {
                    let sid = ids.next()
                    let date = first.adding(days: n * 28)
                    let depth = 0.5 + 0.25 * Double(min(n, 4))
                    let usesPack = rng.next() % 10 < 3
                    var sterility: SterilityFacts
                    var lotID: UUID?
                    var serialText: String?
                    var packID: UUID?
                    if usesPack {
                        // A pack of the latest cycle of the session's sterilizer before the session date.
                        let list = cycles[c][sterilizer]
                        let index = max(0, (list.lastIndex { $0.date < date }) ?? 0)
                        let cycle = list[index]
                        let id = ids.next()
                        packID = id
                        packCount += 1
                        packs.append([
                            id, org, clinic, "PK-C\(String(format: "%07d", packCount))", "Stamp head 1.0 mm", "used", cycle.id, nil as String?,
                            false, now, practitioner, now
                        ])
                        sterility = SterilityFacts(
                            singleUsePart: nil,
                            pack: SterilizationPackFacts(
                                cycleStatus: .passed, chemicalIndicator: .pass, biologicalIndicator: .pass, expiresOn: nil, wrapCompromised: false,
                                state: .released))
                    } else {
                        serial += 1
                        let lot = lots[c][Int(rng.next() % UInt64(Self.lotsPerClinic))]
                        lotID = lot
                        serialText = "S\(serial)"
                        sterility = SterilityFacts(
                            singleUsePart: SingleUsePart(
                                lot: "C\(c + 1)", expiry: Self.start.adding(days: 900), serial: serialText,
                                previouslyUsed: false, lotRecalled: false), pack: nil)
                    }
                    sessions.append([
                        sid, org, cid, clinic, practitioner, date.description, device,
                        StoredJSON.text(StoredJSON.sterility(sterility, handpiece: HandpieceFacts(cleanedSinceLastUse: true))),
                        nil as String?, reactions, "proceed", findings, ClinicalPolicy.shippedVersion, now, now, practitioner
                    ])
                    for z in zones {
                        zoneRows.append([ids.next(), org, sid, z.site.rawValue, z.side.rawValue, depth, 2, "erythema"])
                    }
                    equipment.append([ids.next(), org, sid, pid, clinic, date.description, lotID, serialText, packID, handpieces[c], now])
                    if rng.next() % 1000 < 12 {
                        sessionsWithEvent += 1
                        let type = rng.next() % 6 == 0 ? AdverseEventType.infectionBacterial : .prolongedErythema
                        events.append([
                            ids.next(), org, pid, sid, type.rawValue, date.adding(days: 3).description, 1 + Int(rng.next() % 2),
                            StoredJSON.text(StoredJSON.rawValues([SuspectedCause.needleTechnique])), "{}", nil as String?, "closed",
                            practitioner, now, now
                        ])
                    }
                }
                // Scores on the course's primary scale at baseline, before each later session and a month after the
                // last: a saturating response of the patient's own height, the outcome report's and forecast's input.
                let scaleOf = OutcomeScale.primary(for: [indications[indication]])
                let baseline: Double =
                    switch scaleOf {
                    case .goodmanBaron: 3 + Double(rng.next() % 2)
                    case .posasObserver: 24 + Double(rng.next() % 20)
                    default: OutcomeScale.gaisNoChange
                    }
                let typical: Double = scaleOf == .posasObserver ? 9 : 1.2
                let height = max(0, typical * (0.2 + 1.6 * Double(rng.next() % 1000) / 1000))
                var scored: [Double] = []
                let record = { (kind: String, on: LocalDate, done: Int) in
                    let noise = (Double(rng.next() % 1000) / 1000 - 0.5) * (scaleOf == .posasObserver ? 4 : 0.8)
                    let gain = height * (1 - exp(-0.45 * Double(done))) + (done > 0 ? noise : 0)
                    let score = min(
                        max(scaleOf.score(improvement: gain, from: baseline).rounded(), scaleOf.range.lowerBound), scaleOf.range.upperBound)
                    assessments.append([ids.next(), org, pid, cid, scaleOf.rawValue, score, nil as String?, kind, on.description, practitioner, now])
                    scored.append(score)
                }
                // GAIS is never scored at baseline (OUT-GAIS-BASELINE): a severity scale has its baseline on the first
                // session's day, GAIS starts at the visit after session 1.
                if !scaleOf.ratesChange { record("baseline", first, 0) }
                for n in 1..<scale.sessionsPerCourse { record("visit", first.adding(days: n * 28), n) }
                let end = first.adding(days: (scale.sessionsPerCourse - 1) * 28 + 30)
                record("follow-up-1-month", end, scale.sessionsPerCourse)
                // Photoaging's severity scales at baseline and end (POLICY §1), a grade better for the stronger responders;
                // drawn from the course's own height, not the generator's stream, so the other rows stay as they were.
                if indications[indication] == .photoaging {
                    let better = height >= typical ? 1.0 : 0.0
                    for (grade, base) in [(OutcomeScale.glogau, 2.0 + Double(i % 3)), (.fitzpatrickWrinkle, 1.0 + Double(i % 3))] {
                        assessments.append([
                            ids.next(), org, pid, cid, grade.rawValue, base, nil as String?, "baseline", first.description, practitioner, now
                        ])
                        assessments.append([
                            ids.next(), org, pid, cid, grade.rawValue, max(grade.range.lowerBound, base - better), nil as String?,
                            "follow-up-1-month", end.description, practitioner, now
                        ])
                    }
                }
                // The report's per-course summary, as CourseOutcomeSummary.refresh would write it: the baseline (none on
                // GAIS), the last follow-up and the number of follow-ups.
                outcomes.append([
                    cid, org, clinic, indications[indication].rawValue, practitioner, scale.sessionsPerCourse, sessionsWithEvent,
                    scaleOf.ratesChange ? nil : scored.first, scored.last, scaleOf.ratesChange ? scored.count : scored.count - 1
                ])
            }
            try await writer.insert(
                "patients",
                [
                    "id", "organization_id", "clinic_id", "given_name", "family_name", "search_name", "birth_date", "sex",
                    "fitzpatrick", "phone", "email", "created_at", "updated_at", "family_key", "phone_key",
                    "email_key"
                ], patients)
            try await writer.insert(
                "courses",
                [
                    "id", "organization_id", "patient_id", "clinic_id", "indications_json", "zones_json", "device_json",
                    "goal", "status", "interval_weeks", "plan_json", "policy_version", "created_by", "created_at",
                    "accepted_at", "goal_score"
                ], courses)
            try await writer.insert(
                "treatment_sessions",
                [
                    "id", "organization_id", "course_id", "clinic_id", "practitioner_id", "date", "device_json",
                    "sterility_json", "topical_json", "reactions_json", "decision", "findings_json",
                    "policy_version", "created_at", "signed_at", "signed_by"
                ], sessions)
            try await writer.insert(
                "zone_treatments", ["id", "organization_id", "session_id", "site", "side", "depth_mm", "passes", "end_point"], zoneRows)
            try await writer.insert(
                "sterilization_packs",
                [
                    "id", "organization_id", "clinic_id", "code", "contents", "state", "cycle_id", "expires_on",
                    "wrap_compromised", "assembled_at", "assembled_by", "updated_at"
                ], packs)
            try await writer.insert(
                "session_equipment",
                [
                    "id", "organization_id", "session_id", "patient_id", "clinic_id", "session_date", "lot_id",
                    "serial", "pack_id", "handpiece_id", "used_at"
                ],
                equipment)
            try await writer.insert(
                "assessments",
                [
                    "id", "organization_id", "patient_id", "course_id", "scale", "score", "items_json", "kind",
                    "assessed_on", "assessed_by", "created_at"
                ], assessments)
            try await writer.insert(
                "course_outcomes",
                [
                    "course_id", "organization_id", "clinic_id", "indication", "practitioner_id", "sessions",
                    "sessions_with_event", "first_score", "last_score", "scores"
                ], outcomes)
            try await writer.insert(
                "adverse_events",
                [
                    "id", "organization_id", "patient_id", "session_id", "type", "onset", "grade",
                    "suspected_causes_json", "links_json", "notes", "status", "recorded_by", "created_at",
                    "closed_at"
                ], events)
            done += scale.patientsPerClinic * scale.sessionsPerCourse
            progress(done, total, "clinic \(c + 1) of \(scale.clinics)")
        }
        return ChainSummary(
            organizationID: org, patients: scale.patients, sessions: scale.sessions, lots: scale.clinics * Self.lotsPerClinic,
            cycles: scale.clinics * 2 * cyclesPerSterilizer, failedCycles: failed, packs: packCount)
    }
}

/// Multi-row inserts, a few thousand rows per transaction, on either database.
struct BatchWriter: Sendable {
    let db: StratumDatabase

    func insert(_ table: String, _ columns: [String], _ rows: [[any Encodable & Sendable]]) async throws {
        let perTransaction = ChainGenerator.rowsPerStatement * ChainGenerator.statementsPerTransaction
        var start = 0
        while start < rows.count {
            let chunk = Array(rows[start..<min(rows.count, start + perTransaction)])
            try await db.write { database in
                let sql = database as! any SQLDatabase
                var offset = 0
                while offset < chunk.count {
                    let part = chunk[offset..<min(chunk.count, offset + ChainGenerator.rowsPerStatement)]
                    var insert = sql.insert(into: table).columns(columns)
                    for row in part { insert = insert.values(row) }
                    try await insert.run()
                    offset += ChainGenerator.rowsPerStatement
                }
            }
            start += perTransaction
        }
    }
}

/// Ids from a counter through SplitMix64, version-4 shaped, so a seed always gives the same ids.
struct DeterministicIDs {
    var rng: SplitMix
    init(seed: UInt64) { rng = SplitMix(seed: seed) }

    mutating func next() -> UUID {
        let a = rng.next(), b = rng.next()
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 { bytes[i] = UInt8(truncatingIfNeeded: a >> (8 * UInt64(i))); bytes[8 + i] = UInt8(truncatingIfNeeded: b >> (8 * UInt64(i))) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }
}

/// SplitMix64: small, fast and the same on every platform, so generated and demo data are the same everywhere.
public struct SplitMix: Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum Names {
    static let given = [
        "Amara", "Beatriz", "Chloe", "Daniela", "Elif", "Fatima", "Grace", "Hana", "Ines", "Julia", "Keiko", "Leila",
        "Maya", "Nadia", "Olga", "Priya", "Rosa", "Sofia", "Tamar", "Yara", "Ahmed", "Bruno", "Chen", "David"
    ]
    static let family = [
        "Adeyemi", "Bianchi", "Chowdhury", "Dubois", "Eriksen", "Fernandes", "Garcia", "Hansen", "Ibrahim", "Jovanovic",
        "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrov", "Quinn", "Rossi", "Silva", "Tanaka"
    ]
}
