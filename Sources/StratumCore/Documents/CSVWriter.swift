/// CSV rows for the spreadsheets clinics export (a recall's phone list): every cell quoted, and a leading `=`, `+`,
/// `-`, `@`, tab or carriage return neutralised with an apostrophe so a patient's name can never run as a formula.
public enum CSVWriter {
    public static func cell(_ value: String) -> String {
        var t = value
        if let f = t.first, "=+-@\t\r".contains(f) { t = "'" + t }
        return "\"" + t.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// One row of quoted cells.
    public static func row(_ cells: [String]) -> String { cells.map(cell).joined(separator: ",") }
}
