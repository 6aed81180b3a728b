import PropertyBased
import Testing
@testable import StratumCore

/// Devices move in 0.05 mm steps; comparisons allow half a micrometre of binary rounding, as POLICY's rules do.
private let tolerance = 0.0005
private let plannableSites = SiteID.allCases.filter { $0 != .eyelid }
/// Stop ceilings and caution ceilings typed from POLICY §2 (not read from the code under test).
private let stopCeiling = Dictionary(uniqueKeysWithValues: policySiteTable.map { ($0.0, $0.5) })
private let cautionCeiling = Dictionary(uniqueKeysWithValues: policySiteTable.map { ($0.0, $0.4) })

private func indications(mask: Int) -> [IndicationID] {
    IndicationID.allCases.enumerated().filter { mask & (1 << $0.offset) != 0 }.map(\.element)
}

private func encloses(_ outer: DepthRange, _ inner: DepthRange) -> Bool {
    inner.lower >= outer.lower - tolerance && inner.upper <= outer.upper + tolerance && inner.lower <= inner.upper
}

@Suite("Clinical invariants, by property")
struct PropertyTests {
    // (1) Every planned depth is within 0.2–3.0 mm, the device and the site's stop ceiling, or the plan says why it refuses.
    @Test("Planned depths stay within the physical range, the device and the site's stop ceiling, or the plan is do-not-treat naming why")
    func plannedDepthsBounded() async {
        await propertyCheck(
            count: 400, input: Gen.double(in: 0.1...3.5), Gen.double(in: 0.1...3.5),
            Gen.int(in: 0...(plannableSites.count - 1)), Gen.int(in: 0...2047), Gen.int(in: 1...6),
            Gen.int(in: 1...12)
        ) { a, b, siteIndex, mask, fitz, sessions in
            let lo = min(a, b), hi = max(a, b)
            let zone = Zone(site: plannableSites[siteIndex], side: .left)
            let inds = indications(mask: mask)
            let result = Fixture.planned {
                $0.device = DeviceSpec(kind: .pen, length: .adjustable(DepthRange(lo, hi)), needleMaterial: .titanium)
                $0.zones = [zone]
                $0.indications = inds
                $0.patient.fitzpatrick = fitz
                $0.sessions = sessions
            }
            #expect(result.course.sessions.count == sessions)
            let stop = stopCeiling[zone.site]!
            let caution = cautionCeiling[zone.site]!
            let zoneRules = Set(result.findings.filter { $0.zone == zone }.map(\.rule))
            for s in result.course.sessions {
                let d = try #require(s.zones.first { $0.zone == zone }?.depthMM)
                let outsidePhysical = d < 0.2 - tolerance || d > 3.0 + tolerance
                let outsideDevice = d < lo - 0.0005 || d > hi + 0.0005
                let aboveStop = d > stop + tolerance
                if outsidePhysical { #expect(zoneRules.contains(.depthRange), "\(d) mm planned without DEPTH-RANGE") }
                if outsideDevice { #expect(zoneRules.contains(.depthDevice), "\(d) mm outside \(lo)–\(hi) without DEPTH-DEVICE") }
                if aboveStop { #expect(zoneRules.contains(.depthSiteStop), "\(d) mm above \(stop) without DEPTH-SITE-STOP") }
                if outsidePhysical || outsideDevice || aboveStop {
                    #expect(result.decision == .doNotTreat)
                }
                if d > caution + tolerance && !aboveStop { #expect(zoneRules.contains(.depthSiteCaution)) }
                if fitz >= 4 {
                    let cap = inds.contains(.pigmentation) ? 1.0 : 1.5
                    if d > cap + tolerance { #expect(zoneRules.contains(.depthPhototype)) }
                }
            }
        }
    }

    // (1b) A realistic device (0.05 mm steps) that can reach the site safely is always planned safely.
    @Test("With a 0.05 mm-step pen that reaches between 0.2 mm and the site's stop ceiling, no depth is ever refused")
    func realisticDevicesPlanSafely() async {
        await propertyCheck(
            count: 400, input: Gen.int(in: 2...70), Gen.int(in: 2...70),
            Gen.int(in: 0...(plannableSites.count - 1)), Gen.int(in: 0...2047), Gen.int(in: 1...6),
            Gen.int(in: 1...12)
        ) { a, b, siteIndex, mask, fitz, sessions in
            let lo = Double(min(a, b)) * 0.05, hi = Double(max(a, b)) * 0.05
            let site = plannableSites[siteIndex]
            let stop = stopCeiling[site]!
            guard lo <= stop + tolerance, hi >= 0.2 - tolerance else { return }
            let zone = Zone(site: site, side: .right)
            let result = Fixture.planned {
                $0.device = DeviceSpec(kind: .pen, length: .adjustable(DepthRange(lo, hi)), needleMaterial: .titanium)
                $0.zones = [zone]
                $0.indications = indications(mask: mask)
                $0.patient.fitzpatrick = fitz
                $0.sessions = sessions
            }
            let refused = result.findings.filter { [.depthRange, .depthDevice, .depthSiteStop].contains($0.rule) }
            #expect(refused.isEmpty, "device \(lo)–\(hi) on \(site): \(refused.map(\.message))")
            #expect(result.decision != .doNotTreat)
            for s in result.course.sessions {
                let d = s.zones[0].depthMM
                #expect(d >= max(0.2, lo) - tolerance && d <= min(3.0, hi, stop) + tolerance)
            }
        }
    }

    // (2) The decision is the worst finding, and POLICY's stop conditions always end in do-not-treat.
    @Test("Any stop means do-not-treat; no stop and a caution means proceed-with-caution; and POLICY's stop conditions are never missed")
    func stopMeansDoNotTreat() async {
        let stopKeys: [ScreeningKey] = [
            .activeInfectionInArea, .openWoundInArea, .skinCancerOrChangingLesionInArea, .activeAcneInArea,
            .isotretinoinCurrent, .pregnantOrBreastfeeding, .bleedingDisorder, .stainlessSteelAllergy,
            .anaestheticAllergy, .sunburnInArea
        ]
        await propertyCheck(
            count: 500, input: Gen.int(in: 0...80).array(of: 1...3), Gen.int(in: 0...(SiteID.allCases.count - 1)).array(of: 3),
            Gen.int(in: 0...9).array(of: 24), Gen.bool(0.15).array(of: 12), Gen.int(in: 1...6),
            Gen.int(in: 0...120), Gen.int(in: 1...2047)
        ) { steps, siteIndices, answers, flags, fitz, age, mask in
            var screening = ScreeningResponse(answeredOn: Fixture.sessionDate.adding(days: -age), answers: [:])
            for (i, key) in ScreeningKey.allCases.enumerated() {
                switch answers[i] {
                case 0: break  // unanswered (1 in 10)
                case 1, 2: screening.answers[key] = dateKeys.contains(key) ? .lastDate(Fixture.sessionDate.adding(months: -1)) : .yesNo(true)
                default: screening.answers[key] = dateKeys.contains(key) ? .lastDate(nil) : .yesNo(false)
                }
            }
            let zones = steps.enumerated().map { i, k in
                ZoneDose(zone: Zone(site: SiteID.allCases[siteIndices[i]], side: Side.allCases[i]), depthMM: Double(k) * 0.05, passes: 1)
            }
            let proposal = Fixture.session {
                $0.patient.screening = screening
                $0.patient.fitzpatrick = fitz
                $0.indications = indications(mask: mask)
                $0.zones = zones
                if flags[0] { $0.sterility.singleUsePart = nil }
                $0.sterility.singleUsePart?.previouslyUsed = flags[1]
                if flags[2] { $0.sterility.singleUsePart?.expiry = Fixture.sessionDate.adding(days: -1) }
                $0.sterility.singleUsePart?.lotRecalled = flags[3]
                if flags[4] {
                    $0.sterility.pack = SterilizationPackFacts(
                        cycleStatus: flags[5] ? .failed : .passed, chemicalIndicator: .pass,
                        biologicalIndicator: flags[6] ? .pending : .pass,
                        expiresOn: nil, wrapCompromised: flags[7])
                }
                $0.handpiece = HandpieceFacts(cleanedSinceLastUse: !flags[8])
                $0.consentSigned = !flags[9]
                if flags[10] || flags[11] {
                    $0.topical = TopicalFacts(product: "Serum", lot: flags[11] ? nil : "S-1", approvedForIntradermal: !flags[10])
                }
            }
            let result = SessionCheck.check(proposal)
            let severities = result.findings.map(\.severity)

            // The decision vocabulary.
            if severities.contains(.stop) { #expect(result.decision == .doNotTreat) }
            if !severities.contains(.stop) && severities.contains(.caution) { #expect(result.decision == .proceedWithCaution) }
            if severities.allSatisfy({ $0 == .info }) { #expect(result.decision == .proceed) }

            // An independent reading of POLICY's stop conditions for this proposal.
            let s = proposal.sterility
            var reasons: [String] = []
            if stopKeys.contains(where: { screening.yes($0) == true }) { reasons.append("stop screening answer") }
            if screening.lastDate(.isotretinoinLastDose) != nil { reasons.append("isotretinoin 1 month ago") }
            if screening.answers.count < 24 { reasons.append("incomplete") }
            if age > 90 { reasons.append("stale") }
            if !proposal.consentSigned { reasons.append("consent") }
            if s.singleUsePart == nil && s.pack == nil { reasons.append("no sterile part") }
            if let p = s.singleUsePart, p.previouslyUsed || p.lotRecalled || p.expiry < proposal.date { reasons.append("part") }
            if let p = s.pack, p.cycleStatus != .passed || p.wrapCompromised { reasons.append("pack") }
            if let t = proposal.topical, t.lot == nil { reasons.append("topical lot") }
            for z in zones {
                if z.zone.site == .eyelid { reasons.append("eyelid"); continue }
                if z.depthMM < 0.2 - tolerance || z.depthMM > 3.0 + tolerance { reasons.append("physical range") }
                if z.depthMM < 0.25 - tolerance || z.depthMM > 2.5 + tolerance { reasons.append("device range") }
                if z.depthMM > stopCeiling[z.zone.site]! + tolerance { reasons.append("site stop") }
            }
            #expect(
                (result.decision == .doNotTreat) == !reasons.isEmpty,
                "reasons \(reasons); findings \(result.findings.filter { $0.severity == .stop }.map(\.rule.rawValue))")
        }
    }

    // (3) A clinic override never widens the policy.
    @Test("Overrides either fail or leave the policy no wider anywhere; strict narrowings are accepted")
    func overridesNeverWiden() async {
        let std = ClinicalPolicy.standard
        var accepted = 0, refused = 0
        // Each part of the override is present a third of the time, and widens a sixth of the time it is present.
        await propertyCheck(
            count: 800, input: Gen.double(in: 0.1...1.15).array(of: 8), Gen.int(in: 0...10_000).array(of: 10),
            Gen.bool(0.3).array(of: 10)
        ) { f, n, on in
            let site = SiteID.allCases[n[0] % SiteID.allCases.count]
            let indication = IndicationID.allCases[n[1] % IndicationID.allCases.count]
            var siteLimits = ClinicPolicyOverride.SiteLimits()
            var indLimits = ClinicPolicyOverride.IndicationLimits()
            var o = ClinicPolicyOverride()
            var narrowing = true  // whether every change is within the shipped policy (the oracle)

            let base = std.site(site)
            if let t = base.typical, let c = base.cautionAbove, let st = base.stopAbove {
                let span = t.upper - t.lower
                if on[0] { siteLimits.typical = DepthRange(t.lower + (f[0] - 0.3) * span, t.upper - (f[1] - 0.3) * span) }
                if on[1] { siteLimits.cautionAbove = c * f[2] }
                if on[2] { siteLimits.stopAbove = st * f[3] }
                if let typ = siteLimits.typical, !encloses(t, typ) { narrowing = false }
                if let cv = siteLimits.cautionAbove, cv > c + tolerance { narrowing = false }
                if let sv = siteLimits.stopAbove, sv > st + tolerance { narrowing = false }
                // A lower stop ceiling alone pulls the caution ceiling down with it; an explicit caution above the stop contradicts it.
                let effectiveStop = siteLimits.stopAbove ?? st
                if (siteLimits.cautionAbove ?? min(c, effectiveStop)) > effectiveStop + tolerance { narrowing = false }
            } else if on[0] || on[1] || on[2] {
                siteLimits.stopAbove = 0.25
                narrowing = false  // the eyelid has no limits to change
            }
            if on[0] || on[1] || on[2] { o.sites[site] = siteLimits }

            let ind = std.indication(indication)
            func vary(_ r: DepthRange?, _ a: Double, _ b: Double) -> DepthRange {
                guard let r else { narrowing = false; return DepthRange(0.5, 1.0) }
                let span = r.upper - r.lower
                let v = DepthRange(r.lower + (a - 0.3) * span, r.upper - (b - 0.3) * span)
                if !encloses(r, v) { narrowing = false }
                return v
            }
            if on[3] { indLimits.faceDepth = vary(ind.faceDepth, f[4], f[5]) }
            if on[4] { indLimits.bodyDepth = vary(ind.bodyDepth, f[6], f[7]) }
            if on[5] {
                let a = ind.allowedIntervalWeeks.lowerBound + n[2] % 4 - 1
                let b = ind.allowedIntervalWeeks.upperBound - n[3] % 4 + 1
                let w = min(a, b)...max(a, b)
                if w.lowerBound < ind.allowedIntervalWeeks.lowerBound || w.upperBound > ind.allowedIntervalWeeks.upperBound { narrowing = false }
                indLimits.allowedIntervalWeeks = w
            }
            if on[3] || on[4] || on[5] { o.indications[indication] = indLimits }

            for k in 0..<2 where on[6 + k] {
                let rule = RuleID.allCases[n[4 + k] % RuleID.allCases.count]
                o.severities[rule] = Severity.allCases[n[6 + k] % 3]
            }
            // Judge the override as applied: when both picks hit one rule, only the last one stands.
            for (rule, sev) in o.severities {
                let shipped = CatalogueTests.severities.first { $0.0 == rule }!.1
                if sev < shipped && !(rule == .scrIsotretinoinRecent && sev == .caution) { narrowing = false }
            }
            if on[8] {
                o.screeningValidDays = n[8] % 110
                if !(1...90).contains(n[8] % 110) { narrowing = false }
            }

            switch std.applying(o) {
            case .failure(let e):
                refused += 1
                #expect(!narrowing, "a narrowing override was refused: \(e.refusals.map(\.description))")
                #expect(!e.refusals.isEmpty)
            case .success(let p):
                accepted += 1
                #expect(narrowing, "a widening override was accepted: \(o)")
                for id in SiteID.allCases {
                    let (now, was) = (p.site(id), std.site(id))
                    guard let wt = was.typical, let wc = was.cautionAbove, let ws = was.stopAbove else {
                        #expect(now.typical == nil && now.cautionAbove == nil && now.stopAbove == nil)
                        continue
                    }
                    let nt = try #require(now.typical), nc = try #require(now.cautionAbove), ns = try #require(now.stopAbove)
                    #expect(nc <= wc + tolerance && ns <= ws + tolerance && nc <= ns + tolerance, "\(id)")
                    // Typical stays inside the shipped range, except that a stop ceiling lowered below the shipped typical
                    // range pulls the typical range down to it (shallower, never deeper).
                    #expect(encloses(wt, nt) || (ns < wt.lower && nt.upper <= ns + tolerance), "\(id): \(nt) vs \(wt)")
                    #expect(nt.upper <= ns + tolerance)
                    #expect(now.region == was.region)
                }
                for id in IndicationID.allCases {
                    let (now, was) = (p.indication(id), std.indication(id))
                    for (n, w) in [(now.faceDepth, was.faceDepth), (now.bodyDepth, was.bodyDepth)] {
                        if let w { #expect(n.map { encloses(w, $0) } == true, "\(id)") } else { #expect(n == nil, "\(id)") }
                    }
                    #expect(now.allowedIntervalWeeks.lowerBound >= was.allowedIntervalWeeks.lowerBound)
                    #expect(now.allowedIntervalWeeks.upperBound <= was.allowedIntervalWeeks.upperBound)
                    #expect(now.allowedIntervalWeeks.contains(now.defaultIntervalWeeks))
                }
                #expect((1...90).contains(p.screeningValidDays))
                for (rule, shipped) in CatalogueTests.severities {
                    let sev = p.severity(of: rule)
                    if rule == .scrIsotretinoinRecent { #expect(sev >= .caution) } else { #expect(sev >= shipped, "\(rule)") }
                    #expect(p.severity(of: rule, forPlan: true) >= std.severity(of: rule, forPlan: true) || rule == .scrIsotretinoinRecent)
                }
            }
        }
        #expect(accepted > 50 && refused > 50, "accepted \(accepted), refused \(refused)")
    }
}
