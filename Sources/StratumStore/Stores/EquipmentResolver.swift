import FluentKit
import Foundation
import SQLKit
import StratumCore

/// The equipment a session names, found in the clinic's registry inside the session's own transaction: the rows to
/// bind and the facts the sterility rules judge.
struct ResolvedEquipment: Sendable {
    var lot: DeviceLotRow?
    var serial: String?
    var pack: SterilizationPackRow?
    var handpiece: HandpieceRow?
    var sterility: SterilityFacts
    var handpieceFacts: HandpieceFacts?
    /// What the catalogue says the named parts and handpiece are (`DEPTH-DEVICE`, `DEV-INCOMPATIBLE`).
    var registered = RegisteredEquipment()
    /// Unreviewed `AE-CLUSTER` alerts on this pack's sterilizer, this lot or this handpiece.
    var clusterAlerts: [InfectionCluster.Alert]

    /// The equipment as a session's record names it, the same as `equipment(ofSessions:)` reads back once `bind`
    /// wrote its row (always one, even naming nothing).
    var reference: EquipmentReference {
        var ref = EquipmentReference()
        if let lot { ref.part = PartReference(gtin: lot.gtin, lot: lot.lot, serial: serial) }
        ref.packCode = pack?.code
        ref.handpieceSerial = handpiece?.serial
        return ref
    }
}

extension OrganizationScope {
    /// Resolves `ref` for a session on `date`. A reference to nothing in the registry is `StoreError.invalid` naming
    /// the field; what the registry says about the item (used, recalled, not released) becomes facts for the rules.
    /// `excluding` is a session being re-checked: its own binding does not count as an earlier use.
    func resolve(_ ref: EquipmentReference, on date: LocalDate, excluding: UUID?, on database: any Database) async throws -> ResolvedEquipment {
        var out = ResolvedEquipment(sterility: SterilityFacts(singleUsePart: nil, pack: nil), clusterAlerts: [])
        var implicated: [(ClusterSource, String)] = []
        if let part = ref.part {
            guard
                let lot = try await DeviceLotRow.query(on: database).filter(\.$organizationID == organizationID)
                    .filter(\.$gtin == part.gtin).filter(\.$lot == part.lot).first()
            else {
                throw StoreError.invalid(
                    field: "equipment.part", problem: "GTIN \(part.gtin) lot \(part.lot) is not in the clinic's stock: receive the lot first")
            }
            guard let expiry = LocalDate(iso: lot.expiry) else { throw StoredJSON.unreadable("lot expiry", lot.expiry) }
            if let printed = part.labelExpiry, printed != expiry {
                throw StoreError.invalid(
                    field: "equipment.part", problem: "the label's expiry \(printed) differs from the received lot's \(expiry): check the package")
            }
            var uses = SessionEquipmentRow.query(on: database).filter(\.$organizationID == organizationID).filter(\.$lotID == lot.id!)
            if let excluding { uses = uses.filter(\.$sessionID != excluding) }
            let previouslyUsed: Bool
            if let serial = part.serial {
                previouslyUsed = try await uses.filter(\.$serial == serial).first() != nil
            } else {
                // Without a printed serial, packages are told apart only by count: more uses than received is reuse.
                previouslyUsed = try await uses.count() >= lot.quantity
            }
            let status = LotStatus(rawValue: lot.status) ?? .quarantined
            out.lot = lot
            out.serial = part.serial
            out.sterility.singleUsePart = SingleUsePart(
                lot: lot.lot, expiry: expiry, serial: part.serial, previouslyUsed: previouslyUsed,
                lotRecalled: status == .recalled, lotQuarantined: status == .quarantined)
            if let modelID = lot.modelID, let model = try await DeviceModelRow.find(modelID, on: database) {
                out.registered.parts.append(try await registeredPart(model, source: "lot \(lot.lot)", on: database))
            }
            implicated.append((.lot, lot.id!.uuidString))
        }
        if let code = ref.packCode {
            guard
                let pack = try await SterilizationPackRow.query(on: database).filter(\.$organizationID == organizationID)
                    .filter(\.$code == code).first()
            else {
                throw StoreError.invalid(field: "equipment.pack", problem: "no sterilization pack is labelled \(code)")
            }
            var state = PackState(rawValue: pack.state) ?? .quarantined
            if state == .used, let excluding,
                try await SessionEquipmentRow.query(on: database).filter(\.$packID == pack.id!).filter(\.$sessionID == excluding).first() != nil
            {
                state = .released
            }
            var facts = SterilizationPackFacts(
                cycleStatus: .incomplete, chemicalIndicator: .fail, biologicalIndicator: .pending,
                expiresOn: pack.expiresOn.flatMap(LocalDate.init(iso:)), wrapCompromised: pack.wrapCompromised,
                state: state)
            if let cycleID = pack.cycleID, let cycle = try await SterilizationCycleRow.find(cycleID, on: database) {
                facts.cycleStatus = CycleStatus(rawValue: cycle.physical) ?? .incomplete
                facts.chemicalIndicator = IndicatorResult(rawValue: cycle.chemical) ?? .fail
                facts.biologicalIndicator = BiologicalIndicatorResult(rawValue: cycle.biological) ?? .pending
                implicated.append((.sterilizer, cycle.sterilizerID.uuidString))
            }
            out.pack = pack
            out.sterility.pack = facts
            for item in try await PackItemRow.query(on: database).filter(\.$packID == pack.id!).all() {
                if let model = try await DeviceModelRow.find(item.modelID, on: database) {
                    out.registered.parts.append(try await registeredPart(model, source: "pack \(pack.code)", on: database))
                }
            }
        }
        if let serial = ref.handpieceSerial {
            guard
                let hp = try await HandpieceRow.query(on: database).filter(\.$organizationID == organizationID)
                    .filter(\.$serial == serial).first()
            else {
                throw StoreError.invalid(field: "equipment.handpiece", problem: "no handpiece has serial \(serial)")
            }
            guard hp.inService else { throw StoreError.invalid(field: "equipment.handpiece", problem: "handpiece \(serial) is out of service") }
            let usage = try await handpieceUsage(hp.id!, excluding: excluding, on: database)
            out.handpiece = hp
            out.handpieceFacts = HandpieceFacts(cleanedSinceLastUse: usage.cleanedSinceLastUse)
            if let model = try await DeviceModelRow.find(hp.modelID, on: database) {
                out.registered.handpiece = RegisteredHandpiece(
                    serial: hp.serial, modelID: model.id!, modelName: model.name,
                    range: model.adjustable ? DepthRange(model.minMM, model.maxMM) : nil)
            }
            implicated.append((.handpiece, hp.id!.uuidString))
        }
        if !implicated.isEmpty {
            out.clusterAlerts = try await ClusterStore(scope: self).unreviewed(involving: implicated, on: database)
        }
        return out
    }

