import FluentKit

/// Placeholder: filled by the issue-12 work before it lands (a landed migration is never edited).
struct M0018_RecallCorrections: AsyncMigration {
    var name: String { "M0018_RecallCorrections" }

    func prepare(on db: any Database) async throws {}

    func revert(on db: any Database) async throws {}
}
