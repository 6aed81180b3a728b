import FluentKit
import Foundation
import StratumCore

/// Patients of one organization. Every call appends an audit row in the same transaction as its read or write.
public struct PatientStore: Sendable {
    let scope: OrganizationScope

    /// The organization's current charts: a chart merged into another is no longer one.
    func base(_ database: any Database) -> QueryBuilder<PatientRow> {
        PatientRow.query(on: database).filter(\.$organizationID == scope.organizationID).filter(\.$mergedInto == nil)
    }

    /// Registers a patient. When the organization already holds a possible duplicate (`PatientIdentity.Match`), nothing
    /// is written and `PossibleDuplicates` names the candidates, unless `confirmDuplicate` says this is a different
    /// person; each candidate shown is an audited access to that patient.
    public func create(_ draft: PatientDraft, confirmDuplicate: Bool = false, _ ctx: AccessContext) async throws -> Patient {
        enum Outcome: Sendable { case created(Patient), duplicates([PatientCandidate]) }
        try Self.refuseInvalid(draft)
        let outcome = try await scope.db.write { database -> Outcome in
            guard
                try await ClinicRow.query(on: database).filter(\.$id == draft.clinicID)
                    .filter(\.$organizationID == self.scope.organizationID).first() != nil
            else {
                throw StoreError.notFound("clinic")
            }
            try await self.refuseBirthDate(draft, ctx, on: database)
            if !confirmDuplicate {
                let candidates = try await self.candidates(for: draft, excluding: nil, on: database)
                if !candidates.isEmpty {
                    // Returned, not thrown, so these audit rows commit.
                    try await self.scope.audit(ctx, patientIDs: candidates.map(\.id), action: .duplicateCheck, resource: "patient", on: database)
                    return .duplicates(candidates)
                }
            }
            let m = PatientRow()
            m.id = UUID()
            m.organizationID = self.scope.organizationID
            m.createdAt = ctx.now
            Self.apply(draft, to: m, at: ctx.now)
            try await m.create(on: database)
            try await self.scope.audit(ctx, patientID: m.id, action: .create, resource: "patient", outcome: .allowed, on: database)
            return .created(Patient(m))
        }
        switch outcome {
        case .created(let p): return p
        case .duplicates(let c): throw PossibleDuplicates(candidates: c)
        }
    }

    /// The patient, or nil when there is none in this organization (the caller answers 404 either way). The id of a
    /// chart merged into another answers the surviving chart.
    public func get(_ id: UUID, _ ctx: AccessContext) async throws -> Patient? {
        try await scope.db.write { database in
            var found = try await PatientRow.query(on: database).filter(\.$organizationID == self.scope.organizationID)
                .filter(\.$id == id).first()
            if let survivor = found?.mergedInto { found = try await self.base(database).filter(\.$id == survivor).first() }
            try await self.scope.audit(
                ctx, patientID: found?.id ?? id, action: .read, resource: "patient",
                outcome: found == nil ? .denied : .allowed, on: database)
            return found.map(Patient.init)
        }
    }

    public func update(_ id: UUID, _ draft: PatientDraft, _ ctx: AccessContext) async throws -> Patient {
        try Self.refuseInvalid(draft)
        return try await scope.db.write { database -> Scoped<Patient> in
            guard let m = try await self.base(database).filter(\.$id == id).first() else {
                // Returned, not thrown: a throw would roll back the denied audit row with the transaction.
                return try await self.scope.deny(ctx, patientID: id, action: .update, resource: "patient", missing: "patient", on: database)
            }
            guard
                try await ClinicRow.query(on: database).filter(\.$id == draft.clinicID)
                    .filter(\.$organizationID == self.scope.organizationID).first() != nil
            else {
                throw StoreError.notFound("clinic")
            }
            try await self.refuseBirthDate(draft, ctx, on: database)
            Self.apply(draft, to: m, at: ctx.now)
            try await m.update(on: database)
            try await self.scope.audit(ctx, patientID: id, action: .update, resource: "patient", outcome: .allowed, on: database)
            return .found(Patient(m))
        }.get()
    }

