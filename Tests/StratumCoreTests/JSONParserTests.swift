import Testing
@testable import StratumCore

@Suite("JSON parser and writer")
struct JSONParserTests {
    @Test("parses every JSON type and keeps member order")
    func types() throws {
        let v = try JSONParser.parse(#"{"b": [1, -2.5e1, true, false, null], "a": "x\u00e9\n\ud83d\ude00"}"#)
        guard case .object(let members) = v else { Issue.record("not an object"); return }
        #expect(members.map(\.0) == ["b", "a"])
        #expect(v["b"] == .array([.number(1), .number(-25), .bool(true), .bool(false), .null]))
        #expect(v["a"] == .string("xé\n😀"))
    }

    @Test(
        "round-trips through the writer",
        arguments: [
            #"{"a":[1,2.5,"q\"\\\u0001"],"b":{},"c":[],"d":null}"#, #"[]"#, #""text""#, "0.25"
        ])
    func roundTrip(_ text: String) throws {
        let v = try JSONParser.parse(text)
        #expect(try JSONParser.parse(JSONWriter.write(v)) == v)
        #expect(try JSONParser.parse(JSONWriter.write(v, pretty: false)) == v)
    }

    @Test(
        "refuses malformed documents with a position",
        arguments: [
            ("{", "unexpected end of input"), ("[1,]", "unexpected character ']'"), ("01", "leading zeros"),
            ("\"\\x\"", "invalid escape"), ("\"\\ud800\"", "unpaired surrogate"), ("{\"a\":1,\"a\":2}", "appears twice"),
            ("1e999", "out of range"), ("[1] 2", "unexpected text after"), ("\"a\u{1}\"", "control character"),
            ("tru", "unexpected character 't'"), ("{\"a\" 1}", "expected ':'")
        ])
    func malformed(_ text: String, _ problem: String) {
        #expect(throws: JSONParser.JSONSyntaxError.self) { try JSONParser.parse(text) }
        do {
            _ = try JSONParser.parse(text)
        } catch {
            #expect(error.description.contains(problem), "got: \(error.description)")
        }
    }

    @Test("reports line and column")
    func position() {
        do {
            _ = try JSONParser.parse("{\n  \"a\": tru\n}")
            Issue.record("parsed")
        } catch {
            #expect(error.line == 2)
            #expect(error.column == 8)
        }
    }

    @Test("invalid UTF-8 inside a string is refused")
    func invalidUTF8() {
        #expect(throws: JSONParser.JSONSyntaxError.self) { try JSONParser.parse([0x22, 0xC3, 0x28, 0x22]) }
    }
}
