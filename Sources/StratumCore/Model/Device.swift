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
