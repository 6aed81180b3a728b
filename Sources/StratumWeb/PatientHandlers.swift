import Foundation
import OpenAPIRuntime
import StratumCore
import StratumStore

extension APIHandler {
    func searchPatients(_ input: Operations.SearchPatients.Input) async throws -> Operations.SearchPatients.Output {
        let p = try await authorize(.read, .patient)
        var birth: LocalDate?
        if let text = input.query.birthDate {
            guard let d = LocalDate(iso: text) else { throw APIProblem.badField("birthDate", "\"\(text.prefix(40))\" is not a date (YYYY-MM-DD)") }
            birth = d
        }
        let found = try await state.scope(p.organizationID).patients.search(
            name: input.query.name, birthDate: birth,
            limit: input.query.limit ?? 50, access(p))
        return .ok(.init(body: .json(.init(items: found.map(Components.Schemas.Patient.init)))))
    }

    func createPatient(_ input: Operations.CreatePatient.Input) async throws -> Operations.CreatePatient.Output {
        let p = try await authorize(.create, .patient)
        guard case .json(let body) = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        let created = try await state.scope(p.organizationID).patients.create(
            try draft(body), confirmDuplicate: body.confirmDuplicate ?? false,
            access(p))
        return .created(.init(body: .json(.init(created))))
    }

    func mergePatient(_ input: Operations.MergePatient.Input) async throws -> Operations.MergePatient.Output {
        let id = try uuid(input.path.patientId, "patientId")
        let p = try await authorize(.merge, .patient, patientID: id)
        guard case .json(let body) = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        let duplicate = try uuid(body.duplicateId, "duplicateId")
        let survivor = try await state.scope(p.organizationID).patients.merge(survivorID: id, duplicateID: duplicate, access(p))
        return .ok(.init(body: .json(.init(survivor))))
    }

    func getPatient(_ input: Operations.GetPatient.Input) async throws -> Operations.GetPatient.Output {
        let id = try uuid(input.path.patientId, "patientId")
        let p = try await authorize(.read, .patient, patientID: id)
        guard let patient = try await state.scope(p.organizationID).patients.get(id, access(p)) else { throw APIProblem.notFound("patient") }
        return .ok(.init(body: .json(.init(patient))))
    }

    func updatePatient(_ input: Operations.UpdatePatient.Input) async throws -> Operations.UpdatePatient.Output {
        let id = try uuid(input.path.patientId, "patientId")
        let p = try await authorize(.update, .patient, patientID: id)
        guard case .json(let body) = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        let updated = try await state.scope(p.organizationID).patients.update(id, try draft(body), access(p))
        return .ok(.init(body: .json(.init(updated))))
    }

    /// Field rules beyond the schema's: real dates, names not blank.
    func draft(_ b: Components.Schemas.PatientInput) throws -> PatientDraft {
        let clinic = try uuid(b.clinicId, "clinicId")
        guard let birth = LocalDate(iso: b.birthDate) else {
            throw APIProblem.badField("birthDate", "\"\(b.birthDate.prefix(40))\" is not a date (YYYY-MM-DD)")
        }
        // Names, phototype, phone and email are judged by the store's door (PatientInputRules), as for the form.
        return PatientDraft(
            clinicID: clinic, givenName: b.givenName.trimmingCharacters(in: .whitespaces),
            familyName: b.familyName.trimmingCharacters(in: .whitespaces), birthDate: birth,
            sex: Sex(rawValue: b.sex.rawValue) ?? .unknown, fitzpatrick: b.fitzpatrick,
            phone: b.phone, email: b.email)
    }
}

extension Components.Schemas.Patient {
    init(_ p: Patient) {
        self.init(
            id: p.id.uuidString.lowercased(), clinicId: p.clinicID.uuidString.lowercased(), givenName: p.givenName,
            familyName: p.familyName, birthDate: p.birthDate.description,
            sex: Components.Schemas.Sex(rawValue: p.sex.rawValue) ?? .unknown, fitzpatrick: p.fitzpatrick,
            phone: p.phone, email: p.email)
    }
}
