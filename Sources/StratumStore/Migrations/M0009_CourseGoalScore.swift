import FluentKit

/// The goal of a course as a score on its primary outcome scale, so progress can be drawn against it; the goal in
/// words stays in `goal`.
struct M0009_CourseGoalScore: AsyncMigration {
    var name: String { "M0009_CourseGoalScore" }

    func prepare(on db: any Database) async throws {
        try await db.schema("courses").field("goal_score", .double).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("courses").deleteField("goal_score").update()
    }
}
