import FluentKit
import Foundation
import StratumCore

/// Sterilizers, their cycles and the packs of reusable needle parts (POLICY §4, CDC 2008). Packs move through
/// `PackState` only; every change is audited. A failed biological indicator quarantines the unused packs of every
/// exposed cycle and opens a recall, in one transaction.
public struct SterilizationStore: Sendable {
    let scope: OrganizationScope

    /// Adds a sterilizer to a clinic.
    public func addSterilizer(clinicID: UUID, name: String, serial: String, _ ctx: AccessContext) async throws -> Sterilizer {
        _ = try scope.requireActor(ctx)
        let name = try Traceability.text(name, field: "name", max: RecordInputRules.equipmentNameMaxLength)
        let serial = try Traceability.text(serial, field: "serial", max: RecordInputRules.equipmentSerialMaxLength)
        return try await scope.db.write { database in
            guard try await self.scope.hasClinic(clinicID, on: database) else { throw StoreError.notFound("clinic") }
            guard try await self.sterilizers(database).filter(\.$name == name).first() == nil else {
                throw StoreError.invalid(field: "name", problem: "a sterilizer named \(name) already exists")
            }
            let m = SterilizerRow()
            m.id = UUID()
            m.organizationID = self.scope.organizationID
            m.clinicID = clinicID
            m.name = name
            m.serial = serial
            m.createdAt = ctx.now
            try await m.create(on: database)
            try await self.scope.audit(ctx, patientID: nil, action: .create, resource: "sterilizer", outcome: .allowed, on: database)
            return Sterilizer(m)
        }
    }

    /// The sterilizers by name; `clinicID` narrows to one clinic's.
    public func sterilizers(clinicID: UUID? = nil) async throws -> [Sterilizer] {
        try await scope.db.read { database in
            var q = self.sterilizers(database)
            if let clinicID { q = q.filter(\.$clinicID == clinicID) }
            return try await q.sort(\.$name).all().map(Sterilizer.init)
        }
    }

    /// The clinic's pack shelf life in days; nil is event-related. Set in the clinic's settings (`ClinicSettingsStore`).
    public func shelfLife(clinicID: UUID) async throws -> Int? {
        try await scope.db.read { database in
            try await ClinicRow.query(on: database).filter(\.$organizationID == self.scope.organizationID)
                .filter(\.$id == clinicID).first()?.packShelfLifeDays
        }
    }

