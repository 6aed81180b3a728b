/// Left-aligned columns padded to their widest cell, for terminal reports.
struct TextTable {
    var header: [String]
    var rows: [[String]] = []

    func render(indent: String = "") -> String {
        let all = [header] + rows
        let widths = header.indices.map { c in all.map { $0.indices.contains(c) ? $0[c].count : 0 }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            var s = indent
            for (c, cell) in cells.enumerated() {
                s += cell
                if c < cells.count - 1 { s += String(repeating: " ", count: widths[c] - cell.count + 2) }
            }
            return s + "\n"
        }
        var out = line(header)
        out += indent + widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ") + "\n"
        for r in rows { out += line(r) }
        return out
    }
}
