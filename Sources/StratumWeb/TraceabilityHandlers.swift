import Foundation
import OpenAPIRuntime
import StratumCore
import StratumStore

/// The traceability API: the device catalogue, handpieces, lots, sterilizers, cycles, packs, recalls and
/// infection-cluster alerts (POLICY §4, §6). Assistants keep it; practitioners and auditors read it.
extension APIHandler {
    typealias Schemas = Components.Schemas

    func scope(_ p: Principal) -> OrganizationScope { state.scope(p.organizationID) }

    /// The signed-in clinic's today at the request's instant (the server's one clock, the clinic's time zone).
    func clinicToday(_ p: Principal) async throws -> LocalDate {
        LocalDate.clinicDay(at: access(p).now, timeZone: try await scope(p).clinic(p.clinicID)?.timezone ?? "UTC")
    }

    func date(_ text: String, _ field: String) throws -> LocalDate {
        guard let d = LocalDate(iso: text) else { throw APIProblem.badField(field, "expected a date YYYY-MM-DD") }
        return d
    }

    // MARK: Devices

    func listDeviceModels(_ input: Operations.ListDeviceModels.Input) async throws -> Operations.ListDeviceModels.Output {
        let p = try await authorize(.read, .sterility)
        return .ok(.init(body: .json(.init(items: try await scope(p).devices.models().map(Schemas.DeviceModel.init)))))
    }

    func createDeviceModel(_ input: Operations.CreateDeviceModel.Input) async throws -> Operations.CreateDeviceModel.Output {
        let p = try await authorize(.create, .sterility)
        guard case .json(let b) = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        guard let kind = DeviceKind(rawValue: b.kind.rawValue), let material = NeedleMaterial(rawValue: b.needleMaterial.rawValue) else {
            throw APIProblem.badField("kind", "unknown device kind or needle material")
        }
        guard b.minMM <= b.maxMM else { throw APIProblem.notAccepted("minMM", "the shortest length is not above the longest") }
        let length: DeviceLength = kind == .pen && b.minMM < b.maxMM ? .adjustable(DepthRange(b.minMM, b.maxMM)) : .fixed(b.maxMM)
        if kind != .pen && b.minMM != b.maxMM { throw APIProblem.notAccepted("maxMM", "a \(kind.rawValue) has one fixed length: minMM equals maxMM") }
        let part = try b.part.map { v in
            guard let part = DevicePartKind(rawValue: v.rawValue) else { throw APIProblem.badField("part", "unknown part") }
            return part
        }
        let fits = try (b.fits ?? []).map { try uuid($0, "fits") }
        let m = try await scope(p).devices.addModel(
            name: b.name, spec: DeviceSpec(kind: kind, length: length, needleMaterial: material),
            needleCount: b.needleCount, singleUseHead: b.singleUseHead, part: part, fits: fits, access(p))
        return .created(.init(body: .json(Schemas.DeviceModel(m))))
    }

    func listHandpieces(_ input: Operations.ListHandpieces.Input) async throws -> Operations.ListHandpieces.Output {
        let p = try await authorize(.read, .sterility)
        return .ok(.init(body: .json(.init(items: try await scope(p).devices.handpieces().map(Schemas.Handpiece.init)))))
    }

    func createHandpiece(_ input: Operations.CreateHandpiece.Input) async throws -> Operations.CreateHandpiece.Output {
        let p = try await authorize(.create, .sterility)
        guard case .json(let b) = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        let h = try await scope(p).devices.addHandpiece(clinicID: p.clinicID, modelID: try uuid(b.modelId, "modelId"), serial: b.serial, access(p))
        return .created(.init(body: .json(Schemas.Handpiece(h))))
    }

    func recordHandpieceCleaning(_ input: Operations.RecordHandpieceCleaning.Input) async throws -> Operations.RecordHandpieceCleaning.Output {
        let id = try uuid(input.path.handpieceId, "handpieceId")
        let p = try await authorize(.create, .sterility)
        guard case .json(let b) = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        let h = try await scope(p).devices.recordCleaning(handpieceID: id, method: b.method, access(p))
        return .created(.init(body: .json(Schemas.Handpiece(h))))
    }

    func listHandpieceCleanings(_ input: Operations.ListHandpieceCleanings.Input) async throws -> Operations.ListHandpieceCleanings.Output {
        let id = try uuid(input.path.handpieceId, "handpieceId")
        let p = try await authorize(.read, .sterility)
        guard try await scope(p).devices.handpieces().contains(where: { $0.id == id }) else { throw APIProblem.notFound("handpiece") }
        let log = try await scope(p).devices.cleanings(handpieceID: id).map(Schemas.HandpieceCleaning.init)
        return .ok(.init(body: .json(.init(items: log))))
    }

