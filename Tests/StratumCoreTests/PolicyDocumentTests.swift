import Foundation
import StratumCore
import Testing

/// `docs/policy.md` is the policy the code cites (`POLICY §N`) and the rule catalogue transcribes: these tests hold
/// the three in step, so a rule added to the code without its policy row, or a citation of a section that does not
/// exist, fails here.
@Suite("docs/policy.md in step with the rule catalogue and the code's citations")
struct PolicyDocumentTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Each numbered section's rules: rule ID → the severities the policy states for it, from its table row (the
    /// row's severity cell) or, for rules stated in prose, the severities named on the same line.
    static func sections() throws -> [String: [String: Set<String>]] {
        let text = try String(contentsOf: root.appendingPathComponent("docs/policy.md"), encoding: .utf8)
        let severities = Set(Severity.allCases.map(\.rawValue))
        func ticked(_ s: Substring) -> [String] {
            s.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
        }
        func isRuleID(_ s: String) -> Bool { s.range(of: "^[A-Z]{2,}(-[A-Z0-9]+)+$", options: .regularExpression) != nil }
        var out: [String: [String: Set<String>]] = [:]
        var current: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("## "), let number = line.dropFirst(3).split(separator: ".").first, Int(number) != nil {
                current = "§\(number)"
                out[current!] = [:]
                continue
            }
            guard let current else { continue }
            if line.hasPrefix("| `") {
                let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
                guard cells.count >= 2 else { continue }
                let stated = ticked(Substring(cells[1])).first.map { [$0] } ?? []
                for id in ticked(Substring(cells[0])) where isRuleID(id) { out[current]![id, default: []].formUnion(stated) }
            } else {
                let words = ticked(line)
                for id in words where isRuleID(id) { out[current]![id, default: []].formUnion(words.filter(severities.contains)) }
            }
        }
        return out
    }

    @Test("every rule of the catalogue has its row in its section, with its severity; the policy names no other rule")
    func rulesInStep() throws {
        let sections = try Self.sections()
        for rule in RuleCatalogue.all {
            let stated = sections[rule.section]?[rule.id.rawValue]
            #expect(stated != nil, "\(rule.id.rawValue) is not stated in \(rule.section) of docs/policy.md")
            if let stated {
                #expect(
                    stated.contains(rule.severity.rawValue),
                    "\(rule.id.rawValue): policy says \(stated.sorted()), code says \(rule.severity.rawValue)")
            }
        }
        let known = Set(RuleID.allCases.map(\.rawValue))
        for (section, rows) in sections {
            for id in rows.keys {
                #expect(known.contains(id), "docs/policy.md \(section) names \(id), which the code does not know")
            }
        }
    }

    @Test("every `POLICY §N` the code cites is a section of docs/policy.md")
    func citationsExist() throws {
        let sections = Set(try Self.sections().keys)
        let sources = Self.root.appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
        #expect(files.count > 50)
        let citation = /POLICY §(\d+)/
        var cited = 0
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in text.matches(of: citation) {
                cited += 1
                #expect(sections.contains("§\(match.1)"), "\(file.lastPathComponent) cites POLICY §\(match.1)")
            }
        }
        #expect(cited > 0)
    }
}
