import FluentKit
import SQLKit

/// Summarizes the courses a database already holds into `course_outcomes` (derived data, rebuildable at any time).
/// It reads the clinical tables through the current Fluent models, so it must run after every migration that adds a
/// column to them: keep it last, or move its refresh to the newest migration when a later one adds such a column.
struct M0019_RefreshCourseOutcomes: AsyncMigration {
    var name: String { "M0019_RefreshCourseOutcomes" }

    func prepare(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        // A new database holds no course: nothing to read, and no model query to prepare.
        guard let row = try await sql.raw("SELECT COUNT(*) AS n FROM courses").first(), try row.decode(column: "n", as: Int.self) > 0 else { return }
        for course in try await CourseRow.query(on: db).all() {
            try await CourseOutcomeSummary.refresh(courseID: course.id!, organizationID: course.organizationID, on: db)
        }
    }

    func revert(on db: any Database) async throws {}
}