    /// Assembles and labels a pack of catalogue models (rollers, stamps, reusable heads: what the session's
    /// `DEPTH-DEVICE` is judged on); its code is what the label's barcode carries. `note` adds words to the label.
    public func assemble(clinicID: UUID, items: [PackItemDraft], note: String? = nil, _ ctx: AccessContext) async throws -> SterilizationPack {
        let actorID = try scope.requireActor(ctx)
        guard !items.isEmpty else { throw StoreError.invalid(field: "items", problem: "a pack holds at least one device model from the catalogue") }
        guard items.count <= RecordInputRules.packItemsMax else {
            throw StoreError.invalid(field: "items", problem: "at most \(RecordInputRules.packItemsMax) device models in one pack")
        }
        guard Set(items.map(\.modelID)).count == items.count else {
            throw StoreError.invalid(field: "items", problem: "a device model is listed twice")
        }
        guard items.allSatisfy({ RecordInputRules.packItemCount.contains($0.count) }) else {
            throw StoreError.invalid(field: "items", problem: "from 1 to 50 of each model")
        }
        let note = note?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if let problem = RecordInputRules.textProblem(note, max: RecordInputRules.packNoteMaxLength) {
            throw StoreError.invalid(field: "note", problem: problem.description)
        }
        return try await scope.db.write { database in
            guard try await self.scope.hasClinic(clinicID, on: database) else { throw StoreError.notFound("clinic") }
            var names: [String] = []
            for item in items {
                guard
                    let model = try await DeviceModelRow.query(on: database).filter(\.$organizationID == self.scope.organizationID)
                        .filter(\.$id == item.modelID).first()
                else {
                    throw StoreError.invalid(field: "items", problem: "no device model \(item.modelID.uuidString.lowercased()) in the catalogue")
                }
                guard model.part != DevicePartKind.handpiece.rawValue else {
                    throw StoreError.invalid(field: "items", problem: "\(model.name) is a handpiece: it is cleaned between patients, not packed")
                }
                guard !model.singleUseHead else {
                    throw StoreError.invalid(field: "items", problem: "\(model.name) is single-use: it is traced by its lot, never reprocessed")
                }
                names.append(item.count == 1 ? model.name : "\(item.count) × \(model.name)")
            }
            let contents = String((names.joined(separator: "; ") + (note.isEmpty ? "" : " (\(note))")).prefix(500))
            let m = SterilizationPackRow()
            m.id = UUID()
            m.organizationID = self.scope.organizationID
            m.clinicID = clinicID
            m.code = Self.code(for: m.id!)
            m.contents = contents
            m.state = PackState.assembled.rawValue
            m.wrapCompromised = false
            m.assembledAt = ctx.now
            m.assembledBy = actorID
            m.updatedAt = ctx.now
            try await m.create(on: database)
            for item in items {
                let i = PackItemRow()
                i.id = UUID()
                i.organizationID = self.scope.organizationID
                i.packID = m.id!
                i.modelID = item.modelID
                i.count = item.count
                try await i.create(on: database)
            }
            try await self.scope.audit(ctx, patientID: nil, action: .create, resource: "pack", outcome: .allowed, on: database)
            return try await self.load([m], on: database)[0]
        }
    }

    /// Records a finished cycle with the packs it carried: each assembled pack becomes sterilized (or quarantined
    /// when the cycle's physical parameters failed), with its shelf life set by the clinic's policy.
    public func recordCycle(sterilizerID: UUID, _ d: CycleDraft, _ ctx: AccessContext) async throws -> SterilizationCycle {
        let actorID = try scope.requireActor(ctx)
        let type = try Traceability.text(d.type, field: "type", max: RecordInputRules.equipmentNameMaxLength)
        guard d.number > 0 else { throw StoreError.invalid(field: "number", problem: "a cycle number is a positive whole number") }
        guard RecordInputRules.cycleTemperatureC.contains(d.temperatureC) else {
            throw StoreError.invalid(
                field: "temperatureC",
                problem: "from \(Int(RecordInputRules.cycleTemperatureC.lowerBound)) to \(Int(RecordInputRules.cycleTemperatureC.upperBound)) °C")
        }
        guard RecordInputRules.cycleMinutes.contains(d.minutes) else {
            throw StoreError.invalid(
                field: "minutes",
                problem: "from \(Int(RecordInputRules.cycleMinutes.lowerBound)) to \(Int(RecordInputRules.cycleMinutes.upperBound)) minutes")
        }
        guard RecordInputRules.cyclePressureKPa.contains(d.pressureKPa) else {
            throw StoreError.invalid(
                field: "pressureKPa",
                problem: "from \(Int(RecordInputRules.cyclePressureKPa.lowerBound)) to \(Int(RecordInputRules.cyclePressureKPa.upperBound)) kPa")
        }
        guard !d.packCodes.isEmpty else { throw StoreError.invalid(field: "packCodes", problem: "a cycle carries at least one pack") }
        guard Set(d.packCodes).count == d.packCodes.count else { throw StoreError.invalid(field: "packCodes", problem: "a pack is listed twice") }
        return try await scope.db.write { database in
            guard let sterilizer = try await self.sterilizers(database).filter(\.$id == sterilizerID).first() else {
                throw StoreError.notFound("sterilizer")
            }
            guard
                try await SterilizationCycleRow.query(on: database).filter(\.$sterilizerID == sterilizerID)
                    .filter(\.$number == d.number).first() == nil
            else {
                throw StoreError.invalid(field: "number", problem: "cycle \(d.number) of \(sterilizer.name) is already recorded")
            }
            let clinic = try await ClinicRow.find(sterilizer.clinicID, on: database)
            let shelfLife = clinic?.packShelfLifeDays
            let c = SterilizationCycleRow()
            c.id = UUID()
            c.organizationID = self.scope.organizationID
            c.sterilizerID = sterilizerID
            c.number = d.number
            c.date = d.date.description
            c.type = type
            c.temperatureC = d.temperatureC
            c.minutes = d.minutes
            c.pressureKPa = d.pressureKPa
            c.operatorID = actorID
            c.physical = d.physical.rawValue
            c.chemical = d.chemical.rawValue
            c.biological = d.biological.rawValue
            c.biReadAt = d.biological == .pending ? nil : ctx.now
            c.createdAt = ctx.now
            try await c.create(on: database)
            for code in d.packCodes {
                guard let p = try await self.packs(database).filter(\.$code == code).first() else {
                    throw StoreError.invalid(field: "packCodes", problem: "no pack is labelled \(code)")
                }
                // The record admits only what happened: a pack cannot go through a cycle run before it was assembled.
                let assembledOn = LocalDate.clinicDay(at: p.assembledAt, timeZone: clinic?.timezone ?? "UTC")
                guard assembledOn <= d.date else {
                    throw StoreError.invalid(
                        field: "packCodes", problem: "pack \(code) was assembled on \(assembledOn), after the cycle's date \(d.date)")
                }
                let state = PackState(rawValue: p.state) ?? .quarantined
                do { p.state = try state.after(.sterilize(d.physical)).rawValue } catch {
                    throw StoreError.invalid(field: "packCodes", problem: "pack \(code): \(error)")
                }
                p.cycleID = c.id
                p.expiresOn = shelfLife.map { d.date.adding(days: $0).description }
                p.updatedAt = ctx.now
                try await p.update(on: database)
            }
            try await self.scope.audit(ctx, patientID: nil, action: .create, resource: "cycle", outcome: .allowed, on: database)
            return try SterilizationCycle(c)
        }
    }

