import Foundation
import StratumCore
import StratumStore
@testable import StratumWeb
import Testing
import Yams

/// Every JSON answer and request body of the contract has a schema a client can generate types from; the enums of
/// the answers list exactly the core's raw values (the handlers map one onto the other and trap on a miss).
@Suite("Typed contract")
struct TypedContractTests {
    /// Operations whose request body or 2xx JSON answer is still an open object. Only shrinks: a typed one must
    /// leave the list, and no new open one may appear.
    /// Operations whose request or 2xx answer is still an open object: none; the test keeps it that way.
    static let stillOpen: Set<String> = []

    static func spec() throws -> [String: Any] {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/StratumWeb/openapi.yaml")
        return try #require(try Yams.load(yaml: String(contentsOf: file, encoding: .utf8)) as? [String: Any])
    }

    /// The node a `$ref` chain ends at.
    static func resolve(_ node: Any?, in spec: [String: Any]) -> [String: Any] {
        var node = node as? [String: Any] ?? [:]
        while let ref = node["$ref"] as? String {
            var target: Any? = spec
            for part in ref.split(separator: "/").dropFirst() { target = (target as? [String: Any])?[String(part)] }
            node = target as? [String: Any] ?? [:]
        }
        return node
    }

    /// False for a missing schema, an object open to any member, or an object that names no member.
    static func typed(_ schema: Any?, in spec: [String: Any]) -> Bool {
        guard schema != nil else { return false }
        let s = resolve(schema, in: spec)
        if s["additionalProperties"] as? Bool == true { return false }
        let parts = (s["allOf"] as? [Any] ?? []) + (s["oneOf"] as? [Any] ?? [])
        if s["allOf"] != nil || s["oneOf"] != nil { return parts.allSatisfy { typed($0, in: spec) } }
        if s["type"] as? String == "array" { return typed(s["items"], in: spec) }
        if s["type"] as? String == "object", (s["properties"] as? [String: Any] ?? [:]).isEmpty, s["additionalProperties"] == nil { return false }
        return true
    }

    static func openOperations(_ spec: [String: Any]) -> Set<String> {
        var open: Set<String> = []
        for (path, item) in spec["paths"] as? [String: Any] ?? [:] {
            for (method, op) in item as? [String: Any] ?? [:] where ["get", "post", "put", "patch", "delete"].contains(method) {
                let op = op as? [String: Any] ?? [:]
                var bodies: [Any?] = []
                if op["requestBody"] != nil {
                    bodies += (resolve(op["requestBody"], in: spec)["content"] as? [String: Any] ?? [:]).values.map {
                        ($0 as? [String: Any])?["schema"]
                    }
                }
                for (status, answer) in op["responses"] as? [AnyHashable: Any] ?? [:] where "\(status)".hasPrefix("2") {
                    for (type, content) in resolve(answer, in: spec)["content"] as? [String: Any] ?? [:] where type.contains("json") {
                        bodies.append((content as? [String: Any])?["schema"])
                    }
                }
                if !bodies.allSatisfy({ typed($0, in: spec) }) { open.insert("\(method.uppercased()) \(path)") }
            }
        }
        return open
    }

    @Test("no operation answers or accepts an open object beyond the known, shrinking set")
    func noOpenObjects() throws {
        let open = Self.openOperations(try Self.spec())
        #expect(open.subtracting(Self.stillOpen).sorted() == [], "newly open")
        #expect(Self.stillOpen.subtracting(open).sorted() == [], "typed now: take them off stillOpen")
    }

    /// The enum a schema gives a member, as a set of raw values.
    static func enumeration(_ schema: String, _ member: String, in spec: [String: Any]) -> Set<String> {
        let s = resolve(["$ref": "#/components/schemas/\(schema)"], in: spec)
        var property = member.isEmpty ? s : resolve((s["properties"] as? [String: Any])?[member], in: spec)
        if property["type"] as? String == "array" { property = resolve(property["items"], in: spec) }  // a list's values
        return Set(property["enum"] as? [String] ?? [])
    }

