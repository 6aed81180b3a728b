import Foundation
import StratumCore
import StratumStore
import Vapor

/// Today's "Reports from patients": the open flags of warning signs patients reported in their portal check-in, for
/// the roles that read adverse events, in the clinic in use (the clinic of the session each report follows).
struct TodayPatientReports: Encodable {
    struct Item: Encodable {
        let flagId: String
        let patientId: String
        let patientName: String
        let day: Int
        let reportedOn: String
        let signs: String
    }
    let visible: Bool
    let items: [Item]
    let hasItems: Bool

    static func load(_ req: Request, _ p: Principal, state: ServerState) async throws -> TodayPatientReports {
        guard Permissions.allows(p.role, .read, .adverseEvent) else { return TodayPatientReports(visible: false, items: [], hasItems: false) }
        let flags = try await CheckInFlagStore(scope: state.scope(p.organizationID), vault: state.photoVault).open(
            clinicID: p.clinicID, req.access(p))
        let items = flags.map {
            Item(
                flagId: PageValues.id($0.id), patientId: PageValues.id($0.patientID), patientName: $0.patientName, day: $0.checkIn.day,
                reportedOn: $0.checkIn.reportedOn.description, signs: $0.checkIn.warningSigns.map(\.label).joined(separator: "; "))
        }
        return TodayPatientReports(visible: true, items: items, hasItems: !items.isEmpty)
    }
}