    /// The sterilizer's cycles, newest first.
    public func cycles(sterilizerID: UUID) async throws -> [SterilizationCycle] {
        try await scope.db.read { database in
            try await SterilizationCycleRow.query(on: database).filter(\.$organizationID == self.scope.organizationID)
                .filter(\.$sterilizerID == sterilizerID).sort(\.$number, .descending).all().map(SterilizationCycle.init)
        }
    }

    /// One cycle, or nil when it is not this organization's.
    public func cycle(_ id: UUID) async throws -> SterilizationCycle? {
        try await scope.db.read { database in
            try await SterilizationCycleRow.query(on: database).filter(\.$organizationID == self.scope.organizationID)
                .filter(\.$id == id).first().map(SterilizationCycle.init)
        }
    }

    /// Records the biological indicator once read. A failure quarantines every unused pack of the exposed cycles
    /// and opens a recall of the sessions that used their packs; its id is returned.
    public func readBiological(cycleID: UUID, _ result: BiologicalIndicatorResult, _ ctx: AccessContext) async throws -> (SterilizationCycle, UUID?) {
        _ = try scope.requireActor(ctx)
        guard result != .pending else { throw StoreError.invalid(field: "biological", problem: "record the reading: pass or fail") }
        return try await scope.db.write { database in
            try await lockRow(SterilizationCycleRow.schema, id: cycleID, on: database)
            guard
                let c = try await SterilizationCycleRow.query(on: database).filter(\.$organizationID == self.scope.organizationID)
                    .filter(\.$id == cycleID).first()
            else { throw StoreError.notFound("cycle") }
            guard c.biological == BiologicalIndicatorResult.pending.rawValue else {
                throw StoreError.conflict("the biological indicator of cycle \(c.number) is already read: \(c.biological)")
            }
            c.biological = result.rawValue
            c.biReadAt = ctx.now
            try await c.update(on: database)
            try await self.scope.audit(ctx, patientID: nil, action: .update, resource: "cycle", outcome: .allowed, on: database)
            guard result == .fail else { return (try SterilizationCycle(c), nil) }
            let exposedIDs = try await RecallStore(scope: self.scope).exposedCycles(of: c, on: database).map(\.id)
            for p in try await self.packs(database).filter(\.$cycleID ~~ exposedIDs).all() {
                let state = PackState(rawValue: p.state) ?? .quarantined
                guard !state.isFinal, let next = try? state.after(.quarantine) else { continue }
                p.state = next.rawValue
                p.updatedAt = ctx.now
                try await p.update(on: database)
                try await self.scope.audit(ctx, patientID: nil, action: .quarantine, resource: "pack", outcome: .allowed, on: database)
            }
            guard let sterilizer = try await SterilizerRow.find(c.sterilizerID, on: database) else { throw StoreError.notFound("sterilizer") }
            let recall = try await RecallStore(scope: self.scope).open(
                source: .cycle, clinicID: sterilizer.clinicID, cycleID: cycleID, lotID: nil,
                reason: "Biological indicator failed on cycle \(c.number) of \(sterilizer.name) (\(c.date))", ctx, on: database)
            return (try SterilizationCycle(c), recall.id)
        }
    }

