import Foundation
import StratumCore
import Testing

@Suite("stratum exit codes and outputs")
struct ExitCodeTests {
    @Test("plan: the documented pigmentation example proceeds with caution (SCR-PHOTOTYPE) and exits 0")
    func planExample() async throws {
        let run = await stratum(["plan", "--input", examplesDirectory.appendingPathComponent("plan-pigmentation.json").path])
        #expect(run.exit == 0)
        #expect(run.err.isEmpty)
        #expect(run.out.contains("PROCEED WITH CAUTION"))
        #expect(run.out.contains("SCR-PHOTOTYPE"))
        #expect(run.out.contains("2027-02-09"))
    }

    @Test("plan --format json prints the result document with six sessions two weeks apart")
    func planJSON() async throws {
        let run = await stratum(["plan", "--input", "-", "--format", "json"], stdin: try example("plan-pigmentation.json"))
        #expect(run.exit == 0)
        let doc = try JSONParser.parse(run.out)
        #expect(doc["decision"] == .string("proceed-with-caution"))
        guard case .array(let sessions)? = doc["course"]?["sessions"] else { Issue.record("no sessions"); return }
        #expect(sessions.count == 6)
        #expect(sessions[1]["date"] == .string("2026-12-15"))
        guard case .array(let zones)? = sessions[0]["zones"] else { Issue.record("no zones"); return }
        #expect(zones[0]["depthMM"] == .number(0.5))
        #expect(doc["policyVersion"] == .string(ClinicalPolicy.shippedVersion))
    }

    @Test("plan: a stop finding (SCR-ISOTRETINOIN) is do-not-treat and exits 3")
    func planDoNotTreat() async throws {
        let doc = replacing(try example("plan-pigmentation.json"), "\"isotretinoinCurrent\": false", with: "\"isotretinoinCurrent\": true")
        let run = await stratum(["plan", "--input", "-", "--format", "json"], stdin: doc)
        #expect(run.exit == 3)
        #expect(run.out.contains("\"SCR-ISOTRETINOIN\""))
        #expect(run.out.contains("\"do-not-treat\""))
    }

    @Test("check: the documented session proceeds and exits 0")
    func checkExample() async throws {
        let run = await stratum(["check", "--input", "-"], stdin: try example("check-session.json"))
        #expect(run.exit == 0)
        #expect(run.out.contains("Decision: PROCEED"))
    }

    @Test("check: 3.4 mm is well-formed but clinically wrong: DEPTH-RANGE stop, exit 3, not bad input")
    func checkDepthRange() async throws {
        let doc = replacing(try example("check-session.json"), "\"depthMM\": 1.5", with: "\"depthMM\": 3.4")
        let run = await stratum(["check", "--input", "-", "--format", "json"], stdin: doc)
        #expect(run.exit == 3)
        #expect(run.err.isEmpty)
        let result = try JSONParser.parse(run.out)
        guard case .array(let findings)? = result["findings"] else { Issue.record("no findings"); return }
        #expect(findings.contains { $0["rule"] == .string("DEPTH-RANGE") && $0["severity"] == .string("stop") })
    }

    @Test("check: a caution (DEPTH-SITE-CAUTION at 2 mm on the cheek) proceeds with caution and exits 0")
    func checkCaution() async throws {
        var doc = try example("check-session.json")
        doc = replacing(doc, "\"depthMM\": 1.5", with: "\"depthMM\": 1.75")
        let run = await stratum(["check", "--input", "-"], stdin: doc)
        #expect(run.exit == 0)
        #expect(run.out.contains("DEPTH-SITE-CAUTION"))
    }

    @Test("policy lists every rule ID, every indication and every site")
    func policyListsAll() async throws {
        let text = await stratum(["policy"])
        #expect(text.exit == 0)
        for id in RuleID.allCases { #expect(text.out.contains(id.rawValue), "text listing lacks \(id.rawValue)") }
        for id in IndicationID.allCases { #expect(text.out.contains(id.rawValue)) }
        for id in SiteID.allCases { #expect(text.out.contains(id.rawValue)) }
        let json = await stratum(["policy", "--format", "json"])
        let doc = try JSONParser.parse(json.out)
        guard case .array(let rules)? = doc["rules"] else { Issue.record("no rules"); return }
        #expect(rules.count == RuleID.allCases.count)
        #expect(rules.allSatisfy { $0["evidence"] != nil && $0["source"] != nil })
    }

    @Test("aftercare keys POLICY §7 to the session date and lists the signs to call about")
    func aftercare() async throws {
        let run = await stratum(["aftercare", "--date", "2027-01-05", "--depth", "1.5", "--format", "json"])
        #expect(run.exit == 0)
        let doc = try JSONParser.parse(run.out)
        guard case .array(let steps)? = doc["steps"] else { Issue.record("no steps"); return }
        #expect(steps.first?["from"] == .string("2027-01-05"))
        #expect(steps.contains { $0["when"] == .string("Day 7") && $0["from"] == .string("2027-01-12") })
        #expect(run.out.contains("up to 7 days"))
        let text = await stratum(["aftercare", "--date", "2027-01-05", "--depth", "0.5"])
        #expect(text.out.contains("Call the clinic at once"))
        #expect(text.out.contains("often gone by day 3"))
    }

    @Test("the built executable maps do-not-treat to exit status 3 and bad input to 2")
    func realProcess() async throws {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [dir.appendingPathComponent("stratum"), dir.deletingLastPathComponent().appendingPathComponent("stratum")]
        guard let binary = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            Issue.record("stratum executable not found beside \(dir.path)")
            return
        }
        func run(_ args: [String], stdin: String) throws -> Int32 {
            let p = Process()
            p.executableURL = binary
            p.arguments = args
            let input = Pipe(), output = Pipe()
            p.standardInput = input
            p.standardOutput = output
            p.standardError = output
            try p.run()
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try input.fileHandleForWriting.close()
            _ = output.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return p.terminationStatus
        }
        let stop = replacing(try example("plan-pigmentation.json"), "\"bleedingDisorder\": false", with: "\"bleedingDisorder\": true")
        #expect(try run(["plan", "--input", "-"], stdin: stop) == 3)
        #expect(try run(["plan", "--input", "-"], stdin: "{") == 2)
        #expect(try run(["plan", "--input", "-"], stdin: try example("plan-pigmentation.json")) == 0)
    }
}
