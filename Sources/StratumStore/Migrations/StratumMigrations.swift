import FluentKit

/// The ordered migration list. A landed migration is never edited; changes come as new numbered migrations.
enum StratumMigrations {
    static let all: [any Migration] = [
        M0001_Organizations(),
        M0002_Credentials(),
        M0003_Patients(),
        M0004_Courses(),
        M0005_Outcomes(),
        M0006_AuditEvents(),
        M0007_ClinicalIndexes(),
        M0008_AdverseEventFollowUps(),
        M0009_CourseGoalScore(),
        M0010_Traceability(),
        M0011_Photos(),
        M0012_RecordDates(),
        M0013_DeviceFit(),
        M0014_OutcomeBaselines(),
        M0015_ClinicScope(),
        M0016_PatientsAndAuthorship(),
        M0017_PlanAcknowledgements(),
        M0018_RecallCorrections(),
        M0020_SealedAuditAndPhotoBlobs(),
        M0021_HotPathIndexes(),
        M0022_Outbox(),
        M0023_ClinicDetails(),
        M0024_StaffAccounts(),
        M0025_Appointments(),
        M0026_PatientPortal(),
        M0027_AppointmentDesk(),
        M0028_Reminders(),
        M0029_PortalScreening(),
        M0030_PortalCheckIns(),
        M0019_RefreshCourseOutcomes()
    ]
}

extension StratumDatabase {
    /// Brings the schema up to date; safe to run at every start.
    public func migrate() async throws {
        let migrations = Migrations()
        migrations.add(StratumMigrations.all)
        let migrator = Migrator(databases: databases, migrations: migrations, logger: logger, on: eventLoopGroup.any())
        try await migrator.setupIfNeeded().get()
        try await migrator.prepareBatch().get()
    }
}
