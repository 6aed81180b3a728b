import FluentKit
import Foundation

// Fluent models of the traceability tables of M0010. Internal: callers see the value structs of the stores.

final class DeviceModelRow: Model, @unchecked Sendable {
    static let schema = "device_models"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "name") var name: String
    @Field(key: "kind") var kind: String
    /// `DevicePartKind` (M0013).
    @Field(key: "part") var part: String
    @Field(key: "adjustable") var adjustable: Bool
    @Field(key: "min_mm") var minMM: Double
    @Field(key: "max_mm") var maxMM: Double
    @Field(key: "needle_count") var needleCount: Int
    @Field(key: "needle_material") var needleMaterial: String
    @Field(key: "single_use_head") var singleUseHead: Bool
    @Field(key: "created_at") var createdAt: Date
    init() {}
}

/// A cartridge model's fit to a handpiece model (M0013).
final class DeviceModelFitRow: Model, @unchecked Sendable {
    static let schema = "device_model_fits"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "cartridge_model_id") var cartridgeModelID: UUID
    @Field(key: "handpiece_model_id") var handpieceModelID: UUID
    init() {}
}

/// A catalogue model a pack holds, and how many (M0013).
final class PackItemRow: Model, @unchecked Sendable {
    static let schema = "pack_items"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "pack_id") var packID: UUID
    @Field(key: "model_id") var modelID: UUID
    @Field(key: "count") var count: Int
    init() {}
}

final class HandpieceRow: Model, @unchecked Sendable {
    static let schema = "handpieces"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "clinic_id") var clinicID: UUID
    @Field(key: "model_id") var modelID: UUID
    @Field(key: "serial") var serial: String
    @Field(key: "in_service") var inService: Bool
    @Field(key: "created_at") var createdAt: Date
    init() {}
}

final class HandpieceCleaningRow: Model, @unchecked Sendable {
    static let schema = "handpiece_cleanings"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "handpiece_id") var handpieceID: UUID
    @Field(key: "method") var method: String
    @Field(key: "cleaned_at") var cleanedAt: Date
    @Field(key: "cleaned_by") var cleanedBy: UUID
    init() {}
}

final class DeviceLotRow: Model, @unchecked Sendable {
    static let schema = "device_lots"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "clinic_id") var clinicID: UUID
    @OptionalField(key: "model_id") var modelID: UUID?
    @Field(key: "product") var product: String
    @Field(key: "gtin") var gtin: String
    @Field(key: "lot") var lot: String
    @Field(key: "expiry") var expiry: String
    @Field(key: "quantity") var quantity: Int
    @Field(key: "status") var status: String
    @Field(key: "received_at") var receivedAt: Date
    @Field(key: "received_by") var receivedBy: UUID
    init() {}
}

final class SterilizerRow: Model, @unchecked Sendable {
    static let schema = "sterilizers"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "clinic_id") var clinicID: UUID
    @Field(key: "name") var name: String
    @Field(key: "serial") var serial: String
    @Field(key: "created_at") var createdAt: Date
    init() {}
}

final class SterilizationCycleRow: Model, @unchecked Sendable {
    static let schema = "sterilization_cycles"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "sterilizer_id") var sterilizerID: UUID
    @Field(key: "number") var number: Int
    @Field(key: "date") var date: String
    @Field(key: "type") var type: String
    @Field(key: "temperature_c") var temperatureC: Double
    @Field(key: "minutes") var minutes: Double
    @Field(key: "pressure_kpa") var pressureKPa: Double
    @Field(key: "operator_id") var operatorID: UUID
    @Field(key: "physical") var physical: String
    @Field(key: "chemical") var chemical: String
    @Field(key: "biological") var biological: String
    @OptionalField(key: "bi_read_at") var biReadAt: Date?
    @Field(key: "created_at") var createdAt: Date
    init() {}
}

final class SterilizationPackRow: Model, @unchecked Sendable {
    static let schema = "sterilization_packs"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "clinic_id") var clinicID: UUID
    @Field(key: "code") var code: String
    @Field(key: "contents") var contents: String
    @Field(key: "state") var state: String
    @OptionalField(key: "cycle_id") var cycleID: UUID?
    @OptionalField(key: "expires_on") var expiresOn: String?
    @Field(key: "wrap_compromised") var wrapCompromised: Bool
    @Field(key: "assembled_at") var assembledAt: Date
    @Field(key: "assembled_by") var assembledBy: UUID
    @Field(key: "updated_at") var updatedAt: Date
    init() {}
}

final class SessionEquipmentRow: Model, @unchecked Sendable {
    static let schema = "session_equipment"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "session_id") var sessionID: UUID
    @Field(key: "patient_id") var patientID: UUID
    @Field(key: "clinic_id") var clinicID: UUID
    @Field(key: "session_date") var sessionDate: String
    @OptionalField(key: "lot_id") var lotID: UUID?
    @OptionalField(key: "serial") var serial: String?
    @OptionalField(key: "pack_id") var packID: UUID?
    @OptionalField(key: "handpiece_id") var handpieceID: UUID?
    @Field(key: "used_at") var usedAt: Date
    init() {}
}

final class RecallRow: Model, @unchecked Sendable {
    static let schema = "recalls"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    /// The clinic of the sterilizer or lot (M0013).
    @OptionalField(key: "clinic_id") var clinicID: UUID?
    @Field(key: "source") var source: String
    @OptionalField(key: "cycle_id") var cycleID: UUID?
    @OptionalField(key: "lot_id") var lotID: UUID?
    @Field(key: "reason") var reason: String
    @Field(key: "status") var status: String
    @Field(key: "opened_at") var openedAt: Date
    @Field(key: "opened_by") var openedBy: UUID
    @OptionalField(key: "closed_at") var closedAt: Date?
    @OptionalField(key: "closed_by") var closedBy: UUID?
    @OptionalField(key: "closed_reason") var closedReason: String?
    init() {}
}

final class RecallPatientRow: Model, @unchecked Sendable {
    static let schema = "recall_patients"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "recall_id") var recallID: UUID
    @Field(key: "patient_id") var patientID: UUID
    @Field(key: "status") var status: String
    @OptionalField(key: "note") var note: String?
    @Field(key: "updated_at") var updatedAt: Date
    @OptionalField(key: "updated_by") var updatedBy: UUID?
    init() {}
}

final class ClusterReviewRow: Model, @unchecked Sendable {
    static let schema = "cluster_reviews"
    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "source") var source: String
    @Field(key: "identifier") var identifier: String
    @Field(key: "note") var note: String
    @Field(key: "reviewed_at") var reviewedAt: Date
    @Field(key: "reviewed_by") var reviewedBy: UUID
    init() {}
}
