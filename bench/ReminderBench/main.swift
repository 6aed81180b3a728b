import Foundation
import SQLKit
import StratumCore
import StratumStore

// Benchmark set-up for the reminder worker (issue 16): on a database holding the 10,000-patient demo, books a chain's
// busy day, `APPOINTMENTS` visits (default 2,000) tomorrow in each clinic's time zone, through the booking door
// (`AppointmentStore.book`, with the interval rules and the slot index), spread over enough practitioners added for
// the day. `bench/reminders/bench.py` then starts the server with a relay and times the reminders leaving.

@main
struct ReminderBench {
    static func main() async throws {
        let env = ProcessInfo.processInfo.environment
        guard case .success(let config) = StoreConfiguration.fromEnvironment(env) else {
            FileHandle.standardError.write(Data("reminder-bench: set DATABASE_URL (and STRATUM_DATA_DIR) to a demo database\n".utf8))
            exit(2)
        }
        let wanted = Int(env["APPOINTMENTS"] ?? "") ?? 2000
        let db = try await StratumDatabase.open(config.database)
        let key = try config.loadAuditKey()
        let directory = Directory(database: db)
        guard let org = try await directory.organizations().first?.id else {
            FileHandle.standardError.write(Data("reminder-bench: the database is empty: load the demo first\n".utf8))
            exit(2)
        }
        let sql = db.database as! any SQLDatabase
        struct CourseRef: Decodable {
            let id: UUID
            let clinic_id: UUID
            let timezone: String
        }
        let courses = try await sql.raw(
            """
            SELECT c.id, c.clinic_id, k.timezone FROM courses c JOIN clinics k ON k.id = c.clinic_id
            WHERE c.organization_id = \(bind: org) AND c.status = 'active' ORDER BY c.id
            """
        ).all(decoding: CourseRef.self)
        let clinics = Set(courses.map(\.clinic_id))
        // Thirty-minute visits from 07:00 to 21:00: 28 a practitioner; enough practitioners for the day.
        let perPractitioner = 28
        var practitioners: [UUID] = []
        for i in 0..<(wanted + perPractitioner - 1) / perPractitioner {
            let email = "bench-practitioner-\(i)@demo.stratum.test"
            let user: User
            if let (existing, _) = try await directory.credentials(email: email) {
                user = existing
            } else {
                user = try await directory.createUser(email: email, displayName: "Bench Practitioner \(i)", passwordHash: "!")
                for clinic in clinics { _ = try await directory.addMembership(userID: user.id, clinicID: clinic, role: .practitioner) }
            }
            practitioners.append(user.id)
        }
        let scope = OrganizationScope(organizationID: org, database: db, auditKey: key)
        let ctx = AccessContext(actorID: practitioners[0], clinicID: nil, requestID: "reminder-bench")
        let clock = ContinuousClock()
        let started = clock.now
        var booked = 0
        var refused = 0
        var slot = 0
        for course in courses where booked < wanted {
            guard let c = try await scope.courses.get(courseID: course.id, ctx), let visit = c.plannedVisits.last else { continue }
            let tomorrow = LocalDate.clinicDay(at: Date(), timeZone: course.timezone).adding(days: 1)
            let practitioner = practitioners[slot / perPractitioner]
            let minute = 7 * 60 + (slot % perPractitioner) * 30
            do {
                _ = try await scope.appointments.book(
                    AppointmentDraft(
                        courseID: course.id, visitNumber: visit.number, date: tomorrow, startMinute: minute, minutes: 30,
                        practitionerID: practitioner), ctx)
                booked += 1
                slot += 1
            } catch is ClinicalRefusal {
                refused += 1  // a course whose interval rules refuse tomorrow: the clinic would not book it either
            } catch let e as StoreError {
                refused += 1
                if refused < 5 { FileHandle.standardError.write(Data("reminder-bench: not booked: \(e)\n".utf8)) }
            }
        }
        let seconds = Double((clock.now - started).components.seconds) + Double((clock.now - started).components.attoseconds) / 1e18
        print(
            "reminder bench set-up: \(booked) visits booked tomorrow (\(refused) refused by the rules) with \(practitioners.count) practitioners in \(String(format: "%.1f", seconds)) s"
        )
        await db.shutdown()
        if booked < wanted { exit(1) }
    }
}
