/// A clinic's policy override as the `clinicPolicy` document `RequestReader.clinicPolicyOverride` reads back: what the
/// store keeps, so the clinic's narrowing is stored as its owner wrote it and re-applied to each shipped policy.
public enum ClinicPolicyWriter {
    public static func document(_ o: ClinicPolicyOverride) -> JSONValue {
        func range(_ r: DepthRange) -> JSONValue { .array([.number(r.lower), .number(r.upper)]) }
        var m: [(String, JSONValue)] = []
        if !o.severities.isEmpty {
            m.append(("severities", .object(o.severities.sorted { $0.key < $1.key }.map { ($0.key.rawValue, .string($0.value.rawValue)) })))
        }
        if !o.sites.isEmpty {
            let sites = o.sites.sorted { $0.key.rawValue < $1.key.rawValue }.map { id, l -> (String, JSONValue) in
                var s: [(String, JSONValue)] = []
                if let t = l.typical { s.append(("typicalMM", range(t))) }
                if let c = l.cautionAbove { s.append(("cautionAboveMM", .number(c))) }
                if let x = l.stopAbove { s.append(("stopAboveMM", .number(x))) }
                return (id.rawValue, .object(s))
            }
            m.append(("sites", .object(sites)))
        }
        if !o.indications.isEmpty {
            let indications = o.indications.sorted { $0.key.rawValue < $1.key.rawValue }.map { id, l -> (String, JSONValue) in
                var s: [(String, JSONValue)] = []
                if let f = l.faceDepth { s.append(("faceMM", range(f))) }
                if let b = l.bodyDepth { s.append(("bodyMM", range(b))) }
                if let w = l.allowedIntervalWeeks {
                    s.append(("intervalWeeks", .array([.number(Double(w.lowerBound)), .number(Double(w.upperBound))])))
                }
                return (id.rawValue, .object(s))
            }
            m.append(("indications", .object(indications)))
        }
        if let days = o.screeningValidDays { m.append(("screeningValidDays", .number(Double(days)))) }
        return .object(m)
    }
}
