/// An infection recorded after a session, with the exact equipment that touched the patient.
public struct InfectionExposure: Sendable, Equatable {
    public var onset: LocalDate
    public var sterilizer: String?
    public var lot: String?
    public var handpiece: String?

    public init(onset: LocalDate, sterilizer: String? = nil, lot: String? = nil, handpiece: String? = nil) {
        self.onset = onset
        self.sterilizer = sterilizer
        self.lot = lot
        self.handpiece = handpiece
    }
}

/// The kind of equipment an infection cluster implicates.
public enum ClusterSource: String, Sendable, CaseIterable, Codable {
    case sterilizer, lot, handpiece
}

/// `AE-CLUSTER` (POLICY §6): two or more infections within 30 days linked to the same sterilizer, lot or handpiece.
/// The implicated item is stopped until reviewed; the store feeds this from the clinic's records.
public enum InfectionCluster {
    public static let windowDays = 30
    public static let minimumInfections = 2

    /// One implicated item and the onsets that implicate it.
    public struct Alert: Sendable, Equatable {
        public let source: ClusterSource
        public let identifier: String
        public let onsets: [LocalDate]
        public let finding: Finding
    }

    /// `names` gives the item's display name by identifier (the identifier itself where absent).
    public static func alerts(
        _ infections: [InfectionExposure], names: [String: String] = [:],
        policy: ClinicalPolicy = .standard
    ) -> [Alert] {
        var out: [Alert] = []
        let keyed: [(ClusterSource, KeyPath<InfectionExposure, String?>)] = [(.sterilizer, \.sterilizer), (.lot, \.lot), (.handpiece, \.handpiece)]
        for (source, path) in keyed {
            var bySource: [String: [LocalDate]] = [:]
            for e in infections { if let id = e[keyPath: path] { bySource[id, default: []].append(e.onset) } }
            for (id, onsets) in bySource.sorted(by: { $0.key < $1.key }) {
                let sorted = onsets.sorted()
                // The densest window of 30 days decides; any window with two onsets is a cluster.
                var start = 0, best: ArraySlice<LocalDate> = []
                for end in sorted.indices {
                    while sorted[start].days(until: sorted[end]) > windowDays { start += 1 }
                    if end - start + 1 > best.count { best = sorted[start...end] }
                }
                guard best.count >= minimumInfections, let first = best.first, let last = best.last else { continue }
                let finding = policy.finding(
                    .aeCluster,
                    "\(best.count) infections between \(first) and \(last) are linked to \(source.rawValue) \(names[id] ?? id): stop using it until reviewed"
                )
                out.append(Alert(source: source, identifier: id, onsets: Array(best), finding: finding))
            }
        }
        return out
    }
}
