import FluentKit

/// Per-clinic traceability needs no change of its own here: sterilizers, lots, packs and handpieces carried their
/// clinic since M0010, recalls gained theirs in M0013 and adverse events in M0016. A no-op, kept so the numbering
/// of the landed list has no gap.
struct M0015_ClinicScope: AsyncMigration {
    var name: String { "M0015_ClinicScope" }

    func prepare(on db: any Database) async throws {}

    func revert(on db: any Database) async throws {}
}
