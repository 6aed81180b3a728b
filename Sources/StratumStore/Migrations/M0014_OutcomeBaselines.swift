import FluentKit

/// Outcome scales used as designed (POLICY §1) need no new column: the per-course summary keeps its columns and now
/// holds the baseline score (none on GAIS), the last follow-up's score and the number of follow-ups, as `ScaleReading`
/// reads a course. Summaries of existing courses are recomputed by M0019_RefreshCourseOutcomes, which runs once every
/// column the models read exists. GAIS scores already recorded at baseline stay in the record as they were written;
/// the reading never counts them.
struct M0014_OutcomeBaselines: AsyncMigration {
    var name: String { "M0014_OutcomeBaselines" }

    func prepare(on db: any Database) async throws {}

    func revert(on db: any Database) async throws {}
}
