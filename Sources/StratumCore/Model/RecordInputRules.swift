/// The limits of the records around a session (addenda, adverse events, consents, recalls, reviews) and of the
/// clinic's equipment: every door (the API's contract, the pages, the store) applies these, so the same text is
/// accepted or refused, for the same reason, wherever it is typed. `openapi.yaml` states them for API clients and a
/// test holds it to these values.
public enum RecordInputRules {
    /// An addendum corrects or completes a signed session: room for a full clinical note, not for a pasted file.
    public static let addendumMaxLength = 10_000
    /// An adverse event's narrative and each of its follow-ups: a full clinical note.
    public static let adverseEventNotesMaxLength = 10_000
    /// The device part, lot and pack an adverse event names: identifiers as printed on a label.
    public static let adverseEventIdentifierMaxLength = 100
    /// The topical product an adverse event names, as written on its tube.
    public static let adverseEventTopicalMaxLength = 200
    /// The signer's full name on a consent.
    public static let consentSignerMaxLength = 200
    /// What a recall contact or a cluster review records: a few paragraphs.
    public static let followUpNoteMaxLength = 2_000
    /// Why a lot was quarantined or a recall entry corrected: a sentence or two.
    public static let reasonMaxLength = 500

    /// A device model's, a sterilizer's or a cycle type's name.
    public static let equipmentNameMaxLength = 100
    /// A handpiece's or a sterilizer's serial number, as engraved.
    public static let equipmentSerialMaxLength = 100
    /// How a handpiece was cleaned (the manufacturer's method, in the clinic's words).
    public static let cleaningMethodMaxLength = 200
    /// Needles in one cartridge or roller: a roller carries up to about 200.
    public static let needleCount = 1...200
    /// A lot's product name, as printed on its box.
    public static let lotProductMaxLength = 200
    /// GS1's Application Identifier (10): a lot number is at most 20 characters.
    public static let lotNumberMaxLength = 20
    /// Parts received in one delivery of one lot.
    public static let lotQuantity = 1...100_000
    /// Device models in one sterilization pack.
    public static let packItemsMax = 20
    /// Pieces of one device model in one pack.
    public static let packItemCount = 1...50
    /// The note on a pack's label.
    public static let packNoteMaxLength = 200
    /// Days a sterilized pack stays sterile, as the clinic's policy sets it (up to ten years of shelf life).
    public static let sterileDays = 1...3_650
    /// A steam cycle's hold temperature: below 100 °C is not steam sterilization; above 150 °C no autoclave runs.
    public static let cycleTemperatureC: ClosedRange<Double> = 100...150
    /// A cycle's hold time, in minutes.
    public static let cycleMinutes: ClosedRange<Double> = 1...240
    /// A cycle's pressure, in kPa.
    public static let cyclePressureKPa: ClosedRange<Double> = 50...400

    /// The problem of a free text the record would keep, if any: longer than `max`, or holding a control character.
    public static func textProblem(_ text: String, max: Int) -> InputProblem? {
        PatientInputRules.textProblem(text, max: max)
    }
}