    // MARK: Lots

    func listLots(_ input: Operations.ListLots.Input) async throws -> Operations.ListLots.Output {
        let p = try await authorize(.read, .sterility)
        let today = try await clinicToday(p)
        return .ok(.init(body: .json(.init(items: try await scope(p).stock.lots().map { Schemas.Lot($0, today: today) }))))
    }

    func receiveLot(_ input: Operations.ReceiveLot.Input) async throws -> Operations.ReceiveLot.Output {
        let p = try await authorize(.create, .sterility)
        guard case .json(let b) = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        let today = try await clinicToday(p)
        let draft = try Self.lotDraft(
            clinicID: p.clinicID, modelID: try b.modelId.map { try uuid($0, "modelId") }, product: b.product,
            quantity: b.quantity, scan: b.scan, gtin: b.gtin, lot: b.lot, expiry: b.expiry, today: today)
        let lot = try await scope(p).stock.receive(draft, access(p))
        return .created(.init(body: .json(Schemas.Lot(lot))))
    }

    /// A lot from a scanned label (GTIN, lot and expiry all on it) or from typed fields; the page reads it the same way.
    static func lotDraft(
        clinicID: UUID, modelID: UUID?, product: String, quantity: Int, scan: String?, gtin: String?, lot: String?,
        expiry: String?, today: LocalDate
    ) throws -> LotDraft {
        if let scan, !scan.trimmingCharacters(in: .whitespaces).isEmpty {
            guard gtin == nil, lot == nil, expiry == nil else { throw APIProblem.notAccepted("scan", "give either scan or gtin, lot and expiry") }
            let element: GS1Element
            do { element = try GS1ElementString.parse(scan, today: today) } catch { throw APIProblem.notAccepted("scan", error.message) }
            guard let g = element.gtin else { throw APIProblem.notAccepted("scan", "AI (01) GTIN is missing from the label") }
            guard let l = element.lot else { throw APIProblem.notAccepted("scan", "AI (10) lot is missing from the label") }
            guard let e = element.expiry else { throw APIProblem.notAccepted("scan", "AI (17) expiry is missing from the label") }
            return LotDraft(clinicID: clinicID, modelID: modelID, product: product, gtin: g, lot: l, expiry: e, quantity: quantity)
        }
        guard let gtin else { throw APIProblem.notAccepted("gtin", "required without a scan") }
        guard let lot else { throw APIProblem.notAccepted("lot", "required without a scan") }
        guard let expiryText = expiry else { throw APIProblem.notAccepted("expiry", "required without a scan") }
        guard let e = LocalDate(iso: expiryText) else { throw APIProblem.notAccepted("expiry", "expected a date YYYY-MM-DD") }
        return LotDraft(clinicID: clinicID, modelID: modelID, product: product, gtin: gtin, lot: lot, expiry: e, quantity: quantity)
    }

    func setLotStatus(_ input: Operations.SetLotStatus.Input) async throws -> Operations.SetLotStatus.Output {
        let id = try uuid(input.path.lotId, "lotId")
        let p = try await authorize(.update, .sterility)
        guard case .json(let b) = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        guard let status = LotStatus(rawValue: b.status.rawValue) else { throw APIProblem.badField("status", "unknown status") }
        let (lot, recallID) = try await scope(p).stock.setStatus(lotID: id, status, reason: b.reason, access(p))
        return .ok(.init(body: .json(.init(value1: .init(lot), value2: .init(recallId: Wire.id(recallID))))))
    }

    func listLotExposures(_ input: Operations.ListLotExposures.Input) async throws -> Operations.ListLotExposures.Output {
        let id = try uuid(input.path.lotId, "lotId")
        let p = try await authorize(.read, .sterility)
        guard try await scope(p).stock.lot(id) != nil else { throw APIProblem.notFound("lot") }
        let found = try await scope(p).recalls.exposures(lotID: id, access(p))
        return .ok(.init(body: .json(.init(items: found.map(Schemas.Exposure.init)))))
    }

    // MARK: Sterilization

    func listSterilizers(_ input: Operations.ListSterilizers.Input) async throws -> Operations.ListSterilizers.Output {
        let p = try await authorize(.read, .sterility)
        return .ok(.init(body: .json(.init(items: try await scope(p).sterilization.sterilizers().map(Schemas.Sterilizer.init)))))
    }

