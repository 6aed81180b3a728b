import Foundation
import StratumCore
import StratumStore

/// The JSON shapes of stored records in API answers (docs/api.md). Ids are lower-case UUIDs, dates `YYYY-MM-DD`,
/// times ISO 8601 UTC.
enum RecordJSON {
    static func id(_ u: UUID) -> JSONValue { .string(u.uuidString.lowercased()) }
    static func id(_ u: UUID?) -> JSONValue { u.map { id($0) } ?? .null }
    static func time(_ d: Date?) -> JSONValue {
        guard let d else { return .null }
        return .string(d.formatted(.iso8601))
    }
    /// A member of staff a record names: `{id, name, role}` (role null for a user no longer in the organization).
    static func person(_ a: Author?) -> JSONValue {
        guard let a else { return .null }
        return .object([("id", id(a.id)), ("name", .string(a.name)), ("role", a.role.map { .string($0.rawValue) } ?? .null)])
    }
    static func findings(_ fs: [Finding]) -> JSONValue { .array(fs.map(ResultWriter.finding)) }
    static func list(_ items: [JSONValue]) -> JSONValue { .object([("items", .array(items))]) }

    static func screening(_ r: ScreeningRecord) -> JSONValue {
        guard case .object(let doc) = ResultWriter.screening(r.response) else { return .null }
        return .object([("id", id(r.id)), ("patientId", id(r.patientID)), ("version", .number(Double(r.version)))] + doc + [
            ("findings", findings(r.findings)), ("policyVersion", .string(r.policyVersion)),
            ("recordedBy", person(r.recorder)), ("recordedAt", time(r.createdAt)), ("createdAt", time(r.createdAt)),
        ])
    }

    static func consent(_ c: Consent) -> JSONValue {
        var kind = "treatment"
        var tier: JSONValue = .null
        if case .photo(let t) = c.kind { kind = "photo"; tier = .string(t.rawValue) }
        return .object([
            ("id", id(c.id)), ("patientId", id(c.patientID)), ("kind", .string(kind)), ("photoTier", tier),
            ("textVersion", .string(c.textVersion)), ("signedByName", .string(c.signedByName)), ("signedAt", time(c.signedAt)),
            ("recordedBy", person(c.recorder)), ("recordedAt", time(c.signedAt)), ("withdrawnAt", time(c.withdrawnAt)),
            ("signedOn", .string(c.signedOn.description)), ("withdrawnOn", c.withdrawnOn.map { .string($0.description) } ?? .null),
        ])
    }

    static func course(_ c: Course) -> JSONValue {
        let plan = (try? JSONParser.parse(c.planJSON)) ?? .null
        return .object([
            ("id", id(c.id)), ("patientId", id(c.patientID)), ("clinicId", id(c.clinicID)),
            ("indications", .array(c.indications.map { .string($0.rawValue) })),
            ("zones", .array(c.zones.map(ResultWriter.zone))), ("goal", c.goal.map { .string($0) } ?? .null),
            ("status", .string(c.status.rawValue)), ("intervalWeeks", .number(Double(c.intervalWeeks))),
            ("decision", .string(c.decision.rawValue)), ("findings", findings(c.findings)), ("plan", plan),
            ("policyVersion", .string(c.policyVersion)), ("createdBy", id(c.createdBy)), ("createdAt", time(c.createdAt)),
            ("acceptedAt", time(c.acceptedAt)), ("acceptedBy", id(c.acceptedBy)),
            ("proposedBy", person(c.proposer)), ("acceptor", person(c.acceptor)),
            ("acknowledgements", acknowledgements(c.acknowledgements)),
        ])
    }

    /// Cautions accepted with a practitioner's reason, on a session or a course's plan.
    static func acknowledgements(_ all: [FindingAcknowledgement]) -> JSONValue {
        .array(all.map { a in
            .object([("rule", .string(a.rule.rawValue)), ("zone", a.zone.map(ResultWriter.zone) ?? .null),
                     ("reason", .string(a.reason)), ("acknowledgedBy", id(a.acknowledgedBy)),
                     ("acknowledgedAt", time(a.acknowledgedAt))])
        })
    }

