import FluentKit
import Foundation
import StratumCore

/// The clinic's device catalogue and its pen handpieces with their cleaning log (POLICY §4). Every change is audited.
public struct DeviceStore: Sendable {
    let scope: OrganizationScope

    /// Adds a device model; names are unique within the organization. `part` defaults from the kind (a pen entry is
    /// a handpiece model); a cartridge names the handpiece models it fits (`DEV-INCOMPATIBLE`).
    public func addModel(
        name: String, spec: DeviceSpec, needleCount: Int, singleUseHead: Bool, part: DevicePartKind? = nil,
        fits: [UUID] = [], _ ctx: AccessContext
    ) async throws -> DeviceModelRecord {
        _ = try scope.requireActor(ctx)
        let name = try Traceability.text(name, field: "name", max: RecordInputRules.equipmentNameMaxLength)
        let part = part ?? (spec.kind == .roller ? .roller : spec.kind == .stamp ? .stamp : .handpiece)
        guard part.deviceKind == spec.kind else {
            throw StoreError.invalid(field: "kind", problem: "a \(part.rawValue) is a \(part.deviceKind.rawValue) part, not a \(spec.kind.rawValue)")
        }
        guard part == .cartridge || fits.isEmpty else {
            throw StoreError.invalid(field: "fits", problem: "only a cartridge lists the handpiece models it fits")
        }
        guard Set(fits).count == fits.count else { throw StoreError.invalid(field: "fits", problem: "a handpiece model is listed twice") }
        guard RecordInputRules.needleCount.contains(needleCount) else {
            throw StoreError.invalid(
                field: "needleCount", problem: "from \(RecordInputRules.needleCount.lowerBound) to \(RecordInputRules.needleCount.upperBound) needles"
            )
        }
        let range = spec.length.range
        guard range.lower > 0, range.upper <= 3.0, range.lower <= range.upper else {
            throw StoreError.invalid(field: "length", problem: "needle length from 0.05 to 3.0 mm, minimum not above maximum")
        }
        return try await scope.db.write { database in
            guard
                try await DeviceModelRow.query(on: database).filter(\.$organizationID == self.scope.organizationID)
                    .filter(\.$name == name).first() == nil
            else {
                throw StoreError.invalid(field: "name", problem: "a device model named \(name) already exists")
            }
            let m = DeviceModelRow()
            m.id = UUID()
            m.organizationID = self.scope.organizationID
            m.name = name
            for id in fits {
                guard
                    let h = try await DeviceModelRow.query(on: database).filter(\.$organizationID == self.scope.organizationID)
                        .filter(\.$id == id).first(), h.part == DevicePartKind.handpiece.rawValue
                else {
                    throw StoreError.invalid(field: "fits", problem: "\(id.uuidString.lowercased()) is not a handpiece model of the catalogue")
                }
            }
            m.kind = spec.kind.rawValue
            m.part = part.rawValue
            if case .adjustable = spec.length { m.adjustable = true } else { m.adjustable = false }
            m.minMM = range.lower
            m.maxMM = range.upper
            m.needleCount = needleCount
            m.needleMaterial = spec.needleMaterial.rawValue
            m.singleUseHead = singleUseHead
            m.createdAt = ctx.now
            try await m.create(on: database)
            for id in fits {
                let f = DeviceModelFitRow()
                f.id = UUID()
                f.organizationID = self.scope.organizationID
                f.cartridgeModelID = m.id!
                f.handpieceModelID = id
                try await f.create(on: database)
            }
            try await self.scope.audit(ctx, patientID: nil, action: .create, resource: "device-model", outcome: .allowed, on: database)
            return try DeviceModelRecord(m, fits: fits)
        }
    }

    /// The catalogue by name.
    public func models() async throws -> [DeviceModelRecord] {
        try await scope.db.read { database in
            let fits = try await self.scope.modelFits(on: database)
            return try await DeviceModelRow.query(on: database).filter(\.$organizationID == self.scope.organizationID).sort(\.$name).all()
                .map { try DeviceModelRecord($0, fits: fits[$0.id!] ?? []) }
        }
    }

    /// Registers a pen handpiece by its serial.
    public func addHandpiece(clinicID: UUID, modelID: UUID, serial: String, _ ctx: AccessContext) async throws -> Handpiece {
        _ = try scope.requireActor(ctx)
        let serial = try Traceability.text(serial, field: "serial", max: RecordInputRules.equipmentSerialMaxLength)
        return try await scope.db.write { database in
            guard try await self.scope.hasClinic(clinicID, on: database) else { throw StoreError.notFound("clinic") }
            guard
                try await DeviceModelRow.query(on: database).filter(\.$organizationID == self.scope.organizationID)
                    .filter(\.$id == modelID).first() != nil
            else { throw StoreError.invalid(field: "modelID", problem: "no such device model") }
            guard
                try await HandpieceRow.query(on: database).filter(\.$organizationID == self.scope.organizationID)
                    .filter(\.$serial == serial).first() == nil
            else {
                throw StoreError.invalid(field: "serial", problem: "a handpiece with serial \(serial) is already registered")
            }
            let m = HandpieceRow()
            m.id = UUID()
            m.organizationID = self.scope.organizationID
            m.clinicID = clinicID
            m.modelID = modelID
            m.serial = serial
            m.inService = true
            m.createdAt = ctx.now
            try await m.create(on: database)
            try await self.scope.audit(ctx, patientID: nil, action: .create, resource: "handpiece", outcome: .allowed, on: database)
            return try await self.handpiece(m, on: database)
        }
    }