    func createSterilizer(_ input: Operations.CreateSterilizer.Input) async throws -> Operations.CreateSterilizer.Output {
        let p = try await authorize(.create, .sterility)
        guard case .json(let b) = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        let t = try await scope(p).sterilization.addSterilizer(clinicID: p.clinicID, name: b.name, serial: b.serial, access(p))
        return .created(.init(body: .json(Schemas.Sterilizer(t))))
    }

    func listCycles(_ input: Operations.ListCycles.Input) async throws -> Operations.ListCycles.Output {
        let id = try uuid(input.path.sterilizerId, "sterilizerId")
        let p = try await authorize(.read, .sterility)
        guard try await scope(p).sterilization.sterilizers().contains(where: { $0.id == id }) else { throw APIProblem.notFound("sterilizer") }
        return .ok(.init(body: .json(.init(items: try await scope(p).sterilization.cycles(sterilizerID: id).map(Schemas.Cycle.init)))))
    }

    func recordCycle(_ input: Operations.RecordCycle.Input) async throws -> Operations.RecordCycle.Output {
        let id = try uuid(input.path.sterilizerId, "sterilizerId")
        let p = try await authorize(.create, .sterility)
        guard case .json(let b) = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        guard let physical = CycleStatus(rawValue: b.physical.rawValue), let chemical = IndicatorResult(rawValue: b.chemical.rawValue) else {
            throw APIProblem.badField("physical", "unknown result")
        }
        let biological = b.biological.flatMap { BiologicalIndicatorResult(rawValue: $0.rawValue) } ?? .pending
        let c = try await scope(p).sterilization.recordCycle(
            sterilizerID: id,
            CycleDraft(
                number: b.number, date: try date(b.date, "date"), type: b._type, temperatureC: b.temperatureC, minutes: b.minutes,
                pressureKPa: b.pressureKPa, physical: physical, chemical: chemical, biological: biological, packCodes: b.packCodes), access(p))
        return .created(.init(body: .json(Schemas.Cycle(c))))
    }

    func readBiologicalIndicator(_ input: Operations.ReadBiologicalIndicator.Input) async throws -> Operations.ReadBiologicalIndicator.Output {
        let id = try uuid(input.path.cycleId, "cycleId")
        let p = try await authorize(.update, .sterility)
        guard case .json(let b) = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        guard let result = BiologicalIndicatorResult(rawValue: b.result.rawValue) else { throw APIProblem.badField("result", "pass or fail") }
        let (c, recallID) = try await scope(p).sterilization.readBiological(cycleID: id, result, access(p))
        return .ok(.init(body: .json(.init(value1: .init(c), value2: .init(recallId: Wire.id(recallID))))))
    }

    func previewCycleRecall(_ input: Operations.PreviewCycleRecall.Input) async throws -> Operations.PreviewCycleRecall.Output {
        let id = try uuid(input.path.cycleId, "cycleId")
        let p = try await authorize(.read, .sterility)
        let reach = try await scope(p).recalls.reach(failing: id)
        return .ok(.init(body: .json(Schemas.RecallReach(id, reach))))
    }

    func listCycleExposures(_ input: Operations.ListCycleExposures.Input) async throws -> Operations.ListCycleExposures.Output {
        let id = try uuid(input.path.cycleId, "cycleId")
        let p = try await authorize(.read, .sterility)
        guard try await scope(p).sterilization.cycle(id) != nil else { throw APIProblem.notFound("cycle") }
        let found = try await scope(p).recalls.exposures(cycleID: id, access(p))
        return .ok(.init(body: .json(.init(items: found.map(Schemas.Exposure.init)))))
    }

    func listPacks(_ input: Operations.ListPacks.Input) async throws -> Operations.ListPacks.Output {
        let p = try await authorize(.read, .sterility)
        let state = input.query.state.flatMap { PackState(rawValue: $0.rawValue) }
        return .ok(.init(body: .json(.init(items: try await scope(p).sterilization.packs(state: state).map(Schemas.Pack.init)))))
    }

    func assemblePack(_ input: Operations.AssemblePack.Input) async throws -> Operations.AssemblePack.Output {
        let p = try await authorize(.create, .sterility)
        guard case .json(let b) = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        let items = try b.items.map { PackItemDraft(modelID: try uuid($0.modelId, "items.modelId"), count: $0.count ?? 1) }
        let k = try await scope(p).sterilization.assemble(clinicID: p.clinicID, items: items, note: b.note, access(p))
        return .created(.init(body: .json(Schemas.Pack(k))))
    }

    func releasePack(_ input: Operations.ReleasePack.Input) async throws -> Operations.ReleasePack.Output {
        let id = try uuid(input.path.packId, "packId")
        let p = try await authorize(.update, .sterility)
        return .ok(.init(body: .json(Schemas.Pack(try await scope(p).sterilization.release(packID: id, access(p))))))
    }

