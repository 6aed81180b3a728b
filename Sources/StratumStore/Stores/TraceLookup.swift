import FluentKit
import Foundation

/// Finds lots and cycles by what is printed on them, across every organization of the database: the server
/// console's `stratum trace` starts from a label in someone's hand, not from an id.
public struct TraceLookup: Sendable {
    let db: StratumDatabase

    public init(database: StratumDatabase) { db = database }

    /// One lot or cycle a label names, with the organization it belongs to.
    public struct Match: Sendable, Equatable {
        public let organizationID: UUID
        public let id: UUID
        public let label: String
    }

    /// Lots with this lot number (any GTIN, or only `gtin`).
    public func lots(number: String, gtin: String? = nil) async throws -> [Match] {
        try await db.read { database in
            var q = DeviceLotRow.query(on: database).filter(\.$lot == number)
            if let gtin { q = q.filter(\.$gtin == gtin) }
            return try await q.sort(\.$receivedAt).all().map {
                Match(
                    organizationID: $0.organizationID, id: $0.id!,
                    label: "lot \($0.lot) of \($0.product) (GTIN \($0.gtin), expires \($0.expiry), \($0.status))")
            }
        }
    }

    /// Cycles with this number, of any sterilizer (or only the one named `sterilizer`); `C` may also be a cycle's id.
    public func cycles(_ text: String, sterilizer: String? = nil) async throws -> [Match] {
        try await db.read { database in
            var q = SterilizationCycleRow.query(on: database)
            if let id = UUID(uuidString: text) {
                q = q.filter(\.$id == id)
            } else if let n = Int(text) {
                q = q.filter(\.$number == n)
            } else {
                return []
            }
            var out: [Match] = []
            for c in try await q.all() {
                guard let s = try await SterilizerRow.find(c.sterilizerID, on: database) else { continue }
                if let sterilizer, s.name != sterilizer { continue }
                out.append(
                    Match(
                        organizationID: c.organizationID, id: c.id!,
                        label: "cycle \(c.number) of \(s.name) on \(c.date) (biological indicator \(c.biological))"))
            }
            return out
        }
    }
}
