import FluentKit

/// Indexes for lookups that every chart read or session recording makes, found by `EXPLAIN QUERY PLAN` on the
/// 10,000-patient demo: a course's acknowledgements and its scores were read by scanning the whole table, and a
/// patient's adverse events through the organization's status index (every event of the organization).
struct M0021_HotPathIndexes: IndexMigration {
    var name: String { "M0021_HotPathIndexes" }

    static let indexes: [(name: String, table: String, columns: String)] = [
        ("ix_course_acknowledgements_course", "course_acknowledgements", "course_id"),
        ("ix_assessments_course_scale", "assessments", "course_id, scale, assessed_on"),
        ("ix_adverse_events_org_patient", "adverse_events", "organization_id, patient_id, status"),
        ("ix_adverse_events_org_session", "adverse_events", "organization_id, session_id"),
        ("ix_adverse_events_org_type", "adverse_events", "organization_id, type")
    ]
}
