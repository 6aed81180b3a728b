/// What a patient can do in the days before a session so the screening in the room does not stop or caution it:
/// the POLICY §3 items a patient controls, in plain words, each tied to the rule it keeps from firing.
public enum PreCareAdvice {
    /// One piece of pre-care: the screening rule it concerns and the sentence the patient reads.
    public struct Item: Sendable, Equatable {
        public let rule: RuleID
        public let text: String
    }

    /// The reminder's pre-care, in the order a patient acts on them (what to stop first comes first).
    public static let items: [Item] = [
        Item(
            rule: .scrRetinoid,
            text: "Stop retinoids (retinol, tretinoin) and acid products (AHA, BHA, glycolic, salicylic) on the area 2 days before."),
        Item(rule: .scrTanning, text: "No tanning, sunbeds or strong sun on the area in the 2 weeks before; no self-tan."),
        Item(rule: .scrSunburn, text: "If the area is sunburnt, call us: we will move the visit until it has healed."),
        Item(
            rule: .scrInfection,
            text: "If you have a cold sore, spots that are infected, or any skin infection near the area, call us before you come."),
        Item(rule: .scrWound, text: "Cuts, grazes or irritated skin on the area must heal first: call us if you have any."),
        Item(
            rule: .scrIsotretinoin,
            text: "Tell us if you have taken isotretinoin (Roaccutane) in the last 6 months, or started any new medicine."),
        Item(rule: .scrPregnancy, text: "Tell us if you are or may be pregnant, or are breastfeeding."),
        Item(rule: .scrHSV, text: "If you get cold sores, tell us: an antiviral before the visit can prevent one.")
    ]

    /// The pre-care in one sentence, for a text message: the three items of `items` a patient most often misses.
    public static let short =
        "Before it: no retinoids or acids on the area for 2 days, no sun or tanning; call us if you have a cold sore, an infection or sunburn there."

    /// The pre-care as a plain-text list, one item per line.
    public static var text: String { items.map { "- " + $0.text }.joined(separator: "\n") }
}
