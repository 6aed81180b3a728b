import Foundation
import StratumCore

/// The demo loaded act by act through the stores' doors, each act its own audited transaction (request id
/// `demo-load`), as a clinic would have written it: the reference `DemoGenerator` is compared with, and far too slow
/// for a large demo (about 150 ms a patient on SQLite).
public enum DemoDoors {
    /// Loads the registry and `count` patients of `seed` into the organization of `clinics`, whose directory rows
    /// (clinics, the practitioner's memberships) already exist. `today` is the clinic's today the histories end on.
    public static func load(
        scope: OrganizationScope, clinics: DemoClinics, patients count: Int, seed: UInt64,
        today: LocalDate
    ) async throws {
        let ctx = AccessContext(actorID: clinics.practitionerID, clinicID: clinics.central, requestID: "demo-load")
        try await DemoRegistry.load(scope: scope, clinics: clinics, today: today, ctx: ctx)
        var handpieceIDs: [String: UUID] = [:]
        for h in try await scope.devices.handpieces() { handpieceIDs[h.serial] = h.id }
        func clean(_ serial: String) async throws {
            _ = try await scope.devices.recordCleaning(handpieceID: handpieceIDs[serial]!, method: DemoRegistry.cleaningMethod, ctx.fresh())
        }
        var script = DemoScript(clinics: clinics, count: count, seed: seed, today: today)
        while let p = script.next() {
            // Invented people: a shared random phone number does not make two of them one person.
            let patient = try await scope.patients.create(p.draft, confirmDuplicate: true, ctx)
            guard let screening = p.screening else { continue }
            _ = try await scope.screenings.record(patientID: patient.id, response: screening, ctx)
            guard p.consentSigned else { continue }
            _ = try await scope.consents.sign(
                patientID: patient.id, kind: .treatment, textVersion: "2026-11", signedByName: p.signerName,
                signedOn: screening.answeredOn, ctx)
            guard let planned = p.course else { continue }
            let course = try await scope.courses.create(
                patientID: patient.id, clinicID: patient.clinicID, request: planned.request, goal: planned.goal, ctx)
            guard let acknowledgements = planned.acceptance else { continue }
            _ = try await scope.courses.accept(courseID: course.id, acknowledgements: acknowledgements, ctx)
            for visit in planned.visits {
                try await clean(visit.handpieceSerial)
                guard let draft = visit.draft else { break }
                let session = try await scope.sessions.record(courseID: course.id, clinicID: visit.clinicID, draft, ctx.fresh())
                _ = try await scope.sessions.sign(sessionID: session.id, by: clinics.practitionerID, ctx)
                for s in visit.scores {
                    _ = try await scope.assessments.record(
                        patientID: patient.id, courseID: course.id, scale: s.scale.rawValue, score: s.score,
                        kind: s.kind, assessedOn: s.on, ctx)
                }
            }
        }
        // The end of the demo day: every handpiece cleaned after its last patient, so none is left due for cleaning.
        for serial in handpieceIDs.keys.sorted() { try await clean(serial) }
    }
}