    /// Releases a sterilized pack for use on its cycle's monitoring results (`PackState.after(.release)`).
    public func release(packID: UUID, _ ctx: AccessContext) async throws -> SterilizationPack {
        try await change(packID, ctx, action: .release) { p, database in
            guard let cycleID = p.cycleID, let c = try await SterilizationCycleRow.find(cycleID, on: database) else {
                throw StoreError.conflict("DEV-PACK-NOT-RELEASED: the pack has not been through a cycle")
            }
            return .release(
                cycle: CycleStatus(rawValue: c.physical) ?? .incomplete, chemical: IndicatorResult(rawValue: c.chemical) ?? .fail,
                biological: BiologicalIndicatorResult(rawValue: c.biological) ?? .pending)
        }
    }

    /// Takes a pack out of use (a doubt about it, a recall).
    public func quarantine(packID: UUID, _ ctx: AccessContext) async throws -> SterilizationPack {
        try await change(packID, ctx, action: .quarantine) { _, _ in .quarantine }
    }

    /// Records a torn, wet or opened wrap: event-related shelf life ends now (`DEV-PACK-EXPIRED`).
    public func wrapCompromised(packID: UUID, _ ctx: AccessContext) async throws -> SterilizationPack {
        try await change(packID, ctx, action: .expire) { p, _ in
            p.wrapCompromised = true
            return .expire
        }
    }

    /// The packs, newest first; `state` narrows to one state, `clinicID` to one clinic's.
    public func packs(state: PackState? = nil, clinicID: UUID? = nil) async throws -> [SterilizationPack] {
        try await scope.db.read { database in
            var q = self.packs(database)
            if let state { q = q.filter(\.$state == state.rawValue) }
            if let clinicID { q = q.filter(\.$clinicID == clinicID) }
            return try await self.load(q.sort(\.$updatedAt, .descending).all(), on: database)
        }
    }

    /// One pack by id or label code.
    public func pack(id: UUID? = nil, code: String? = nil) async throws -> SterilizationPack? {
        try await scope.db.read { database in
            var q = self.packs(database)
            if let id { q = q.filter(\.$id == id) }
            if let code { q = q.filter(\.$code == code) }
            guard id != nil || code != nil, let m = try await q.first() else { return nil }
            return try await self.load([m], on: database).first
        }
    }

    // MARK: Internals

    /// A pack's label code: short enough to read aloud, from the pack's id so two clinics never clash.
    static func code(for id: UUID) -> String {
        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        var n = id.uuid
        let bytes = withUnsafeBytes(of: &n) { Array($0.prefix(5)) }
        var value = bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        var out = ""
        for _ in 0..<8 { out.append(alphabet[Int(value & 31)]); value >>= 5 }
        return "PK-" + out
    }

