import FluentKit
import Foundation
import StratumCore

extension OrganizationScope {
    /// Sets the clinic's time zone, the owner's act: from the next request every "today" (future dates refused, lot
    /// expiry, intervals, the day sheet, screening age) is counted in it. An unknown zone is refused naming
    /// `timezone` (`StoreError.invalid`); the change is one audit row (`update clinic`), with no patient.
    public func setTimeZone(clinicID: UUID, to identifier: String, _ ctx: AccessContext) async throws -> Clinic {
        if let problem = ClinicTimeZone.problem(identifier) { throw StoreError.invalid(field: "timezone", problem: problem) }
        return try await db.write { database -> Clinic in
            guard
                let m = try await ClinicRow.query(on: database).filter(\.$id == clinicID)
                    .filter(\.$organizationID == self.organizationID).first()
            else { throw StoreError.notFound("clinic") }
            m.timezone = identifier
            try await m.update(on: database)
            try await self.audit(ctx, patientID: nil, action: .update, resource: "clinic", outcome: .allowed, on: database)
            return Clinic(m)
        }
    }
}
