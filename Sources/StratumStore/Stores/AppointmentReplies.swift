import FluentKit
import Foundation
import StratumCore

/// A booked visit as its patient sees it from a reminder's link or the portal: when and where, and whether they
/// confirmed it. Nothing clinical.
public struct PatientAppointment: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let startsAt: Date
    public let minutes: Int
    public let status: AppointmentStatus
    public let confirmedAt: Date?
    public let clinicName: String
    public let clinicPhone: String?
    public let clinicTimezone: String
}

/// What a patient may answer to a booked visit.
public enum AppointmentAnswer: String, Sendable, CaseIterable {
    case confirm
    case cancel
}

/// The patient's answers to a booked visit, from the link in a reminder (no sign-in: the link is the key to that one
/// visit until it starts) or from their portal session (any of their own visits). Each answer is one transaction with
/// its audit row, the patient as actor; a cancellation frees the practitioner and room and withdraws the reminders
/// that have not left, exactly as the clinic's cancellation does.
extension ReminderStore {
    /// The visit a reminder's link is for, while the link is valid (the visit has not started); nil otherwise, for an
    /// unknown token too. Opening the link is audited as the patient reading their appointment.
    public func appointment(replyToken token: String, now: Date, requestID: String) async throws -> PatientAppointment? {
        guard let link = try await link(token, now: now) else { return nil }
        return try await db.write { database -> PatientAppointment? in
            guard let a = try await AppointmentRow.find(link.appointmentID, on: database) else { return nil }
            try await self.auditPatient(a, action: .read, now: now, requestID: requestID, on: database)
            return try await self.view(a, on: database)
        }
    }

    /// Confirms or cancels the visit of a reminder's link; nil when the link is not valid. A visit no longer booked is
    /// answered as it stands, unchanged.
    public func answer(replyToken token: String, _ answer: AppointmentAnswer, now: Date, requestID: String) async throws
        -> PatientAppointment?
    {
        guard let link = try await link(token, now: now) else { return nil }
        return try await db.write { database -> PatientAppointment? in
            try await lockRow(AppointmentRow.schema, id: link.appointmentID, on: database)
            guard let a = try await AppointmentRow.find(link.appointmentID, on: database) else { return nil }
            try await self.apply(answer, to: a, channel: "reminder link", now: now, requestID: requestID, on: database)
            return try await self.view(a, on: database)
        }
    }

    /// The portal patient's booked visits from now on, soonest first; one audit row.
    public func upcoming(_ session: PortalSession, now: Date, requestID: String) async throws -> [PatientAppointment] {
        try await db.write { database -> [PatientAppointment] in
            let rows = try await AppointmentRow.query(on: database).filter(\.$organizationID == session.organizationID)
                .filter(\.$patientID == session.patientID).filter(\.$status == AppointmentStatus.booked.rawValue)
                .filter(\.$startsAt > now).sort(\.$startsAt).limit(50).all()
            var out: [PatientAppointment] = []
            for a in rows { out.append(try await self.view(a, on: database)) }
            let ctx = AccessContext(actorID: session.patientID, clinicID: session.clinicID, requestID: requestID, now: now)
            try await OrganizationScope(organizationID: session.organizationID, database: db, auditKey: auditKey)
                .audit(ctx, patientID: session.patientID, action: .read, resource: "portal.appointments", outcome: .allowed, on: database)
            return out
        }
    }

    /// Confirms or cancels one of the portal patient's own visits; nil when the id is not a visit of theirs that is
    /// still to come (another patient's id is answered exactly as an unknown one).
    public func answer(_ session: PortalSession, appointmentID: UUID, _ answer: AppointmentAnswer, now: Date, requestID: String)
        async throws -> PatientAppointment?
    {
        try await db.write { database -> PatientAppointment? in
            guard
                let a = try await AppointmentRow.query(on: database).filter(\.$id == appointmentID)
                    .filter(\.$organizationID == session.organizationID).filter(\.$patientID == session.patientID)
                    .filter(\.$startsAt > now).first()
            else { return nil }
            try await lockRow(AppointmentRow.schema, id: appointmentID, on: database)
            try await self.apply(answer, to: a, channel: "portal", now: now, requestID: requestID, on: database)
            return try await self.view(a, on: database)
        }
    }

    private func link(_ token: String, now: Date) async throws -> AppointmentReplyLinkRow? {
        guard !token.isEmpty, token.utf8.count < 200 else { return nil }
        let hash = CredentialStore.sha256Hex(token)
        return try await db.read { database in
            try await AppointmentReplyLinkRow.query(on: database).filter(\.$tokenHash == hash).filter(\.$expiresAt > now).first()
        }
    }

    private func apply(
        _ answer: AppointmentAnswer, to a: AppointmentRow, channel: String, now: Date, requestID: String, on database: any Database
    ) async throws {
        guard a.status == AppointmentStatus.booked.rawValue, a.startsAt > now else { return }
        switch answer {
        case .confirm:
            guard a.confirmedAt == nil else { return }
            a.confirmedAt = now
            a.updatedAt = now
            try await a.update(on: database)
            try await auditPatient(a, action: .confirm, now: now, requestID: requestID, on: database)
        case .cancel:
            try await AppointmentStore.cancelRow(a, reason: "Cancelled by the patient (\(channel))", now: now, on: database)
            try await auditPatient(a, action: .update, now: now, requestID: requestID, on: database)
        }
    }

    private func auditPatient(_ a: AppointmentRow, action: AuditAction, now: Date, requestID: String, on database: any Database) async throws {
        let ctx = AccessContext(actorID: a.patientID, clinicID: a.clinicID, requestID: requestID, now: now)
        try await OrganizationScope(organizationID: a.organizationID, database: db, auditKey: auditKey)
            .audit(ctx, patientID: a.patientID, action: action, resource: "appointment", outcome: .allowed, on: database)
    }

    private func view(_ a: AppointmentRow, on database: any Database) async throws -> PatientAppointment {
        guard let clinic = try await ClinicRow.find(a.clinicID, on: database) else { throw StoreError.notFound("clinic") }
        return PatientAppointment(
            id: a.id!, startsAt: a.startsAt, minutes: a.minutes, status: AppointmentStatus(rawValue: a.status) ?? .cancelled,
            confirmedAt: a.confirmedAt, clinicName: clinic.name, clinicPhone: clinic.phone, clinicTimezone: clinic.timezone)
    }
}
