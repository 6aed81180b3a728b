/// One sterilizer cycle as a recall reads it: its place in the sterilizer's sequence and its biological indicator.
public struct CycleOutcome: Sendable, Equatable {
    public let number: Int
    public let biological: BiologicalIndicatorResult

    public init(number: Int, biological: BiologicalIndicatorResult) {
        self.number = number
        self.biological = biological
    }
}

/// Which cycles a failed biological indicator puts in doubt (POLICY §4): every cycle of that sterilizer since its
/// last passing biological indicator before the failure, up to the next passing one after it. A pass proves the
/// sterilizer worked at that point; nothing between two passes is proven.
public enum RecallWindow {
    /// The cycle numbers exposed by the failure of cycle `failed`, in order; empty if `failed` is not a failure.
    public static func exposedCycles(_ cycles: [CycleOutcome], failed: Int) -> [Int] {
        let ordered = cycles.sorted { $0.number < $1.number }
        guard ordered.contains(where: { $0.number == failed && $0.biological == .fail }) else { return [] }
        let lastPassBefore = ordered.last { $0.number < failed && $0.biological == .pass }?.number ?? Int.min
        let firstPassAfter = ordered.first { $0.number > failed && $0.biological == .pass }?.number ?? Int.max
        return ordered.map(\.number).filter { $0 > lastPassBefore && $0 < firstPassAfter }
    }

    /// The bounds of `exposedCycles` as an open interval (after, before), for a query over a sterilizer's cycles.
    public static func bounds(_ cycles: [CycleOutcome], failed: Int) -> (after: Int?, before: Int?) {
        let ordered = cycles.sorted { $0.number < $1.number }
        return (
            ordered.last { $0.number < failed && $0.biological == .pass }?.number,
            ordered.first { $0.number > failed && $0.biological == .pass }?.number
        )
    }
}
