import Foundation
import StratumCore

/// A member an answer always writes, as `null` when there is no value: clients read the answers with their nulls,
/// and a generated optional alone is left out when empty (the generator encodes with `encodeIfPresent`). The
/// `Nullable…` schemas of openapi.yaml stand for these types (typeOverrides in openapi-generator-config.yaml).
struct JSONNullable<Wrapped: Codable & Hashable & Sendable>: Codable, Hashable, Sendable {
    var value: Wrapped?

    init(_ value: Wrapped?) { self.value = value }

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        value = c.decodeNil() ? nil : try c.decode(Wrapped.self)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        if let value { try c.encode(value) } else { try c.encodeNil() }
    }
}

typealias NullOrText = JSONNullable<String>
typealias NullOrID = JSONNullable<String>
typealias NullOrDay = JSONNullable<String>
typealias NullOrInstant = JSONNullable<Date>
typealias NullOrRecallError = JSONNullable<Components.Schemas.RecallError>

/// Wire spellings shared by every answer: ids are lower-case UUIDs, days `YYYY-MM-DD`.
enum Wire {
    static func id(_ u: UUID) -> String { u.uuidString.lowercased() }
    static func id(_ u: UUID?) -> NullOrID { .init(u.map(id)) }
    static func day(_ d: LocalDate) -> String { d.description }
    static func day(_ d: LocalDate?) -> NullOrDay { .init(d?.description) }
    static func time(_ d: Date?) -> NullOrInstant { .init(d) }
    static func text(_ s: String?) -> NullOrText { .init(s) }

    /// A value of a closed set of the core as its schema's enum, which lists the core's raw values
    /// (TypedContractTests holds each schema to its core enum, so a miss here is a contract bug, not input).
    static func closed<E: RawRepresentable>(_ raw: String, file: StaticString = #fileID, line: UInt = #line) -> E where E.RawValue == String {
        guard let value = E(rawValue: raw) else { preconditionFailure("\(E.self) has no case \"\(raw)\"", file: file, line: line) }
        return value
    }
}

typealias NullOrNumber = JSONNullable<Double>
typealias NullOrInterval = JSONNullable<[Double]>
typealias NullOrZone = JSONNullable<Components.Schemas.Zone>

typealias NullOrStaffRole = JSONNullable<Components.Schemas.StaffRole>
typealias NullOrPerson = JSONNullable<Components.Schemas.Person>
typealias NullOrPlanResult = JSONNullable<Components.Schemas.PlanResult>
typealias NullOrEquipmentPart = JSONNullable<Components.Schemas.EquipmentPart>
typealias NullOrEquipment = JSONNullable<Components.Schemas.Equipment>
typealias NullOrItemScores = JSONNullable<[String: Double]>
