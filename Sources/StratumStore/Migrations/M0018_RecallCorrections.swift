import FluentKit

/// A recall opened by mistake is closed in error with the reason, kept with the recall beside who closed it and
/// when. Its status then reads `closed-in-error`; recalls closed before this migration were all closed with every
/// follow-up done, so they keep `closed` and a null reason (nothing to back-fill).
struct M0018_RecallCorrections: AsyncMigration {
    var name: String { "M0018_RecallCorrections" }

    func prepare(on db: any Database) async throws {
        try await db.schema("recalls").field("closed_reason", .string).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("recalls").deleteField("closed_reason").update()
    }
}
