import Foundation
import StratumCore
import StratumStore
import Vapor

/// The reprocessing room (assistant role): sterilizers, packs from assembly to release, cycles with their
/// indicators, printable pack labels. A failed biological indicator opens its recall from here.
struct SterilizationPages {
    let state: ServerState
    let today: @Sendable () -> LocalDate

    func register(_ routes: any RoutesBuilder) {
        routes.get("sterility", use: hub)
        routes.post("sterility", "sterilizers", use: addSterilizer)
        routes.post("sterility", "packs", use: assemble)
        routes.post("sterility", "cycles", use: recordCycle)
        routes.post("sterility", "cycles", ":cycleId", "biological", use: readBiological)
        routes.post("sterility", "packs", ":packId", ":change", use: changePack)
        routes.get("packs", ":packId", "label", use: label)
    }

    struct PackRow: Encodable {
        let id: String
        let code: String
        let contents: String
        let state: String
        let cycle: String
        let expires: String
        let canRelease: Bool
        let canWithdraw: Bool
    }

    struct CycleRow: Encodable {
        let id: String
        let sterilizer: String
        let number: Int
        let date: String
        let parameters: String
        let physical: String
        let chemical: String
        let biological: String
        let pending: Bool
    }

    struct Content: Encodable {
        let canEdit: Bool
        let today: String
        let sterilizers: [PageValues.Choice]
        let hasSterilizers: Bool
        let shelfLife: String
        let assembled: [PackRow]
        let hasAssembled: Bool
        let packs: [PackRow]
        let hasPacks: Bool
        let cycles: [CycleRow]
        let hasCycles: Bool
        let state: TraceFormState
        /// The signed-in clinic: the room shows its sterilizers, cycles and packs only.
        let clinicName: String
        /// Catalogue models a pack may hold (reusable needle-bearing parts).
        let packModels: [PageValues.Choice]
        let hasPackModels: Bool
    }

    func hub(_ req: Request) async throws -> Response {
        try await render(req, TraceFormState.none, status: .ok)
    }

    private func render(_ req: Request, _ form: TraceFormState, status: HTTPResponseStatus) async throws -> Response {
        let p = try await req.authorize(.read, .sterility, state: state)
        let scope = state.scope(p.organizationID)
        let sterilizers = try await scope.sterilization.sterilizers(clinicID: p.clinicID)
        let names = Dictionary(uniqueKeysWithValues: sterilizers.map { ($0.id, $0.name) })
        var cycles: [SterilizationCycle] = []
        for s in sterilizers { cycles += try await scope.sterilization.cycles(sterilizerID: s.id).prefix(20) }
        let cycleName = Dictionary(uniqueKeysWithValues: cycles.map { ($0.id, "\(names[$0.sterilizerID] ?? "") #\($0.number)") })
        let all = try await scope.sterilization.packs(clinicID: p.clinicID)
        let packModels = try await scope.devices.models().filter { $0.part != .handpiece && !$0.singleUseHead }
        let clinicName = try await scope.clinic(p.clinicID)?.name ?? "This clinic"
        let canEdit = Permissions.allows(p.role, .update, .sterility)
        let day = today()
        func row(_ k: SterilizationPack) -> PackRow {
            let expired = k.expiresOn.map { $0 < day } ?? false
            return PackRow(
                id: PageValues.id(k.id), code: k.code, contents: k.contents,
                state: expired && k.state == .released ? "expired (shelf life)" : k.state.rawValue,
                cycle: k.cycleID.flatMap { cycleName[$0] } ?? "—", expires: k.expiresOn?.description ?? (k.cycleID == nil ? "—" : "event-related"),
                canRelease: canEdit && k.state == .sterilized, canWithdraw: canEdit && !k.state.isFinal)
        }
        let shelf = try await scope.sterilization.shelfLife(clinicID: p.clinicID)
        let content = Content(
            canEdit: canEdit, today: day.description,
            sterilizers: sterilizers.map { PageValues.Choice(value: PageValues.id($0.id), label: "\($0.name) (serial \($0.serial))") },
            hasSterilizers: !sterilizers.isEmpty, shelfLife: shelf.map(String.init) ?? "",
            assembled: all.filter { $0.state == .assembled }.map(row), hasAssembled: all.contains { $0.state == .assembled },
            packs: all.filter { $0.state != .assembled }.prefix(100).map(row), hasPacks: all.contains { $0.state != .assembled },
            cycles: cycles.sorted { ($0.date, $0.number) > ($1.date, $1.number) }.map { c in
                CycleRow(
                    id: PageValues.id(c.id), sterilizer: names[c.sterilizerID] ?? "", number: c.number, date: c.date.description,
                    parameters:
                        "\(c.type), \(PageValues.plain(c.temperatureC)) °C, \(PageValues.plain(c.minutes)) min, \(PageValues.plain(c.pressureKPa)) kPa",
                    physical: c.physical.rawValue, chemical: c.chemical.rawValue, biological: c.biological.rawValue,
                    pending: c.biological == .pending && canEdit)
            }, hasCycles: !cycles.isEmpty, state: form, clinicName: clinicName,
            packModels: packModels.map { PageValues.Choice(value: PageValues.id($0.id), label: "\($0.name) · \(PageValues.device($0.spec))") },
            hasPackModels: !packModels.isEmpty)
        return try await req.render("sterility", title: "Sterilization", section: "sterility", content, status: status)
    }