    /// Patients whose family or given name starts with `name` (case-insensitive), optionally with that birth date.
    /// Each patient returned is an access to that patient's record, and is audited as such.
    /// The look-up reads a snapshot beside the writer; only the audit rows of what it found queue for the writer, and
    /// they are committed before the answer leaves (as for a chart read).
    public func search(name: String?, birthDate: LocalDate?, limit: Int = 50, _ ctx: AccessContext) async throws -> [Patient] {
        if let name, let problem = PatientInputRules.searchProblem(name) {
            throw StoreError.invalid(field: "name", problem: problem.description)
        }
        let found = try await scope.db.snapshot { database in
            var q = self.base(database)
            if let name = name?.trimmingCharacters(in: .whitespaces).lowercased(), !name.isEmpty {
                let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                    .replacingOccurrences(of: "_", with: "\\_")
                q = q.group(.or) { g in
                    g.filter(\.$searchName, .custom("LIKE"), "\(escaped)%")
                    g.filter(\.$searchName, .custom("LIKE"), "% \(escaped)%")
                }
            }
            if let birthDate { q = q.filter(\.$birthDate == birthDate.description) }
            return try await q.sort(\.$familyName).sort(\.$givenName).limit(min(max(limit, 1), 200)).all().map(Patient.init)
        }
        guard !found.isEmpty else { return [] }
        try await scope.db.write { database in
            for p in found {
                try await self.scope.audit(ctx, patientID: p.id, action: .search, resource: "patient", outcome: .allowed, on: database)
            }
        }
        return found
    }

    /// Refuses a registration the core's identity rules refuse, naming its first field (`StoreError.invalid`): every
    /// door (form, API, import) gets the same answer for the same draft, and nothing is written.
    static func refuseInvalid(_ d: PatientDraft) throws {
        if let first = PatientInputRules.problems(
            givenName: d.givenName, familyName: d.familyName, fitzpatrick: d.fitzpatrick,
            phone: d.phone, email: d.email
        ).first {
            throw StoreError.invalid(field: first.field, problem: first.problem.description)
        }
    }

    /// A birth date outside the last 120 years up to the clinic's today is a typing error: refused, naming `birthDate`.
    private func refuseBirthDate(_ d: PatientDraft, _ ctx: AccessContext, on database: any Database) async throws {
        let today = try await scope.clinicToday(d.clinicID, ctx, on: database)
        if let problem = RecordDate.birthDateProblem(d.birthDate, today: today) {
            throw StoreError.invalid(field: "birthDate", problem: problem)
        }
    }

    static func apply(_ d: PatientDraft, to m: PatientRow, at now: Date) {
        m.clinicID = d.clinicID
        m.givenName = d.givenName
        m.familyName = d.familyName
        m.searchName = "\(d.familyName) \(d.givenName)".lowercased()
        m.birthDate = d.birthDate.description
        m.sex = d.sex.rawValue
        m.fitzpatrick = d.fitzpatrick
        m.phone = d.phone
        m.email = d.email
        m.familyKey = PatientIdentity.nameKey(d.familyName)
        m.phoneKey = PatientIdentity.phoneKey(d.phone)
        m.emailKey = PatientIdentity.emailKey(d.email)
        m.updatedAt = now
    }
}

extension Patient {
    init(_ m: PatientRow) {
        self.init(
            id: m.id!, organizationID: m.organizationID, clinicID: m.clinicID, givenName: m.givenName,
            familyName: m.familyName, birthDate: LocalDate(iso: m.birthDate) ?? LocalDate(dayNumber: 0),
            sex: Sex(rawValue: m.sex) ?? .unknown, fitzpatrick: m.fitzpatrick, phone: m.phone, email: m.email)
    }
}
