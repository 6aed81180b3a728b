import CSV
import PropertyBased
import StratumCore
import Testing

/// The core writes the clinic's exports (a recall's phone list, the outcome report) itself; a maintained CSV reader
/// (yaslab/CSV.swift) reads them back, so quoting that a spreadsheet would split differently fails here
/// (docs/decisions/0010).
@Suite("CSV exports read back by a maintained CSV reader")
struct CSVWriterTests {
    /// What the cell holds once read: the text, with a leading formula character neutralised by an apostrophe.
    static func expected(_ value: String) -> String {
        if let f = value.first, "=+-@\t\r".contains(f) { return "'" + value }
        return value
    }

    @Test("names with quotes, commas, line breaks and formula starts come back cell for cell")
    func table() throws {
        let rows = [
            ["O'Brien, Siobhán", "said \"fine\"", "two\nlines", "=HYPERLINK(\"x\")"],
            ["+44 20 7946 0000", "-5", "@home", "\tTab", ""],
            ["plain", "Zoë 山田", "a\r\nb", "\"\""]
        ]
        let text = rows.map(CSVWriter.row).joined(separator: "\r\n")
        let reader = try CSVReader(string: text)
        var read: [[String]] = []
        while let row = reader.next() { read.append(row) }
        #expect(read == rows.map { $0.map(Self.expected) })
    }

    @Test("property: any row of any text reads back as written, formula starts neutralised")
    func roundTrip() async {
        let characters: [Character] = Array("abcXYZ 019éü山'") + ["\"", ",", "\n", "\r", "=", "+", "-", "@", "\t"]
        let cell = Gen.int(in: 0...(characters.count - 1)).map { characters[$0] }.string(of: 0...12)
        await propertyCheck(count: 300, input: cell.array(of: 1...6)) { cells in
            let reader = try? CSVReader(string: CSVWriter.row(cells))
            var read: [String]?
            if let reader { read = reader.next() }
            #expect(read == cells.map(Self.expected), "\(cells)")
        }
    }
}