    private func change(
        _ packID: UUID, _ ctx: AccessContext, action: AuditAction,
        _ event: @escaping @Sendable (SterilizationPackRow, any Database) async throws -> PackEvent
    ) async throws -> SterilizationPack {
        _ = try scope.requireActor(ctx)
        return try await scope.db.write { database in
            try await lockRow(SterilizationPackRow.schema, id: packID, on: database)
            guard let p = try await self.packs(database).filter(\.$id == packID).first() else { throw StoreError.notFound("pack") }
            let state = PackState(rawValue: p.state) ?? .quarantined
            let e = try await event(p, database)
            do { p.state = try state.after(e).rawValue } catch { throw StoreError.conflict("\(error)") }
            p.updatedAt = ctx.now
            try await p.update(on: database)
            try await self.scope.audit(ctx, patientID: nil, action: action, resource: "pack", outcome: .allowed, on: database)
            return try await self.load([p], on: database)[0]
        }
    }

    /// The packs with their catalogue items, read in one query.
    private func load(_ ms: [SterilizationPackRow], on database: any Database) async throws -> [SterilizationPack] {
        let ids = ms.compactMap(\.id)
        guard !ids.isEmpty else { return [] }
        let rows = try await PackItemRow.query(on: database).filter(\.$packID ~~ ids).all()
        let modelIDs = Array(Set(rows.map(\.modelID)))
        let names =
            modelIDs.isEmpty
            ? [:]
            : Dictionary(
                uniqueKeysWithValues: try await DeviceModelRow.query(on: database)
                    .filter(\.$id ~~ modelIDs).all().map { ($0.id!, $0.name) })
        let items = Dictionary(grouping: rows, by: \.packID)
        return try ms.map { m in
            try SterilizationPack(
                m,
                items: (items[m.id!] ?? []).map { PackItem(modelID: $0.modelID, name: names[$0.modelID] ?? "", count: $0.count) }
                    .sorted { $0.name < $1.name })
        }
    }

    private func sterilizers(_ database: any Database) -> QueryBuilder<SterilizerRow> {
        SterilizerRow.query(on: database).filter(\.$organizationID == scope.organizationID)
    }

    private func packs(_ database: any Database) -> QueryBuilder<SterilizationPackRow> {
        SterilizationPackRow.query(on: database).filter(\.$organizationID == scope.organizationID)
    }
}

extension Sterilizer {
    init(_ m: SterilizerRow) { self.init(id: m.id!, clinicID: m.clinicID, name: m.name, serial: m.serial) }
}

extension SterilizationCycle {
    init(_ m: SterilizationCycleRow) throws {
        guard let date = LocalDate(iso: m.date), let physical = CycleStatus(rawValue: m.physical),
            let chemical = IndicatorResult(rawValue: m.chemical), let biological = BiologicalIndicatorResult(rawValue: m.biological)
        else {
            throw StoredJSON.unreadable("cycle", String(m.number))
        }
        self.init(
            id: m.id!, sterilizerID: m.sterilizerID, number: m.number, date: date, type: m.type, temperatureC: m.temperatureC,
            minutes: m.minutes, pressureKPa: m.pressureKPa, operatorID: m.operatorID, physical: physical, chemical: chemical,
            biological: biological, biologicalReadAt: m.biReadAt)
    }
}

extension SterilizationPack {
    init(_ m: SterilizationPackRow, items: [PackItem]) throws {
        guard let state = PackState(rawValue: m.state) else { throw StoredJSON.unreadable("pack state", m.state) }
        self.init(
            id: m.id!, clinicID: m.clinicID, code: m.code, contents: m.contents, items: items, state: state, cycleID: m.cycleID,
            expiresOn: m.expiresOn.flatMap(LocalDate.init(iso:)), wrapCompromised: m.wrapCompromised,
            assembledAt: m.assembledAt, updatedAt: m.updatedAt)
    }
}
