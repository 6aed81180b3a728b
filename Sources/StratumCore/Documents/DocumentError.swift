/// Bad input in a request document: the JSON path of the offending value and what is wrong with it.
/// A well-formed but clinically wrong value is never a `DocumentError`; it is a finding.
public struct DocumentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `zones[1].depthMM`, or `(document)` for the whole document.
    public let path: String
    public let problem: String

    public init(path: String, problem: String) {
        self.path = path.isEmpty ? "(document)" : path
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }
}
