import FluentKit
import Foundation
import StratumCore

/// The clinic's own details an owner changes in one act; a member left nil keeps its value.
public struct ClinicDetailsDraft: Sendable, Equatable {
    public var name: String?
    /// Empty text clears the address (or phone, email): the documents then print none.
    public var address: String?
    public var phone: String?
    public var email: String?
    /// An IANA time zone identifier: every "today" of the clinic is counted in it.
    public var timezone: String?
    public var packShelfLife: PackShelfLife?

    public init(
        name: String? = nil, address: String? = nil, phone: String? = nil, email: String? = nil, timezone: String? = nil,
        packShelfLife: PackShelfLife? = nil
    ) {
        self.name = name
        self.address = address
        self.phone = phone
        self.email = email
        self.timezone = timezone
        self.packShelfLife = packShelfLife
    }
}

/// How long a sterilization pack stays sterile: until an event compromises it (CDC 2008), or a number of days.
public enum PackShelfLife: Sendable, Equatable {
    case eventRelated
    case days(Int)

    var storedDays: Int? {
        if case .days(let d) = self { return d }
        return nil
    }
}

/// One settings change as the history shows it: who, when, which setting, its value before and after.
public struct ClinicSettingChange: Sendable, Equatable {
    public let clinicID: UUID
    public let actorID: UUID
    public let changedAt: Date
    /// `phone`, `timezone`, `consentText.photo`, `policy.sites.forehead.stopAboveMM`, ….
    public let field: String
    public let before: String?
    public let after: String?
}

/// The settings a clinic keeps about itself; every change is one `update clinic` audit row and, in the same
/// transaction, a row of `clinic_setting_changes` per setting changed, with its value before and after.
public struct ClinicSettingsStore: Sendable {
    let scope: OrganizationScope

    /// Changes the clinic's details (owners; the caller checks the role). Each value is judged by the core's
    /// `ClinicDetailsRules` and refused naming its field (`StoreError.invalid`); nothing is written then. A draft that
    /// changes nothing writes nothing.
    public func update(clinicID: UUID, _ draft: ClinicDetailsDraft, _ ctx: AccessContext) async throws -> Clinic {
        let actorID = try scope.requireActor(ctx)
        let wanted = try Self.judged(draft)
        return try await scope.db.write { database -> Clinic in
            try await lockRow(ClinicRow.schema, id: clinicID, on: database)
            guard let m = try await self.scope.clinic(clinicID, on: database) else { throw StoreError.notFound("clinic") }
            var changes: [(String, String?, String?)] = []
            func set(_ field: String, _ current: String?, _ new: String??, apply: (String?) -> Void) {
                guard let new, new != current else { return }
                changes.append((field, current, new))
                apply(new)
            }
            set("name", m.name, wanted.name.map(Optional.some)) { m.name = $0 ?? m.name }
            set("address", m.address, wanted.address) { m.address = $0 }
            set("phone", m.phone, wanted.phone) { m.phone = $0 }
            set("email", m.email, wanted.email) { m.email = $0 }
            set("timezone", m.timezone, wanted.timezone.map(Optional.some)) { m.timezone = $0 ?? m.timezone }
            if let shelf = draft.packShelfLife, shelf.storedDays != m.packShelfLifeDays {
                changes.append(("packShelfLifeDays", Self.shelfText(m.packShelfLifeDays), Self.shelfText(shelf.storedDays)))
                m.packShelfLifeDays = shelf.storedDays
            }
            guard !changes.isEmpty else { return Clinic(m) }
            try await m.update(on: database)
            try await self.record(changes, clinicID: clinicID, actorID: actorID, ctx, on: database)
            return Clinic(m)
        }
    }

    /// The draft as it will be stored: trimmed, empty contact details as nil (`String??`: nil keeps the value).
    private static func judged(_ d: ClinicDetailsDraft) throws -> (
        name: String?, address: String??, phone: String??, email: String??, timezone: String?
    ) {
        func trimmed(_ s: String?) -> String? { s?.trimmingCharacters(in: .whitespacesAndNewlines) }
        func refuse(_ field: String, _ problem: InputProblem?) throws {
            if let problem { throw StoreError.invalid(field: field, problem: problem.description) }
        }
        let name = trimmed(d.name)
        if let name { try refuse("name", ClinicDetailsRules.nameProblem(name)) }
        func optional(_ field: String, _ value: String?, _ rule: (String) -> InputProblem?) throws -> String?? {
            guard let value = trimmed(value) else { return nil }
            if value.isEmpty { return .some(nil) }
            try refuse(field, rule(value))
            return .some(value)
        }
        let address = try optional("address", d.address, ClinicDetailsRules.addressProblem)
        let phone = try optional("phone", d.phone, ClinicDetailsRules.phoneProblem)
        let email = try optional("email", d.email, ClinicDetailsRules.emailProblem)
        let zone = trimmed(d.timezone)
        if let zone, let problem = ClinicTimeZone.problem(zone) { throw StoreError.invalid(field: "timezone", problem: problem) }
        if case .days(let days)? = d.packShelfLife, !ClinicDetailsRules.packShelfLifeDays.contains(days) {
            let r = ClinicDetailsRules.packShelfLifeDays
            throw StoreError.invalid(
                field: "packShelfLifeDays", problem: "from \(r.lowerBound) to \(r.upperBound) days, or none for event-related")
        }
        return (name, address, phone, email, zone)
    }

    static func shelfText(_ days: Int?) -> String { days.map { "\($0) days" } ?? "event-related" }

    /// Writes the history rows of one act and its one audit row, in the caller's transaction.
    func record(
        _ changes: [(field: String, before: String?, after: String?)], clinicID: UUID, actorID: UUID, _ ctx: AccessContext,
        on database: any Database
    ) async throws {
        let rows = changes.map { c in
            let r = ClinicSettingChangeRow()
            r.id = UUID()
            r.organizationID = scope.organizationID
            r.clinicID = clinicID
            r.actorID = actorID
            r.changedAt = ctx.now
            r.field = c.field
            r.before = c.before
            r.after = c.after
            return r
        }
        try await rows.create(on: database)
        try await scope.audit(ctx, patientID: nil, action: .update, resource: "clinic", outcome: .allowed, on: database)
    }

    /// The clinic's settings history, newest first.
    public func changes(clinicID: UUID, limit: Int = 50) async throws -> [ClinicSettingChange] {
        try await scope.db.read { database in
            try await ClinicSettingChangeRow.query(on: database).filter(\.$organizationID == self.scope.organizationID)
                .filter(\.$clinicID == clinicID).sort(\.$changedAt, .descending).sort(\.$field).limit(limit).all()
                .map {
                    ClinicSettingChange(
                        clinicID: $0.clinicID, actorID: $0.actorID, changedAt: $0.changedAt, field: $0.field, before: $0.before,
                        after: $0.after)
                }
        }
    }
}

extension OrganizationScope {
    /// Sets the clinic's time zone, the owner's act: from the next request every "today" (future dates refused, lot
    /// expiry, intervals, the day sheet, screening age) is counted in it. An unknown zone is refused naming
    /// `timezone` (`StoreError.invalid`); the change is audited as every settings change (`ClinicSettingsStore`).
    public func setTimeZone(clinicID: UUID, to identifier: String, _ ctx: AccessContext) async throws -> Clinic {
        try await clinicSettings.update(clinicID: clinicID, ClinicDetailsDraft(timezone: identifier), ctx)
    }
}
