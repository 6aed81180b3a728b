import Foundation
import NIOCore
import StratumCore
import StratumStore
@testable import StratumWeb
import Testing
import Vapor
import VaporTesting

/// A running test server on a fresh SQLite file, with two organizations and a user in every role of each.
struct TestServer: Sendable {
    let app: Application
    let state: ServerState
    let orgA: Organization, orgB: Organization
    let clinicA: Clinic, clinicA2: Clinic, clinicB: Clinic
    /// Bearer tokens by organization ("a" or "b") and role.
    let tokens: [String: String]

    static let password = "correct horse battery"

    func token(_ org: String, _ role: Role) -> String { tokens["\(org):\(role.rawValue)"]! }

    func send(
        _ method: HTTPMethod, _ path: String, token: String? = nil, json: String? = nil,
        headers extra: [(String, String)] = []
    ) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        if let token { headers.bearerAuthorization = BearerAuthorization(token: token) }
        if json != nil { headers.contentType = .json }
        for (k, v) in extra { headers.add(name: k, value: v) }
        return try await app.testing().sendRequest(
            method, path, headers: headers,
            body: json.map { ByteBuffer(string: $0) })
    }
}

func withServer<T: Sendable>(
    behindTLS: Bool = false, clock: WallClock = .system,
    _ body: @Sendable (TestServer) async throws -> T
) async throws -> T {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("stratum-web-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let config = AppConfig(
        store: StoreConfiguration(
            database: .sqlite(path: dir.appendingPathComponent("s.sqlite").path),
            dataDirectory: dir.appendingPathComponent("data").path,
            auditKeyHex: String(repeating: "3c", count: 32)), behindTLS: behindTLS)
    let (app, state) = try await StratumServer.makeApplication(config: config, environment: .testing, clock: clock)
    do {
        let dirx = state.directory
        // Cost 4 keeps the suite fast; production hashes use Passwords.bcryptCost (tested separately).
        let hash = try Bcrypt.hash(TestServer.password, cost: 4)
        let orgA = try await dirx.createOrganization(name: "Alder")
        let orgB = try await dirx.createOrganization(name: "Birch")
        let ca = try await dirx.createClinic(organizationID: orgA.id, name: "Alder Central", timezone: "Europe/London")
        let ca2 = try await dirx.createClinic(organizationID: orgA.id, name: "Alder East", timezone: "Europe/London")
        let cb = try await dirx.createClinic(organizationID: orgB.id, name: "Birch North", timezone: "Europe/Berlin")
        var tokens: [String: String] = [:]
        let credentials = CredentialStore(database: state.database)
        for (org, clinic) in [("a", ca), ("b", cb)] {
            for role in Role.allCases {
                let user = try await dirx.createUser(email: "\(role.rawValue)@\(org).example", displayName: role.rawValue, passwordHash: hash)
                _ = try await dirx.addMembership(userID: user.id, clinicID: clinic.id, role: role)
                let issued = try await credentials.issue(
                    userID: user.id, organizationID: clinic.organizationID, name: "test",
                    expiresAt: clock.now().addingTimeInterval(3600), now: clock.now())
                tokens["\(org):\(role.rawValue)"] = issued.token
            }
        }
        try await stockTestEquipment(state, orgA.id, ca.id)
        let server = TestServer(app: app, state: state, orgA: orgA, orgB: orgB, clinicA: ca, clinicA2: ca2, clinicB: cb, tokens: tokens)
        let result = try await body(server)
        try await app.asyncShutdown()
        return result
    } catch {
        try? await app.asyncShutdown()
        throw error
    }
}

func patientJSON(clinic: UUID, given: String = "Mira", family: String = "Okafor", extra: String = "") -> String {
    #"{"clinicId": "\#(clinic.uuidString)", "givenName": "\#(given)", "familyName": "\#(family)", "birthDate": "1988-03-14", "sex": "female", "fitzpatrick": 5\#(extra)}"#
}

extension TestingHTTPResponse {
    var text: String { body.getString(at: body.readerIndex, length: body.readableBytes) ?? "" }
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }
}

/// The label of organization A's test cartridges, scanned in bracketed form, and its cleaned handpiece.
let testScan = "(01)09506000134352(17)270630(10)A123"
let testHandpiece = "HP-T1"

/// Stocks organization A's clinic with a lot of cartridges (no printed serial) and a pen handpiece cleaned once.
func stockTestEquipment(_ state: ServerState, _ orgID: UUID, _ clinicID: UUID) async throws {
    let owner = try #require(try await state.directory.credentials(email: "owner@a.example")?.0)
    let ctx = AccessContext(actorID: owner.id, clinicID: clinicID, requestID: "test-stock")
    let scope = state.scope(orgID)
    let pen = try await scope.devices.addModel(
        name: "Test pen",
        spec: DeviceSpec(
            kind: .pen, length: .adjustable(DepthRange(0.25, 2.5)),
            needleMaterial: .stainlessSteel),
        needleCount: 12, singleUseHead: true, ctx)
    let hp = try await scope.devices.addHandpiece(clinicID: clinicID, modelID: pen.id, serial: testHandpiece, ctx)
    _ = try await scope.devices.recordCleaning(handpieceID: hp.id, method: "70% alcohol wipe", ctx)
    _ = try await scope.stock.receive(
        LotDraft(
            clinicID: clinicID, modelID: pen.id, product: "Test cartridge", gtin: "09506000134352",
            lot: "A123", expiry: LocalDate(iso: "2027-06-30")!, quantity: 1000), ctx)
}