    func quarantinePack(_ input: Operations.QuarantinePack.Input) async throws -> Operations.QuarantinePack.Output {
        let id = try uuid(input.path.packId, "packId")
        let p = try await authorize(.update, .sterility)
        return .ok(.init(body: .json(Schemas.Pack(try await scope(p).sterilization.quarantine(packID: id, access(p))))))
    }

    func compromisePackWrap(_ input: Operations.CompromisePackWrap.Input) async throws -> Operations.CompromisePackWrap.Output {
        let id = try uuid(input.path.packId, "packId")
        let p = try await authorize(.update, .sterility)
        return .ok(.init(body: .json(Schemas.Pack(try await scope(p).sterilization.wrapCompromised(packID: id, access(p))))))
    }

    // MARK: Recalls and clusters

    func listRecalls(_ input: Operations.ListRecalls.Input) async throws -> Operations.ListRecalls.Output {
        let p = try await authorize(.read, .sterility)
        return .ok(.init(body: .json(.init(items: try await scope(p).recalls.summaries().map(Schemas.RecallSummary.init)))))
    }

    func getRecall(_ input: Operations.GetRecall.Input) async throws -> Operations.GetRecall.Output {
        let id = try uuid(input.path.recallId, "recallId")
        let p = try await authorize(.read, .sterility)
        guard let (r, exposures) = try await scope(p).recalls.get(recallID: id, access(p)) else { throw APIProblem.notFound("recall") }
        return .ok(.init(body: .json(Schemas.Recall(r, exposures))))
    }

    func setRecallContact(_ input: Operations.SetRecallContact.Input) async throws -> Operations.SetRecallContact.Output {
        let id = try uuid(input.path.recallId, "recallId")
        let patientID = try uuid(input.path.patientId, "patientId")
        let p = try await authorize(.update, .sterility, patientID: patientID)
        guard case .json(let b) = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        guard let status = RecallContactStatus(rawValue: b.status.rawValue) else { throw APIProblem.badField("status", "unknown status") }
        try await scope(p).recalls.setStatus(recallID: id, patientID: patientID, status, note: b.note, access(p))
        guard let (r, exposures) = try await scope(p).recalls.get(recallID: id, access(p)) else { throw APIProblem.notFound("recall") }
        return .ok(.init(body: .json(Schemas.Recall(r, exposures))))
    }

    func closeRecall(_ input: Operations.CloseRecall.Input) async throws -> Operations.CloseRecall.Output {
        let id = try uuid(input.path.recallId, "recallId")
        let p = try await authorize(.update, .sterility)
        try await scope(p).recalls.close(recallID: id, access(p))
        guard let summary = try await scope(p).recalls.summaries().first(where: { $0.id == id }) else { throw APIProblem.notFound("recall") }
        return .ok(.init(body: .json(Schemas.RecallSummary(summary))))
    }

    func closeRecallInError(_ input: Operations.CloseRecallInError.Input) async throws -> Operations.CloseRecallInError.Output {
        let id = try uuid(input.path.recallId, "recallId")
        let p = try await authorize(.update, .sterility)
        guard case .json(let b) = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        try await scope(p).recalls.closeInError(recallID: id, reason: b.reason, access(p))
        guard let summary = try await scope(p).recalls.summaries().first(where: { $0.id == id }) else { throw APIProblem.notFound("recall") }
        return .ok(.init(body: .json(Schemas.RecallSummary(summary))))
    }

    func listClusterAlerts(_ input: Operations.ListClusterAlerts.Input) async throws -> Operations.ListClusterAlerts.Output {
        let p = try await authorize(.read, .sterility)
        return .ok(.init(body: .json(.init(items: try await scope(p).clusters.alerts().map(Schemas.ClusterAlert.init)))))
    }

    func reviewClusterAlert(_ input: Operations.ReviewClusterAlert.Input) async throws -> Operations.ReviewClusterAlert.Output {
        let p = try await authorize(.update, .sterility)
        guard case .json(let b) = input.body else { throw APIProblem.badField("(body)", "expected JSON") }
        guard let source = ClusterSource(rawValue: b.source.rawValue) else { throw APIProblem.badField("source", "unknown source") }
        try await scope(p).clusters.review(source: source, identifier: b.identifier, note: b.note, access(p))
        return .created(.init(body: .json(Schemas.ClusterReview(source: Wire.closed(source.rawValue), identifier: b.identifier, reviewed: true))))
    }
}