    @Test("the bodies the core reads are the ones the generator maps to CoreDocument, and only those")
    func coreDocumentOperations() throws {
        let contract = try APIContract.bundled()
        let flagged = Set(contract.check.operations.filter { $0.value.coreDocument }.keys)
        // A schema renamed in the spec but not in the generator's overrides would be decoded twice, or one renamed
        // in the overrides but not here would hand the handler an empty document: both show as a different set.
        #expect(
            flagged == [
                "POST /api/v1/plan", "POST /api/v1/check", "POST /api/v1/patients/{patientId}/screenings",
                "POST /api/v1/patients/{patientId}/courses", "POST /api/v1/courses/{courseId}/sessions",
                // A clinic's settings and policy: null and absent differ (the core's reader and ClinicSettingsReader).
                "PATCH /api/v1/clinic", "PUT /api/v1/clinic/policy"
            ])
    }

    @Test("the answers' enums are the core's raw values")
    func enumsMatchTheCore() throws {
        let spec = try Self.spec()
        func core<E: CaseIterable & RawRepresentable>(_: E.Type) -> Set<String> where E.RawValue == String { Set(E.allCases.map(\.rawValue)) }
        let pairs: [(String, String, Set<String>)] = [
            ("Zone", "side", core(Side.self)), ("Finding", "severity", core(Severity.self)),
            ("DeviceModel", "kind", core(DeviceKind.self)), ("DeviceModel", "needleMaterial", core(NeedleMaterial.self)),
            ("DeviceModel", "part", core(DevicePartKind.self)), ("Lot", "status", core(LotStatus.self)),
            ("Cycle", "physical", core(CycleStatus.self)), ("Cycle", "chemical", core(IndicatorResult.self)),
            ("Cycle", "biological", core(BiologicalIndicatorResult.self)), ("Pack", "state", core(PackState.self)),
            ("RecallSummary", "source", core(RecallSource.self)), ("Recall", "source", core(RecallSource.self)),
            ("RecallPatient", "status", core(RecallContactStatus.self)), ("ClusterAlert", "source", core(ClusterSource.self)),
            ("ClusterReview", "source", core(ClusterSource.self)), ("ProgressPoint", "kind", core(AssessmentKind.self)),
            ("ScaleProgress", "status", core(CourseProgressStatus.self)), ("Photo", "view", core(PhotoView.self)),
            ("PhotoSlot", "view", core(PhotoView.self)), ("StaffRole", "", core(Role.self)),
            ("Course", "status", core(CourseStatus.self)), ("Course", "decision", core(Decision.self)),
            ("Session", "decision", core(Decision.self)), ("AdverseEvent", "status", core(AdverseEventStatus.self)),
            ("AdverseEvent", "type", core(AdverseEventType.self)), ("Assessment", "kind", core(AssessmentKind.self)),
            ("AuditEntry", "outcome", core(AuditOutcome.self)), ("PlanResult", "decision", core(Decision.self)),
            ("CheckResult", "decision", core(Decision.self)), ("PlannedAssessment", "kind", core(AssessmentKind.self)),
            ("AdverseEvent", "suspectedCauses", core(SuspectedCause.self)), ("Photo", "mediaType", Set(ImageFormat.allCases.map(\.mediaType))),
            ("TreatedZone", "side", core(Side.self)), ("PlannedZone", "side", core(Side.self)),
            ("Lot", "expiryStatus", core(LotExpiry.self)), ("ScaleProgress", "scaleKind", core(OutcomeScaleKind.self)),
            ("CourseForecast", "scaleKind", core(OutcomeScaleKind.self)),
            // What requests name: a site, a side, a rule, a scale.
            ("SiteID", "", core(SiteID.self)), ("SideID", "", core(Side.self)), ("RuleID", "", core(RuleID.self)),
            ("ScaleID", "", core(OutcomeScale.self))
        ]
        for (schema, member, values) in pairs {
            #expect(Self.enumeration(schema, member, in: spec) == values, "\(schema).\(member)")
        }
    }

    @Test("a member without a value is written as null, not left out")
    func nullsAreWritten() throws {
        let h = Components.Schemas.Handpiece(
            id: "a", clinicId: "b", modelId: "c", serial: "S1", inService: true, lastCleanedAt: Wire.time(nil),
            lastUsedAt: Wire.time(nil), cleanedSinceLastUse: false)
        let text = String(decoding: try JSONEncoder().encode(h), as: UTF8.self)
        #expect(text.contains(#""lastCleanedAt":null"#) && text.contains(#""lastUsedAt":null"#), "\(text)")
    }
}
