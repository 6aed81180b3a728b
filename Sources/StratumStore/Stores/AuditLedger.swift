import Crypto
import Foundation
import Synchronization

/// The patients one request has already audited. A request audits each patient's record once, whichever store
/// values its answer shows: a page that reads the course, the patient and their sessions writes one row, as the
/// first read; a write's own row covers what the same request then reads to answer. Writes are never coalesced:
/// each is an act of its own. See docs/decisions/0008-audited-once-per-act.md.
public final class AuditLedger: Sendable {
    private let audited = Mutex<Set<UUID>>([])

    public init() {}

    /// Whether a row of this request already covers the patient.
    public func covers(_ patientID: UUID) -> Bool { audited.withLock { $0.contains(patientID) } }

    func note(_ patientID: UUID) { audited.withLock { _ = $0.insert(patientID) } }
}

extension OrganizationScope {
    /// How long the page after a write may show the written record under the write's audit row.
    public static let receiptLifetime: TimeInterval = 60

    /// A receipt for the write this request just audited for `patientID`, for the page the browser is sent to next
    /// (`path`): signed with a key derived from the audit key, bound to this organization, actor, patient and path,
    /// valid `receiptLifetime` seconds. The redirect after a write carries it so the follow-up view does not audit
    /// again what the write's row records.
    public func receipt(patientID: UUID, for path: String, _ ctx: AccessContext) -> String {
        let expires = Int((ctx.now.timeIntervalSince1970 + Self.receiptLifetime).rounded(.up))
        return "\(patientID.uuidString.lowercased()).\(expires).\(receiptMAC(patientID: patientID, path: path, expires: expires, ctx))"
    }

    /// Redeems a receipt for the page at `path`: when it verifies for this organization, actor and path and has not
    /// expired, the request's ledger counts its patient as audited (by the write's row) and true is returned.
    /// Anything else is ignored: the page audits its read as usual.
    @discardableResult
    public func redeem(_ receipt: String, for path: String, _ ctx: AccessContext) -> Bool {
        let parts = receipt.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let ledger = ctx.ledger, let patientID = UUID(uuidString: parts[0]), let expires = Int(parts[1]),
            Double(expires) >= ctx.now.timeIntervalSince1970,
            let given = Data(hexString: parts[2]),
            HMAC<SHA256>.isValidAuthenticationCode(
                given, authenticating: Data(receiptText(patientID: patientID, path: path, expires: expires, ctx).utf8),
                using: auditKey.derived(for: "stratum page receipt"))
        else { return false }
        ledger.note(patientID)
        return true
    }

    private func receiptText(patientID: UUID, path: String, expires: Int, _ ctx: AccessContext) -> String {
        [organizationID.uuidString, ctx.actorID?.uuidString ?? "-", patientID.uuidString, path, String(expires)].joined(separator: "|")
    }

    private func receiptMAC(patientID: UUID, path: String, expires: Int, _ ctx: AccessContext) -> String {
        Hex.encode(
            HMAC<SHA256>.authenticationCode(
                for: Data(receiptText(patientID: patientID, path: path, expires: expires, ctx).utf8),
                using: auditKey.derived(for: "stratum page receipt")))
    }
}

private extension Data {
    init?(hexString: String) {
        guard hexString.count % 2 == 0, hexString.count <= 128 else { return nil }
        var out = Data(capacity: hexString.count / 2)
        var i = hexString.startIndex
        while i < hexString.endIndex {
            let j = hexString.index(i, offsetBy: 2)
            guard let b = UInt8(hexString[i..<j], radix: 16) else { return nil }
            out.append(b)
            i = j
        }
        self = out
    }
}
