import Foundation
import SQLKit

/// Where sealed photo images are kept, by content hash. The vault seals and checks; a shelf only keeps bytes.
protocol PhotoShelf: Sendable {
    /// Named in errors: which place lacks an image.
    var place: String { get }
    func contains(_ sha256: String) async throws -> Bool
    /// Keeps `sealed` under `sha256`, durably, before returning; keeping the same name twice is harmless.
    func put(_ sealed: [UInt8], sha256: String) async throws
    func get(_ sha256: String) async throws -> [UInt8]?
}

/// One file per image under the data directory: enough for one server on one machine (SQLite).
struct PhotoFileShelf: PhotoShelf {
    let directory: String
    var place: String { directory }

    func path(_ sha256: String) -> String {
        URL(fileURLWithPath: directory).appendingPathComponent(String(sha256.prefix(2))).appendingPathComponent(sha256).path
    }

    func contains(_ sha256: String) async throws -> Bool { FileManager.default.fileExists(atPath: path(sha256)) }

    /// The file is flushed to disk and renamed into place, so a crash leaves either no file or a whole one.
    func put(_ sealed: [UInt8], sha256: String) async throws {
        let target = path(sha256)
        let folder = (target as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = folder + "/.\(sha256).\(UUID().uuidString).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: 0o600]),
            let handle = FileHandle(forWritingAtPath: temporary)
        else {
            throw StoreError.conflict("photo file could not be written in \(directory)")
        }
        do {
            try handle.write(contentsOf: sealed)
            try handle.synchronize()
            try handle.close()
            if rename(temporary, target) != 0 { throw StoreError.conflict("photo file could not be moved into place") }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }

    func get(_ sha256: String) async throws -> [UInt8]? {
        FileManager.default.contents(atPath: path(sha256)).map { [UInt8]($0) }
    }
}

/// The `photo_blobs` table (PostgreSQL): every app server on the database reads every image, and the image is as
/// durable as the record that names it.
struct PhotoDatabaseShelf: PhotoShelf {
    let database: StratumDatabase
    var place: String { "the database (photo_blobs)" }

    func contains(_ sha256: String) async throws -> Bool {
        try await database.read { db in
            try await (db as! any SQLDatabase).raw("SELECT 1 AS found FROM photo_blobs WHERE sha256 = \(bind: sha256)").first() != nil
        }
    }

    func put(_ sealed: [UInt8], sha256: String) async throws {
        try await database.write { db in
            // Two servers storing the same image at once both succeed; either sealed box opens to the same image.
            try await (db as! any SQLDatabase).raw(
                """
                INSERT INTO photo_blobs (sha256, sealed) VALUES (\(bind: sha256), \(bind: Data(sealed))) ON CONFLICT (sha256) DO NOTHING
                """
            ).run()
        }
    }

    func get(_ sha256: String) async throws -> [UInt8]? {
        try await database.read { db in
            try await (db as! any SQLDatabase).raw("SELECT sealed FROM photo_blobs WHERE sha256 = \(bind: sha256)").first()?
                .decode(column: "sealed", as: Data.self)
        }.map { [UInt8]($0) }
    }
}
