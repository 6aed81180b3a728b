import FluentKit
import Foundation
import StratumCore

/// Patients of one organization. Every call appends an audit row in the same transaction as its read or write.
public struct PatientStore: Sendable {
    let scope: OrganizationScope

    private func base(_ database: any Database) -> QueryBuilder<PatientModel> {
        PatientModel.query(on: database).filter(\.$organizationID == scope.organizationID)
    }

    public func create(_ draft: PatientDraft, _ ctx: AccessContext) async throws -> Patient {
        try await scope.db.write { database in
            guard try await ClinicModel.query(on: database).filter(\.$id == draft.clinicID)
                .filter(\.$organizationID == self.scope.organizationID).first() != nil else {
                throw StoreError.notFound("clinic")
            }
            let m = PatientModel()
            m.id = UUID()
            m.organizationID = self.scope.organizationID
            m.createdAt = ctx.now
            Self.apply(draft, to: m, at: ctx.now)
            try await m.create(on: database)
            try await self.scope.audit(ctx, patientID: m.id, action: "create", resource: "patient", outcome: .allowed, on: database)
            return Patient(m)
        }
    }

    /// The patient, or nil when there is none in this organization (the caller answers 404 either way).
    public func get(_ id: UUID, _ ctx: AccessContext) async throws -> Patient? {
        try await scope.db.write { database in
            let found = try await self.base(database).filter(\.$id == id).first()
            try await self.scope.audit(ctx, patientID: id, action: "read", resource: "patient",
                                       outcome: found == nil ? .denied : .allowed, on: database)
            return found.map(Patient.init)
        }
    }

    public func update(_ id: UUID, _ draft: PatientDraft, _ ctx: AccessContext) async throws -> Patient {
        try await scope.db.write { database -> Scoped<Patient> in
            guard let m = try await self.base(database).filter(\.$id == id).first() else {
                // Returned, not thrown: a throw would roll back the denied audit row with the transaction.
                return try await self.scope.deny(ctx, patientID: id, action: "update", resource: "patient", missing: "patient", on: database)
            }
            guard try await ClinicModel.query(on: database).filter(\.$id == draft.clinicID)
                .filter(\.$organizationID == self.scope.organizationID).first() != nil else {
                throw StoreError.notFound("clinic")
            }
            Self.apply(draft, to: m, at: ctx.now)
            try await m.update(on: database)
            try await self.scope.audit(ctx, patientID: id, action: "update", resource: "patient", outcome: .allowed, on: database)
            return .found(Patient(m))
        }.get()
    }

    /// Patients whose family or given name starts with `name` (case-insensitive), optionally with that birth date.
    /// Each patient returned is an access to that patient's record, and is audited as such.
    public func search(name: String?, birthDate: LocalDate?, limit: Int = 50, _ ctx: AccessContext) async throws -> [Patient] {
        try await scope.db.write { database in
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
            let found = try await q.sort(\.$familyName).sort(\.$givenName).limit(min(max(limit, 1), 200)).all()
            for m in found {
                try await self.scope.audit(ctx, patientID: m.id, action: "search", resource: "patient", outcome: .allowed, on: database)
            }
            return found.map(Patient.init)
        }
    }

    static func apply(_ d: PatientDraft, to m: PatientModel, at now: Date) {
        m.clinicID = d.clinicID
        m.givenName = d.givenName
        m.familyName = d.familyName
        m.searchName = "\(d.familyName) \(d.givenName)".lowercased()
        m.birthDate = d.birthDate.description
        m.sex = d.sex.rawValue
        m.fitzpatrick = d.fitzpatrick
        m.phone = d.phone
        m.email = d.email
        m.updatedAt = now
    }
}

extension Patient {
    init(_ m: PatientModel) {
        self.init(id: m.id!, organizationID: m.organizationID, clinicID: m.clinicID, givenName: m.givenName,
                  familyName: m.familyName, birthDate: LocalDate(iso: m.birthDate) ?? LocalDate(dayNumber: 0),
                  sex: Sex(rawValue: m.sex) ?? .unknown, fitzpatrick: m.fitzpatrick, phone: m.phone, email: m.email)
    }
}
