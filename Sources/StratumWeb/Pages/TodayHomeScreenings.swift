import Foundation
import StratumCore
import StratumStore
import Vapor

/// Today's "Screening answered at home" section (issue 16): the clinic's patients whose answers from the portal wait
/// for review, each with the rules the answers raise, so a stop is seen before the visit. Shown to the roles that
/// read screenings (practitioners, owners), never to the front desk.
struct TodayHomeScreenings: Encodable {
    struct Item: Encodable {
        let patientId: String
        let patientName: String
        let homeId: String
        let answeredOn: String
        /// The rule ids raised, stops first, each once.
        let rules: [String]
        let hasRules: Bool
        let blocking: Bool
    }

    let visible: Bool
    let items: [Item]
    let hasItems: Bool

    static func read(_ req: Request, _ p: Principal, state: ServerState) async throws -> TodayHomeScreenings {
        guard Permissions.allows(p.role, .read, .screening) else { return TodayHomeScreenings(visible: false, items: [], hasItems: false) }
        let items = try await state.scope(p.organizationID).homeScreenings.awaitingReview(clinicID: p.clinicID, req.access(p)).map { a in
            var seen = Set<String>()
            let raised = a.screening.findings.filter { $0.severity >= .caution }.sorted { $0.severity > $1.severity }
                .map(\.rule.rawValue).filter { seen.insert($0).inserted }
            return Item(
                patientId: PageValues.id(a.screening.patientID), patientName: a.patientName, homeId: PageValues.id(a.screening.id),
                answeredOn: a.screening.answeredOn.description, rules: raised, hasRules: !raised.isEmpty,
                blocking: a.screening.findings.contains { $0.severity == .stop })
        }
        return TodayHomeScreenings(visible: true, items: items, hasItems: !items.isEmpty)
    }
}