    private func submit(
        _ req: Request, _ form: TraceFormState, fieldNames: [String: String] = [:],
        _ body: (Principal, OrganizationScope) async throws -> Response
    ) async throws -> Response {
        try await TraceFormState.submit(req, state: state, form, fieldNames: fieldNames, render: { try await render(req, $0, status: $1) }, body)
    }

    func addSterilizer(_ req: Request) async throws -> Response {
        let f = try FormFields(req)
        let form = TraceFormState(form: "sterilizer", f, fields: ["name", "serial"])
        return try await submit(req, form) { p, scope in
            _ = try await scope.sterilization.addSterilizer(clinicID: p.clinicID, name: f["name"] ?? "", serial: f["serial"] ?? "", req.access(p))
            return req.done("/sterility", .traceSaved)
        }
    }

    func assemble(_ req: Request) async throws -> Response {
        let f = try FormFields(req)
        var form = TraceFormState(form: "pack", f, fields: ["model", "count", "note"])
        let model = f["model"].flatMap(UUID.init(uuidString:))
        if model == nil { form.errors.add("model", "Choose the device model the pack holds, from the catalogue.") }
        let count = f["count"].map { Int($0) } ?? 1
        if count == nil { form.errors.add("count", "Enter how many of the model the pack holds, like 1.") }
        guard form.errors.isEmpty, let model, let count else { return try await render(req, form, status: .badRequest) }
        return try await submit(req, form, fieldNames: ["items": "model"]) { p, scope in
            let pack = try await scope.sterilization.assemble(
                clinicID: p.clinicID, items: [PackItemDraft(modelID: model, count: count)],
                note: f["note"], req.access(p))
            return req.done("/packs/\(PageValues.id(pack.id))/label", .traceSaved)
        }
    }

    func recordCycle(_ req: Request) async throws -> Response {
        let f = try FormFields(req)
        var form = TraceFormState(
            form: "cycle", f,
            fields: [
                "sterilizer", "number", "date", "type", "temperatureC", "minutes", "pressureKPa",
                "physical", "chemical", "biological"
            ])
        let sterilizer = f["sterilizer"].flatMap(UUID.init(uuidString:))
        if sterilizer == nil { form.errors.add("sterilizer", "Choose the sterilizer.") }
        let number = f["number"].flatMap(Int.init)
        if number == nil { form.errors.add("number", "Enter the cycle number printed by the sterilizer.") }
        let date = f["date"].flatMap(LocalDate.init(iso:))
        if date == nil { form.errors.add("date", "Enter the cycle's date (YYYY-MM-DD).") }
        let temperature = f["temperatureC"].flatMap(PageValues.number)
        if temperature == nil { form.errors.add("temperatureC", "Enter the temperature in °C, like 134.") }
        let minutes = f["minutes"].flatMap(PageValues.number)
        if minutes == nil { form.errors.add("minutes", "Enter the holding time in minutes, like 4.") }
        let pressure = f["pressureKPa"].flatMap(PageValues.number)
        if pressure == nil { form.errors.add("pressureKPa", "Enter the pressure in kPa, like 206.") }
        let physical = f["physical"].flatMap(CycleStatus.init(rawValue:))
        if physical == nil { form.errors.add("physical", "Choose the cycle's physical result.") }
        let chemical = f["chemical"].flatMap(IndicatorResult.init(rawValue:))
        if chemical == nil { form.errors.add("chemical", "Choose the chemical indicator's reading.") }
        let biological = f["biological"].flatMap(BiologicalIndicatorResult.init(rawValue:)) ?? .pending
        let codes = f.all("pack")
        if codes.isEmpty { form.errors.add("pack", "Tick the packs that went into the load.") }
        guard form.errors.isEmpty, let sterilizer, let number, let date, let temperature, let minutes, let pressure, let physical, let chemical else {
            return try await render(req, form, status: .badRequest)
        }
        return try await submit(req, form, fieldNames: ["packCodes": "pack"]) { p, scope in
            _ = try await scope.sterilization.recordCycle(
                sterilizerID: sterilizer,
                CycleDraft(
                    number: number, date: date, type: f["type"] ?? "", temperatureC: temperature, minutes: minutes, pressureKPa: pressure,
                    physical: physical, chemical: chemical, biological: biological, packCodes: codes), req.access(p))
            return req.done("/sterility", .traceSaved)
        }
    }

