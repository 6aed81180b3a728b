import Foundation
import StratumCore
import StratumStore

/// The recall as the spreadsheet the recall page offers (the API answers of the registry are the generated types,
/// TraceabilityAnswers.swift).
enum TraceabilityJSON {
    /// The recall as a spreadsheet for the phone list: one row per exposed session (cells as `CSVWriter` writes them).
    /// The phone list; each row ends with the clinic and the number the patient is asked to call back on.
    static func csv(_ r: Recall, _ exposures: [Exposure], clinic: Clinic?) -> String {
        let status = Dictionary(r.patients.map { ($0.patientID, $0) }, uniquingKeysWith: { a, _ in a })
        var lines = ["session_date,patient,phone,email,via,status,note,clinic,clinic_phone"]
        for e in exposures {
            let p = status[e.patientID]
            lines.append(
                CSVWriter.row([
                    e.date.description, e.patientName, e.phone ?? "", e.email ?? "", e.via, p?.status.rawValue ?? "", p?.note ?? "",
                    clinic?.name ?? "", clinic?.phone ?? ""
                ]))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}
