import Testing
@testable import StratumCore

@Suite("AE-CLUSTER and adverse-event vocabulary (POLICY §6)")
struct InfectionClusterTests {
    func d(_ s: String) -> LocalDate { LocalDate(iso: s)! }

    @Test("AE-CLUSTER: two infections 30 days apart on one sterilizer raise a stop; 31 days apart do not")
    func window() {
        let near = InfectionCluster.alerts([
            InfectionExposure(onset: d("2027-01-01"), sterilizer: "AUTO-1"),
            InfectionExposure(onset: d("2027-01-31"), sterilizer: "AUTO-1")
        ])
        #expect(near.count == 1)
        #expect(near.first?.finding.rule == .aeCluster)
        #expect(near.first?.finding.severity == .stop)
        #expect(near.first?.source == .sterilizer)
        let far = InfectionCluster.alerts([
            InfectionExposure(onset: d("2027-01-01"), sterilizer: "AUTO-1"),
            InfectionExposure(onset: d("2027-02-01"), sterilizer: "AUTO-1")
        ])
        #expect(far.isEmpty)
    }

    @Test("AE-CLUSTER: infections on different items are no cluster; a shared lot or handpiece is")
    func linkage() {
        let apart = InfectionCluster.alerts([
            InfectionExposure(onset: d("2027-01-01"), lot: "L1", handpiece: "H1"),
            InfectionExposure(onset: d("2027-01-05"), lot: "L2", handpiece: "H2")
        ])
        #expect(apart.isEmpty)
        let shared = InfectionCluster.alerts([
            InfectionExposure(onset: d("2027-01-01"), lot: "L1", handpiece: "H1"),
            InfectionExposure(onset: d("2027-01-05"), lot: "L2", handpiece: "H1")
        ])
        #expect(shared.map(\.source) == [.handpiece])
        #expect(shared.first?.identifier == "H1")
        #expect(InfectionCluster.alerts([InfectionExposure(onset: d("2027-01-01"), lot: "L1")]).isEmpty)
    }

    @Test("the densest 30-day window is reported")
    func densest() {
        let onsets = ["2027-01-01", "2027-03-01", "2027-03-10", "2027-03-20"].map { InfectionExposure(onset: d($0), lot: "L9") }
        let alert = InfectionCluster.alerts(onsets)
        #expect(alert.first?.onsets.map(\.description) == ["2027-03-01", "2027-03-10", "2027-03-20"])
    }

    @Test("adverse-event types are POLICY §6's thirteen; the seed's four come first; CTCAE has five graded definitions")
    func vocabulary() {
        #expect(AdverseEventType.allCases.count == 13)
        #expect(AdverseEventType.allCases.prefix(4).map(\.rawValue) == ["bruising", "bleeding", "pigmentation", "infection-bacterial"])
        #expect(AdverseEventType.allCases.filter(\.namedBySeed).count == 4)
        #expect(CTCAEGrade.allCases.map(\.rawValue) == [1, 2, 3, 4, 5])
        #expect(CTCAEGrade.severe.definition.contains("hospitalisation"))
        #expect(SuspectedCause.allCases.count == 4)
    }
}
