import FluentKit
import Foundation

/// A member of staff as a clinical record names them: who wrote, signed or added to it, by name and role, so the
/// record says who did what without a second look-up (issue 12: "nothing says who did it").
public struct Author: Sendable, Equatable {
    public let id: UUID
    public let name: String
    /// The role in the record's clinic (or, without one, their senior role in the organization); nil for a user who
    /// holds no membership in the organization any more.
    public let role: Role?

    /// "Dr P. Practitioner (practitioner)": name and role as the page and print-outs show them.
    public var label: String { role.map { "\(name) (\($0.rawValue))" } ?? name }
}

/// The staff a set of records names, resolved together in the read that loaded the records: one look-up for a whole
/// page, never one per row.
public struct Authors: Sendable, Equatable {
    struct Entry: Sendable, Equatable {
        let name: String
        let roles: [UUID: Role]
    }
    var entries: [UUID: Entry] = [:]

    public init() {}

    /// The author by id; a user no longer found is named as such rather than hidden.
    public func author(_ id: UUID, at clinicID: UUID? = nil) -> Author {
        guard let e = entries[id] else { return Author(id: id, name: "Unknown user", role: nil) }
        let role = clinicID.flatMap { e.roles[$0] } ?? Role.allCases.first { e.roles.values.contains($0) }
        return Author(id: id, name: e.name, role: role)
    }

    public func author(ifAny id: UUID?, at clinicID: UUID? = nil) -> Author? { id.map { author($0, at: clinicID) } }

    func merging(_ other: Authors) -> Authors {
        var out = self
        out.entries.merge(other.entries) { a, _ in a }
        return out
    }
}

/// A value that names staff and carries their names once resolved (`OrganizationScope.attributed`).
protocol Attributed {
    /// Every user the record names.
    var staffIDs: [UUID] { get }
    var staff: Authors { get set }
}

extension OrganizationScope {
    /// Names and roles of `ids` in this organization: two queries (users, their memberships) for any number of ids.
    func authors(_ ids: some Sequence<UUID>, on database: any Database) async throws -> Authors {
        let unique = Array(Set(ids))
        guard !unique.isEmpty else { return Authors() }
        var names: [UUID: String] = [:]
        var roles: [UUID: [UUID: Role]] = [:]
        for chunk in stride(from: 0, to: unique.count, by: 500).map({ Array(unique[$0..<min($0 + 500, unique.count)]) }) {
            for u in try await UserRow.query(on: database).filter(\.$id ~~ chunk).all() { names[u.id!] = u.displayName }
            for m in try await MembershipRow.query(on: database).filter(\.$organizationID == organizationID)
                .filter(\.$userID ~~ chunk).all()
            {
                if let r = Role(rawValue: m.role) { roles[m.userID, default: [:]][m.clinicID] = r }
            }
        }
        var out = Authors()
        for (id, name) in names { out.entries[id] = Authors.Entry(name: name, roles: roles[id] ?? [:]) }
        return out
    }

    /// The values with the staff they name resolved in one look-up, inside the caller's read.
    func attributed<T: Attributed>(_ values: [T], on database: any Database) async throws -> [T] {
        let staff = try await authors(values.flatMap(\.staffIDs), on: database)
        return values.map {
            var v = $0; v.staff = staff; return v
        }
    }

    func attributed<T: Attributed>(_ value: T, on database: any Database) async throws -> T {
        try await attributed([value], on: database)[0]
    }
}

extension ScreeningRecord: Attributed {
    var staffIDs: [UUID] { [recordedBy] }
    /// Who recorded the answers.
    public var recorder: Author { staff.author(recordedBy) }
}

extension Consent: Attributed {
    var staffIDs: [UUID] { recordedBy.map { [$0] } ?? [] }
    /// The staff member who took the signature; for a signature in the portal, the patient themselves.
    public var recorder: Author {
        guard let recordedBy else { return Author(id: patientID, name: "the patient, in the patient portal", role: nil) }
        return staff.author(recordedBy)
    }
}

