import Foundation

/// Whether the parts the registry names fit the session (POLICY §2 `DEPTH-DEVICE`, §4 `DEV-INCOMPATIBLE`): each
/// zone's depth is one the named needles deliver, and a cartridge goes only into a handpiece it is made for.
public enum DeviceFitRules {
    public static func findings(zones: [ZoneDose], equipment: RegisteredEquipment, policy: ClinicalPolicy) -> [Finding] {
        var out: [Finding] = []
        for dose in zones {
            let d = Depth.format(dose.depthMM)
            if !equipment.parts.isEmpty && !equipment.parts.contains(where: { $0.delivers(dose.depthMM) }) {
                let named = equipment.parts.map { "\($0.name) (\($0.source), \(Self.length($0.length)))" }.joined(separator: "; ")
                out.append(policy.finding(.depthDevice, "\(d) mm is not a depth the registered needles deliver: \(named)", zone: dose.zone))
            }
            if let hp = equipment.handpiece, let range = hp.range, !range.contains(dose.depthMM) {
                out.append(
                    policy.finding(.depthDevice, "\(d) mm is outside handpiece \(hp.serial)'s range \(range) (\(hp.modelName))", zone: dose.zone))
            }
        }
        if let hp = equipment.handpiece {
            for part in equipment.parts where part.part == .cartridge && part.fitsHandpieceModels[hp.modelID] == nil {
                let fits = part.fitsHandpieceModels.values.sorted()
                let listed = fits.isEmpty ? "the catalogue lists no handpiece model for it" : "it fits \(fits.joined(separator: ", "))"
                out.append(
                    policy.finding(
                        .devIncompatible,
                        "Cartridge \(part.name) (\(part.source), \(part.needleCount) needles) does not fit handpiece \(hp.serial) (\(hp.modelName)): \(listed)"
                    ))
            }
        }
        return out
    }

    static func length(_ l: DeviceLength) -> String {
        switch l {
        case .fixed(let v): "fixed \(Depth.format(v)) mm"
        case .adjustable(let r): r.description
        }
    }
}
