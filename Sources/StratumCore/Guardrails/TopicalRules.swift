import Foundation

/// Rules for substances applied during needling and for the delivery indication (POLICY §1 `DEL-*`).
public enum TopicalRules {
    public static func findings(
        topical: TopicalFacts?, indications: [IndicationID], policy: ClinicalPolicy,
        forPlan: Bool = false
    ) -> [Finding] {
        var out: [Finding] = []
        if indications.contains(.transdermalDelivery) {
            out.append(
                policy.finding(
                    .delReg,
                    "Transdermal delivery: devices intended for delivery fall outside US aesthetic-microneedling classification; use only products approved for intradermal use",
                    forPlan: forPlan))
        }
        if let topical {
            let product = topical.product?.trimmingCharacters(in: .whitespaces) ?? ""
            let lot = topical.lot?.trimmingCharacters(in: .whitespaces) ?? ""
            if product.isEmpty || lot.isEmpty {
                let missing = [product.isEmpty ? "product name" : nil, lot.isEmpty ? "lot" : nil].compactMap { $0 }
                out.append(policy.finding(.delLot, "The applied substance has no recorded \(missing.joined(separator: " and "))", forPlan: forPlan))
            }
            if !topical.approvedForIntradermal {
                out.append(
                    policy.finding(
                        .delProduct,
                        "\(product.isEmpty ? "The applied substance" : product) is not approved for intradermal use: granulomatous reactions have followed such products",
                        forPlan: forPlan))
            }
        }
        return out
    }
}