extension Course: Attributed {
    var staffIDs: [UUID] {
        var ids: [UUID] = [createdBy]
        if let acceptedBy { ids.append(acceptedBy) }
        return ids + acknowledgements.map(\.acknowledgedBy)
    }
    /// Who proposed the course.
    public var proposer: Author { staff.author(createdBy, at: clinicID) }
    /// Who accepted it; nil while proposed or when not recorded.
    public var acceptor: Author? { staff.author(ifAny: acceptedBy, at: clinicID) }
}

extension TreatmentSession: Attributed {
    var staffIDs: [UUID] {
        var ids: [UUID] = [practitionerID, documentedBy]
        if let signedBy { ids.append(signedBy) }
        ids += addenda.map(\.authorID)
        ids += acknowledgements.map(\.acknowledgedBy)
        return ids
    }
    /// The practitioner who treated.
    public var practitioner: Author { staff.author(practitionerID, at: clinicID) }
    /// Who wrote the record: the practitioner, or an assistant documenting for them.
    public var documenter: Author { staff.author(documentedBy, at: clinicID) }
    /// Whether someone other than the treating practitioner wrote the record.
    public var documentedForPractitioner: Bool { documentedBy != practitionerID }
    /// Who signed; nil until signed.
    public var signer: Author? { staff.author(ifAny: signedBy, at: clinicID) }
    /// The author of each addendum, by addendum.
    public func author(of addendum: SessionAddendum) -> Author { staff.author(addendum.authorID, at: clinicID) }
}

extension AdverseEvent: Attributed {
    var staffIDs: [UUID] { closedBy.map { [recordedBy, $0] } ?? [recordedBy] }
    /// Who reported the event.
    public var recorder: Author { staff.author(recordedBy, at: clinicID) }
    /// Who closed it; nil while open or when not recorded.
    public var closer: Author? { staff.author(ifAny: closedBy, at: clinicID) }
}

extension Assessment: Attributed {
    var staffIDs: [UUID] { [assessedBy] }
    /// Who scored the assessment.
    public var assessor: Author { staff.author(assessedBy) }
}

extension AdverseEventFollowUp: Attributed {
    var staffIDs: [UUID] { [recordedBy] }
    /// Who reviewed the patient.
    public var recorder: Author { staff.author(recordedBy) }
}

extension PatientChart {
    /// Every user the chart names, for resolving them in one look-up.
    var staffIDs: [UUID] {
        var ids: [UUID] = screenings.flatMap(\.staffIDs)
        ids += consents.flatMap(\.staffIDs)
        ids += courses.flatMap(\.staffIDs)
        ids += sessions.flatMap(\.staffIDs)
        ids += adverseEvents.flatMap(\.staffIDs)
        ids += assessments.flatMap(\.staffIDs)
        return ids
    }
}

extension OrganizationScope {
    /// A session documented by someone else must name the practitioner who treated: a member of the session's clinic
    /// who treats there (practitioner or owner). Refused naming `practitionerId` otherwise.
    func requireTreatingPractitioner(_ draft: SessionDraft, clinicID: UUID, on database: any Database) async throws {
        guard let writer = draft.documentedBy, writer != draft.practitionerID else { return }
        let roles = try await MembershipRow.query(on: database).filter(\.$organizationID == organizationID)
            .filter(\.$userID == draft.practitionerID).filter(\.$clinicID == clinicID).all().compactMap { Role(rawValue: $0.role) }
        guard roles.contains(where: { $0 == .practitioner || $0 == .owner }) else {
            throw StoreError.invalid(field: "practitionerId", problem: "name a practitioner of this clinic who treated the patient")
        }
    }
}

extension OrganizationScope {
    /// Who treats at the clinic (practitioners and owners), by name: whom an assistant may document a session for.
    public func practitioners(clinicID: UUID) async throws -> [Author] {
        try await db.read { database in
            let members = try await MembershipRow.query(on: database).filter(\.$organizationID == self.organizationID)
                .filter(\.$clinicID == clinicID).all()
                .filter { $0.role == Role.practitioner.rawValue || $0.role == Role.owner.rawValue }
            let staff = try await self.authors(members.map(\.userID), on: database)
            return Set(members.map(\.userID)).map { staff.author($0, at: clinicID) }.sorted { $0.name < $1.name }
        }
    }
}
