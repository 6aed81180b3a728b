import FluentKit

/// A course is accepted only with each caution of its plan acknowledged with a reason: the reasons, who gave them
/// and when are kept with the course, and so is who accepted it.
struct M0017_PlanAcknowledgements: AsyncMigration {
    var name: String { "M0017_PlanAcknowledgements" }

    func prepare(on db: any Database) async throws {
        try await db.schema("course_acknowledgements")
            .id()
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .restrict))
            .field("course_id", .uuid, .required, .references("courses", "id", onDelete: .restrict))
            .field("rule", .string, .required)
            .field("site", .string)
            .field("side", .string)
            .field("reason", .string, .required)
            .field("acknowledged_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("acknowledged_at", .datetime, .required)
            .create()
        // Courses accepted before this migration keep a null acceptor: who accepted them was not recorded.
        try await db.schema("courses").field("accepted_by", .uuid, .references("users", "id", onDelete: .restrict)).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("courses").deleteField("accepted_by").update()
        try await db.schema("course_acknowledgements").delete()
    }
}
