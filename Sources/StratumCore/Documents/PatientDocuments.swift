extension RequestReader {
    /// Reads a screening document (`answeredOn`, `answers`) as the API receives it; bad input names its path.
    public static func screening(bytes: [UInt8]) throws(DocumentError) -> ScreeningResponse {
        try readScreening(parse(bytes))
    }

    /// Reads a screening document already parsed (the API's body, parsed once by its contract check).
    public static func screening(value: JSONValue) throws(DocumentError) -> ScreeningResponse {
        try readScreening(Node(value: value, path: ""))
    }
}

extension ResultWriter {
    /// A screening as the documents write it: booleans, dates as text, null for never; unanswered keys absent.
    public static func screening(_ s: ScreeningResponse) -> JSONValue {
        .object([
            ("answeredOn", .string(s.answeredOn.description)),
            (
                "answers",
                .object(
                    ScreeningKey.allCases.compactMap { key in
                        switch s.answers[key] {
                        case .yesNo(let b)?: return (key.rawValue, .bool(b))
                        case .lastDate(let d)?: return (key.rawValue, d.map { .string($0.description) } ?? .null)
                        case nil: return nil
                        }
                    })
            )
        ])
    }

    /// The `patient` member of plan and check requests, built from a record.
    public static func patient(_ p: PatientFacts) -> JSONValue {
        .object([
            ("birthDate", .string(p.birthDate.description)), ("sex", .string(p.sex.rawValue)),
            ("fitzpatrick", .number(Double(p.fitzpatrick))), ("screening", screening(p.screening))
        ])
    }
}
