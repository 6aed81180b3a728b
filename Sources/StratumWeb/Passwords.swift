import Vapor

/// Password rules for clinic accounts: long enough to resist guessing, stored only as bcrypt at cost 12.
public enum Passwords {
    public static let minimumLength = 12
    public static let bcryptCost = 12

    /// Why `password` is not acceptable, or nil.
    public static func problem(_ password: String) -> String? {
        if password.count < minimumLength { return "must be at least \(minimumLength) characters" }
        if password.count > 1024 { return "must be at most 1024 characters" }
        if password.allSatisfy({ $0 == password.first }) { return "must not be one character repeated" }
        return nil
    }

    public static func hash(_ password: String) throws -> String {
        try Bcrypt.hash(password, cost: bcryptCost)
    }
}