    /// A catalogue entry as a needle-bearing part. A lot received under a pen (handpiece) entry is that pen's own
    /// cartridge: it fits that pen model and no other.
    func registeredPart(_ m: DeviceModelRow, source: String, on database: any Database) async throws -> RegisteredPart {
        guard let material = NeedleMaterial(rawValue: m.needleMaterial), let kind = DevicePartKind(rawValue: m.part) else {
            throw StoredJSON.unreadable("device model", m.name)
        }
        var fits: [UUID: String] = [:]
        if kind == .handpiece {
            fits[m.id!] = m.name
        } else if kind == .cartridge {
            let ids = try await DeviceModelFitRow.query(on: database).filter(\.$cartridgeModelID == m.id!).all().map(\.handpieceModelID)
            if !ids.isEmpty {
                for h in try await DeviceModelRow.query(on: database).filter(\.$id ~~ ids).all() { fits[h.id!] = h.name }
            }
        }
        return RegisteredPart(
            name: m.name, part: kind == .handpiece ? .cartridge : kind,
            length: m.adjustable ? .adjustable(DepthRange(m.minMM, m.maxMM)) : .fixed(m.minMM),
            needleCount: m.needleCount, needleMaterial: material, fitsHandpieceModels: fits, source: source)
    }

    /// When the handpiece was last used on a patient and last cleaned, for `DEV-HANDPIECE`.
    func handpieceUsage(_ id: UUID, excluding: UUID?, on database: any Database) async throws -> (
        lastUsedAt: Date?, lastCleanedAt: Date?, cleanedSinceLastUse: Bool
    ) {
        var uses = SessionEquipmentRow.query(on: database).filter(\.$handpieceID == id)
        if let excluding { uses = uses.filter(\.$sessionID != excluding) }
        let lastUse = try await uses.sort(\.$usedAt, .descending).first()?.usedAt
        let lastClean = try await HandpieceCleaningRow.query(on: database).filter(\.$handpieceID == id)
            .sort(\.$cleanedAt, .descending).first()?.cleanedAt
        guard let lastClean else { return (lastUse, nil, false) }
        return (lastUse, lastClean, lastUse.map { lastClean > $0 } ?? true)
    }

