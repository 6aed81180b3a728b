import Foundation
@testable import StratumWeb
import Testing
import VaporTesting

extension TestServer {
    /// Accepts a proposed course through the API as a practitioner does: the plan's cautions, as the first refusal
    /// lists them, each acknowledged with a reason. A plan without cautions is accepted by the first request.
    func acceptCourse(_ courseID: String, token: String, reason: String = "Discussed with the patient at planning") async throws
        -> TestingHTTPResponse
    {
        let first = try await send(.POST, "/api/v1/courses/\(courseID)/accept", token: token)
        guard first.status == .unprocessableEntity, first.json["title"] as? String == "Cautions need a practitioner's acknowledgement" else {
            return first
        }
        let cautions = ((first.json["findings"] as? [[String: Any]]) ?? []).filter { $0["severity"] as? String == "caution" }
        let acks = cautions.compactMap { f -> [String: Any]? in
            guard let rule = f["rule"] as? String else { return nil }
            var a: [String: Any] = ["rule": rule, "reason": reason]
            if let zone = f["zone"] as? [String: Any] { a["zone"] = zone }
            return a
        }
        let body = String(decoding: try JSONSerialization.data(withJSONObject: ["acknowledgements": acks]), as: UTF8.self)
        return try await send(.POST, "/api/v1/courses/\(courseID)/accept", token: token, json: body)
    }
}
