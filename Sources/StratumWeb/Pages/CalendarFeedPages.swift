import Foundation
import StratumCore
import StratumStore
import Vapor

/// A practitioner's private calendar feed: issued and revoked on their own account page, read by calendar services
/// at a secret address without sign-in. The address is shown once; a revoked or replaced one answers 404 like an
/// address that never existed.
struct CalendarFeedPages {
    let state: ServerState
    let linkBase: String

    /// Those who are booked: a feed of someone who never has appointments would stay empty.
    static func mayHaveFeed(_ role: Role) -> Bool { role == .practitioner || role == .owner }

    /// What the account page shows of the feed.
    struct Status: Encodable {
        let issued: String?
        /// Whether a live feed exists (also keeps the encoded value non-empty, which Leaf reads as true).
        let live: Bool
    }

    struct IssuedContent: Encodable {
        let url: String
    }

    func register(public pages: any RoutesBuilder, signedIn: any RoutesBuilder) {
        pages.get("calendar", "feed", ":file", use: feed)
        signedIn.post("account", "calendar-feed", use: issue)
        signedIn.post("account", "calendar-feed", "revoke", use: revoke)
    }

    /// The account page's section, or nil for a role without one.
    static func status(_ p: Principal, state: ServerState) async throws -> Status? {
        guard mayHaveFeed(p.role) else { return nil }
        let issued = try await state.scope(p.organizationID).appointments.feedIssuedAt(userID: p.userID)
        return Status(issued: issued.map(PageValues.time), live: issued != nil)
    }

    func issue(_ req: Request) async throws -> Response {
        let p = try allowed(req)
        let token = try await state.scope(p.organizationID).appointments.issueFeed(userID: p.userID, req.access(p))
        let base = linkBase.hasSuffix("/") ? String(linkBase.dropLast()) : linkBase
        return try await req.render(
            "calendar-feed", title: "Your calendar feed", section: "account", IssuedContent(url: "\(base)/calendar/feed/\(token).ics"))
    }

    func revoke(_ req: Request) async throws -> Response {
        let p = try allowed(req)
        try await state.scope(p.organizationID).appointments.revokeFeed(userID: p.userID, req.access(p))
        return req.done("/account", .accountSaved)
    }

    private func allowed(_ req: Request) throws -> Principal {
        let p = try req.user().principal
        guard Self.mayHaveFeed(p.role) else {
            throw PageError(.forbidden, "Not allowed", "Only practitioners and owners have a calendar feed of their appointments.")
        }
        return p
    }

    /// The feed itself: `text/calendar`, never cached by the way, one audit row per fetch (no patient).
    func feed(_ req: Request) async throws -> Response {
        let file = req.parameters.get("file") ?? ""
        let missing = PageError(.notFound, "Page not found", "There is no page at this address.")
        guard file.hasSuffix(".ics") else { throw missing }
        let token = String(file.dropLast(4))
        guard !token.isEmpty, token.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else { throw missing }
        let reader = CalendarFeedReader(database: state.database, auditKey: state.auditKey)
        let now = requestNow(state)
        guard let feed = try await reader.read(token: token, now: now, requestID: RequestContext.current?.requestID ?? "feed") else { throw missing }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/calendar; charset=utf-8")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(string: ICalendar.feed(feed, stamp: now)))
    }
}
