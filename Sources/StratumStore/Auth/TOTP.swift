import Crypto
import Foundation

/// Time-based one-time passwords (RFC 6238) for the second factor of a clinician's sign-in: the six digits on their
/// phone prove they hold the enrolled device, so a leaked or reused password alone does not open patient records.
/// HMAC-SHA1, six digits, 30-second steps: the parameters every authenticator app supports.
public struct TOTP: Sendable, CustomStringConvertible {
    /// Seconds per code: RFC 6238's default, and the only period all authenticator apps honour.
    public static let period: Int64 = 30
    /// Digits per code, as authenticator apps show by default.
    public static let digits = 6
    /// Steps either side of now that are accepted, so a phone clock up to 30 s off, or a code typed as it rolls
    /// over, still signs in; wider would give a stolen code longer to be used.
    public static let window: Int64 = 1
    /// Bytes in a new secret: 160 bits, the HMAC-SHA1 output length RFC 4226 recommends.
    public static let secretLength = 20

    /// The shared secret. The caller keeps it protected at rest: whoever has it can make every future code.
    public let secret: [UInt8]

    /// A generator for an existing secret, as read back from the clinician's enrolment.
    public init(secret: [UInt8]) {
        self.secret = secret
    }

    /// A fresh secret from the system's cryptographic generator, for a new enrolment.
    public static func random() -> TOTP {
        var rng = SystemRandomNumberGenerator()
        return TOTP(secret: (0..<secretLength).map { _ in UInt8.random(in: .min ... .max, using: &rng) })
    }

    /// The secret as Base32, for a clinician who types it into the app instead of scanning.
    public var base32Secret: String { Base32.encode(secret) }

    /// Never prints the secret, so a TOTP interpolated into a log line or an error does not leak it.
    public var description: String { "TOTP(secret: redacted)" }

    /// The time step (RFC 6238's T) that `date` falls in: whole periods since the Unix epoch.
    public static func step(at date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / Double(period)).rounded(.down))
    }

    /// The code for time step `step` (RFC 4226's HOTP with the step as counter), zero-padded to `digits` (6–8).
    public func code(step: Int64, digits: Int = TOTP.digits) -> String {
        precondition(step >= 0 && (6...8).contains(digits))
        let counter = withUnsafeBytes(of: UInt64(step).bigEndian) { Data($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: counter, using: SymmetricKey(data: secret)))
        // Dynamic truncation (RFC 4226 §5.3): four bytes at the offset named by the last nibble, sign bit cleared.
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary = mac[offset..<offset + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) } & 0x7FFF_FFFF
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let number = String(binary % modulus)
        return String(repeating: "0", count: digits - number.count) + number
    }

    /// The code shown by the clinician's app at `date`.
    public func code(at date: Date) -> String {
        code(step: Self.step(at: date))
    }

    /// The time step whose code `typed` is, within one step of `date`, or nil. Steps at or before `lastUsedStep`
    /// are never accepted, so a code already used, or an older one seen over a shoulder, cannot sign in again: the
    /// caller stores the returned step and passes it next time. Spaces in `typed` are ignored, as apps group the
    /// digits; attempts must still be rate-limited by the caller, as six digits can be guessed.
    public func verify(_ typed: String, at date: Date, lastUsedStep: Int64? = nil) -> Int64? {
        let digits = Array(typed.utf8.filter { $0 != UInt8(ascii: " ") })
        guard digits.count == Self.digits, digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            return nil
        }
        let now = Self.step(at: date)
        var matched: Int64?
        // Every step in the window is computed and compared in constant time, so timing says nothing of which matched.
        for step in (now - Self.window)...(now + Self.window) where step >= 0 && step > (lastUsedStep ?? -1) {
            if ConstantTime.equal(Array(code(step: step).utf8), digits) { matched = step }
        }
        return matched
    }

    /// The `otpauth://` URI an authenticator app enrols from (Google's Key URI format): the label "issuer:account"
    /// names the entry in the app, and the issuer parameter repeats the issuer for apps that read only that.
    public func uri(issuer: String, account: String) -> String {
        let label = Self.percentEncoded(issuer) + ":" + Self.percentEncoded(account)
        return "otpauth://totp/\(label)?secret=\(base32Secret)&issuer=\(Self.percentEncoded(issuer))"
            + "&algorithm=SHA1&digits=\(Self.digits)&period=\(Self.period)"
    }

    /// Percent-encoding of everything but RFC 3986's unreserved characters: a colon, `@`, `&` or space in an issuer
    /// or account name cannot split the label or end a parameter early.
    static func percentEncoded(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Comparison of secrets that takes the same time wherever they differ, so response timing cannot be used to
/// guess a code or a hash byte by byte.
enum ConstantTime {
    static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in a.indices { difference |= a[i] ^ b[i] }
        return difference == 0
    }
}