    /// The handpieces with when each was last cleaned and last used; `clinicID` narrows to one clinic's.
    public func handpieces(clinicID: UUID? = nil) async throws -> [Handpiece] {
        try await scope.db.read { database in
            var out: [Handpiece] = []
            var q = HandpieceRow.query(on: database).filter(\.$organizationID == self.scope.organizationID)
            if let clinicID { q = q.filter(\.$clinicID == clinicID) }
            for m in try await q.sort(\.$serial).all() {
                out.append(try await self.handpiece(m, on: database))
            }
            return out
        }
    }

    /// Records a cleaning and disinfection of the handpiece between patients.
    public func recordCleaning(handpieceID: UUID, method: String, _ ctx: AccessContext) async throws -> Handpiece {
        let actorID = try scope.requireActor(ctx)
        let method = try Traceability.text(method, field: "method", max: RecordInputRules.cleaningMethodMaxLength)
        return try await scope.db.write { database in
            guard
                let hp = try await HandpieceRow.query(on: database).filter(\.$organizationID == self.scope.organizationID)
                    .filter(\.$id == handpieceID).first()
            else { throw StoreError.notFound("handpiece") }
            let c = HandpieceCleaningRow()
            c.id = UUID()
            c.organizationID = self.scope.organizationID
            c.handpieceID = handpieceID
            c.method = method
            c.cleanedAt = ctx.now
            c.cleanedBy = actorID
            try await c.create(on: database)
            try await self.scope.audit(ctx, patientID: nil, action: .create, resource: "handpiece.cleaning", outcome: .allowed, on: database)
            return try await self.handpiece(hp, on: database)
        }
    }

    /// The handpiece's cleaning log, newest first.
    public func cleanings(handpieceID: UUID) async throws -> [HandpieceCleaning] {
        try await scope.db.read { database in
            try await HandpieceCleaningRow.query(on: database).filter(\.$organizationID == self.scope.organizationID)
                .filter(\.$handpieceID == handpieceID).sort(\.$cleanedAt, .descending).all()
                .map { HandpieceCleaning(method: $0.method, cleanedAt: $0.cleanedAt, cleanedBy: $0.cleanedBy) }
        }
    }

    private func handpiece(_ m: HandpieceRow, on database: any Database) async throws -> Handpiece {
        let usage = try await scope.handpieceUsage(m.id!, excluding: nil, on: database)
        return Handpiece(
            id: m.id!, clinicID: m.clinicID, modelID: m.modelID, serial: m.serial, inService: m.inService,
            lastCleanedAt: usage.lastCleanedAt, lastUsedAt: usage.lastUsedAt)
    }
}

extension DeviceModelRecord {
    init(_ m: DeviceModelRow, fits: [UUID]) throws {
        guard let kind = DeviceKind(rawValue: m.kind), let material = NeedleMaterial(rawValue: m.needleMaterial),
            let part = DevicePartKind(rawValue: m.part)
        else {
            throw StoredJSON.unreadable("device model", m.kind)
        }
        self.init(
            id: m.id!, name: m.name,
            spec: DeviceSpec(
                kind: kind, length: m.adjustable ? .adjustable(DepthRange(m.minMM, m.maxMM)) : .fixed(m.minMM),
                needleMaterial: material),
            needleCount: m.needleCount, singleUseHead: m.singleUseHead, part: part, fits: fits)
    }
}

extension OrganizationScope {
    /// Each cartridge model's handpiece models.
    func modelFits(on database: any Database) async throws -> [UUID: [UUID]] {
        var out: [UUID: [UUID]] = [:]
        for f in try await DeviceModelFitRow.query(on: database).filter(\.$organizationID == organizationID).all() {
            out[f.cartridgeModelID, default: []].append(f.handpieceModelID)
        }
        return out
    }
}

/// Shared input rules of the traceability stores.
enum Traceability {
    /// Trimmed text of 1…max characters, or `invalid` naming the field.
    static func text(_ s: String, field: String, max: Int) throws -> String {
        let t = s.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !t.isEmpty else { throw StoreError.invalid(field: field, problem: "required") }
        if let problem = RecordInputRules.textProblem(t, max: max) { throw StoreError.invalid(field: field, problem: problem.description) }
        return t
    }
}