    static func session(_ s: TreatmentSession) -> JSONValue {
        .object([
            ("id", id(s.id)), ("courseId", id(s.courseID)), ("patientId", id(s.patientID)), ("clinicId", id(s.clinicID)),
            ("practitionerId", id(s.practitionerID)), ("practitioner", person(s.practitioner)),
            ("recordedBy", person(s.documenter)), ("documentedBy", person(s.documenter)), ("recordedAt", time(s.createdAt)),
            ("date", .string(s.date.description)),
            ("lateEntry", .bool(s.lateEntry)), ("writtenAt", time(s.writtenAt)),
            ("zones", .array(s.zones.map { z in
                .object([("site", .string(z.zone.site.rawValue)), ("side", .string(z.zone.side.rawValue)),
                         ("depthMM", .number(z.depthMM)), ("passes", .number(Double(z.passes))),
                         ("endPoint", z.endPoint.map { .string($0) } ?? .null)])
            })),
            ("reactions", .array(s.reactions.map { .string($0.rawValue) })),
            ("equipment", TraceabilityJSON.equipment(s.equipment)),
            ("decision", .string(s.decision.rawValue)), ("findings", findings(s.findings)),
            ("acknowledgements", acknowledgements(s.acknowledgements)),
            ("addenda", .array(s.addenda.map { a in
                .object([("id", id(a.id)), ("text", .string(a.text)), ("authorId", id(a.authorID)), ("author", person(s.author(of: a))),
                         ("createdAt", time(a.createdAt))])
            })),
            ("policyVersion", .string(s.policyVersion)), ("createdAt", time(s.createdAt)),
            ("signedAt", time(s.signedAt)), ("signedBy", person(s.signer)),
        ])
    }

    static func adverseEvent(_ e: AdverseEvent) -> JSONValue {
        .object([
            ("id", id(e.id)), ("patientId", id(e.patientID)), ("sessionId", id(e.sessionID)), ("type", .string(e.type.rawValue)),
            ("onset", .string(e.onset.description)), ("grade", .number(Double(e.grade.rawValue))),
            ("gradeDefinition", .string(e.grade.definition)),
            ("suspectedCauses", .array(e.suspectedCauses.map { .string($0.rawValue) })),
            ("devicePart", e.links.devicePart.map { .string($0) } ?? .null), ("lot", e.links.lot.map { .string($0) } ?? .null),
            ("pack", e.links.pack.map { .string($0) } ?? .null), ("topical", e.links.topical.map { .string($0) } ?? .null),
            ("notes", e.notes.map { .string($0) } ?? .null), ("status", .string(e.status.rawValue)),
            ("clinicId", id(e.clinicID)), ("zones", .array(e.zones.map(ResultWriter.zone))),
            ("recordedBy", person(e.recorder)), ("recordedAt", time(e.createdAt)), ("createdAt", time(e.createdAt)),
            ("closedAt", time(e.closedAt)), ("closedBy", person(e.closer)),
        ])
    }

    static func assessment(_ a: Assessment) -> JSONValue {
        .object([
            ("id", id(a.id)), ("patientId", id(a.patientID)), ("courseId", id(a.courseID)), ("scale", .string(a.scale)),
            ("score", .number(a.score)), ("items", a.items.map { i in .object(i.map { ($0.key, .number($0.value)) }) } ?? .null),
            ("kind", .string(a.kind.rawValue)), ("assessedOn", .string(a.assessedOn.description)),
            ("assessedBy", person(a.assessor)), ("recordedAt", time(a.createdAt)), ("createdAt", time(a.createdAt)),
        ])
    }

    static func audit(_ r: AuditRow) -> JSONValue {
        .object([
            ("seq", .number(Double(r.seq))), ("occurredAt", .string(r.occurredAtText)), ("actorId", id(r.entry.actorID)),
            ("clinicId", id(r.entry.clinicID)), ("action", .string(r.entry.action)), ("resource", .string(r.entry.resource)),
            ("outcome", .string(r.entry.outcome.rawValue)), ("requestId", .string(r.entry.requestID)),
        ])
    }

    static func patient(_ p: Patient) -> JSONValue {
        .object([
            ("id", id(p.id)), ("clinicId", id(p.clinicID)), ("givenName", .string(p.givenName)), ("familyName", .string(p.familyName)),
            ("birthDate", .string(p.birthDate.description)), ("sex", .string(p.sex.rawValue)),
            ("fitzpatrick", .number(Double(p.fitzpatrick))), ("phone", p.phone.map(JSONValue.string) ?? .null),
            ("email", p.email.map(JSONValue.string) ?? .null),
        ])
    }

    static func chart(_ c: PatientChart) -> JSONValue {
        .object([
            ("patient", patient(c.patient)), ("screenings", .array(c.screenings.map(screening))),
            ("consents", .array(c.consents.map(consent))), ("courses", .array(c.courses.map(course))),
            ("sessions", .array(c.sessions.map(session))), ("adverseEvents", .array(c.adverseEvents.map(adverseEvent))),
            ("assessments", .array(c.assessments.map(assessment))),
        ])
    }
}