    func readBiological(_ req: Request) async throws -> Response {
        let id = try req.recordID("cycleId", or: PageError(.notFound, "No such cycle", "The cycle does not exist in your organization."))
        let f = try FormFields(req)
        guard let result = f["result"].flatMap(BiologicalIndicatorResult.init(rawValue:)), result != .pending else {
            throw PageError(.badRequest, "Choose a reading", "Record the biological indicator as pass or fail.")
        }
        return try await submit(req, TraceFormState(form: "bi", f, fields: [])) { p, scope in
            // A failure opens a recall and quarantines packs at once: the room first sees what it will reach, and
            // only the confirmation's own post (confirm=yes) records it.
            if result == .fail && f["confirm"] != "yes" { return try await confirmFailure(req, scope, cycleID: id) }
            let (_, recall) = try await scope.sterilization.readBiological(cycleID: id, result, req.access(p))
            if let recall { return req.done("/recalls/\(PageValues.id(recall))", .recallOpened) }
            return req.done("/sterility", .traceSaved)
        }
    }

    struct FailureContent: Encodable {
        let id: String
        let cycle: String
        let reach: String
        let window: String
        let sessions: Int
        let patients: Int
        let packs: Int
    }

    /// The confirmation of a failed biological indicator: what the recall will reach, counted by the store with the
    /// recall's own `RecallWindow`, before anything is recorded.
    private func confirmFailure(_ req: Request, _ scope: OrganizationScope, cycleID: UUID) async throws -> Response {
        let reach = try await scope.recalls.reach(failing: cycleID)
        guard let cycle = try await scope.sterilization.cycle(cycleID) else { throw StoreError.notFound("cycle") }
        let name = try await scope.sterilization.sterilizers().first { $0.id == cycle.sterilizerID }?.name ?? "the sterilizer"
        func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
        let window =
            reach.cycles.count > 1
            ? "No passing indicator lies between these cycles of \(name): \(reach.cycles.map(String.init).joined(separator: ", ")). All are exposed."
            : "Only this cycle is exposed: the cycles before and after it on \(name) passed their indicators or none ran."
        let content = FailureContent(
            id: PageValues.id(cycleID), cycle: "\(name) cycle \(cycle.number), \(cycle.date)",
            reach:
                "This opens a recall reaching \(count(reach.sessions, "session")) (\(count(reach.patients, "patient"))) and quarantines \(count(reach.packs, "pack")).",
            window: window, sessions: reach.sessions, patients: reach.patients, packs: reach.packs)
        return try await req.render("bi-confirm", title: "Confirm: biological indicator failed", section: "sterility", content)
    }

    func changePack(_ req: Request) async throws -> Response {
        let id = try req.recordID("packId", or: PageError(.notFound, "No such pack", "The pack does not exist in your organization."))
        let change = req.parameters.get("change") ?? ""
        guard ["release", "quarantine", "wrap-compromised"].contains(change) else {
            throw PageError(.notFound, "No such change", "A pack is released, quarantined or marked wrap-compromised.")
        }
        return try await submit(req, TraceFormState(form: "packs", try FormFields(req), fields: [])) { p, scope in
            switch change {
            case "release": _ = try await scope.sterilization.release(packID: id, req.access(p))
            case "quarantine": _ = try await scope.sterilization.quarantine(packID: id, req.access(p))
            default: _ = try await scope.sterilization.wrapCompromised(packID: id, req.access(p))
            }
            return req.done("/sterility", .traceSaved)
        }
    }

    struct LabelContent: Encodable {
        let code: String
        let contents: String
        let assembled: String
        let cycle: String
        let expires: String
        let barcode: String
    }

    /// The pack's label: its code as a Code 128 barcode drawn from the standard, with what a person needs to read.
    func label(_ req: Request) async throws -> Response {
        let p = try await req.authorize(.read, .sterility, state: state)
        let id = try req.recordID("packId", or: PageError(.notFound, "No such pack", "The pack does not exist in your organization."))
        let scope = state.scope(p.organizationID)
        guard let pack = try await scope.sterilization.pack(id: id) else {
            throw PageError(.notFound, "No such pack", "The pack does not exist in your organization.")
        }
        var cycle = "Not yet sterilized"
        if let cycleID = pack.cycleID, let c = try await scope.sterilization.cycle(cycleID) {
            let name = try await scope.sterilization.sterilizers().first { $0.id == c.sterilizerID }?.name ?? ""
            cycle = "\(name) cycle \(c.number), \(c.date)"
        }
        let content = LabelContent(
            code: pack.code, contents: pack.contents, assembled: PageValues.time(pack.assembledAt), cycle: cycle,
            expires: pack.expiresOn.map { "Use by \($0)" } ?? "Event-related shelf life: use unless the wrap is damaged",
            barcode: try Code128.svg(pack.code, module: 2, height: 60))
        return try await req.render("pack-label", title: "Label \(pack.code)", section: "sterility", content)
    }
}
