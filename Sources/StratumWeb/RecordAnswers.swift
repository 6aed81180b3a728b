import Foundation
import StratumCore
import StratumStore

// The clinical records as the API answers them: one initialiser per schema of openapi.yaml, from the store's values.

extension Components.Schemas.Person {
    init(_ a: Author) { self.init(id: Wire.id(a.id), name: a.name, role: NullOrStaffRole(a.role.map { Wire.closed($0.rawValue) })) }
}

extension Wire {
    static func person(_ a: Author?) -> NullOrPerson { .init(a.map(Components.Schemas.Person.init)) }
    static func zone(_ z: Zone?) -> NullOrZone { .init(z.map(Components.Schemas.Zone.init)) }
}

extension Components.Schemas.ScreeningAnswers {
    /// The answers given; an unanswered key stays absent, a dated key never done is null.
    init(_ answers: [ScreeningKey: ScreeningAnswer]) {
        func yes(_ key: ScreeningKey) -> Bool? {
            if case .yesNo(let b)? = answers[key] { return b }
            return nil
        }
        func day(_ key: ScreeningKey) -> NullOrDay? {
            if case .lastDate(let d)? = answers[key] { return Wire.day(d) }
            return nil
        }
        self.init(
            activeInfectionInArea: yes(.activeInfectionInArea),
            openWoundInArea: yes(.openWoundInArea),
            skinCancerOrChangingLesionInArea: yes(.skinCancerOrChangingLesionInArea),
            activeAcneInArea: yes(.activeAcneInArea),
            isotretinoinCurrent: yes(.isotretinoinCurrent),
            isotretinoinLastDose: day(.isotretinoinLastDose),
            pregnantOrBreastfeeding: yes(.pregnantOrBreastfeeding),
            bleedingDisorder: yes(.bleedingDisorder),
            stainlessSteelAllergy: yes(.stainlessSteelAllergy),
            anaestheticAllergy: yes(.anaestheticAllergy),
            sunburnInArea: yes(.sunburnInArea),
            anticoagulants: yes(.anticoagulants),
            keloidHistory: yes(.keloidHistory),
            herpesHistory: yes(.herpesHistory),
            immunosuppressed: yes(.immunosuppressed),
            poorlyControlledDiabetes: yes(.poorlyControlledDiabetes),
            autoimmuneSkinDisease: yes(.autoimmuneSkinDisease),
            radiotherapyToArea: day(.radiotherapyToArea),
            recentTanning: yes(.recentTanning),
            retinoidOrAcidLast2Days: yes(.retinoidOrAcidLast2Days),
            surgeryOrTraumaInArea: day(.surgeryOrTraumaInArea),
            deepPeelOrDermabrasion: day(.deepPeelOrDermabrasion),
            metalAllergy: yes(.metalAllergy),
            topicalAllergy: yes(.topicalAllergy))
    }
}

extension Components.Schemas.Screening {
    init(_ r: ScreeningRecord) {
        self.init(
            id: Wire.id(r.id), patientId: Wire.id(r.patientID), version: r.version, answeredOn: Wire.day(r.answeredOn),
            answers: .init(r.answers), findings: r.findings.map(Components.Schemas.Finding.init), policyVersion: r.policyVersion,
            recordedBy: .init(r.recorder), recordedAt: r.createdAt, createdAt: r.createdAt)
    }
}

extension Components.Schemas.Consent {
    init(_ c: Consent) {
        var kind = Components.Schemas.Consent.KindPayload.treatment
        var tier: String?
        if case .photo(let t) = c.kind { kind = .photo; tier = t.rawValue }
        self.init(
            id: Wire.id(c.id), patientId: Wire.id(c.patientID), kind: kind, photoTier: Wire.text(tier), textVersion: c.textVersion,
            signedByName: c.signedByName, signedAt: c.signedAt, recordedBy: .init(c.recorder), recordedAt: c.signedAt,
            withdrawnAt: Wire.time(c.withdrawnAt), signedOn: Wire.day(c.signedOn), withdrawnOn: Wire.day(c.withdrawnOn))
    }
}

extension Components.Schemas.Acknowledgement {
    init(_ a: FindingAcknowledgement) {
        self.init(
            rule: a.rule.rawValue, zone: Wire.zone(a.zone), reason: a.reason, acknowledgedBy: Wire.id(a.acknowledgedBy),
            acknowledgedAt: a.acknowledgedAt)
    }
}

extension Components.Schemas.Course {
    init(_ c: Course) {
        // The plan as stored with the course (the planner's result document); null if it cannot be read, as before.
        let plan = try? JSONDecoder().decode(Components.Schemas.PlanResult.self, from: Data(c.planJSON.utf8))
        self.init(
            id: Wire.id(c.id), patientId: Wire.id(c.patientID), clinicId: Wire.id(c.clinicID), indications: c.indications.map(\.rawValue),
            zones: c.zones.map(Components.Schemas.Zone.init), goal: Wire.text(c.goal), status: Wire.closed(c.status.rawValue),
            intervalWeeks: c.intervalWeeks, decision: Wire.closed(c.decision.rawValue),
            findings: c.findings.map(Components.Schemas.Finding.init), plan: NullOrPlanResult(plan), policyVersion: c.policyVersion,
            createdBy: Wire.id(c.createdBy), createdAt: c.createdAt, acceptedAt: Wire.time(c.acceptedAt), acceptedBy: Wire.id(c.acceptedBy),
            proposedBy: .init(c.proposer), acceptor: Wire.person(c.acceptor),
            acknowledgements: c.acknowledgements.map(Components.Schemas.Acknowledgement.init))
    }
}

