import Foundation
import StratumCore
import Testing
import Yams

/// `openapi.yaml` states the input limits for API clients; the core holds them for every door. The two must be the
/// same numbers, or a text would be refused 400 by the contract that the page and the store accept (or the reverse).
@Suite("The contract's limits are the core's")
struct ContractLimitsTests {
    /// (schema, member path inside it, keyword, the core's value).
    static let table: [(String, String, String, Double)] = {
        let r = RecordInputRules.self
        let s = SessionInputRules.self
        let p = PatientInputRules.self
        return [
            ("AddendumInput", "text", "maxLength", Double(r.addendumMaxLength)),
            ("AdverseEventInput", "devicePart", "maxLength", Double(r.adverseEventIdentifierMaxLength)),
            ("AdverseEventInput", "lot", "maxLength", Double(r.adverseEventIdentifierMaxLength)),
            ("AdverseEventInput", "pack", "maxLength", Double(r.adverseEventIdentifierMaxLength)),
            ("AdverseEventInput", "topical", "maxLength", Double(r.adverseEventTopicalMaxLength)),
            ("AdverseEventInput", "notes", "maxLength", Double(r.adverseEventNotesMaxLength)),
            ("ConsentInput", "signedByName", "maxLength", Double(r.consentSignerMaxLength)),
            ("RecallContactInput", "note", "maxLength", Double(r.followUpNoteMaxLength)),
            ("ClusterReviewInput", "note", "maxLength", Double(r.followUpNoteMaxLength)),
            ("LotStatusInput", "reason", "maxLength", Double(r.reasonMaxLength)),
            ("RecallErrorInput", "reason", "maxLength", Double(r.reasonMaxLength)),
            ("DeviceModelInput", "name", "maxLength", Double(r.equipmentNameMaxLength)),
            ("DeviceModelInput", "needleCount", "minimum", Double(r.needleCount.lowerBound)),
            ("DeviceModelInput", "needleCount", "maximum", Double(r.needleCount.upperBound)),
            ("HandpieceInput", "serial", "maxLength", Double(r.equipmentSerialMaxLength)),
            ("SterilizerInput", "name", "maxLength", Double(r.equipmentNameMaxLength)),
            ("SterilizerInput", "serial", "maxLength", Double(r.equipmentSerialMaxLength)),
            ("CleaningInput", "method", "maxLength", Double(r.cleaningMethodMaxLength)),
            ("LotInput", "product", "maxLength", Double(r.lotProductMaxLength)),
            ("LotInput", "lot", "maxLength", Double(r.lotNumberMaxLength)),
            ("LotInput", "quantity", "minimum", Double(r.lotQuantity.lowerBound)),
            ("LotInput", "quantity", "maximum", Double(r.lotQuantity.upperBound)),
            ("PackInput", "items", "maxItems", Double(r.packItemsMax)),
            ("PackInput", "items.items.count", "minimum", Double(r.packItemCount.lowerBound)),
            ("PackInput", "items.items.count", "maximum", Double(r.packItemCount.upperBound)),
            ("PackInput", "note", "maxLength", Double(r.packNoteMaxLength)),
            ("CycleInput", "type", "maxLength", Double(r.equipmentNameMaxLength)),
            ("CycleInput", "temperatureC", "minimum", r.cycleTemperatureC.lowerBound),
            ("CycleInput", "temperatureC", "maximum", r.cycleTemperatureC.upperBound),
            ("CycleInput", "minutes", "minimum", r.cycleMinutes.lowerBound),
            ("CycleInput", "minutes", "maximum", r.cycleMinutes.upperBound),
            ("CycleInput", "pressureKPa", "minimum", r.cyclePressureKPa.lowerBound),
            ("CycleInput", "pressureKPa", "maximum", r.cyclePressureKPa.upperBound),
            ("PlanAcknowledgementInput", "reason", "maxLength", Double(AcknowledgementGate.maxReasonLength)),
            ("AcknowledgementInput", "reason", "maxLength", Double(AcknowledgementGate.maxReasonLength)),
            ("ClinicSettingsInput", "name", "maxLength", Double(ClinicDetailsRules.nameMaxLength)),
            ("ClinicSettingsInput", "address", "maxLength", Double(ClinicDetailsRules.addressMaxLength)),
            ("ClinicSettingsInput", "phone", "maxLength", Double(ClinicDetailsRules.phoneMaxLength)),
            ("ClinicSettingsInput", "email", "maxLength", Double(ClinicDetailsRules.emailMaxLength)),
            ("ClinicSettingsInput", "packShelfLifeDays", "minimum", Double(ClinicDetailsRules.packShelfLifeDays.lowerBound)),
            ("ClinicSettingsInput", "packShelfLifeDays", "maximum", Double(ClinicDetailsRules.packShelfLifeDays.upperBound)),
            ("ConsentTextInput", "version", "maxLength", Double(ConsentTextRules.versionMaxLength)),
            ("ConsentTextInput", "text", "maxLength", Double(ConsentTextRules.textMaxLength)),
            ("ConsentInput", "textVersion", "maxLength", Double(ConsentTextRules.versionMaxLength)),
            ("PatientInput", "givenName", "maxLength", Double(p.nameMaxLength)),
            ("PatientInput", "familyName", "maxLength", Double(p.nameMaxLength)),
            ("PatientInput", "phone", "maxLength", Double(p.phoneMaxLength)),
            ("PatientInput", "email", "maxLength", Double(p.emailMaxLength)),
            ("PatientInput", "fitzpatrick", "minimum", Double(p.fitzpatrick.lowerBound)),
            ("PatientInput", "fitzpatrick", "maximum", Double(p.fitzpatrick.upperBound)),
            ("SessionZoneInput", "depthMM", "minimum", s.depthMM.lowerBound),
            ("SessionZoneInput", "depthMM", "maximum", s.depthMM.upperBound),
            ("SessionZoneInput", "passes", "minimum", Double(s.passes.lowerBound)),
            ("SessionZoneInput", "passes", "maximum", Double(s.passes.upperBound)),
            ("SessionZoneInput", "endPoint", "maxLength", Double(s.endPointMaxLength)),
            ("EquipmentInput", "handpiece", "maxLength", Double(s.handpieceSerialMaxLength)),
            ("EquipmentInput", "pack", "maxLength", Double(s.packCodeMaxLength)),
            ("EquipmentPartInput", "scan", "maxLength", Double(s.scanMaxLength)),
            ("EquipmentPartInput", "lot", "maxLength", Double(s.partLotMaxLength)),
            ("EquipmentPartInput", "serial", "maxLength", Double(s.partSerialMaxLength)),
            ("TopicalInput", "product", "maxLength", Double(s.topicalProductMaxLength)),
            ("TopicalInput", "lot", "maxLength", Double(s.topicalLotMaxLength)),
            ("TokenRequest", "email", "maxLength", Double(AccountInputRules.emailMaxLength)),
            ("TokenRequest", "password", "maxLength", Double(AccountInputRules.passwordMaxLength)),
            ("TokenRequest", "code", "maxLength", Double(AccountInputRules.codeMaxLength)),
            ("PasswordResetRequest", "email", "maxLength", Double(AccountInputRules.emailMaxLength)),
            ("StaffInvitationInput", "email", "maxLength", Double(AccountInputRules.emailMaxLength)),
            ("StaffInvitationInput", "grants", "maxItems", Double(AccountInputRules.invitationClinicsMax)),
            ("CourseProposal", "goal", "maxLength", Double(CourseInputRules.goalMaxLength)),
            ("CourseProposal", "intervalWeeks", "maximum", Double(CourseInputRules.intervalWeeks.upperBound)),
            ("PlanRequest", "intervalWeeks", "maximum", Double(CourseInputRules.intervalWeeks.upperBound)),
            ("PlanRequest", "sessions", "maximum", Double(CoursePlanner.allowedSessions.upperBound)),
            ("PriorSessionInput", "reactionsResolvedWithinDays", "minimum", Double(CourseInputRules.reactionsResolvedWithinDays.lowerBound)),
            ("PriorSessionInput", "reactionsResolvedWithinDays", "maximum", Double(CourseInputRules.reactionsResolvedWithinDays.upperBound)),
            ("ClinicPolicyInput", "screeningValidDays", "maximum", Double(CourseInputRules.screeningValidDays.upperBound)),
            ("PatientFacts", "fitzpatrick", "maximum", Double(PatientInputRules.fitzpatrick.upperBound))
        ]
    }()

    @Test("every bound the table names is stated in the spec with the core's value")
    func agree() throws {
        let spec = try TypedContractTests.spec()
        let schemas = try #require((spec["components"] as? [String: Any])?["schemas"] as? [String: Any])
        for (schema, member, keyword, expected) in Self.table {
            var node: [String: Any]? = schemas[schema] as? [String: Any]
            for part in member.split(separator: ".") {
                let next =
                    part == "items" && node?["type"] as? String == "array" ? node?["items"] : (node?["properties"] as? [String: Any])?[String(part)]
                node = TypedContractTests.resolve(next, in: spec)
            }
            let stated = (node?[keyword] as? Int).map(Double.init) ?? node?[keyword] as? Double
            #expect(stated == expected, "\(schema).\(member) \(keyword): the spec says \(stated.map { "\($0)" } ?? "nothing"), the core \(expected)")
        }
    }
}
