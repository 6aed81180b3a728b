import FluentKit
import Foundation
import SQLKit
import StratumCore

/// What an audited transaction found: the value, or a record that is not in this organization. A refusal is
/// returned rather than thrown out of `db.write`, so the transaction commits and its `denied` audit row with it;
/// `get()` then throws `StoreError.notFound` outside the transaction.
enum Scoped<T: Sendable>: Sendable {
    case found(T)
    case missing(String)
    /// The act was refused after it read the record; the transaction commits only the refusal's audit row.
    case refused(any Error & Sendable)

    func get() throws -> T {
        switch self {
        case .found(let v): return v
        case .missing(let what): throw StoreError.notFound(what)
        case .refused(let why): throw why
        }
    }
}

extension OrganizationScope {
    /// The patient, if it is a current chart of this organization: a chart merged into another takes no new records
    /// and lists none (they moved to the survivor, `PatientStore.merge`).
    func patient(_ id: UUID, on database: any Database) async throws -> PatientRow? {
        try await PatientRow.query(on: database).filter(\.$id == id).filter(\.$organizationID == organizationID)
            .filter(\.$mergedInto == nil).first()
    }

    /// Whether the clinic belongs to this organization.
    func hasClinic(_ id: UUID, on database: any Database) async throws -> Bool {
        try await clinic(id, on: database) != nil
    }

    /// The clinic, if it belongs to this organization, inside the caller's transaction.
    func clinic(_ id: UUID, on database: any Database) async throws -> ClinicRow? {
        try await ClinicRow.query(on: database).filter(\.$id == id).filter(\.$organizationID == organizationID).first()
    }

    /// Whether the user holds a membership in any clinic of this organization.
    func hasMember(_ userID: UUID, on database: any Database) async throws -> Bool {
        try await MembershipRow.query(on: database).filter(\.$userID == userID)
            .filter(\.$organizationID == organizationID).first() != nil
    }

    /// The user a clinical record is attributed to; records are never anonymous.
    func requireActor(_ ctx: AccessContext) throws -> UUID {
        guard let id = ctx.actorID else { throw StoreError.conflict("a clinical record needs the signed-in user who makes it") }
        return id
    }

    /// Records an audit row and returns `.missing(what)`: the caller's record is not in this organization.
    func deny<T: Sendable>(
        _ ctx: AccessContext, patientID: UUID?, action: AuditAction, resource: String, missing what: String,
        on database: any Database
    ) async throws -> Scoped<T> {
        try await audit(ctx, patientID: patientID, action: action, resource: resource, outcome: .denied, on: database)
        return .missing(what)
    }

    /// Records the refused attempt (`denied`) and returns the refusal, for an act refused after it read the patient's
    /// record and before it wrote anything: the attempt was an access too, audited once whichever door it came by.
    func refuse<T: Sendable>(
        _ ctx: AccessContext, patientID: UUID?, action: AuditAction, resource: String, _ why: any Error & Sendable,
        on database: any Database
    ) async throws -> Scoped<T> {
        try await audit(ctx, patientID: patientID, action: action, resource: resource, outcome: .denied, on: database)
        return .refused(why)
    }
}

/// Row locks for state transitions (accept, sign, close, withdraw, next version). SQLite's immediate transactions
/// already serialize writers; on PostgreSQL two transactions could otherwise both see the old state.
func lockRow(_ table: String, id: UUID, on database: any Database) async throws {
    let sql = database as! any SQLDatabase
    guard sql.dialect.name != "sqlite" else { return }
    try await sql.raw("SELECT id FROM \(ident: table) WHERE id = \(bind: id) FOR UPDATE").run()
}

extension OrganizationScope {
    /// The clinic's today at the request's instant (`ctx.now`, the one clock), in the clinic's time zone; a clinic
    /// outside this organization, or none, counts in UTC.
    func clinicToday(_ clinicID: UUID?, _ ctx: AccessContext, on database: any Database) async throws -> LocalDate {
        var zone = "UTC"
        if let clinicID,
            let clinic = try await ClinicRow.query(on: database).filter(\.$id == clinicID)
                .filter(\.$organizationID == organizationID).first()
        {
            zone = clinic.timezone
        }
        return LocalDate.clinicDay(at: ctx.now, timeZone: zone)
    }

    /// Refuses a clinical date after the clinic's today, naming the field (`StoreError.invalid`); nothing is written.
    func refuseFuture(_ date: LocalDate, field: String, clinicID: UUID?, _ ctx: AccessContext, on database: any Database) async throws {
        if let problem = RecordDate.futureProblem(date, today: try await clinicToday(clinicID, ctx, on: database)) {
            throw StoreError.invalid(field: field, problem: problem)
        }
    }
}

/// Serializes, for the rest of the transaction, every act counted against the same throttle keys (an email's hash, an
/// address), so a burst of requests is counted as it arrives and cannot all pass a limit at once. SQLite has one writer
/// at a time already; PostgreSQL takes an advisory lock per key, in the keys' sorted order in every transaction, so
/// two transactions never wait on each other in a cycle.
func lockThrottle(_ keys: [String], on database: any Database) async throws {
    let sql = database as! any SQLDatabase
    guard sql.dialect.name != "sqlite" else { return }
    for key in keys.sorted() { try await sql.raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: key)))").run() }
}
