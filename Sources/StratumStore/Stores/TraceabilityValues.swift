import Foundation
import StratumCore

/// A device model in the clinic's catalogue: what kind, what length, what needles, and whether its needle-bearing
/// head is single-use (traced by lot) or reusable (traced by pack and cycle).
public struct DeviceModelRecord: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let name: String
    public let spec: DeviceSpec
    public let needleCount: Int
    public let singleUseHead: Bool
    /// What the entry is: a handpiece, or the needle-bearing part a session consumes.
    public let part: DevicePartKind
    /// For a cartridge, the handpiece models it fits (`DEV-INCOMPATIBLE`).
    public let fits: [UUID]
}

/// A pen handpiece, traced by serial, cleaned and disinfected between patients (`DEV-HANDPIECE`).
public struct Handpiece: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let clinicID: UUID
    public let modelID: UUID
    public let serial: String
    public let inService: Bool
    /// When it was last cleaned and disinfected, and last used on a patient.
    public let lastCleanedAt: Date?
    public let lastUsedAt: Date?

    /// True when a cleaning is recorded after the last use (or it was never used and has been cleaned).
    public var cleanedSinceLastUse: Bool {
        guard let cleaned = lastCleanedAt else { return false }
        return lastUsedAt.map { cleaned > $0 } ?? true
    }
}

/// One cleaning and disinfection of a handpiece.
public struct HandpieceCleaning: Sendable, Equatable {
    public let method: String
    public let cleanedAt: Date
    public let cleanedBy: UUID
}

/// Whether a lot may be used (POLICY §4 `DEV-LOT-RECALLED`).
public enum LotStatus: String, Sendable, CaseIterable, Codable {
    case available, quarantined, recalled
}

/// A received lot of single-use sterile needle parts.
public struct DeviceLot: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let clinicID: UUID
    public let modelID: UUID?
    public let product: String
    public let gtin: String
    public let lot: String
    public let expiry: LocalDate
    public let quantity: Int
    /// Parts of this lot bound to sessions so far.
    public let used: Int
    public let status: LotStatus
    public let receivedAt: Date
}

/// What the clinic receives into stock.
public struct LotDraft: Sendable, Equatable {
    public var clinicID: UUID
    public var modelID: UUID?
    public var product: String
    public var gtin: String
    public var lot: String
    public var expiry: LocalDate
    public var quantity: Int

    public init(clinicID: UUID, modelID: UUID?, product: String, gtin: String, lot: String, expiry: LocalDate, quantity: Int) {
        self.clinicID = clinicID
        self.modelID = modelID
        self.product = product
        self.gtin = gtin
        self.lot = lot
        self.expiry = expiry
        self.quantity = quantity
    }
}

/// A steam sterilizer of a clinic; its cycles are numbered in sequence.
public struct Sterilizer: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let clinicID: UUID
    public let name: String
    public let serial: String
}

/// One sterilizer cycle with its physical, chemical and biological monitoring (CDC 2008).
public struct SterilizationCycle: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let sterilizerID: UUID
    public let number: Int
    public let date: LocalDate
    public let type: String
    public let temperatureC: Double
    public let minutes: Double
    public let pressureKPa: Double
    public let operatorID: UUID
    public let physical: CycleStatus
    public let chemical: IndicatorResult
    public let biological: BiologicalIndicatorResult
    public let biologicalReadAt: Date?
}

/// What an operator records when a cycle ends; the biological indicator is read later.
public struct CycleDraft: Sendable, Equatable {
    public var number: Int
    public var date: LocalDate
    public var type: String
    public var temperatureC: Double
    public var minutes: Double
    public var pressureKPa: Double
    public var physical: CycleStatus
    public var chemical: IndicatorResult
    public var biological: BiologicalIndicatorResult
    /// Packs loaded into the cycle, by label code; each must be assembled.
    public var packCodes: [String]

