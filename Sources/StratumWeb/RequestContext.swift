import Foundation
import StratumStore
import Vapor

/// Who is calling and in which clinic, established by `AuthenticationMiddleware` from the bearer token.
public struct Principal: Sendable, Equatable {
    public let userID: UUID
    public let organizationID: UUID
    public let clinicID: UUID
    public let role: Role
}

/// What the OpenAPI handlers know of the Vapor request they serve (swift-openapi-vapor's request injection).
struct RequestContext: Sendable {
    let requestID: String
    let address: String
    let principal: Principal?
    let clinicHeader: String?
    let bearer: String?
    /// The request's instant, read once from the server's clock: every date the request judges is this instant's day.
    let now: Date

    @TaskLocal static var current: RequestContext?
}
