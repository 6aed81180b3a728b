import Foundation
import StratumCore
import Testing

/// Deterministic generator so a failing document can be reproduced from its seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Mutations of a valid document: textual (bytes) and structural (values swapped for others of any type).
enum Mutator {
    static let hostileValues: [JSONValue] = [
        .null, .bool(true), .bool(false), .number(0), .number(-1), .number(3.4), .number(1e308), .number(-0.0),
        .number(12), .number(0.2), .number(2.999999), .number(6.5), .string(""), .string("deep"), .string("2027-02-30"),
        .string("2026-12-01"), .string("cheek"), .string("pen"), .string("stop"), .string("caution"), .string("left"),
        .string(String(repeating: "x", count: 300)), .string("\u{0}\u{1F600}"), .array([]), .array([.string("acne-scars")]),
        .object([]), .object([("site", .string("cheek")), ("side", .string("left"))]),
        .array([.object([("site", .string("eyelid")), ("side", .string("left")), ("depthMM", .number(0.5)), ("passes", .number(1))])])
    ]

    static func mutateText(_ s: String, _ rng: inout SplitMix64) -> [UInt8] {
        var bytes = Array(s.utf8)
        let edits = Int.random(in: 1...4, using: &rng)
        for _ in 0..<edits where !bytes.isEmpty {
            let at = Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<6, using: &rng) {
            case 0: bytes.remove(at: at)
            case 1: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: at)
            case 2: bytes[at] = Array("{}[]\",:0-.e\\tfn".utf8).randomElement(using: &rng)!
            case 3: bytes = Array(bytes[..<at])
            case 4: bytes.insert(contentsOf: Array(repeating: UInt8(ascii: "["), count: Int.random(in: 50...200, using: &rng)), at: at)
            default: bytes.insert(contentsOf: Array("\\ud800".utf8), at: at)
            }
        }
        return bytes
    }

    static func mutateValue(_ v: JSONValue, _ rng: inout SplitMix64, depth: Int = 0) -> JSONValue {
        // Replace this value outright with some probability, deeper values more often.
        if depth > 0 && Int.random(in: 0..<10, using: &rng) < 2 {
            return hostileValues.randomElement(using: &rng)!
        }
        switch v {
        case .object(var members) where !members.isEmpty:
            let k = Int.random(in: 0..<members.count, using: &rng)
            switch Int.random(in: 0..<5, using: &rng) {
            case 0: members.remove(at: k)
            case 1: members.append(("unexpected\(Int.random(in: 0..<9, using: &rng))", hostileValues.randomElement(using: &rng)!))
            default: members[k].1 = mutateValue(members[k].1, &rng, depth: depth + 1)
            }
            return .object(members)
        case .array(var items) where !items.isEmpty:
            let k = Int.random(in: 0..<items.count, using: &rng)
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: items.remove(at: k)
            case 1: items.append(items[k])
            default: items[k] = mutateValue(items[k], &rng, depth: depth + 1)
            }
            return .array(items)
        default:
            return hostileValues.randomElement(using: &rng)!
        }
    }
}

@Suite("The request reader never crashes")
struct ReaderFuzzTests {
    /// Every run ends either with a result (exit 0 or 3, output, nothing on stderr) or bad input (exit 2, a path and a problem).
    func expectWellBehaved(_ command: String, _ bytes: [UInt8], seed: UInt64, counts: inout [Int32: Int]) async {
        let run = await stratum([command, "--input", "-", "--format", "json"], stdinBytes: bytes)
        counts[run.exit, default: 0] += 1
        switch run.exit {
        case 0, 3:
            #expect(run.err.isEmpty, "seed \(seed): a result with an error message: \(run.err)")
            #expect((try? JSONParser.parse(run.out)) != nil, "seed \(seed): result is not JSON")
        case 2:
            #expect(run.out.isEmpty, "seed \(seed)")
            #expect(run.err.hasPrefix("stratum: bad input: ") && run.err.contains(": "), "seed \(seed): \(run.err)")
        default:
            Issue.record("seed \(seed): unexpected exit \(run.exit)")
        }
    }

    @Test("4,000 mutated plan and check documents each end in exit 2 with a message, or a valid result")
    func mutatedDocuments() async throws {
        let sources = [("plan", try example("plan-pigmentation.json")), ("check", try example("check-session.json"))]
        var counts: [Int32: Int] = [:]
        for seed in UInt64(0)..<4000 {
            var rng = SplitMix64(state: seed)
            let (command, text) = sources[Int(seed % 2)]
            let bytes: [UInt8]
            if seed % 4 < 2 {
                bytes = Mutator.mutateText(text, &rng)
            } else {
                var value = try JSONParser.parse(text)
                for _ in 0..<Int.random(in: 1...3, using: &rng) { value = Mutator.mutateValue(value, &rng) }
                bytes = Array(JSONWriter.write(value).utf8)
            }
            await expectWellBehaved(command, bytes, seed: seed, counts: &counts)
        }
        // The mutations must exercise both outcomes, or the test proves nothing about either.
        #expect(counts[2, default: 0] > 1000)
        #expect(counts[0, default: 0] + counts[3, default: 0] > 100)
    }

    @Test("1,000 random byte strings are refused as bad input")
    func randomBytes() async {
        var counts: [Int32: Int] = [:]
        for seed in UInt64(10_000)..<11_000 {
            var rng = SplitMix64(state: seed)
            let bytes = (0..<Int.random(in: 0...200, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            await expectWellBehaved(seed % 2 == 0 ? "plan" : "check", bytes, seed: seed, counts: &counts)
        }
        #expect(counts[2] == 1000)
    }

    @Test("deeply nested input is refused, not a stack overflow")
    func deepNesting() async {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let run = await stratum(["plan", "--input", "-"], stdin: deep)
        #expect(run.exit == 2)
        #expect(run.err.contains("nested more than 64 levels"))
    }
}
