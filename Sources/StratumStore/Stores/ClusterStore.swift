import FluentKit
import Foundation
import StratumCore

/// `AE-CLUSTER` (POLICY §6): infections linked through their sessions to the same sterilizer, lot or handpiece.
/// An alert stands, and stops the implicated item, until the clinic records a review after its latest infection.
public struct ClusterStore: Sendable {
    let scope: OrganizationScope

    /// The alerts not yet reviewed, with the implicated item's name. No patient is named, so nothing is audited.
    public func alerts() async throws -> [ClusterAlert] {
        try await scope.db.read { database in
            var out: [ClusterAlert] = []
            for alert in try await self.unreviewed(on: database) {
                let name = try await self.label(alert.source, alert.identifier, on: database)
                out.append(
                    ClusterAlert(
                        source: alert.source, identifier: alert.identifier, label: "\(alert.source.rawValue) \(name)",
                        onsets: alert.onsets, finding: alert.finding))
            }
            return out
        }
    }

    /// Records the clinic's review of an alert; the item is usable again until a new infection re-opens it.
    public func review(source: ClusterSource, identifier: String, note: String, _ ctx: AccessContext) async throws {
        let actorID = try scope.requireActor(ctx)
        let text = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw StoreError.invalid(field: "note", problem: "a review says what was found and done") }
        if let problem = RecordInputRules.textProblem(text, max: RecordInputRules.followUpNoteMaxLength) {
            throw StoreError.invalid(field: "note", problem: problem.description)
        }
        try await scope.db.write { database in
            guard try await self.unreviewed(on: database).contains(where: { $0.source == source && $0.identifier == identifier }) else {
                throw StoreError.notFound("cluster alert")
            }
            let m = ClusterReviewRow()
            m.id = UUID()
            m.organizationID = self.scope.organizationID
            m.source = source.rawValue
            m.identifier = identifier
            m.note = text
            m.reviewedAt = ctx.now
            m.reviewedBy = actorID
            try await m.create(on: database)
            try await self.scope.audit(ctx, patientID: nil, action: .review, resource: "cluster-alert", outcome: .allowed, on: database)
        }
    }

    /// Every infection of the organization with the equipment its session used, fed to the core's cluster rule, less
    /// the alerts reviewed on or after their latest onset's recording. `involving` narrows it to the items a session
    /// names (the check every session runs), so only their links are weighed and named.
    func unreviewed(involving: [(ClusterSource, String)]? = nil, on database: any Database) async throws -> [InfectionCluster.Alert] {
        let org = scope.organizationID
        let infections = try await AdverseEventRow.query(on: database).filter(\.$organizationID == org)
            .filter(\.$type ~~ [AdverseEventType.infectionBacterial.rawValue, AdverseEventType.infectionHerpetic.rawValue]).all()
        let sessionIDs = infections.compactMap(\.sessionID)
        guard !sessionIDs.isEmpty else { return [] }
        let equipment = try await SessionEquipmentRow.query(on: database).filter(\.$organizationID == org)
            .filter(\.$sessionID ~~ sessionIDs).all()
        let packIDs = equipment.compactMap(\.packID)
        var sterilizerOfPack: [UUID: UUID] = [:]
        if !packIDs.isEmpty {
            let packs = try await SterilizationPackRow.query(on: database).filter(\.$id ~~ packIDs).all()
            let cycleIDs = packs.compactMap(\.cycleID)
            let cycles = cycleIDs.isEmpty ? [] : try await SterilizationCycleRow.query(on: database).filter(\.$id ~~ cycleIDs).all()
            let sterilizerOfCycle = Dictionary(uniqueKeysWithValues: cycles.map { ($0.id!, $0.sterilizerID) })
            for p in packs { if let c = p.cycleID, let s = sterilizerOfCycle[c] { sterilizerOfPack[p.id!] = s } }
        }
        let bySession = Dictionary(equipment.map { ($0.sessionID, $0) }, uniquingKeysWith: { a, _ in a })
        var recordedAt: [LocalDate: Date] = [:]
        func kept(_ source: ClusterSource, _ id: String?) -> String? {
            guard let id, let involving else { return id }
            return involving.contains { $0.0 == source && $0.1 == id } ? id : nil
        }
        let exposures: [InfectionExposure] = infections.compactMap { e in
            guard let sid = e.sessionID, let eq = bySession[sid], let onset = LocalDate(iso: e.onset) else { return nil }
            let x = InfectionExposure(
                onset: onset, sterilizer: kept(.sterilizer, eq.packID.flatMap { sterilizerOfPack[$0] }?.uuidString),
                lot: kept(.lot, eq.lotID?.uuidString), handpiece: kept(.handpiece, eq.handpieceID?.uuidString))
            guard x.sterilizer != nil || x.lot != nil || x.handpiece != nil else { return nil }
            recordedAt[onset] = max(recordedAt[onset] ?? e.createdAt, e.createdAt)
            return x
        }
        guard exposures.count >= InfectionCluster.minimumInfections else { return [] }
        var names: [String: String] = [:]
        for e in exposures {
            for (source, id) in [(ClusterSource.sterilizer, e.sterilizer), (.lot, e.lot), (.handpiece, e.handpiece)] {
                if let id, names[id] == nil { names[id] = try await label(source, id, on: database) }
            }
        }
        let reviews = try await ClusterReviewRow.query(on: database).filter(\.$organizationID == org).all()
        return InfectionCluster.alerts(exposures, names: names).filter { alert in
            // Reviewed once the review postdates the recording of every infection in the cluster.
            let latest = alert.onsets.compactMap { recordedAt[$0] }.max() ?? .distantPast
            return !reviews.contains { $0.source == alert.source.rawValue && $0.identifier == alert.identifier && $0.reviewedAt >= latest }
        }
    }

    private func label(_ source: ClusterSource, _ identifier: String, on database: any Database) async throws -> String {
        guard let id = UUID(uuidString: identifier) else { return identifier }
        switch source {
        case .sterilizer: return try await SterilizerRow.find(id, on: database).map { $0.name } ?? identifier
        case .lot: return try await DeviceLotRow.find(id, on: database).map { "\($0.lot) of \($0.product)" } ?? identifier
        case .handpiece: return try await HandpieceRow.find(id, on: database).map { $0.serial } ?? identifier
        }
    }
}
