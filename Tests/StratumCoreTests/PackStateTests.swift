import Testing
@testable import StratumCore

@Suite("Sterilization packs: states and the recall window (POLICY §4)")
struct PackStateTests {
    @Test("assembled → sterilized → released → used, and nothing skips a step")
    func happyPath() throws {
        let sterilized = try PackState.assembled.after(.sterilize(.passed))
        #expect(sterilized == .sterilized)
        let released = try sterilized.after(.release(cycle: .passed, chemical: .pass, biological: .pass))
        #expect(released == .released)
        #expect(try released.after(.use) == .used)
        #expect(throws: PackTransitionError.self) { try PackState.assembled.after(.use) }
        #expect(throws: PackTransitionError.self) { try PackState.sterilized.after(.use) }
        #expect(throws: PackTransitionError.self) { try PackState.assembled.after(.release(cycle: .passed, chemical: .pass, biological: .pass)) }
    }

    @Test("a failed cycle quarantines its packs at once; release needs a passed cycle and chemical indicator")
    func releaseRules() throws {
        #expect(try PackState.assembled.after(.sterilize(.failed)) == .quarantined)
        #expect(try PackState.assembled.after(.sterilize(.incomplete)) == .quarantined)
        for (cycle, chemical, biological) in [
            (CycleStatus.failed, IndicatorResult.pass, BiologicalIndicatorResult.pass),
            (.passed, .fail, .pass), (.passed, .pass, .fail)
        ] {
            do {
                _ = try PackState.sterilized.after(.release(cycle: cycle, chemical: chemical, biological: biological))
                Issue.record("released despite \(cycle) \(chemical) \(biological)")
            } catch {
                #expect(error.message.hasPrefix("DEV-PACK-NOT-RELEASED"))
            }
        }
        // CDC 2008: a non-implantable load may be released on physical and chemical monitoring (DEV-PACK-BI-PENDING).
        #expect(try PackState.sterilized.after(.release(cycle: .passed, chemical: .pass, biological: .pending)) == .released)
    }

    @Test("a used pack is never used again; final states accept no further change")
    func finalStates() throws {
        do { _ = try PackState.used.after(.use); Issue.record("reused") } catch { #expect(error.message.hasPrefix("DEV-REUSE")) }
        for state in [PackState.used, .quarantined, .expired] {
            #expect(state.isFinal)
            for event in [PackEvent.quarantine, .expire, .sterilize(.passed), .release(cycle: .passed, chemical: .pass, biological: .pass)] {
                #expect(throws: PackTransitionError.self) { try state.after(event) }
            }
        }
        #expect(try PackState.released.after(.expire) == .expired)
        #expect(try PackState.sterilized.after(.quarantine) == .quarantined)
    }

    @Test("a pack's registry state feeds the rules: used is DEV-REUSE, quarantined or unreleased DEV-PACK-NOT-RELEASED")
    func stateFindings() {
        func rules(_ state: PackState) -> [RuleID] {
            let pack = SterilizationPackFacts(
                cycleStatus: .passed, chemicalIndicator: .pass, biologicalIndicator: .pass, expiresOn: nil,
                wrapCompromised: false, state: state)
            return SterilityRules.findings(
                sterility: SterilityFacts(singleUsePart: nil, pack: pack), handpiece: nil,
                device: DeviceSpec(kind: .roller, length: .fixed(0.5), needleMaterial: .titanium),
                date: LocalDate(iso: "2027-01-10")!, policy: .standard
            ).map(\.rule)
        }
        #expect(rules(.released) == [])
        #expect(rules(.used) == [.devReuse])
        #expect(rules(.quarantined) == [.devPackNotReleased])
        #expect(rules(.sterilized) == [.devPackNotReleased])
        #expect(rules(.expired) == [.devPackExpired])
    }

    @Test("a failed biological indicator exposes every cycle since the last pass and until the next one")
    func recallWindow() {
        let results: [(Int, BiologicalIndicatorResult)] = [
            (1, .pass), (2, .pending), (3, .pass), (4, .pending), (5, .fail), (6, .pending), (7, .pass), (8, .pending)
        ]
        let cycles = results.map { CycleOutcome(number: $0.0, biological: $0.1) }
        #expect(RecallWindow.exposedCycles(cycles, failed: 5) == [4, 5, 6])
        #expect(RecallWindow.exposedCycles(cycles, failed: 4) == [], "only a failure opens a recall")
        // No pass before: everything from the first cycle; no pass after: everything since.
        let early = [CycleOutcome(number: 1, biological: .fail), CycleOutcome(number: 2, biological: .pending)]
        #expect(RecallWindow.exposedCycles(early, failed: 1) == [1, 2])
        #expect(RecallWindow.bounds(cycles, failed: 5).after == 3 && RecallWindow.bounds(cycles, failed: 5).before == 7)
    }
}
