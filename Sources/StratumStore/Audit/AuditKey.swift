import Crypto
import Foundation

/// The HMAC key that chains audit rows. It lives outside the database, so a copy of the database alone cannot
/// forge or silently rewrite the trail.
public struct AuditKey: Sendable {
    /// Raw key bytes; a `SymmetricKey` is made per use because it is not `Sendable`.
    private let bytes: [UInt8]

    public init(bytes: [UInt8]) throws(StoreError) {
        guard bytes.count >= 32 else { throw .auditKey("must be at least 32 bytes (64 hex digits)") }
        self.bytes = bytes
    }

    /// Parses 64 or more hex digits.
    public init(hex: String) throws(StoreError) {
        let s = hex.trimmingCharacters(in: .whitespacesAndNewlines)
        guard s.count % 2 == 0, s.count >= 64 else { throw .auditKey("must be at least 64 hex digits") }
        var bytes: [UInt8] = []
        var i = s.startIndex
        while i < s.endIndex {
            let j = s.index(i, offsetBy: 2)
            guard let b = UInt8(s[i..<j], radix: 16) else { throw .auditKey("is not hexadecimal") }
            bytes.append(b)
            i = j
        }
        try self.init(bytes: bytes)
    }

    /// The key from `STRATUM_AUDIT_KEY` when given, else from `audit.key` in the data directory, created on first start
    /// with owner-only permissions.
    public static func load(environmentValue: String?, dataDirectory: String) throws -> AuditKey {
        if let v = environmentValue, !v.isEmpty { return try AuditKey(hex: v) }
        let url = URL(fileURLWithPath: dataDirectory).appendingPathComponent("audit.key")
        if let data = FileManager.default.contents(atPath: url.path) {
            return try AuditKey(hex: String(decoding: data, as: UTF8.self))
        }
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let fresh = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        let hex = Hex.encode(fresh) + "\n"
        guard
            FileManager.default.createFile(
                atPath: url.path, contents: Data(hex.utf8),
                attributes: [.posixPermissions: 0o600])
        else {
            throw StoreError.auditKey("cannot write \(url.path)")
        }
        return try AuditKey(bytes: fresh)
    }

    /// A key for another purpose derived from this one (HKDF-SHA256), so one secret kept outside the database
    /// protects both the audit chain and the photo files without either key revealing the other.
    func derived(for purpose: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: bytes), info: Data(purpose.utf8), outputByteCount: 32)
    }

    func mac(_ text: String) -> String {
        Hex.encode(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: bytes)))
    }
}