    /// Binds the resolved equipment to the session: the row whose unique constraints refuse a second use of a pack
    /// or of a lot's serial, even from a concurrent transaction, and the pack's move to `used`.
    func bind(
        _ eq: ResolvedEquipment, sessionID: UUID, patientID: UUID, clinicID: UUID, date: LocalDate, at now: Date,
        on database: any Database
    ) async throws {
        let row = Self.bindingRow(
            eq, sessionID: sessionID, patientID: patientID, clinicID: clinicID, date: date, at: now,
            organizationID: organizationID)
        do {
            try await row.create(on: database)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // Another session bound it between this one's check and its write: the same stop the check gives.
            let reuse = ClinicalPolicy.standard.finding(
                .devReuse, "\(eq.pack.map { "Pack \($0.code)" } ?? "This part") is already bound to another session")
            throw ClinicalRefusal(blocking: [reuse], findings: [reuse])
        }
        if let pack = eq.pack {
            let state = PackState(rawValue: pack.state) ?? .quarantined
            do {
                pack.state = try state.after(.use).rawValue
            } catch {
                throw StoreError.conflict(error.message)
            }
            pack.updatedAt = now
            try await pack.update(on: database)
        }
    }

    /// The row that binds the equipment to a session, as `bind` writes it (and the demo generator with it).
    static func bindingRow(
        _ eq: ResolvedEquipment, sessionID: UUID, patientID: UUID, clinicID: UUID, date: LocalDate, at now: Date,
        organizationID: UUID
    ) -> SessionEquipmentRow {
        let row = SessionEquipmentRow()
        row.id = UUID()
        row.organizationID = organizationID
        row.sessionID = sessionID
        row.patientID = patientID
        row.clinicID = clinicID
        row.sessionDate = date.description
        row.lotID = eq.lot?.id
        row.serial = eq.serial
        row.packID = eq.pack?.id
        row.handpieceID = eq.handpiece?.id
        row.usedAt = now
        return row
    }

    /// Undoes a binding of an unsigned session being rewritten: its pack goes back to released.
    func unbind(sessionID: UUID, at now: Date, on database: any Database) async throws {
        guard let row = try await SessionEquipmentRow.query(on: database).filter(\.$sessionID == sessionID).first() else { return }
        if let packID = row.packID, let pack = try await SterilizationPackRow.find(packID, on: database), pack.state == PackState.used.rawValue {
            pack.state = PackState.released.rawValue
            pack.updatedAt = now
            try await pack.update(on: database)
        }
        try await row.delete(on: database)
    }

    /// The equipment bound to each of `ids` that has any, named as the clinic labels it: one query for the bindings
    /// and one per registry table, however many sessions.
    func equipment(ofSessions ids: [UUID], on database: any Database) async throws -> [UUID: EquipmentReference] {
        guard !ids.isEmpty else { return [:] }
        var rows: [UUID: SessionEquipmentRow] = [:]
        for row in try await SessionEquipmentRow.query(on: database).filter(\.$sessionID ~~ ids)
            .filter(\.$organizationID == organizationID).all() where rows[row.sessionID] == nil
        { rows[row.sessionID] = row }
        let lotIDs = Set(rows.values.compactMap(\.lotID)), packIDs = Set(rows.values.compactMap(\.packID))
        let handpieceIDs = Set(rows.values.compactMap(\.handpieceID))
        var lots: [UUID: DeviceLotRow] = [:], packs: [UUID: String] = [:], handpieces: [UUID: String] = [:]
        if !lotIDs.isEmpty {
            for lot in try await DeviceLotRow.query(on: database).filter(\.$id ~~ Array(lotIDs)).all() { lots[lot.id!] = lot }
        }
        if !packIDs.isEmpty {
            for pack in try await SterilizationPackRow.query(on: database).filter(\.$id ~~ Array(packIDs)).all() { packs[pack.id!] = pack.code }
        }
        if !handpieceIDs.isEmpty {
            for hp in try await HandpieceRow.query(on: database).filter(\.$id ~~ Array(handpieceIDs)).all() { handpieces[hp.id!] = hp.serial }
        }
        return rows.mapValues { row in
            var ref = EquipmentReference()
            if let lot = row.lotID.flatMap({ lots[$0] }) { ref.part = PartReference(gtin: lot.gtin, lot: lot.lot, serial: row.serial) }
            ref.packCode = row.packID.flatMap { packs[$0] }
            ref.handpieceSerial = row.handpieceID.flatMap { handpieces[$0] }
            return ref
        }
    }
}
