import Crypto
import Foundation

/// Single-use recovery codes: a clinician whose phone is lost, broken or left at home can still sign in to the
/// day's list without waiting for an administrator. Shown once at enrolment; only their hashes are kept.
public enum RecoveryCodes {
    /// Codes issued per enrolment.
    public static let count = 10
    /// Digits and lower-case letters without 0/o, 1/i/l: a code read off paper is typed right first time.
    static let alphabet = Array("23456789abcdefghjkmnpqrstuvwxyz")
    /// Characters per code, shown as two groups of four: 31⁸, about 2⁴⁰ codes, beyond guessing behind a rate limit.
    static let length = 8

    /// Ten distinct new codes of the form `xxxx-xxxx`, from the system's cryptographic generator.
    public static func generate() -> [String] {
        var rng = SystemRandomNumberGenerator()
        var codes: [String] = []
        while codes.count < count {
            let characters = (0..<length).map { _ in alphabet.randomElement(using: &rng)! }
            let code = String(characters[0..<4]) + "-" + String(characters[4...])
            if !codes.contains(code) { codes.append(code) }
        }
        return codes
    }

    /// A code as typed brought to its issued form (`xxxx-xxxx`): case, spaces and hyphens ignored. Nil when it
    /// cannot be a code, so a typo is refused without a lookup.
    public static func normalised(_ typed: String) -> String? {
        let characters = Array(typed.lowercased().filter { $0 != " " && $0 != "-" })
        guard characters.count == length, characters.allSatisfy({ alphabet.contains($0) }) else { return nil }
        return String(characters[0..<4]) + "-" + String(characters[4...])
    }

    /// What is stored for a code: the lower-case hex SHA-256 of its normalised form, so the table alone does not
    /// show a usable code. Nil when `code` is not a code.
    public static func hash(_ code: String) -> String? {
        normalised(code).map { Hex.encode(SHA256.hash(data: Data($0.utf8))) }
    }

    /// The index in `storedHashes` of the code typed, or nil. Every stored hash is compared in constant time; the
    /// caller deletes (or marks used) the matched one in the same transaction as the sign-in, so it works once.
    public static func match(_ typed: String, among storedHashes: [String]) -> Int? {
        hash(typed).flatMap { matchHash($0, among: storedHashes) }
    }

    /// The index in `storedHashes` of `typedHash` (however it was hashed), every one compared in constant time.
    static func matchHash(_ typedHash: String, among storedHashes: [String]) -> Int? {
        var matched: Int?
        for (i, stored) in storedHashes.enumerated() where ConstantTime.equal(Array(stored.utf8), Array(typedHash.utf8)) {
            matched = i
        }
        return matched
    }
}
