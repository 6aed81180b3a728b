import FluentKit
import Foundation
import StratumCore

/// Received lots of single-use sterile needle parts (POLICY §4). A lot put to `recalled` opens a recall of every
/// session that used it, in the same transaction.
public struct StockStore: Sendable {
    let scope: OrganizationScope

    /// Receives a lot into stock; a GTIN with a wrong check digit or a lot received twice is refused.
    public func receive(_ d: LotDraft, _ ctx: AccessContext) async throws -> DeviceLot {
        let actorID = try scope.requireActor(ctx)
        let product = try Traceability.text(d.product, field: "product", max: RecordInputRules.lotProductMaxLength)
        let lot = try Traceability.text(d.lot, field: "lot", max: RecordInputRules.lotNumberMaxLength)
        let gtin: String
        do { gtin = try GS1ElementString.gtin(d.gtin) } catch { throw StoreError.invalid(field: "gtin", problem: error.message) }
        guard RecordInputRules.lotQuantity.contains(d.quantity) else {
            throw StoreError.invalid(
                field: "quantity", problem: "from \(RecordInputRules.lotQuantity.lowerBound) to \(RecordInputRules.lotQuantity.upperBound) parts")
        }
        return try await scope.db.write { database in
            guard try await self.scope.hasClinic(d.clinicID, on: database) else { throw StoreError.notFound("clinic") }
            if let modelID = d.modelID {
                guard
                    try await DeviceModelRow.query(on: database).filter(\.$organizationID == self.scope.organizationID)
                        .filter(\.$id == modelID).first() != nil
                else { throw StoreError.invalid(field: "modelID", problem: "no such device model") }
            }
            guard
                try await DeviceLotRow.query(on: database).filter(\.$organizationID == self.scope.organizationID)
                    .filter(\.$gtin == gtin).filter(\.$lot == lot).first() == nil
            else {
                throw StoreError.invalid(field: "lot", problem: "lot \(lot) of GTIN \(gtin) is already received")
            }
            let m = DeviceLotRow()
            m.id = UUID()
            m.organizationID = self.scope.organizationID
            m.clinicID = d.clinicID
            m.modelID = d.modelID
            m.product = product
            m.gtin = gtin
            m.lot = lot
            m.expiry = d.expiry.description
            m.quantity = d.quantity
            m.status = LotStatus.available.rawValue
            m.receivedAt = ctx.now
            m.receivedBy = actorID
            try await m.create(on: database)
            try await self.scope.audit(ctx, patientID: nil, action: .create, resource: "lot", outcome: .allowed, on: database)
            return try await self.load(m, on: database)
        }
    }

    /// The lots, newest received first; `clinicID` narrows to one clinic's stock.
    public func lots(clinicID: UUID? = nil) async throws -> [DeviceLot] {
        try await scope.db.read { database in
            var out: [DeviceLot] = []
            var q = DeviceLotRow.query(on: database).filter(\.$organizationID == self.scope.organizationID)
            if let clinicID { q = q.filter(\.$clinicID == clinicID) }
            for m in try await q.sort(\.$receivedAt, .descending).all() {
                out.append(try await self.load(m, on: database))
            }
            return out
        }
    }

    /// One lot, or nil when it is not this organization's.
    public func lot(_ id: UUID) async throws -> DeviceLot? {
        try await scope.db.read { database in
            guard
                let m = try await DeviceLotRow.query(on: database).filter(\.$organizationID == self.scope.organizationID)
                    .filter(\.$id == id).first()
            else { return nil }
            return try await self.load(m, on: database)
        }
    }

    /// Sets a lot's status. `recalled` is final and opens a recall of its sessions (returned); quarantine may be
    /// lifted back to available.
    public func setStatus(lotID: UUID, _ status: LotStatus, reason: String, _ ctx: AccessContext) async throws -> (DeviceLot, UUID?) {
        _ = try scope.requireActor(ctx)
        let reason = try Traceability.text(reason, field: "reason", max: RecordInputRules.reasonMaxLength)
        return try await scope.db.write { database in
            try await lockRow(DeviceLotRow.schema, id: lotID, on: database)
            guard
                let m = try await DeviceLotRow.query(on: database).filter(\.$organizationID == self.scope.organizationID)
                    .filter(\.$id == lotID).first()
            else { throw StoreError.notFound("lot") }
            guard m.status != LotStatus.recalled.rawValue else { throw StoreError.conflict("the lot is recalled; a recall is final") }
            guard m.status != status.rawValue else { throw StoreError.conflict("the lot is already \(status.rawValue)") }
            m.status = status.rawValue
            try await m.update(on: database)
            try await self.scope.audit(ctx, patientID: nil, action: .update, resource: "lot", outcome: .allowed, on: database)
            var recallID: UUID?
            if status == .recalled {
                recallID = try await RecallStore(scope: self.scope).open(
                    source: .lot, clinicID: m.clinicID, cycleID: nil, lotID: lotID,
                    reason: "Lot \(m.lot) of \(m.product) recalled: \(reason)", ctx, on: database
                ).id
            }
            return (try await self.load(m, on: database), recallID)
        }
    }

    private func load(_ m: DeviceLotRow, on database: any Database) async throws -> DeviceLot {
        guard let expiry = LocalDate(iso: m.expiry), let status = LotStatus(rawValue: m.status) else { throw StoredJSON.unreadable("lot", m.lot) }
        let used = try await SessionEquipmentRow.query(on: database).filter(\.$lotID == m.id!).count()
        return DeviceLot(
            id: m.id!, clinicID: m.clinicID, modelID: m.modelID, product: m.product, gtin: m.gtin, lot: m.lot, expiry: expiry,
            quantity: m.quantity, used: used, status: status, receivedAt: m.receivedAt)
    }
}
