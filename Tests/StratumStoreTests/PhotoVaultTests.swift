import Foundation
import SQLKit
import StratumCore
@testable import StratumStore
import StratumTestFixtures
import Testing

@Suite("Photo vault: any app server reads any photo; every image is checked against its hash")
struct PhotoVaultTests {
    /// A patient of organization A with an active course and a photo consent on record.
    func consentedCourse(_ db: StratumDatabase, _ orgs: TwoOrganizations) async throws -> (Patient, Course) {
        let (p, course) = try await activeCourse(db, orgs)
        _ = try await orgs.scopeA(db).consents.sign(
            patientID: p.id, kind: .photo(.recordOnly), textVersion: "photo-2026-1",
            signedByName: "Mira Okafor", signedAt: at(0), orgs.ctxA)
        return (p, course)
    }

    func temporaryDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("stratum-photos-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }

    @Test(
        "two app servers on one PostgreSQL database, each with its own data directory, read each other's photos",
        .enabled(if: Backend.postgresURL != nil, "needs STRATUM_TEST_POSTGRES_URL"))
    func twoServersSharePhotos() async throws {
        try await withStore(.postgres) { db in
            let other = try await StratumDatabase.open(db.location)
            let (dirA, dirB) = (try temporaryDirectory(), try temporaryDirectory())
            defer { for d in [dirA, dirB] { try? FileManager.default.removeItem(atPath: d) } }
            let vaultA = PhotoVault(database: db, dataDirectory: dirA, auditKey: testAuditKey)
            let vaultB = PhotoVault(database: other, dataDirectory: dirB, auditKey: testAuditKey)
            let orgs = try await TwoOrganizations.make(db)
            let (p, course) = try await consentedCourse(db, orgs)
            let serverA = orgs.scopeA(db).photos(vaultA)
            let serverB = OrganizationScope(organizationID: orgs.a.id, database: other, auditKey: testAuditKey).photos(vaultB)
            let draft = PhotoDraft(courseID: course.id, view: .front, zone: nil, visit: .baseline, takenOn: LocalDate(iso: "2026-11-20")!)
            let fromA = try await serverA.add(patientID: p.id, draft, upload: PhotoSamples.phoneJPEG, orgs.ctxA)
            let fromB = try await serverB.add(patientID: p.id, draft, upload: PhotoSamples.jpeg(2), orgs.ctxA)

            let (_, seenByB) = try await serverB.image(photoID: fromA.id, use: .record, orgs.ctxA)
            let (_, seenByA) = try await serverA.image(photoID: fromB.id, use: .record, orgs.ctxA)
            #expect(PhotoVault.hash(seenByB) == fromA.sha256 && PhotoVault.hash(seenByA) == fromB.sha256)
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: dirA).isEmpty && FileManager.default.contentsOfDirectory(atPath: dirB).isEmpty,
                "on PostgreSQL the images live in the database, not in a server's files")
            // What the database holds is sealed: neither the JPEG marker nor the stripped metadata can be read in it.
            let sealed = try #require(
                try await db.sql.raw("SELECT sealed FROM photo_blobs WHERE sha256 = \(bind: fromA.sha256)").first()?
                    .decode(column: "sealed", as: Data.self))
            #expect(!sealed.starts(with: [0xFF, 0xD8]) && !PhotoSamples.contains([UInt8](sealed), "AcmeCam"))

            // An image swapped under another photo's name fails its check on every server, never shows another picture.
            try await db.sql.raw(
                """
                UPDATE photo_blobs SET sealed = (SELECT sealed FROM photo_blobs WHERE sha256 = \(bind: fromB.sha256)) WHERE sha256 = \(bind: fromA.sha256)
                """
            ).run()
            await #expect(throws: PhotoFileError.self) { _ = try await serverB.image(photoID: fromA.id, use: .record, orgs.ctxA) }
            await other.shutdown()
            try await expectAuditIntact(db)
        }
    }

    @Test("on SQLite the sealed image is a file of the data directory, checked against its hash when read")
    func sqliteKeepsFiles() async throws {
        try await withStore(.sqlite) { db in
            let dir = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let vault = PhotoVault(database: db, dataDirectory: dir, auditKey: testAuditKey)
            let orgs = try await TwoOrganizations.make(db)
            let (p, course) = try await consentedCourse(db, orgs)
            let photos = orgs.scopeA(db).photos(vault)
            let draft = PhotoDraft(courseID: course.id, view: .front, zone: nil, visit: .baseline, takenOn: LocalDate(iso: "2026-11-20")!)
            let photo = try await photos.add(patientID: p.id, draft, upload: PhotoSamples.phoneJPEG, orgs.ctxA)
            let file = vault.directory + "/\(photo.sha256.prefix(2))/\(photo.sha256)"
            #expect(FileManager.default.fileExists(atPath: file))
            #expect(PhotoVault.hash(try await photos.image(photoID: photo.id, use: .record, orgs.ctxA).1) == photo.sha256)
            var bytes = try #require(FileManager.default.contents(atPath: file))
            bytes[bytes.count / 2] ^= 0xFF
            try bytes.write(to: URL(fileURLWithPath: file))
            await #expect(throws: PhotoFileError.self) { _ = try await photos.image(photoID: photo.id, use: .record, orgs.ctxA) }
            try await expectAuditIntact(db)
        }
    }
}
