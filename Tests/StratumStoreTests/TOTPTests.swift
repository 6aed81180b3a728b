import Foundation
@testable import StratumStore
import Testing

@Suite("TOTP second factor: RFC 6238 codes, the ±1 step window, Base32 and the enrolment URI")
struct TOTPTests {
    /// RFC 6238 appendix B's SHA-1 seed: the ASCII digits 1–9, 0, twice.
    static let rfc = TOTP(secret: Array("12345678901234567890".utf8))

    @Test(
        "RFC 6238 appendix B SHA-1 vectors, at 8 digits and truncated to 6",
        arguments: zip(
            [59, 1_111_111_109, 1_111_111_111, 1_234_567_890, 2_000_000_000, 20_000_000_000] as [Int64],
            ["94287082", "07081804", "14050471", "89005924", "69279037", "65353130"]))
    func rfcVectors(time: Int64, expected: String) {
        let date = Date(timeIntervalSince1970: TimeInterval(time))
        #expect(Self.rfc.code(step: TOTP.step(at: date), digits: 8) == expected)
        #expect(Self.rfc.code(at: date) == String(expected.suffix(6)))
    }

    @Test("time steps are whole 30-second periods since the epoch")
    func steps() {
        #expect(TOTP.step(at: Date(timeIntervalSince1970: 0)) == 0)
        #expect(TOTP.step(at: Date(timeIntervalSince1970: 29.999)) == 0)
        #expect(TOTP.step(at: Date(timeIntervalSince1970: 30)) == 1)
        #expect(TOTP.step(at: Date(timeIntervalSince1970: 1_111_111_109)) == 0x23523EC)
    }

    @Test("a code of the step before, the step of, or the step after now is accepted with its step; two away is not")
    func window() {
        let totp = TOTP.random()
        let now = Date(timeIntervalSince1970: 1_765_000_015)
        let step = TOTP.step(at: now)
        for offset: Int64 in -1...1 {
            #expect(totp.verify(totp.code(step: step + offset), at: now) == step + offset)
        }
        for offset: Int64 in [-2, 2] {
            let code = totp.code(step: step + offset)
            // A random secret's codes two steps apart may collide with one inside the window (one in a million).
            guard !(Int64(-1)...1).contains(where: { totp.code(step: step + $0) == code }) else { continue }
            #expect(totp.verify(code, at: now) == nil)
        }
    }

    @Test("a step already used, or an earlier one, is refused; a later one in the window is accepted")
    func replay() {
        let now = Date(timeIntervalSince1970: 1_111_111_111)
        let step = TOTP.step(at: now)
        let current = Self.rfc.code(step: step)
        #expect(Self.rfc.verify(current, at: now, lastUsedStep: step - 1) == step)
        #expect(Self.rfc.verify(current, at: now, lastUsedStep: step) == nil)
        #expect(Self.rfc.verify(Self.rfc.code(step: step - 1), at: now, lastUsedStep: step - 1) == nil)
        #expect(Self.rfc.verify(Self.rfc.code(step: step + 1), at: now, lastUsedStep: step) == step + 1)
    }

    @Test("typed codes: spaces ignored; wrong length, letters and other digits refused")
    func typedForms() {
        let now = Date(timeIntervalSince1970: 59)
        #expect(Self.rfc.verify("287 082", at: now) == 1)
        #expect(Self.rfc.verify("287082", at: now) == 1)
        #expect(Self.rfc.verify("94287082", at: now) == nil)
        #expect(Self.rfc.verify("28708", at: now) == nil)
        #expect(Self.rfc.verify("28708a", at: now) == nil)
        #expect(Self.rfc.verify("２８７０８２", at: now) == nil)
        #expect(Self.rfc.verify("", at: now) == nil)
    }

    @Test("a new secret is 20 random bytes, and the TOTP never prints it")
    func randomSecret() {
        let a = TOTP.random(), b = TOTP.random()
        #expect(a.secret.count == 20 && b.secret.count == 20)
        #expect(a.secret != b.secret)
        #expect(!"\(a)".contains(a.base32Secret))
        #expect(a.base32Secret.count == 32)
    }

    @Test(
        "RFC 4648 Base32 vectors, without padding",
        arguments: zip(["", "f", "fo", "foo", "foob", "fooba", "foobar"], ["", "MY", "MZXQ", "MZXW6", "MZXW6YQ", "MZXW6YTB", "MZXW6YTBOI"]))
    func base32Vectors(plain: String, encoded: String) {
        #expect(Base32.encode(Array(plain.utf8)) == encoded)
        #expect(Base32.decode(encoded) == Array(plain.utf8))
    }

