import FluentKit
import Foundation
import StratumCore

/// A practitioner's appointment as their private calendar feed carries it: the patient only by initials and the
/// visit's number, because the feed sits in a calendar service outside the clinic.
public struct FeedAppointment: Sendable, Equatable {
    public let id: UUID
    public let initials: String
    public let visitNumber: Int
    public let visitCount: Int
    public let date: LocalDate
    public let startMinute: Int
    public let minutes: Int
    public let startsAt: Date
    public let roomName: String?
    public let clinicName: String
    public let clinicTimezone: String
}

/// What a feed read answers: whose feed it is and their upcoming appointments.
public struct CalendarFeed: Sendable, Equatable {
    public let userID: UUID
    public let organizationID: UUID
    public let appointments: [FeedAppointment]
}

/// A practitioner's private calendar feed: a secret address of which only the SHA-256 is kept (as for API tokens).
/// Issuing a new one ends the old; revoking ends it, and the old address then answers as if it never existed.
extension AppointmentStore {
    /// Issues the user's feed secret, ending any earlier one. The secret is shown once; only its hash is stored.
    public func issueFeed(userID: UUID, _ ctx: AccessContext) async throws -> String {
        let token = CredentialStore.randomToken()
        try await scope.db.write { database in
            guard try await self.scope.hasMember(userID, on: database) else { throw StoreError.notFound("user") }
            try await self.endFeeds(userID: userID, ctx, on: database)
            let m = CalendarFeedRow()
            m.id = UUID()
            m.organizationID = self.scope.organizationID
            m.userID = userID
            m.tokenHash = CredentialStore.sha256Hex(token)
            m.createdAt = ctx.now
            try await m.create(on: database)
            try await self.scope.audit(ctx, patientID: nil, action: .create, resource: "calendar-feed", outcome: .allowed, on: database)
        }
        return token
    }

    /// Ends the user's feed: its address answers not found from now on.
    public func revokeFeed(userID: UUID, _ ctx: AccessContext) async throws {
        try await scope.db.write { database in
            if try await self.endFeeds(userID: userID, ctx, on: database) > 0 {
                try await self.scope.audit(ctx, patientID: nil, action: .revoke, resource: "calendar-feed", outcome: .allowed, on: database)
            }
        }
    }

    /// When the user's live feed was issued, or nil when there is none.
    public func feedIssuedAt(userID: UUID) async throws -> Date? {
        try await scope.db.read { database in
            try await CalendarFeedRow.query(on: database).filter(\.$organizationID == self.scope.organizationID).filter(\.$userID == userID)
                .filter(\.$revokedAt == nil).first()?.createdAt
        }
    }

    @discardableResult
    private func endFeeds(userID: UUID, _ ctx: AccessContext, on database: any Database) async throws -> Int {
        let live = try await CalendarFeedRow.query(on: database).filter(\.$organizationID == scope.organizationID)
            .filter(\.$userID == userID).filter(\.$revokedAt == nil).all()
        for m in live {
            m.revokedAt = ctx.now
            try await m.update(on: database)
        }
        return live.count
    }
}

/// Reads a feed by its secret, above any organization (the address is all the calendar service has).
public struct CalendarFeedReader: Sendable {
    let db: StratumDatabase
    let auditKey: AuditKey

    public init(database: StratumDatabase, auditKey: AuditKey) {
        self.db = database
        self.auditKey = auditKey
    }

    /// How far back a feed still lists appointments, so today's earlier ones stay in the practitioner's calendar.
    public static let pastDays = 1
    /// The most appointments one feed carries.
    public static let maxAppointments = 500

    /// The feed of `token`, or nil for an unknown or revoked secret. The practitioner's booked appointments from
    /// yesterday on; one audit row per fetch with the practitioner as actor and no patient (it names none).
    public func read(token: String, now: Date, requestID: String) async throws -> CalendarFeed? {
        guard token.count <= 128 else { return nil }
        let hash = CredentialStore.sha256Hex(token)
        return try await db.write { database -> CalendarFeed? in
            guard let feed = try await CalendarFeedRow.query(on: database).filter(\.$tokenHash == hash).filter(\.$revokedAt == nil).first()
            else { return nil }
            let org = feed.organizationID
            let rows = try await AppointmentRow.query(on: database).filter(\.$organizationID == org)
                .filter(\.$practitionerID == feed.userID).filter(\.$status == AppointmentStatus.booked.rawValue)
                .filter(\.$startsAt >= now.addingTimeInterval(-Double(Self.pastDays) * 86_400)).sort(\.$startsAt)
                .limit(Self.maxAppointments).all()
            var patients: [UUID: String] = [:]
            var clinics: [UUID: ClinicRow] = [:]
            var rooms: [UUID: String] = [:]
            var counts: [UUID: Int] = [:]
            if !rows.isEmpty {
                for p in try await PatientRow.query(on: database).filter(\.$organizationID == org).filter(\.$id ~~ Array(Set(rows.map(\.patientID))))
                    .all()
                {
                    patients[p.id!] = [p.givenName, p.familyName].compactMap { name in name.first.map { "\($0)." } }.joined()
                }
                for c in try await ClinicRow.query(on: database).filter(\.$organizationID == org).all() { clinics[c.id!] = c }
                let roomIDs = Array(Set(rows.compactMap(\.roomID)))
                if !roomIDs.isEmpty {
                    for r in try await RoomRow.query(on: database).filter(\.$id ~~ roomIDs).all() { rooms[r.id!] = r.name }
                }
                for v in try await PlannedVisitRow.query(on: database).filter(\.$courseID ~~ Array(Set(rows.map(\.courseID)))).all() {
                    counts[v.courseID, default: 0] += 1
                }
            }
            let out = try rows.map { m -> FeedAppointment in
                guard let date = LocalDate(iso: m.date) else { throw StoredJSON.unreadable("appointment date", m.date) }
                let clinic = clinics[m.clinicID]
                return FeedAppointment(
                    id: m.id!, initials: patients[m.patientID] ?? "", visitNumber: m.visitNumber,
                    visitCount: counts[m.courseID, default: m.visitNumber], date: date, startMinute: m.startMinute, minutes: m.minutes,
                    startsAt: m.startsAt, roomName: m.roomID.flatMap { rooms[$0] }, clinicName: clinic?.name ?? "",
                    clinicTimezone: clinic?.timezone ?? "UTC")
            }
            let ctx = AccessContext(actorID: feed.userID, clinicID: nil, requestID: requestID, now: now)
            try await OrganizationScope(organizationID: org, database: self.db, auditKey: self.auditKey)
                .audit(ctx, patientID: nil, action: .read, resource: "calendar-feed", outcome: .allowed, on: database)
            return CalendarFeed(userID: feed.userID, organizationID: org, appointments: out)
        }
    }
}
