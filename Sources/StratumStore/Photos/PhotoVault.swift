import Crypto
import Foundation

/// The photo files: each cleaned image sealed with AES-GCM under `photos/` in the data directory and named by the
/// SHA-256 of its plaintext, so the record's hash finds the file and proves on every read that it is the same image.
public struct PhotoVault: Sendable {
    public let directory: String
    private let key: [UInt8]

    /// The vault of a data directory, keyed from the audit key (a derived key: the two secrets stay one to keep).
    public init(dataDirectory: String, auditKey: AuditKey) {
        self.directory = URL(fileURLWithPath: dataDirectory).appendingPathComponent("photos").path
        self.key = auditKey.derived(for: "stratum photo files v1").withUnsafeBytes { Array($0) }
    }

    /// The lowercase hex SHA-256 of an image, its name in the vault and in the record.
    public static func hash(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    func path(_ sha256: String) -> String {
        URL(fileURLWithPath: directory).appendingPathComponent(String(sha256.prefix(2))).appendingPathComponent(sha256).path
    }

    /// Seals and writes the image unless a file of that hash is already there; the file is flushed to disk and
    /// renamed into place, so a crash leaves either no file or a whole one.
    func store(_ bytes: [UInt8], sha256: String) throws {
        let target = path(sha256)
        if FileManager.default.fileExists(atPath: target) { return }
        let folder = (target as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        // The hash binds the sealed box to its name: a file moved under another name fails to open.
        let sealed = try AES.GCM.seal(bytes, using: SymmetricKey(data: key), authenticating: Data(sha256.utf8))
        guard let combined = sealed.combined else { throw StoreError.conflict("photo could not be sealed") }
        let temporary = folder + "/.\(sha256).\(UUID().uuidString).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: temporary) else {
            throw StoreError.conflict("photo file could not be written in \(directory)")
        }
        do {
            try handle.write(contentsOf: combined)
            try handle.synchronize()
            try handle.close()
            if rename(temporary, target) != 0 { throw StoreError.conflict("photo file could not be moved into place") }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }

    /// Opens an image and checks it against its recorded hash; a missing, altered or misplaced file is an error,
    /// never a different picture.
    func open(sha256: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path(sha256)) else {
            throw PhotoFileError(problem: "the photo file \(sha256.prefix(12))… is missing from \(directory)")
        }
        do {
            let box = try AES.GCM.SealedBox(combined: data)
            let plain = try AES.GCM.open(box, using: SymmetricKey(data: key), authenticating: Data(sha256.utf8))
            let bytes = [UInt8](plain)
            guard Self.hash(bytes) == sha256 else { throw PhotoFileError(problem: "the photo file \(sha256.prefix(12))… does not match its hash") }
            return bytes
        } catch let e as PhotoFileError {
            throw e
        } catch {
            throw PhotoFileError(problem: "the photo file \(sha256.prefix(12))… cannot be opened with this server's key")
        }
    }
}

/// A stored photo that cannot be read back as recorded: a server fault to investigate, not a client's mistake.
public struct PhotoFileError: Error, Sendable, CustomStringConvertible {
    public let problem: String
    public var description: String { problem }
}