    @Test("Base32 decoding tolerates case, spaces, hyphens and padding, and refuses other characters and lengths")
    func base32Tolerance() {
        let foobar = Array("foobar".utf8)
        #expect(Base32.decode("mzxw6ytboi") == foobar)
        #expect(Base32.decode("MZXW 6YTB OI") == foobar)
        #expect(Base32.decode("mzxw-6ytb-oi======") == foobar)
        #expect(Base32.decode("MY======") == Array("f".utf8))
        #expect(Base32.decode("MZXW1YTBOI") == nil)
        #expect(Base32.decode("MZXW0YTBOI") == nil)
        #expect(Base32.decode("MY=A") == nil)
        #expect(Base32.decode("M") == nil)
        #expect(Base32.decode("MZX") == nil)
        #expect(Base32.decode("MZXW6Y") == nil)
    }

    @Test("Base32 round-trips every length up to 41 bytes")
    func base32RoundTrip() {
        var rng = SystemRandomNumberGenerator()
        for length in 0...41 {
            let bytes = (0..<length).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
            let encoded = Base32.encode(bytes)
            #expect(!encoded.contains("="))
            #expect(Base32.decode(encoded) == bytes)
            #expect(Base32.decode(encoded.lowercased()) == bytes)
        }
    }

    @Test("the enrolment URI: issuer-prefixed label, Base32 secret, issuer, algorithm, digits and period")
    func enrolmentURI() throws {
        let totp = TOTP(secret: try #require(Base32.decode("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")))
        #expect(
            totp.uri(issuer: "Stratum", account: "dr.priya@example.clinic")
                == "otpauth://totp/Stratum:dr.priya%40example.clinic?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Stratum&algorithm=SHA1&digits=6&period=30"
        )
        // A colon, space, ampersand or non-ASCII letter in a name cannot split the label or a parameter.
        #expect(
            totp.uri(issuer: "Clinic: Zoë & Co", account: "a b")
                == "otpauth://totp/Clinic%3A%20Zo%C3%AB%20%26%20Co:a%20b?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Clinic%3A%20Zo%C3%AB%20%26%20Co&algorithm=SHA1&digits=6&period=30"
        )
    }
}

@Suite("Recovery codes: ten single-use codes, stored only as hashes")
struct RecoveryCodeTests {
    @Test("ten distinct codes of the form xxxx-xxxx from the unambiguous alphabet, already normalised")
    func generated() {
        let codes = RecoveryCodes.generate()
        #expect(codes.count == 10)
        #expect(Set(codes).count == 10)
        for code in codes {
            #expect(code.count == 9 && Array(code)[4] == "-")
            #expect(code.filter { $0 != "-" }.allSatisfy { "23456789abcdefghjkmnpqrstuvwxyz".contains($0) })
            #expect(RecoveryCodes.normalised(code) == code)
        }
        #expect(Set(RecoveryCodes.generate()).isDisjoint(with: codes))
    }

    @Test("typing variants normalise to the issued code; look-alike characters and wrong lengths do not")
    func normalisation() {
        #expect(RecoveryCodes.normalised("AB2C-DE3F") == "ab2c-de3f")
        #expect(RecoveryCodes.normalised(" ab2c de3f ") == "ab2c-de3f")
        #expect(RecoveryCodes.normalised("ab2cde3f") == "ab2c-de3f")
        #expect(RecoveryCodes.normalised("ab2c-de3o") == nil)
        #expect(RecoveryCodes.normalised("ab2c-de31") == nil)
        #expect(RecoveryCodes.normalised("ab2c-de3") == nil)
        #expect(RecoveryCodes.normalised("ab2c-de3ff") == nil)
    }

    @Test("the stored hash is SHA-256 of the normalised code, and a typed code finds its own hash only")
    func hashing() throws {
        let codes = RecoveryCodes.generate()
        let hashes = try codes.map { try #require(RecoveryCodes.hash($0)) }
        #expect(hashes.allSatisfy { $0.count == 64 })
        #expect(RecoveryCodes.hash("AB2C DE3F") == RecoveryCodes.hash("ab2c-de3f"))
        // SHA-256("ab2c-de3f"), computed independently.
        #expect(RecoveryCodes.hash("ab2c-de3f") == "d7be588c5a296008c838ebd7d2df08bab4f60f7741cd22930d2073942eb0e91b")
        for (i, code) in codes.enumerated() {
            #expect(RecoveryCodes.match(code.uppercased(), among: hashes) == i)
        }
        #expect(RecoveryCodes.match("not a code", among: hashes) == nil)
        #expect(RecoveryCodes.match(codes[0], among: Array(hashes.dropFirst())) == nil)
    }
}
