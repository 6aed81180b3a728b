import FluentKit
import Foundation
import StratumCore

/// A clinic's narrowing of the shipped policy, as it stands: what the owner set, the policy it gives, and what of it
/// a later shipped policy made moot (a stored value no longer narrower than the shipped one is left out, never applied).
public struct ClinicPolicySetting: Sendable {
    public let clinicID: UUID
    public let override: ClinicPolicyOverride
    /// The shipped policy with the clinic's changes applied: what every plan and session of the clinic is judged by.
    public let effective: ClinicalPolicy
    /// The clinic's values beside the shipped ones, in the order of the policy.
    public let changes: [ClinicPolicyChange]
    /// Stored changes the shipped policy now makes moot: shown, not applied.
    public let leftOut: [OverrideRefusal]
    public let updatedAt: Date?
    public let updatedBy: UUID?
}

extension ClinicSettingsStore {
    /// The clinic's policy override and the policy it gives.
    public func policy(clinicID: UUID) async throws -> ClinicPolicySetting {
        try await scope.db.read { database in
            guard let m = try await self.scope.clinic(clinicID, on: database) else { throw StoreError.notFound("clinic") }
            return try Self.setting(m)
        }
    }

    /// Replaces the clinic's policy override (owners; the caller checks the role). The core decides
    /// (`ClinicalPolicy.applying`): any change that would widen the shipped policy refuses the whole override with
    /// every reason (`OverrideRefusals`, each naming its member) and nothing is written. Each value changed is a
    /// settings-history row (`policy.<member>`) with its value before and after; one `update clinic` audit row.
    public func setPolicy(clinicID: UUID, _ override: ClinicPolicyOverride, _ ctx: AccessContext) async throws -> ClinicPolicySetting {
        let actorID = try scope.requireActor(ctx)
        if case .failure(let refusals) = ClinicalPolicy.standard.applying(override) { throw refusals }
        return try await scope.db.write { database -> ClinicPolicySetting in
            try await lockRow(ClinicRow.schema, id: clinicID, on: database)
            guard let m = try await self.scope.clinic(clinicID, on: database) else { throw StoreError.notFound("clinic") }
            let before = try Self.storedOverride(m)
            guard before != override else { return try Self.setting(m) }
            let old = Dictionary(uniqueKeysWithValues: before.changes().map { ($0.path, $0.clinic) })
            let new = Dictionary(uniqueKeysWithValues: override.changes().map { ($0.path, $0.clinic) })
            let changes = Set(old.keys).union(new.keys).sorted().compactMap { path -> (String, String?, String?)? in
                old[path] == new[path] ? nil : ("policy.\(path)", old[path], new[path])
            }
            m.policyJSON = override == ClinicPolicyOverride() ? nil : JSONWriter.write(ClinicPolicyWriter.document(override), pretty: false)
            m.policyUpdatedAt = ctx.now
            m.policyUpdatedBy = actorID
            try await m.update(on: database)
            try await self.record(changes, clinicID: clinicID, actorID: actorID, ctx, on: database)
            return try Self.setting(m)
        }
    }

    static func storedOverride(_ m: ClinicRow) throws -> ClinicPolicyOverride {
        guard let text = m.policyJSON else { return ClinicPolicyOverride() }
        do {
            return try RequestReader.clinicPolicyOverride(text)
        } catch {
            throw StoredJSON.unreadable("clinic policy", error.description)
        }
    }

    static func setting(_ m: ClinicRow) throws -> ClinicPolicySetting {
        let override = try storedOverride(m)
        let (effective, leftOut) = ClinicalPolicy.standard.applyingWhatNarrows(override)
        return ClinicPolicySetting(
            clinicID: m.id!, override: override, effective: effective, changes: override.changes(), leftOut: leftOut,
            updatedAt: m.policyUpdatedAt, updatedBy: m.policyUpdatedBy)
    }
}

extension OrganizationScope {
    /// The policy a clinic's plans and sessions are judged by, read in the caller's transaction: the shipped policy
    /// narrowed by the clinic's override. The one reading of it for every store door.
    func policy(clinicID: UUID?, on database: any Database) async throws -> ClinicalPolicy {
        guard let clinicID, let m = try await clinic(clinicID, on: database) else { return .standard }
        return try ClinicSettingsStore.setting(m).effective
    }
}

extension StratumDatabase {
    /// A clinic's policy found by the clinic's id alone, for the operator's command line (`stratum policy --clinic`),
    /// which has no signed-in organization; nil when no clinic has the id.
    public func clinicPolicy(clinicID: UUID) async throws -> (clinic: Clinic, policy: ClinicPolicySetting)? {
        try await read { database in
            guard let m = try await ClinicRow.query(on: database).filter(\.$id == clinicID).first() else { return nil }
            return (Clinic(m), try ClinicSettingsStore.setting(m))
        }
    }
}
