import FluentKit
import Foundation
import StratumCore

/// A registered patient who may be the person being registered: who it is and where, and why it matched. Only what
/// the desk needs to tell two people apart; the clinical record stays behind the chart's own permission.
public struct PatientCandidate: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let givenName: String
    public let familyName: String
    public let birthDate: LocalDate
    public let clinicID: UUID
    public let clinicName: String
    public let matches: [PatientIdentity.Match]
}

/// A registration refused because the organization may already hold this person's chart; repeating it with the
/// confirmation that this is a different person creates it. Carries no patient data in its description.
public struct PossibleDuplicates: Error, Sendable, Equatable, CustomStringConvertible {
    public let candidates: [PatientCandidate]
    public var description: String { "possible duplicate of \(candidates.count) registered patient(s)" }
}

extension PatientStore {
    /// Current charts of the organization sharing a `PatientIdentity` key with `draft`, by family then given name.
    func candidates(for draft: PatientDraft, excluding: UUID?, on database: any Database) async throws -> [PatientCandidate] {
        var matched: [UUID: (PatientRow, [PatientIdentity.Match])] = [:]
        func add(_ rows: [PatientRow], _ match: PatientIdentity.Match) {
            for m in rows where m.id != excluding {
                matched[m.id!, default: (m, [])].1.append(match)
            }
        }
        add(
            try await base(database).filter(\.$familyKey == PatientIdentity.nameKey(draft.familyName))
                .filter(\.$birthDate == draft.birthDate.description).limit(20).all(), .nameAndBirthDate)
        if let phone = PatientIdentity.phoneKey(draft.phone) {
            add(try await base(database).filter(\.$phoneKey == phone).limit(20).all(), .phone)
        }
        if let email = PatientIdentity.emailKey(draft.email) {
            add(try await base(database).filter(\.$emailKey == email).limit(20).all(), .email)
        }
        guard !matched.isEmpty else { return [] }
        let clinicIDs = Set(matched.values.map(\.0.clinicID))
        let clinics = try await ClinicRow.query(on: database).filter(\.$organizationID == scope.organizationID)
            .filter(\.$id ~~ clinicIDs).all()
        let names = Dictionary(uniqueKeysWithValues: clinics.map { ($0.id!, $0.name) })
        return matched.values.map { m, matches in
            PatientCandidate(
                id: m.id!, givenName: m.givenName, familyName: m.familyName,
                birthDate: LocalDate(iso: m.birthDate) ?? LocalDate(dayNumber: 0), clinicID: m.clinicID,
                clinicName: names[m.clinicID] ?? "", matches: matches)
        }.sorted { ($0.familyName, $0.givenName, $0.id.uuidString) < ($1.familyName, $1.givenName, $1.id.uuidString) }
    }
}

extension PatientStore {
    /// Other current charts that may be the same person as `patientID` (for an owner choosing what to merge); each
    /// candidate shown is an audited access. Empty when the patient is not a current chart of this organization.
    public func possibleDuplicates(of patientID: UUID, _ ctx: AccessContext) async throws -> [PatientCandidate] {
        try await scope.db.write { database in
            guard let m = try await self.base(database).filter(\.$id == patientID).first() else { return [] }
            let p = Patient(m)
            let draft = PatientDraft(
                clinicID: p.clinicID, givenName: p.givenName, familyName: p.familyName, birthDate: p.birthDate,
                sex: p.sex, fitzpatrick: p.fitzpatrick, phone: p.phone, email: p.email)
            let found = try await self.candidates(for: draft, excluding: patientID, on: database)
            if !found.isEmpty {
                try await self.scope.audit(ctx, patientIDs: found.map(\.id), action: .duplicateCheck, resource: "patient", on: database)
            }
            return found
        }
    }
}
