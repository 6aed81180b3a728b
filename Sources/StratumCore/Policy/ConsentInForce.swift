/// When a signed consent covers a clinical act (POLICY §3, `SCR-CONSENT`): from the day it was signed until the day
/// it is withdrawn. A withdrawal on the day of a session stops that session; what was done before stays covered.
public struct ConsentPeriod: Sendable, Equatable {
    public let signedOn: LocalDate
    public let withdrawnOn: LocalDate?

    public init(signedOn: LocalDate, withdrawnOn: LocalDate?) {
        self.signedOn = signedOn
        self.withdrawnOn = withdrawnOn
    }

    /// A session may rely on the consent only if the patient had signed it by then and had not yet withdrawn it.
    public func inForce(on date: LocalDate) -> Bool {
        signedOn <= date && (withdrawnOn.map { $0 > date } ?? true)
    }

    /// A withdrawal is dated on or after the signing and never after today: it records what the patient said.
    public static func withdrawalProblem(_ withdrawnOn: LocalDate, signedOn: LocalDate, today: LocalDate) -> String? {
        if let future = RecordDate.futureProblem(withdrawnOn, today: today) { return future }
        if withdrawnOn < signedOn { return "\(withdrawnOn) is before the consent was signed (\(signedOn))" }
        return nil
    }
}
