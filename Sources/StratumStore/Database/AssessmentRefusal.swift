import StratumCore

/// A score the outcome-scale rules refuse (POLICY §1): the field and the sentence, the rule's finding when a rule
/// names it (`OUT-GAIS-BASELINE`), and whether it repeats a baseline the course already has. Nothing was written.
public struct AssessmentRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public let field: String
    public let problem: String
    public let finding: Finding?
    /// True for a second baseline of a scale in one course: the record already holds the fact.
    public let duplicate: Bool

    public init(_ p: AssessmentProblem) {
        field = p.field
        problem = p.problem
        finding = p.finding
        duplicate = p.duplicate
    }

    public var description: String { "\(field): \(problem)" }
}
