import FluentKit
import Foundation
import StratumCore

/// Which consent a clinic's text is for.
public enum ConsentTextKind: String, Sendable, CaseIterable {
    case treatment, photo
}

/// A version of a clinic's consent text, as patients read it before signing.
public struct ConsentTextVersion: Sendable, Equatable {
    public let kind: ConsentTextKind
    /// 1 for the clinic's first text of this kind; the highest is the current one.
    public let number: Int
    public let version: String
    public let text: String
    public let createdBy: UUID
    public let createdAt: Date
}

extension ClinicSettingsStore {
    /// Adds a version of the clinic's consent text; it becomes the current one, the earlier ones stay as patients
    /// signed them. The label and text are judged by `ConsentTextRules` (`invalid`, naming `version` or `text`); a
    /// label the clinic already used for this kind is refused naming `version`. Audited as a settings change.
    public func addConsentText(
        clinicID: UUID, kind: ConsentTextKind, version: String, text: String, _ ctx: AccessContext
    ) async throws -> ConsentTextVersion {
        let actorID = try scope.requireActor(ctx)
        let label = version.trimmingCharacters(in: .whitespacesAndNewlines)
        let body = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let p = ConsentTextRules.versionProblem(label) { throw StoreError.invalid(field: "version", problem: p.description) }
        if let p = ConsentTextRules.textProblem(body) { throw StoreError.invalid(field: "text", problem: p.description) }
        return try await scope.db.write { database -> ConsentTextVersion in
            try await lockRow(ClinicRow.schema, id: clinicID, on: database)
            guard try await self.scope.hasClinic(clinicID, on: database) else { throw StoreError.notFound("clinic") }
            let existing = try await Self.texts(clinicID: clinicID, kind: kind, on: database)
            if existing.contains(where: { $0.version == label }) {
                throw StoreError.invalid(
                    field: "version", problem: "the clinic already has a \(kind.rawValue) consent text \(label); give the new wording a new version")
            }
            let m = ClinicConsentTextRow()
            m.id = UUID()
            m.organizationID = self.scope.organizationID
            m.clinicID = clinicID
            m.kind = kind.rawValue
            m.number = (existing.first?.number ?? 0) + 1
            m.version = label
            m.text = body
            m.createdBy = actorID
            m.createdAt = ctx.now
            try await m.create(on: database)
            try await self.record(
                [("consentText.\(kind.rawValue)", existing.first?.version, label)], clinicID: clinicID, actorID: actorID, ctx,
                on: database)
            return Self.version(m)
        }
    }

    /// The clinic's consent texts, by kind, newest first.
    public func consentTexts(clinicID: UUID) async throws -> [ConsentTextVersion] {
        try await scope.db.read { database in
            try await ClinicConsentTextRow.query(on: database).filter(\.$organizationID == self.scope.organizationID)
                .filter(\.$clinicID == clinicID).sort(\.$kind).sort(\.$number, .descending).all().map(Self.version)
        }
    }

    /// The current (newest) text of each kind the clinic has defined.
    public func currentConsentTexts(clinicID: UUID) async throws -> [ConsentTextKind: ConsentTextVersion] {
        var out: [ConsentTextKind: ConsentTextVersion] = [:]
        for t in try await consentTexts(clinicID: clinicID) where out[t.kind] == nil { out[t.kind] = t }
        return out
    }

    /// The clinic's versions of one kind, newest first, read in the caller's transaction.
    static func texts(clinicID: UUID, kind: ConsentTextKind, on database: any Database) async throws -> [ConsentTextVersion] {
        try await ClinicConsentTextRow.query(on: database).filter(\.$clinicID == clinicID).filter(\.$kind == kind.rawValue)
            .sort(\.$number, .descending).all().map(version)
    }

    static func version(_ m: ClinicConsentTextRow) -> ConsentTextVersion {
        ConsentTextVersion(
            kind: ConsentTextKind(rawValue: m.kind) ?? .treatment, number: m.number, version: m.version, text: m.text, createdBy: m.createdBy,
            createdAt: m.createdAt)
    }
}
