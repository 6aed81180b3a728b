import Foundation

/// The three device families the seed's "cylinder with a brush of needles" has become.
public enum DeviceKind: String, Sendable, CaseIterable, Codable {
    case pen, roller, stamp
}

/// Needle material; stainless steel matters for `SCR-STEEL-ALLERGY`.
public enum NeedleMaterial: String, Sendable, CaseIterable, Codable {
    case stainlessSteel = "stainless-steel"
    case titanium
    case goldPlated = "gold-plated"
    case silicon
    case other
}

/// How a device sets depth: an adjustable pen range, or the one fixed length of a roller or stamp (`DEPTH-DEVICE`).
public enum DeviceLength: Sendable, Equatable {
    case adjustable(DepthRange)
    case fixed(Double)

    /// The depths the device can deliver.
    public var range: DepthRange {
        switch self {
        case .adjustable(let r): r
        case .fixed(let l): DepthRange(l, l)
        }
    }
}

/// The device chosen for a plan or session, as the rules need it.
public struct DeviceSpec: Sendable, Equatable {
    public var kind: DeviceKind
    public var length: DeviceLength
    public var needleMaterial: NeedleMaterial

    public init(kind: DeviceKind, length: DeviceLength, needleMaterial: NeedleMaterial) {
        self.kind = kind
        self.length = length
        self.needleMaterial = needleMaterial
    }
}

/// What a catalogue entry is: the pen handpiece that drives cartridges, or a needle-bearing part (`DEPTH-DEVICE`,
/// `DEV-INCOMPATIBLE`).
public enum DevicePartKind: String, Sendable, CaseIterable, Codable {
    case handpiece, cartridge, roller, stamp

    /// The device family the plan's rules speak of: a cartridge is used in a pen.
    public var deviceKind: DeviceKind {
        switch self {
        case .handpiece, .cartridge: .pen
        case .roller: .roller
        case .stamp: .stamp
        }
    }
}

/// A needle-bearing part of a session as the clinic's registry describes it (a lot's model, an item of a pack),
/// never as a client describes it.
public struct RegisteredPart: Sendable, Equatable {
    public var name: String
    public var part: DevicePartKind
    public var length: DeviceLength
    public var needleCount: Int
    public var needleMaterial: NeedleMaterial
    /// For a cartridge, the handpiece models the catalogue says it fits, by id with their names.
    public var fitsHandpieceModels: [UUID: String]
    /// Where it came from, for messages: "lot L" or "pack PK-…".
    public var source: String

    public init(
        name: String, part: DevicePartKind, length: DeviceLength, needleCount: Int, needleMaterial: NeedleMaterial,
        fitsHandpieceModels: [UUID: String] = [:], source: String
    ) {
        self.name = name
        self.part = part
        self.length = length
        self.needleCount = needleCount
        self.needleMaterial = needleMaterial
        self.fitsHandpieceModels = fitsHandpieceModels
        self.source = source
    }

    /// True when the part delivers `depth`: inside its range, or its fixed length.
    public func delivers(_ depth: Double) -> Bool {
        switch length {
        case .fixed(let l): abs(l - depth) <= Depth.epsilon
        case .adjustable(let r): r.contains(depth)
        }
    }
}

/// The pen handpiece of a session as the registry describes it.
public struct RegisteredHandpiece: Sendable, Equatable {
    public var serial: String
    public var modelID: UUID
    public var modelName: String
    /// The depths the pen can be set to, when its catalogue entry gives an adjustable range.
    public var range: DepthRange?

    public init(serial: String, modelID: UUID, modelName: String, range: DepthRange?) {
        self.serial = serial
        self.modelID = modelID
        self.modelName = modelName
        self.range = range
    }
}

/// What the registry says a session's equipment is: the needle-bearing parts and the handpiece. Empty when the
/// equipment names no catalogued model (a lot received without one, a pack assembled before the catalogue held
/// its contents); the plan's device is then all the rules have.
public struct RegisteredEquipment: Sendable, Equatable {
    public var parts: [RegisteredPart]
    public var handpiece: RegisteredHandpiece?

    public init(parts: [RegisteredPart] = [], handpiece: RegisteredHandpiece? = nil) {
        self.parts = parts
        self.handpiece = handpiece
    }

    /// The device the session is judged as: the registry's parts when it knows them (steel if any part is steel,
    /// for `SCR-STEEL-ALLERGY`), else the plan's device.
    public func judgedDevice(planned: DeviceSpec) -> DeviceSpec {
        guard let first = parts.first else { return planned }
        let steel = parts.contains { $0.needleMaterial == .stainlessSteel }
        return DeviceSpec(
            kind: first.part.deviceKind, length: parts.count == 1 ? first.length : planned.length,
            needleMaterial: steel ? .stainlessSteel : first.needleMaterial)
    }
}
