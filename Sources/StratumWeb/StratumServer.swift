import Foundation
import Logging
import OpenAPIRuntime
import StratumCore
import StratumStore
import Vapor

/// What every handler shares: the database, the audit key and the metrics.
public struct ServerState: Sendable {
    public let database: StratumDatabase
    public let auditKey: AuditKey
    let metrics: ServerMetrics
    /// The encrypted photo files under `STRATUM_DATA_DIR/photos`.
    public let photoVault: PhotoVault
    /// The one clock: each request reads it once, and "today" is that instant in the clinic's time zone.
    public var clock: WallClock = .system

    public var directory: Directory { Directory(database: database) }
    public func scope(_ organizationID: UUID) -> OrganizationScope {
        OrganizationScope(organizationID: organizationID, database: database, auditKey: auditKey)
    }
}

/// Builds the Vapor application: middleware order, the OpenAPI routes, `/openapi.yaml`.
public enum StratumServer {
    /// Request bodies above this are refused with 413 (a plan or check document is a few kilobytes).
    public static let maxBodyBytes = 1_048_576
    /// A photo upload may carry one photo of up to `ClinicalImageReader.maximumBytes` and its form fields.
    public static let maxPhotoBodyBytes = ClinicalImageReader.maximumBytes + 1_048_576

    /// Opens and migrates the database, checks its durability settings, and wires the routes. The caller runs the
    /// application and later calls `shutdown`.
    public static func makeApplication(
        config: AppConfig, environment: Environment = .production,
        migrate: Bool = true, clock: WallClock = .system
    ) async throws -> (Application, ServerState) {
        // The store logs at the level the operator chose (LOG_LEVEL), like the rest of the server.
        var storeLogger = Logger(label: "stratum.store")
        storeLogger.logLevel = config.logLevel
        // The database's connections answer on the same event loops as the HTTP server (Vapor's default group), so a
        // query's answer and the request that awaits it meet on one thread instead of crossing between two groups.
        let db = try await StratumDatabase.open(config.store.database, logger: storeLogger, eventLoopGroup: .singleton)
        do {
            if migrate { try await db.migrate() }
            try await db.requireSafeSettings()
            let key = try config.store.loadAuditKey()
            let state = ServerState(
                database: db, auditKey: key, metrics: ServerMetrics(),
                photoVault: PhotoVault(database: db, dataDirectory: config.store.dataDirectory, auditKey: key),
                clock: clock)
            let app = try await Application.make(environment)
            app.http.server.configuration.hostname = config.host
            app.http.server.configuration.port = config.port
            app.logger.logLevel = config.logLevel
            try configure(app, state: state, config: config)
            return (app, state)
        } catch {
            await db.shutdown()
            throw error
        }
    }

    static func configure(_ app: Application, state: ServerState, config: AppConfig) throws {
        // Vapor's default error middleware answers HTML-ish JSON; ours answers problem documents.
        app.middleware = Middlewares()
        app.middleware.use(RequestContextMiddleware(clock: state.clock))
        app.middleware.use(SecurityHeadersMiddleware(behindTLS: config.behindTLS))
        app.middleware.use(MetricsMiddleware(metrics: state.metrics))
        app.middleware.use(ProblemMiddleware())
        app.middleware.use(RequestHeadLimitMiddleware())
        app.middleware.use(BodyLimitMiddleware(maxBytes: maxBodyBytes, photoMaxBytes: maxPhotoBodyBytes))
        app.routes.defaultMaxBodySize = ByteCount(value: maxBodyBytes)

        let contract = try APIContract.bundled()
        let transport = APITransport(routes: app.grouped(AuthenticationMiddleware(state: state)), contract: contract.check)
        // Answers as compact JSON with sorted keys: the runtime's default also pretty-prints, which cost a `/check` a
        // noticeable share of its encoding and every client a third more bytes.
        try APIHandler(state: state, linkBase: config.linkBase).registerHandlers(
            on: transport, serverURL: URL(string: "/")!,
            configuration: OpenAPIRuntime.Configuration(jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes]))
        app.get("openapi.yaml") { _ -> Response in
            var headers = HTTPHeaders()
            headers.contentType = HTTPMediaType(type: "application", subType: "yaml")
            return Response(status: .ok, headers: headers, body: .init(string: contract.yaml))
        }
        app.get("docs") { _ -> Response in
            var headers = HTTPHeaders()
            headers.contentType = .html
            return Response(status: .ok, headers: headers, body: .init(string: contract.docsPage))
        }
        try PageRoutes.register(app, state: state, config: config)
        // Last: it needs every route, and it sits nearest the router, where an unmatched method surfaces.
        app.middleware.use(MethodNotAllowedMiddleware(routes: app.routes.all))
        app.lifecycle.use(DatabaseLifecycle(database: state.database))
        // Registered after the database: handlers shut down in reverse, so the sealer stops before the pools close.
        app.lifecycle.use(AuditSealerLifecycle(sealer: AuditSealer(database: state.database, key: state.auditKey)))
        var relay = config.mailRelay
        relay?.linkBase = config.linkBase
        let delivery = MailDelivery(
            outbox: MailOutbox(database: state.database), client: relay.map { SMTPClient(relay: $0, group: app.eventLoopGroup) },
            sms: config.smsGateway, http: config.smsGateway == nil ? nil : app.client, linkBase: config.linkBase, clock: state.clock,
            logger: app.logger)
        if !delivery.channels.isEmpty { app.lifecycle.use(delivery) }
        // Email reminders are queued even without a relay: they wait in the outbox, listed on the owner's page.
        app.lifecycle.use(
            ReminderWorker(
                store: ReminderStore(database: state.database, auditKey: state.auditKey), channels: delivery.channels.union([.email]),
                clock: state.clock, interval: config.reminderInterval, logger: app.logger))
    }
}

/// Seals the audit trail every few milliseconds while the server runs (PostgreSQL; SQLite seals as it writes).
struct AuditSealerLifecycle: LifecycleHandler {
    let sealer: AuditSealer
    func didBootAsync(_ application: Application) async throws { sealer.start() }
    func shutdownAsync(_ application: Application) async { await sealer.stop() }
}

/// Closes the database pools when the application shuts down.
struct DatabaseLifecycle: LifecycleHandler {
    let database: StratumDatabase
    func shutdownAsync(_ application: Application) async {
        await database.shutdown()
    }
}

extension StratumServer {
    /// Runs the server until SIGINT or SIGTERM: migrates SQLite, checks durability settings, loads the demo when
    /// asked, then serves. `say` receives the lines a person starting it should read.
    public static func run(config: AppConfig, demo: Bool, demoPatients: Int = 50, say: @Sendable (String) -> Void) async throws {
        let env = Environment(
            name: "production",
            arguments: ["stratum", "serve", "--hostname", config.host, "--port", String(config.port)])
        let (app, state) = try await makeApplication(config: config, environment: env, migrate: config.store.database.isSQLite)
        do {
            if demo, try await DemoData.loadIfEmpty(state, patients: demoPatients) {
                say("loaded the demo organization; sign in as owner@demo.stratum.test with \(DemoData.password)")
            }
            say("Stratum serving on http://\(config.host):\(config.port) (database \(config.store.database.redacted))")
            try await app.execute()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    /// Hashes a password with the production cost, for `stratum admin create`.
    public static func hashPassword(_ password: String) throws -> String { try Passwords.hash(password) }
}
