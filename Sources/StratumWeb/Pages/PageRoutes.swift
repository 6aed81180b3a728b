import Foundation
import Leaf
import LeafKit
import StratumCore
import Vapor

/// The browser pages: Leaf templates and static files from the resource bundle, cookie sessions, CSRF on every
/// state-changing request, errors rendered as pages.
enum PageRoutes {
    /// The calendar day in a clinic's time zone (an unknown zone falls back to UTC), for Today and form defaults.
    static func today(in timezone: String, at now: Date = Date()) -> LocalDate {
        LocalDate.clinicDay(at: now, timeZone: timezone)
    }

    static func register(_ app: Application, state: ServerState, config: AppConfig) throws {
        guard let resources = Bundle.module.resourceURL else { throw PageError(.internalServerError, "Missing resources", "") }
        let views = resources.appendingPathComponent("Views").path + "/"
        app.views.use(.leaf)
        app.leaf.configuration = LeafConfiguration(rootDirectory: views)
        // Leaf's default limits refuse any path with a dot folder, and a bundle built by SwiftPM sits under .build;
        // the sandbox alone keeps template lookups inside the views folder.
        app.leaf.sources = .singleSource(
            NIOLeafFiles(fileio: app.fileio, limits: [.toSandbox, .requireExtensions], sandboxDirectory: views, viewDirectory: views))
        app.middleware.use(FileMiddleware(publicDirectory: resources.appendingPathComponent("Public").path + "/"))

        // The signed-in clinic's today: the request's instant (the server's one clock) in the clinic's time zone, set
        // per request by ClinicTimeZoneMiddleware.
        let today: @Sendable () -> LocalDate = { PageRoutes.today(in: PageClinic.timeZone, at: requestNow(state)) }
        let pages = app.grouped(PageErrorMiddleware())
        let signedIn = pages.grouped(WebSessionMiddleware(state: state, secureCookies: config.behindTLS))
            .grouped(ClinicTimeZoneMiddleware(state: state))
        signedIn.get { req in req.redirect(to: "/today") }
        let login = LoginPages(state: state, secureCookies: config.behindTLS)
        login.register(public: pages, signedIn: signedIn)
        SignInCodePages(state: state, login: login).register(public: pages)
        AccountLinkPages(state: state, secureCookies: config.behindTLS, linkBase: config.linkBase).register(public: pages)
        // The patient portal has its own cookie and session middleware: a staff session opens none of its pages.
        PortalPages(state: state, secureCookies: config.behindTLS, linkBase: config.linkBase).register(public: pages)
        AppointmentReplyPages(state: state, secureCookies: config.behindTLS).register(public: pages)
        PortalCheckInPages(state: state, secureCookies: config.behindTLS).register(public: pages)
        AccountPages(state: state).register(signedIn)
        StaffPages(state: state, linkBase: config.linkBase).register(signedIn)
        TodayPage(state: state, today: today).register(signedIn)
        CalendarPages(state: state, today: today).register(signedIn)
        BookCoursePage(state: state, today: today).register(signedIn)
        CalendarFeedPages(state: state, linkBase: config.linkBase).register(public: pages, signedIn: signedIn)
        PatientPages(state: state, today: today).register(signedIn)
        ScreeningPages(state: state, today: today).register(signedIn)
        HomeScreeningPages(state: state, today: today).register(signedIn)
        ConsentPages(state: state).register(signedIn)
        ClinicSettingsPages(state: state, today: today, mailRelay: config.mailRelay.map { "\($0.host):\($0.port)" }).register(signedIn)
        ClinicPolicyPages(state: state).register(signedIn)
        CoursePages(state: state, today: today).register(signedIn)
        SessionPages(state: state, today: today).register(signedIn)
        AdverseEventPages(state: state, today: today).register(signedIn)
        AssessmentPages(state: state, today: today).register(signedIn)
        ProgressPages(state: state, today: today).register(signedIn)
        PhotoPages(state: state, today: today).register(signedIn)
        OutcomeReportPages(state: state).register(signedIn)
        SterilizationPages(state: state, today: today).register(signedIn)
        EquipmentPages(state: state, today: today).register(signedIn)
        RecallPages(state: state).register(signedIn)
        CheckInFlagPages(state: state).register(signedIn)

        // An unknown address: the API keeps answering problem JSON; a browser gets the styled page in the site's
        // layout (with its navigation when signed in), never a bare 404.
        // Thrown as the router's own "no route", so a path that exists for other methods answers 405 with its Allow.
        app.get("api", "**") { _ -> Response in throw APIRouteNotFound() }
        let sessions = WebSessionMiddleware(state: state, secureCookies: config.behindTLS)
        pages.get("**") { req async throws -> Response in
            if let token = req.cookies[WebCookies.session]?.string, let user = try await sessions.resolve(token) { req.webUser = user }
            throw PageError(.notFound, "Page not found", "There is no page at this address. Check the link, or start again from Today.")
        }
    }
}
