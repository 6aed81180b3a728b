/// Device, sterility and traceability rules of POLICY §4 for one session.
public enum SterilityRules {
    public static func findings(
        sterility: SterilityFacts, handpiece: HandpieceFacts?, device: DeviceSpec,
        date: LocalDate, policy: ClinicalPolicy
    ) -> [Finding] {
        var out: [Finding] = []
        func add(_ rule: RuleID, _ message: String) { out.append(policy.finding(rule, message)) }

        if sterility.singleUsePart == nil && sterility.pack == nil {
            add(.devNoSterilePart, "No sterile single-use part and no sterilization pack is recorded for the needles")
        }
        if let part = sterility.singleUsePart {
            let serial = part.serial.map { " serial \($0)" } ?? ""
            if part.previouslyUsed {
                add(.devReuse, "Lot \(part.lot)\(serial) was already used in another session; single-use parts are never reused")
            }
            if part.expiry < date {
                add(.devLotExpired, "Lot \(part.lot) expired on \(part.expiry), before the session on \(date)")
            }
            if part.lotRecalled || part.lotQuarantined {
                add(.devLotRecalled, "Lot \(part.lot) is \(part.lotRecalled ? "recalled" : "quarantined")")
            }
        }
        if let pack = sterility.pack {
            var failures: [String] = []
            if pack.cycleStatus != .passed { failures.append("cycle \(pack.cycleStatus.rawValue)") }
            if pack.chemicalIndicator == .fail { failures.append("chemical indicator failed") }
            if pack.biologicalIndicator == .fail { failures.append("biological indicator failed") }
            switch pack.state {
            case .used?: add(.devReuse, "The pack is already bound to another session; a pack is used once, then reprocessed")
            case .quarantined?: failures.append("the pack is quarantined")
            case .assembled?, .sterilized?: failures.append("the pack is \(pack.state!.rawValue) but was never released")
            case .expired?: add(.devPackExpired, "The pack is recorded as expired")
            case .released?, nil: break
            }
            if !failures.isEmpty {
                add(.devPackNotReleased, "The pack is not released: \(failures.joined(separator: ", "))")
            } else if pack.biologicalIndicator == .pending {
                add(.devPackBIPending, "The pack's cycle passed its physical and chemical checks; the biological indicator is still pending")
            }
            if let expires = pack.expiresOn, expires < date {
                add(.devPackExpired, "The pack's shelf life ended on \(expires), before the session on \(date)")
            }
            if pack.wrapCompromised {
                add(.devPackExpired, "The pack's wrap is recorded as compromised")
            }
        }
        if device.kind == .pen && handpiece?.cleanedSinceLastUse != true {
            add(
                .devHandpiece,
                handpiece == nil
                    ? "No cleaning record for the pen handpiece since its last use"
                    : "The pen handpiece has not been cleaned and disinfected since its last use")
        }
        return out
    }
}
