import FluentKit
import Foundation

/// A ledger of requests limited per hour by email and by address (password-reset links, portal links): the email
/// kept as its SHA-256 only, the address, the time.
protocol HourlyRequestRow: Model {
    init()
    var id: UUID? { get set }
    var emailHash: String { get set }
    var address: String { get set }
    var requestedAt: Date { get set }
    static var emailHashField: KeyPath<Self, FieldProperty<Self, String>> { get }
    static var addressField: KeyPath<Self, FieldProperty<Self, String>> { get }
    static var requestedAtField: KeyPath<Self, FieldProperty<Self, Date>> { get }
}

extension ResetRequestRow: HourlyRequestRow {
    static var emailHashField: KeyPath<ResetRequestRow, FieldProperty<ResetRequestRow, String>> { \.$emailHash }
    static var addressField: KeyPath<ResetRequestRow, FieldProperty<ResetRequestRow, String>> { \.$address }
    static var requestedAtField: KeyPath<ResetRequestRow, FieldProperty<ResetRequestRow, Date>> { \.$requestedAt }
}

extension PortalLinkRequestRow: HourlyRequestRow {
    static var emailHashField: KeyPath<PortalLinkRequestRow, FieldProperty<PortalLinkRequestRow, String>> { \.$emailHash }
    static var addressField: KeyPath<PortalLinkRequestRow, FieldProperty<PortalLinkRequestRow, String>> { \.$address }
    static var requestedAtField: KeyPath<PortalLinkRequestRow, FieldProperty<PortalLinkRequestRow, Date>> { \.$requestedAt }
}

/// Admits a request in the caller's transaction when the email and the address each asked fewer times than their
/// limit in the last hour, and records it; false (nothing written) otherwise. The keys are locked first
/// (`lockThrottle`), so a burst of simultaneous requests is counted as it arrives.
func admitHourly<Row: HourlyRequestRow>(
    _: Row.Type, emailHash: String, address: String, perEmail: Int, perAddress: Int, now: Date, on database: any Database
) async throws -> Bool {
    try await lockThrottle([Row.schema + ":" + emailHash, Row.schema + "-address:" + address], on: database)
    let hour = now.addingTimeInterval(-3600)
    let byEmail = try await Row.query(on: database).filter(Row.emailHashField == emailHash).filter(Row.requestedAtField >= hour).count()
    let byAddress = try await Row.query(on: database).filter(Row.addressField == address).filter(Row.requestedAtField >= hour).count()
    guard byEmail < perEmail, byAddress < perAddress else { return false }
    let r = Row()
    r.id = UUID()
    r.emailHash = emailHash
    r.address = address
    r.requestedAt = now
    try await r.create(on: database)
    return true
}
