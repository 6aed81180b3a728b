import Foundation
import StratumCore

// Benchmark: one patient's screening + session check + a 6-session plan, the work a practitioner waits for
// on every change in the session form. Target: median under 50 µs (issue 2). Run: see bench/README.md.

let planJSON = """
    {"patient":{"birthDate":"1988-03-14","sex":"female","fitzpatrick":5,"screening":{"answeredOn":"2026-11-20","answers":{
    "activeInfectionInArea":false,"openWoundInArea":false,"skinCancerOrChangingLesionInArea":false,"activeAcneInArea":false,
    "isotretinoinCurrent":false,"isotretinoinLastDose":null,"pregnantOrBreastfeeding":false,"bleedingDisorder":false,
    "stainlessSteelAllergy":false,"anaestheticAllergy":false,"sunburnInArea":false,"anticoagulants":true,"keloidHistory":false,
    "herpesHistory":true,"immunosuppressed":false,"poorlyControlledDiabetes":false,"autoimmuneSkinDisease":false,
    "radiotherapyToArea":null,"recentTanning":false,"retinoidOrAcidLast2Days":false,"surgeryOrTraumaInArea":null,
    "deepPeelOrDermabrasion":null,"metalAllergy":false,"topicalAllergy":false}}},
    "indications":["pigmentation"],"zones":[{"site":"cheek","side":"left"},{"site":"cheek","side":"right"},{"site":"forehead","side":"midline"}],
    "device":{"kind":"pen","minDepthMM":0.25,"maxDepthMM":2.5,"needleMaterial":"stainless-steel"},
    "startDate":"2026-12-01","sessions":6,"intervalWeeks":2}
    """

let plan = try! RequestReader.plan(planJSON)
let p = plan.request.patient
let proposal = SessionProposal(
    patient: p, indications: [.pigmentation], device: plan.request.device, date: LocalDate(iso: "2027-01-05")!,
    zones: [
        ZoneDose(zone: Zone(site: .cheek, side: .left), depthMM: 1.0, passes: 3),
        ZoneDose(zone: Zone(site: .cheek, side: .right), depthMM: 1.0, passes: 3),
        ZoneDose(zone: Zone(site: .forehead, side: .midline), depthMM: 0.75, passes: 2)
    ],
    sterility: SterilityFacts(
        singleUsePart: SingleUsePart(
            lot: "A123", expiry: LocalDate(iso: "2027-06-30")!, serial: "S1",
            previouslyUsed: false, lotRecalled: false), pack: nil),
    handpiece: HandpieceFacts(cleanedSinceLastUse: true), topical: nil, consentSigned: true,
    previousSessions: [
        PriorSession(
            date: LocalDate(iso: "2026-12-15")!,
            zones: [
                ZoneDepth(zone: Zone(site: .cheek, side: .left), depthMM: 0.75),
                ZoneDepth(zone: Zone(site: .cheek, side: .right), depthMM: 0.75)
            ],
            reactionsResolvedWithinDays: 2, openAdverseEvent: false)
    ])

func measure(_ name: String, iterations: Int, _ body: () -> Int) -> (median: Double, p99: Double) {
    var sink = 0
    for _ in 0..<1_000 { sink &+= body() }  // warm-up
    let clock = ContinuousClock()
    var samples: [Double] = []
    samples.reserveCapacity(iterations)
    for _ in 0..<iterations {
        let start = clock.now
        sink &+= body()
        let d = clock.now - start
        samples.append(Double(d.components.attoseconds) / 1e12 + Double(d.components.seconds) * 1e6)
    }
    samples.sort()
    let median = samples[samples.count / 2], p99 = samples[samples.count * 99 / 100]
    print(
        "\(name.padding(toLength: 58, withPad: " ", startingAt: 0)) median \(String(format: "%7.2f", median)) µs   p99 \(String(format: "%7.2f", p99)) µs   (n=\(iterations), sink \(sink % 10))"
    )
    return (median, p99)
}

let iterations = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 20_000
print("stratum bench: \(iterations) iterations, \(ProcessInfo.processInfo.activeProcessorCount) cores")
let core = measure("screening + session check + 6-session plan (core)", iterations: iterations) {
    let s = ScreeningCheck.findings(
        patient: p, on: proposal.date, zones: proposal.zones.map(\.zone), device: proposal.device,
        context: .session, policy: .standard)
    let c = SessionCheck.check(proposal)
    let r = CoursePlanner.plan(plan.request)
    return s.count + c.findings.count + r.course.sessions.count
}
_ = measure("same, plus reading the plan JSON and writing the result JSON", iterations: iterations / 4) {
    let doc = try! RequestReader.plan(planJSON)
    let r = CoursePlanner.plan(doc.request, policy: doc.policy)
    let c = SessionCheck.check(proposal)
    return JSONWriter.write(ResultWriter.document(r)).count + c.findings.count
}
_ = measure("  of which: session check alone", iterations: iterations) { SessionCheck.check(proposal).findings.count }
_ = measure("  of which: 6-session plan alone", iterations: iterations) { CoursePlanner.plan(plan.request).course.sessions.count }
// The outcome forecast (issue 6): one patient's forecast from the clinic's fitted curve, and fitting that curve on
// 200 patients of six scores each (done once per indication and scale, not per request).
let cohort: [ResponseTrajectory] = (0..<200).map { i in
    let a = 2.0 + Double(i % 7) * 0.3
    return ResponseTrajectory(
        points: (1...6).map { n in (session: n, improvement: a * (1 - exp(-0.4 * Double(n))) + Double((i * 7 + n) % 5) * 0.1 - 0.2) })
}
let curve = PopulationCurve.fit(cohort)!
let prior = PopulationCurve(rate: 0.35, meanAmplitude: 1, amplitudeSD: 0.8, noiseSD: 0.5, patients: 0, meanAmplitudeSE: 0.5)
let own = ResponseTrajectory(points: [(1, 0.9), (2, 1.4), (3, 1.9)])
let forecast = measure("forecast for one patient (fitted curve, 3 scores, goal)", iterations: iterations) {
    Int(ResponseForecast.forecast(own: own, totalSessions: 6, goal: 2.5, curve: curve, prior: prior).expectedImprovement * 1000)
}
_ = measure("  context: fitting the clinic's curve on 200 patients", iterations: max(50, iterations / 100)) { PopulationCurve.fit(cohort)!.patients }

let target = 50.0, forecastTarget = 1000.0
let corePass = core.median < target, forecastPass = forecast.p99 < forecastTarget
print(
    corePass
        ? "PASS: median \(String(format: "%.2f", core.median)) µs < \(Int(target)) µs"
        : "FAIL: median \(String(format: "%.2f", core.median)) µs >= \(Int(target)) µs")
print(
    forecastPass
        ? "PASS: forecast p99 \(String(format: "%.2f", forecast.p99)) µs < 1 ms"
        : "FAIL: forecast p99 \(String(format: "%.2f", forecast.p99)) µs >= 1 ms")
exit(corePass && forecastPass ? 0 : 1)
