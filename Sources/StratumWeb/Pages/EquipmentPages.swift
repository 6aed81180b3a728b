import Foundation
import StratumCore
import StratumStore
import Vapor

/// Devices and stock (assistant role): the device catalogue, pen handpieces with their cleaning log, and lots of
/// single-use parts received by scanning their GS1 label. Recalling a lot opens its recall from here.
struct EquipmentPages {
    let state: ServerState
    let today: @Sendable () -> LocalDate

    func register(_ routes: any RoutesBuilder) {
        routes.get("equipment", use: page)
        routes.post("equipment", "models", use: addModel)
        routes.post("equipment", "handpieces", use: addHandpiece)
        routes.post("equipment", "handpieces", ":handpieceId", "cleanings", use: clean)
        routes.post("equipment", "lots", use: receive)
        routes.post("equipment", "lots", ":lotId", "status", use: setStatus)
    }

    struct ModelRow: Encodable {
        let name: String
        let kind: String
        let length: String
        let needles: String
        let head: String
    }

    struct HandpieceRow: Encodable {
        let id: String
        let serial: String
        let model: String
        let lastCleaned: String
        let lastUsed: String
        let ready: Bool
        /// The last cleanings, newest first, as "time · method".
        let log: [String]
        let hasLog: Bool
    }

    struct LotRow: Encodable {
        let id: String
        let product: String
        let gtin: String
        let lot: String
        let expiry: String
        let expired: Bool
        /// Within 30 days of expiry on the clinic's today: use first, do not reorder blindly.
        let nearing: Bool
        let stock: String
        let status: String
        let canChange: Bool
    }

    struct Content: Encodable {
        let canEdit: Bool
        let models: [ModelRow]
        let modelChoices: [PageValues.Choice]
        let hasModels: Bool
        let handpieces: [HandpieceRow]
        let hasHandpieces: Bool
        let lots: [LotRow]
        let hasLots: Bool
        let state: TraceFormState
        /// The signed-in clinic, whose lots and handpieces are listed.
        let clinicName: String
        /// Handpiece models a new cartridge may fit.
        let handpieceModels: [PageValues.Choice]
        let hasHandpieceModels: Bool
    }

    func page(_ req: Request) async throws -> Response {
        try await render(req, .none, status: .ok)
    }

    private func render(_ req: Request, _ form: TraceFormState, status: HTTPResponseStatus) async throws -> Response {
        let p = try await req.authorize(.read, .sterility, state: state)
        let scope = state.scope(p.organizationID)
        let models = try await scope.devices.models()
        let modelName = Dictionary(uniqueKeysWithValues: models.map { ($0.id, $0.name) })
        let canEdit = Permissions.allows(p.role, .update, .sterility)
        let clinic = try await scope.clinic(p.clinicID)
        let day = LocalDate.clinicDay(at: req.access(p).now, timeZone: clinic?.timezone ?? "UTC")
        let handpieces = try await scope.devices.handpieces(clinicID: p.clinicID)
        var logs: [UUID: [String]] = [:]
        for h in handpieces {
            logs[h.id] = try await scope.devices.cleanings(handpieceID: h.id).prefix(5).map { "\(PageValues.time($0.cleanedAt)) · \($0.method)" }
        }
        let lots = try await scope.stock.lots(clinicID: p.clinicID)
        let handpieceModels = models.filter { $0.part == .handpiece }
        let content = Content(
            canEdit: canEdit,
            models: models.map { m in
                ModelRow(
                    name: m.name, kind: Self.partLabel(m, names: modelName), length: PageValues.device(m.spec), needles: "\(m.needleCount)",
                    head: m.singleUseHead ? "single-use (by lot)" : "reusable (by pack)")
            },
            modelChoices: models.filter { $0.part != .handpiece }.map { PageValues.Choice(value: PageValues.id($0.id), label: $0.name) },
            hasModels: !models.isEmpty,
            handpieces: handpieces.map { h in
                HandpieceRow(
                    id: PageValues.id(h.id), serial: h.serial, model: modelName[h.modelID] ?? "", lastCleaned: PageValues.time(h.lastCleanedAt),
                    lastUsed: PageValues.time(h.lastUsedAt), ready: h.cleanedSinceLastUse, log: logs[h.id] ?? [],
                    hasLog: !(logs[h.id] ?? []).isEmpty)
            },
            hasHandpieces: !handpieces.isEmpty,
            lots: lots.map { l in
                LotRow(
                    id: PageValues.id(l.id), product: l.product, gtin: l.gtin, lot: l.lot, expiry: l.expiry.description,
                    expired: LotExpiry.on(day, expiry: l.expiry) == .expired, nearing: LotExpiry.on(day, expiry: l.expiry) == .nearing,
                    stock: "\(l.quantity - l.used) of \(l.quantity) left", status: l.status.rawValue, canChange: canEdit && l.status != .recalled)
            },
            hasLots: !lots.isEmpty, state: form, clinicName: clinic?.name ?? "This clinic",
            handpieceModels: handpieceModels.map { PageValues.Choice(value: PageValues.id($0.id), label: $0.name) },
            hasHandpieceModels: !handpieceModels.isEmpty)
        return try await req.render("equipment", title: "Devices and stock", section: "equipment", content, status: status)
    }

    /// "pen cartridge · fits Demo Pen", "roller", ...: what the entry is, as the assistant names it.
    static func partLabel(_ m: DeviceModelRecord, names: [UUID: String]) -> String {
        switch m.part {
        case .handpiece: return "pen handpiece"
        case .cartridge:
            let fits = m.fits.compactMap { names[$0] }.sorted()
            return "pen cartridge · " + (fits.isEmpty ? "fits no handpiece model yet" : "fits " + fits.joined(separator: ", "))
        case .roller, .stamp: return m.part.rawValue
        }
    }