    public init(
        number: Int, date: LocalDate, type: String, temperatureC: Double, minutes: Double, pressureKPa: Double,
        physical: CycleStatus, chemical: IndicatorResult, biological: BiologicalIndicatorResult = .pending, packCodes: [String]
    ) {
        self.number = number
        self.date = date
        self.type = type
        self.temperatureC = temperatureC
        self.minutes = minutes
        self.pressureKPa = pressureKPa
        self.physical = physical
        self.chemical = chemical
        self.biological = biological
        self.packCodes = packCodes
    }
}

/// A sterilization pack of reusable needle parts, labelled with its code.
public struct SterilizationPack: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let clinicID: UUID
    public let code: String
    /// The label's words: the catalogue models it holds (and a note).
    public let contents: String
    /// The catalogue models it holds; empty for a pack assembled before the catalogue held its contents.
    public let items: [PackItem]
    public let state: PackState
    public let cycleID: UUID?
    public let expiresOn: LocalDate?
    public let wrapCompromised: Bool
    public let assembledAt: Date
    public let updatedAt: Date
}

/// A catalogue model in a pack, and how many.
public struct PackItem: Sendable, Equatable {
    public let modelID: UUID
    public let name: String
    public let count: Int
}

/// What an assistant puts in a pack: a catalogue model and how many of it.
public struct PackItemDraft: Sendable, Equatable {
    public var modelID: UUID
    public var count: Int
    public init(modelID: UUID, count: Int = 1) {
        self.modelID = modelID
        self.count = count
    }
}

/// Why a recall was opened.
public enum RecallSource: String, Sendable, CaseIterable, Codable {
    case cycle, lot
}

/// A patient's follow-up in a recall, until done.
public enum RecallContactStatus: String, Sendable, CaseIterable, Codable {
    case toContact = "to-contact"
    case contacted
    case followUpDone = "follow-up-done"
}

/// A recall: a failed biological indicator or a recalled lot, and the patients it exposed.
public struct Recall: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let source: RecallSource
    public let cycleID: UUID?
    public let lotID: UUID?
    public let reason: String
    public let isOpen: Bool
    public let openedAt: Date
    public let closedAt: Date?
    /// Who closed it, when it is closed.
    public let closedBy: UUID?
    /// Why it was closed in error (a wrong cycle selected, a mistyped lot); nil when open or closed followed up.
    public let closedInErrorReason: String?
    /// Patients to follow up, with how far each has got.
    public let patients: [RecallPatient]

    /// True when the recall was closed because it should never have been opened: nobody is followed up.
    public var closedInError: Bool { closedInErrorReason != nil }
}

/// What failing a cycle's biological indicator would reach, shown before it is recorded: the same `RecallWindow`
/// as the recall, counted without reading any patient's record.
public struct RecallReach: Sendable, Equatable {
    /// The sterilizer's cycles the failure would expose, by number.
    public let cycles: [Int]
    /// Sessions that used a pack of those cycles.
    public let sessions: Int
    /// Distinct patients of those sessions.
    public let patients: Int
    /// Packs of those cycles not yet used or withdrawn: each would be quarantined.
    public let packs: Int
}

/// One exposed patient of a recall with the contact details the clinic calls them on.
public struct RecallPatient: Sendable, Equatable {
    public let patientID: UUID
    public let name: String
    public let phone: String?
    public let email: String?
    public let status: RecallContactStatus
    public let note: String?
    public let updatedAt: Date
}

/// One session exposed by a recall: who, when, where and with which pack or part.
public struct Exposure: Sendable, Equatable {
    public let sessionID: UUID
    public let date: LocalDate
    public let patientID: UUID
    public let patientName: String
    public let phone: String?
    public let email: String?
    public let clinicID: UUID
    /// The pack code or "lot L serial S" that links the session to the recall.
    public let via: String
}

/// An `AE-CLUSTER` alert as the clinic sees it, with the name of the implicated item.
public struct ClusterAlert: Sendable, Equatable {
    public let source: ClusterSource
    /// The item's id in its table (sterilizer, lot or handpiece), as reviews name it.
    public let identifier: String
    public let label: String
    public let onsets: [LocalDate]
    public let finding: Finding
}
