import Testing
@testable import StratumCore

/// A pack that passed everything, then one change.
func pack(_ change: (inout SterilizationPackFacts) -> Void) -> SterilizationPackFacts {
    var p = Fixture.releasedPack()
    change(&p)
    return p
}

@Suite("Device, sterility and traceability rules (POLICY §4)")
struct SterilityRuleTests {
    static let firing: [Firing] = [
        Firing(.devNoSterilePart, .stop, "neither a single-use part nor a pack") { $0.sterility = SterilityFacts(singleUsePart: nil, pack: nil) },
        Firing(.devReuse, .stop, "the cartridge was already used in another session") { $0.sterility.singleUsePart?.previouslyUsed = true },
        Firing(.devReuse, .stop, "a used cartridge without a serial (same package)") {
            $0.sterility.singleUsePart?.serial = nil; $0.sterility.singleUsePart?.previouslyUsed = true
        },
        Firing(.devLotExpired, .stop, "the lot expired the day before the session") { $0.sterility.singleUsePart?.expiry = day("2027-03-09") },
        Firing(.devLotRecalled, .stop, "the lot is recalled") { $0.sterility.singleUsePart?.lotRecalled = true },
        Firing(.devLotRecalled, .stop, "the lot is quarantined") { $0.sterility.singleUsePart?.lotQuarantined = true },
        Firing(.devPackNotReleased, .stop, "the cycle failed") {
            $0.sterility = SterilityFacts(singleUsePart: nil, pack: pack { $0.cycleStatus = .failed })
        },
        Firing(.devPackNotReleased, .stop, "the cycle did not complete") {
            $0.sterility = SterilityFacts(singleUsePart: nil, pack: pack { $0.cycleStatus = .incomplete })
        },
        Firing(.devPackNotReleased, .stop, "the chemical indicator failed") {
            $0.sterility = SterilityFacts(singleUsePart: nil, pack: pack { $0.chemicalIndicator = .fail })
        },
        Firing(.devPackNotReleased, .stop, "the biological indicator failed") {
            $0.sterility = SterilityFacts(singleUsePart: nil, pack: pack { $0.biologicalIndicator = .fail })
        },
        Firing(.devPackNotReleased, .stop, "a failed pack beside a good single-use part") {
            $0.sterility.pack = pack { $0.biologicalIndicator = .fail }
        },
        Firing(.devPackBIPending, .caution, "biological indicator pending after a passed cycle") {
            $0.sterility = SterilityFacts(singleUsePart: nil, pack: pack { $0.biologicalIndicator = .pending })
        },
        Firing(.devPackExpired, .stop, "the pack's shelf life ended the day before") {
            $0.sterility = SterilityFacts(singleUsePart: nil, pack: pack { $0.expiresOn = day("2027-03-09") })
        },
        Firing(.devPackExpired, .stop, "the pack's wrap is compromised") {
            $0.sterility = SterilityFacts(singleUsePart: nil, pack: pack { $0.wrapCompromised = true })
        },
        Firing(.devHandpiece, .caution, "the pen handpiece was not cleaned") { $0.handpiece = HandpieceFacts(cleanedSinceLastUse: false) },
        Firing(.devHandpiece, .caution, "no cleaning record for the pen handpiece") { $0.handpiece = nil }
    ]

    @Test("Fires", arguments: firing)
    func fires(_ c: Firing) {
        let result = Fixture.check(c.change)
        #expect(!result.findings.severities(of: c.rule).isEmpty)
        #expect(result.findings.severities(of: c.rule).allSatisfy { $0 == c.severity })
        #expect(result.decision == (c.severity == .stop ? .doNotTreat : .proceedWithCaution))
    }

    static let nearMisses: [NearMiss] = [
        NearMiss(.devNoSterilePart, "a released pack and no single-use part") {
            $0.sterility = SterilityFacts(singleUsePart: nil, pack: Fixture.releasedPack())
        },
        NearMiss(.devReuse, "a new cartridge") { $0.sterility.singleUsePart?.previouslyUsed = false },
        NearMiss(.devLotExpired, "the lot expires on the session date") { $0.sterility.singleUsePart?.expiry = Fixture.sessionDate },
        NearMiss(.devLotRecalled, "a lot neither recalled nor quarantined") { $0.sterility.singleUsePart?.lotRecalled = false },
        NearMiss(.devPackNotReleased, "every check passed") {
            $0.sterility = SterilityFacts(singleUsePart: nil, pack: Fixture.releasedPack())
        },
        NearMiss(.devPackNotReleased, "biological indicator only pending") {
            $0.sterility = SterilityFacts(singleUsePart: nil, pack: pack { $0.biologicalIndicator = .pending })
        },
        NearMiss(.devPackBIPending, "biological indicator passed") {
            $0.sterility = SterilityFacts(singleUsePart: nil, pack: Fixture.releasedPack())
        },
        NearMiss(.devPackBIPending, "a failed cycle with a pending indicator is not released, not merely pending") {
            $0.sterility = SterilityFacts(
                singleUsePart: nil,
                pack: pack {
                    $0.cycleStatus = .failed; $0.biologicalIndicator = .pending
                })
        },
        NearMiss(.devPackExpired, "the pack expires on the session date") {
            $0.sterility = SterilityFacts(singleUsePart: nil, pack: pack { $0.expiresOn = Fixture.sessionDate })
        },
        NearMiss(.devPackExpired, "event-related shelf life only (no date), wrap intact") {
            $0.sterility = SterilityFacts(singleUsePart: nil, pack: pack { $0.expiresOn = nil })
        },
        NearMiss(.devHandpiece, "a roller has no handpiece") {
            $0.device = Fixture.roller(1.0); $0.handpiece = nil
        },
        NearMiss(.devHandpiece, "a stamp has no handpiece") {
            $0.device = DeviceSpec(kind: .stamp, length: .fixed(1.0), needleMaterial: .titanium); $0.handpiece = nil
        },
        NearMiss(.devHandpiece, "the pen handpiece was cleaned") { $0.handpiece = HandpieceFacts(cleanedSinceLastUse: true) }
    ]

    @Test("Does not fire", arguments: nearMisses)
    func nearMiss(_ c: NearMiss) {
        let result = Fixture.check(c.change)
        #expect(!result.findings.has(c.rule), "\(result.findings.map(\.message))")
    }

    @Test("A failed cycle with a pending indicator is refused outright")
    func failedAndPending() {
        let result = Fixture.check {
            $0.sterility = SterilityFacts(
                singleUsePart: nil,
                pack: pack {
                    $0.cycleStatus = .failed; $0.biologicalIndicator = .pending
                })
        }
        #expect(result.findings.severities(of: .devPackNotReleased) == [.stop])
        #expect(result.decision == .doNotTreat)
    }
}