    private func submit(
        _ req: Request, _ form: TraceFormState, fieldNames: [String: String] = [:],
        _ body: (Principal, OrganizationScope) async throws -> Response
    ) async throws -> Response {
        try await TraceFormState.submit(req, state: state, form, fieldNames: fieldNames, render: { try await render(req, $0, status: $1) }, body)
    }

    func addModel(_ req: Request) async throws -> Response {
        let f = try FormFields(req)
        var form = TraceFormState(form: "model", f, fields: ["name", "kind", "minMM", "maxMM", "needleCount", "needleMaterial", "head"])
        let part = f["kind"].flatMap(DevicePartKind.init(rawValue:)) ?? (f["kind"] == "pen" ? .handpiece : nil)
        let kind = part?.deviceKind
        if kind == nil { form.errors.add("kind", "Choose pen handpiece, pen cartridge, roller or stamp.") }
        var fits: [UUID] = []
        for text in f.all("fits") {
            guard let id = UUID(uuidString: text) else { form.errors.add("fits", "Choose handpiece models from the list."); break }
            fits.append(id)
        }
        let material = f["needleMaterial"].flatMap(NeedleMaterial.init(rawValue:))
        if material == nil { form.errors.add("needleMaterial", "Choose the needle material.") }
        let minMM = f["minMM"].flatMap(PageValues.number)
        if minMM == nil { form.errors.add("minMM", "Enter the shortest needle length in mm, like 0.25.") }
        let maxMM = f["maxMM"].flatMap(PageValues.number) ?? minMM
        let count = f["needleCount"].flatMap(Int.init)
        if count == nil { form.errors.add("needleCount", "Enter the number of needles, like 12.") }
        guard form.errors.isEmpty, let kind, let material, let minMM, let maxMM, let count else {
            return try await render(req, form, status: .badRequest)
        }
        if kind != .pen && minMM != maxMM {
            form.errors.add("maxMM", "A \(kind.rawValue) has one fixed length: give the same shortest and longest length.")
            return try await render(req, form, status: .badRequest)
        }
        let length: DeviceLength = kind == .pen && minMM < maxMM ? .adjustable(DepthRange(minMM, maxMM)) : .fixed(maxMM)
        return try await submit(req, form, fieldNames: ["length": "minMM"]) { p, scope in
            _ = try await scope.devices.addModel(
                name: f["name"] ?? "", spec: DeviceSpec(kind: kind, length: length, needleMaterial: material),
                needleCount: count, singleUseHead: f["head"] != "reusable", part: part, fits: fits, req.access(p))
            return req.done("/equipment", .traceSaved)
        }
    }

    func addHandpiece(_ req: Request) async throws -> Response {
        let f = try FormFields(req)
        var form = TraceFormState(form: "handpiece", f, fields: ["model", "serial"])
        guard let model = f["model"].flatMap(UUID.init(uuidString:)) else {
            form.errors.add("model", "Choose the pen model.")
            return try await render(req, form, status: .badRequest)
        }
        return try await submit(req, form, fieldNames: ["modelID": "model"]) { p, scope in
            _ = try await scope.devices.addHandpiece(clinicID: p.clinicID, modelID: model, serial: f["serial"] ?? "", req.access(p))
            return req.done("/equipment", .traceSaved)
        }
    }

    func clean(_ req: Request) async throws -> Response {
        let id = try req.recordID("handpieceId", or: PageError(.notFound, "No such handpiece", "The handpiece does not exist in your organization."))
        let f = try FormFields(req)
        return try await submit(req, TraceFormState(form: "clean", f, fields: ["method"]), fieldNames: ["method": "form"]) { p, scope in
            _ = try await scope.devices.recordCleaning(handpieceID: id, method: f["method"] ?? "", req.access(p))
            return req.done("/equipment", .traceSaved)
        }
    }

    func receive(_ req: Request) async throws -> Response {
        let f = try FormFields(req)
        var form = TraceFormState(form: "lot", f, fields: ["scan", "product", "gtin", "lot", "expiry", "quantity", "model"])
        let quantity = f["quantity"].flatMap(Int.init)
        if quantity == nil { form.errors.add("quantity", "Enter how many parts were received, like 50.") }
        if f["product"] == nil { form.errors.add("product", "Name the product, as on its label.") }
        guard form.errors.isEmpty, let quantity else { return try await render(req, form, status: .badRequest) }
        return try await submit(req, form) { p, scope in
            let draft = try APIHandler.lotDraft(
                clinicID: p.clinicID, modelID: f["model"].flatMap(UUID.init(uuidString:)), product: f["product"] ?? "",
                quantity: quantity, scan: f["scan"], gtin: f["gtin"], lot: f["lot"], expiry: f["expiry"], today: today())
            _ = try await scope.stock.receive(draft, req.access(p))
            return req.done("/equipment", .traceSaved)
        }
    }

    func setStatus(_ req: Request) async throws -> Response {
        let id = try req.recordID("lotId", or: PageError(.notFound, "No such lot", "The lot does not exist in your organization."))
        let f = try FormFields(req)
        var form = TraceFormState(form: "status-\(PageValues.id(id))", f, fields: ["status", "reason"])
        guard let status = f["status"].flatMap(LotStatus.init(rawValue:)) else {
            form.errors.add("status", "Choose available, quarantined or recalled.")
            return try await render(req, form, status: .badRequest)
        }
        return try await submit(req, form) { p, scope in
            let (_, recall) = try await scope.stock.setStatus(lotID: id, status, reason: f["reason"] ?? "", req.access(p))
            if let recall { return req.done("/recalls/\(PageValues.id(recall))", .recallOpened) }
            return req.done("/equipment", .traceSaved)
        }
    }
}
