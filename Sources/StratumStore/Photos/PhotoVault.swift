import Crypto
import Foundation

/// The photo images: each cleaned image sealed with AES-GCM and named by the SHA-256 of its plaintext, so the
/// record's hash finds the sealed image and proves on every read that it is the same image. Where the sealed bytes
/// live is the shelf's business (docs/decisions/0007): files under `photos/` in the data directory on SQLite (one
/// server), the `photo_blobs` table on PostgreSQL, so that every app server reads every photo.
public struct PhotoVault: Sendable {
    /// Where the files live when the shelf is the data directory (a SQLite clinic).
    public let directory: String
    private let key: [UInt8]
    private let shelf: any PhotoShelf

    /// The vault of a data directory, keyed from the audit key (a derived key: the two secrets stay one to keep).
    public init(dataDirectory: String, auditKey: AuditKey) {
        self.init(dataDirectory: dataDirectory, auditKey: auditKey, database: nil)
    }

    /// The vault of the store: the database on PostgreSQL, the data directory's files on SQLite.
    public init(database: StratumDatabase, dataDirectory: String, auditKey: AuditKey) {
        self.init(dataDirectory: dataDirectory, auditKey: auditKey, database: database.location.isSQLite ? nil : database)
    }

    private init(dataDirectory: String, auditKey: AuditKey, database: StratumDatabase?) {
        directory = URL(fileURLWithPath: dataDirectory).appendingPathComponent("photos").path
        key = auditKey.derived(for: "stratum photo files v1").withUnsafeBytes { Array($0) }
        shelf = database.map { PhotoDatabaseShelf(database: $0) } ?? PhotoFileShelf(directory: directory)
    }

    /// The lowercase hex SHA-256 of an image, its name in the vault and in the record.
    public static func hash(_ bytes: [UInt8]) -> String {
        Hex.encode(SHA256.hash(data: bytes))
    }

    /// Seals and keeps the image unless one of that hash is already kept; durable when this returns.
    func store(_ bytes: [UInt8], sha256: String) async throws {
        if try await shelf.contains(sha256) { return }
        // The hash binds the sealed box to its name: a box moved under another name fails to open.
        let sealed = try AES.GCM.seal(bytes, using: SymmetricKey(data: key), authenticating: Data(sha256.utf8))
        guard let combined = sealed.combined else { throw StoreError.conflict("photo could not be sealed") }
        try await shelf.put([UInt8](combined), sha256: sha256)
    }

    /// Opens an image and checks it against its recorded hash; a missing, altered or misplaced image is an error,
    /// never a different picture.
    func open(sha256: String) async throws -> [UInt8] {
        guard let data = try await shelf.get(sha256) else {
            throw PhotoFileError(problem: "the photo \(sha256.prefix(12))… is missing from \(shelf.place)")
        }
        do {
            let box = try AES.GCM.SealedBox(combined: data)
            let plain = try AES.GCM.open(box, using: SymmetricKey(data: key), authenticating: Data(sha256.utf8))
            let bytes = [UInt8](plain)
            guard Self.hash(bytes) == sha256 else { throw PhotoFileError(problem: "the photo \(sha256.prefix(12))… does not match its hash") }
            return bytes
        } catch let e as PhotoFileError {
            throw e
        } catch {
            throw PhotoFileError(problem: "the photo \(sha256.prefix(12))… cannot be opened with this server's key")
        }
    }
}

/// A stored photo that cannot be read back as recorded: a server fault to investigate, not a client's mistake.
public struct PhotoFileError: Error, Sendable, CustomStringConvertible {
    public let problem: String
    public var description: String { problem }
}
