import Crypto
import Foundation

/// Keys for account secrets, derived from the audit key (HKDF-SHA256, one label per use): the authenticator
/// secrets are sealed and the recovery codes hashed under a key that lives outside the database, so a copy of the
/// database alone neither computes anyone's codes nor checks guessed recovery codes offline.
struct AccountKeys: Sendable {
    let auditKey: AuditKey

    init(_ auditKey: AuditKey) { self.auditKey = auditKey }

    /// The authenticator secret sealed with AES-GCM, as base64 (nonce, ciphertext and tag together).
    func seal(_ secret: [UInt8]) throws -> String {
        try AES.GCM.seal(secret, using: auditKey.derived(for: "stratum totp secret v1")).combined!.base64EncodedString()
    }

    /// The secret `seal` sealed, or nil when the text was not sealed under this key (a changed audit key).
    func open(_ sealed: String) -> [UInt8]? {
        guard let data = Data(base64Encoded: sealed), let box = try? AES.GCM.SealedBox(combined: data),
            let plain = try? AES.GCM.open(box, using: auditKey.derived(for: "stratum totp secret v1"))
        else { return nil }
        return Array(plain)
    }

    /// What is stored for a recovery code: HMAC-SHA256 of its normalised form; nil when the text cannot be a code.
    func recoveryHash(_ code: String) -> String? {
        RecoveryCodes.normalised(code).map {
            Hex.encode(HMAC<SHA256>.authenticationCode(for: Data($0.utf8), using: auditKey.derived(for: "stratum recovery code v1")))
        }
    }
}
