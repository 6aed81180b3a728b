import Foundation
import StratumCore
import StratumStore

// The traceability registry as the API answers it: one initialiser per schema of openapi.yaml, from the store's values.

extension Components.Schemas.Zone {
    init(_ z: Zone) { self.init(site: z.site.rawValue, side: Wire.closed(z.side.rawValue)) }
}

extension Components.Schemas.Finding {
    init(_ f: Finding) {
        self.init(
            rule: f.rule.rawValue, severity: Wire.closed(f.severity.rawValue), message: f.message, zone: f.zone.map(Components.Schemas.Zone.init),
            session: f.session, evidence: f.evidence, source: f.source)
    }
}

extension Components.Schemas.DeviceModel {
    init(_ m: DeviceModelRecord) {
        let r = m.spec.length.range
        var adjustable = false
        if case .adjustable = m.spec.length { adjustable = true }
        self.init(
            id: Wire.id(m.id), name: m.name, kind: Wire.closed(m.spec.kind.rawValue), adjustable: adjustable, minMM: r.lower, maxMM: r.upper,
            needleCount: m.needleCount, needleMaterial: Wire.closed(m.spec.needleMaterial.rawValue), singleUseHead: m.singleUseHead,
            part: Wire.closed(m.part.rawValue), fits: m.fits.map(Wire.id))
    }
}

extension Components.Schemas.Handpiece {
    init(_ h: Handpiece) {
        self.init(
            id: Wire.id(h.id), clinicId: Wire.id(h.clinicID), modelId: Wire.id(h.modelID), serial: h.serial, inService: h.inService,
            lastCleanedAt: Wire.time(h.lastCleanedAt), lastUsedAt: Wire.time(h.lastUsedAt), cleanedSinceLastUse: h.cleanedSinceLastUse)
    }
}

extension Components.Schemas.HandpieceCleaning {
    init(_ c: HandpieceCleaning) { self.init(method: c.method, cleanedAt: c.cleanedAt, cleanedBy: Wire.id(c.cleanedBy)) }
}

extension Components.Schemas.Lot {
    /// A lot; with `today` (the clinic's), its expiry state and the `nearingExpiry` flag (within 30 days).
    init(_ l: DeviceLot, today: LocalDate? = nil) {
        let expiry = today.map { LotExpiry.on($0, expiry: l.expiry) }
        self.init(
            id: Wire.id(l.id), clinicId: Wire.id(l.clinicID), modelId: Wire.id(l.modelID), product: l.product, gtin: l.gtin, lot: l.lot,
            expiry: Wire.day(l.expiry), quantity: l.quantity, used: l.used, status: Wire.closed(l.status.rawValue), receivedAt: l.receivedAt,
            expiryStatus: expiry.map { Wire.closed($0.rawValue) }, nearingExpiry: expiry.map { $0 == .nearing })
    }
}

extension Components.Schemas.Exposure {
    init(_ e: Exposure) {
        self.init(
            sessionId: Wire.id(e.sessionID), date: Wire.day(e.date), patientId: Wire.id(e.patientID), patientName: e.patientName,
            phone: Wire.text(e.phone), email: Wire.text(e.email), clinicId: Wire.id(e.clinicID), via: e.via)
    }
}

extension Components.Schemas.Sterilizer {
    init(_ t: Sterilizer) { self.init(id: Wire.id(t.id), clinicId: Wire.id(t.clinicID), name: t.name, serial: t.serial) }
}

extension Components.Schemas.Cycle {
    init(_ c: SterilizationCycle) {
        self.init(
            id: Wire.id(c.id), sterilizerId: Wire.id(c.sterilizerID), number: c.number, date: Wire.day(c.date), _type: c.type,
            temperatureC: c.temperatureC, minutes: c.minutes, pressureKPa: c.pressureKPa, operatorId: Wire.id(c.operatorID),
            physical: Wire.closed(c.physical.rawValue), chemical: Wire.closed(c.chemical.rawValue),
            biological: Wire.closed(c.biological.rawValue), biologicalReadAt: Wire.time(c.biologicalReadAt))
    }
}

extension Components.Schemas.RecallReach {
    init(_ cycleID: UUID, _ r: RecallReach) {
        self.init(cycleId: Wire.id(cycleID), cycles: r.cycles, sessions: r.sessions, patients: r.patients, packs: r.packs)
    }
}

extension Components.Schemas.Pack {
    init(_ k: SterilizationPack) {
        self.init(
            id: Wire.id(k.id), clinicId: Wire.id(k.clinicID), code: k.code, contents: k.contents,
            items: k.items.map { .init(modelId: Wire.id($0.modelID), name: $0.name, count: $0.count) },
            state: Wire.closed(k.state.rawValue), cycleId: Wire.id(k.cycleID), expiresOn: Wire.day(k.expiresOn),
            wrapCompromised: k.wrapCompromised, assembledAt: k.assembledAt, updatedAt: k.updatedAt)
    }
}

extension Components.Schemas.RecallSummary {
    init(_ r: RecallSummary) {
        self.init(
            id: Wire.id(r.id), source: Wire.closed(r.source.rawValue), reason: r.reason, open: r.isOpen, closedInError: r.closedInError,
            openedAt: r.openedAt, patients: r.patients, toContact: r.toContact, followUpDone: r.followUpDone)
    }
}

extension Components.Schemas.Recall {
    init(_ r: Recall, _ exposures: [Exposure]) {
        self.init(
            id: Wire.id(r.id), source: Wire.closed(r.source.rawValue), cycleId: Wire.id(r.cycleID), lotId: Wire.id(r.lotID), reason: r.reason,
            open: r.isOpen, openedAt: r.openedAt, closedAt: Wire.time(r.closedAt), closedBy: Wire.id(r.closedBy),
            closedInError: NullOrRecallError(r.closedInErrorReason.map { .init(reason: $0) }),
            patients: r.patients.map { p in
                .init(
                    patientId: Wire.id(p.patientID), name: p.name, phone: Wire.text(p.phone), email: Wire.text(p.email),
                    status: Wire.closed(p.status.rawValue), note: Wire.text(p.note), updatedAt: p.updatedAt)
            },
            exposures: exposures.map(Components.Schemas.Exposure.init))
    }
}

extension Components.Schemas.ClusterAlert {
    init(_ a: ClusterAlert) {
        self.init(
            source: Wire.closed(a.source.rawValue), identifier: a.identifier, label: a.label, onsets: a.onsets.map(Wire.day),
            finding: .init(a.finding))
    }
}
