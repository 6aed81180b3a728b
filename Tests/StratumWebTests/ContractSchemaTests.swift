import Foundation
import StratumCore
@testable import StratumWeb
import Testing
import Yams

/// The contract check answers for the spec's text patterns without running them as regular expressions; it must
/// agree with them exactly, or a schema would promise one thing and the server do another.
@Suite("The contract check's text rules agree with the patterns the spec states")
struct ContractSchemaTests {
    static let samples = [
        "", " ", "   ", "abc", "  a  ", "a\u{7}b", "\t\n\r", "tab\there", "x\u{1D}y", "é", "Ünïcödé", "\u{85}", "\u{9F}z",
        "\u{0}", "a\u{7F}", "\u{A0}", "line\nbreak", "\u{1E}", "💉 1.5 mm", "\u{2028}"
    ]

    @Test(
        "each text pattern: the check refuses exactly the strings the regular expression does not match",
        arguments: [
            textPattern, visiblePattern, gs1Pattern, gs1VisiblePattern
        ])
    func agrees(_ pattern: String) throws {
        let node = try #require(try Yams.compose(yaml: "{type: string, pattern: '\(pattern)'}"))
        let schema = ContractSchema.inline(node, components: [:])
        let regex = try NSRegularExpression(pattern: pattern)
        for sample in Self.samples {
            // As JSON Schema (ECMA-262) reads it: `$` is the end of the text. ICU's also matches before a final line
            // terminator (U+0085), so the whole text must be the match.
            let whole = NSRange(sample.startIndex..., in: sample)
            let matches = regex.firstMatch(in: sample, range: whole)?.range == whole
            var problems: [ContractSchema.Problem] = []
            schema.check(.string(sample), at: "text", into: &problems)
            #expect(problems.isEmpty == matches, "\(pattern) on \(sample.unicodeScalars.map { String($0.value, radix: 16) }): \(problems)")
        }
    }

    @Test("lengths are counted in code points, as JSON Schema counts them, not in grapheme clusters")
    func lengthInCodePoints() throws {
        let node = try #require(try Yams.compose(yaml: "{type: string, minLength: 3, maxLength: 4}"))
        let schema = ContractSchema.inline(node, components: [:])
        func problems(_ text: String) -> [ContractSchema.Problem] {
            var found: [ContractSchema.Problem] = []
            schema.check(.string(text), at: "text", into: &found)
            return found
        }
        // Five skin-tone modifiers are one cluster but five code points; "e" with a combining accent is two.
        #expect(problems(String(repeating: "\u{1F3FB}", count: 5)).map(\.problem) == ["at most 4 characters"])
        #expect(problems(String(repeating: "\u{1F3FB}", count: 4)).isEmpty)
        #expect(problems("e\u{301}").map(\.problem) == ["at least 3 characters"])
        #expect(problems("e\u{301}e").isEmpty)
        #expect(problems("abcd").isEmpty)
        #expect(problems("ab").map(\.problem) == ["at least 3 characters"])
    }

    @Test("the byte scan finds exactly the Unicode control characters but tab and line breaks")
    func controlCharacters() {
        for value in UInt32(0)...0x2FFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = "a" + String(Character(scalar)) + "b"
            let expected = scalar.properties.generalCategory == .control && scalar != "\t" && scalar != "\n" && scalar != "\r"
            #expect((RecordText.controlCharacter(in: text) != nil) == expected, "U+\(String(value, radix: 16))")
        }
    }
}