extension Components.Schemas.Equipment {
    init(_ e: EquipmentReference) {
        self.init(
            part: NullOrEquipmentPart(e.part.map { .init(gtin: $0.gtin, lot: $0.lot, serial: Wire.text($0.serial)) }),
            pack: Wire.text(e.packCode), handpiece: Wire.text(e.handpieceSerial))
    }
}

extension Components.Schemas.Session {
    init(_ s: TreatmentSession) {
        self.init(
            id: Wire.id(s.id), courseId: Wire.id(s.courseID), patientId: Wire.id(s.patientID), clinicId: Wire.id(s.clinicID),
            practitionerId: Wire.id(s.practitionerID), practitioner: .init(s.practitioner), recordedBy: .init(s.documenter),
            documentedBy: .init(s.documenter), recordedAt: s.createdAt, date: Wire.day(s.date), lateEntry: s.lateEntry,
            writtenAt: Wire.time(s.writtenAt),
            zones: s.zones.map { z in
                .init(
                    site: z.zone.site.rawValue, side: Wire.closed(z.zone.side.rawValue), depthMM: z.depthMM, passes: z.passes,
                    endPoint: Wire.text(z.endPoint))
            },
            reactions: s.reactions.map(\.rawValue), equipment: NullOrEquipment(s.equipment.map(Components.Schemas.Equipment.init)),
            decision: Wire.closed(s.decision.rawValue), findings: s.findings.map(Components.Schemas.Finding.init),
            acknowledgements: s.acknowledgements.map(Components.Schemas.Acknowledgement.init),
            addenda: s.addenda.map { a in
                .init(id: Wire.id(a.id), text: a.text, authorId: Wire.id(a.authorID), author: Wire.person(s.author(of: a)), createdAt: a.createdAt)
            },
            policyVersion: s.policyVersion, createdAt: s.createdAt, signedAt: Wire.time(s.signedAt), signedBy: Wire.person(s.signer))
    }
}

extension Components.Schemas.AdverseEvent {
    init(_ e: AdverseEvent) {
        self.init(
            id: Wire.id(e.id), patientId: Wire.id(e.patientID), sessionId: Wire.id(e.sessionID), _type: Wire.closed(e.type.rawValue),
            onset: Wire.day(e.onset), grade: e.grade.rawValue, gradeDefinition: e.grade.definition,
            suspectedCauses: e.suspectedCauses.map { Wire.closed($0.rawValue) }, devicePart: Wire.text(e.links.devicePart),
            lot: Wire.text(e.links.lot), pack: Wire.text(e.links.pack), topical: Wire.text(e.links.topical), notes: Wire.text(e.notes),
            status: Wire.closed(e.status.rawValue), clinicId: Wire.id(e.clinicID), zones: e.zones.map(Components.Schemas.Zone.init),
            recordedBy: .init(e.recorder), recordedAt: e.createdAt, createdAt: e.createdAt, closedAt: Wire.time(e.closedAt),
            closedBy: Wire.person(e.closer))
    }
}

extension Components.Schemas.Assessment {
    init(_ a: Assessment) {
        self.init(
            id: Wire.id(a.id), patientId: Wire.id(a.patientID), courseId: Wire.id(a.courseID), scale: a.scale, score: a.score,
            items: NullOrItemScores(a.items.map { Dictionary($0.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first }) }),
            kind: Wire.closed(a.kind.rawValue), assessedOn: Wire.day(a.assessedOn),
            assessedBy: .init(a.assessor), recordedAt: a.createdAt, createdAt: a.createdAt)
    }
}

extension Components.Schemas.AuditEntry {
    init(_ r: AuditRow) {
        self.init(
            seq: r.seq, occurredAt: r.occurredAtText, actorId: Wire.id(r.entry.actorID), clinicId: Wire.id(r.entry.clinicID),
            action: r.entry.action, resource: r.entry.resource, outcome: Wire.closed(r.entry.outcome.rawValue), requestId: r.entry.requestID)
    }
}

extension Components.Schemas.PatientChart {
    init(_ c: PatientChart) {
        let p = c.patient
        self.init(
            patient: .init(
                id: Wire.id(p.id), clinicId: Wire.id(p.clinicID), givenName: p.givenName, familyName: p.familyName,
                birthDate: Wire.day(p.birthDate), sex: Components.Schemas.Sex(rawValue: p.sex.rawValue) ?? .unknown,
                fitzpatrick: p.fitzpatrick, phone: Wire.text(p.phone), email: Wire.text(p.email)),
            screenings: c.screenings.map(Components.Schemas.Screening.init), consents: c.consents.map(Components.Schemas.Consent.init),
            courses: c.courses.map(Components.Schemas.Course.init), sessions: c.sessions.map(Components.Schemas.Session.init),
            adverseEvents: c.adverseEvents.map(Components.Schemas.AdverseEvent.init),
            assessments: c.assessments.map(Components.Schemas.Assessment.init))
    }
}
