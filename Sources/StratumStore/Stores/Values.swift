import Foundation
import StratumCore

/// An organization: a single clinic or a chain; the boundary no record ever crosses.
public struct Organization: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let name: String
}

/// A location of an organization where sessions happen.
public struct Clinic: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let organizationID: UUID
    public let name: String
    public let timezone: String
    /// How patients reach the clinic; nil until the owner enters it.
    public var address: String? = nil
    public var phone: String? = nil
    public var email: String? = nil
    /// Days a sterilization pack stays sterile after its cycle; nil is event-related shelf life.
    public var packShelfLifeDays: Int? = nil
}

/// A person who signs in. The password hash never leaves the store.
public struct User: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let email: String
    public let displayName: String
}

/// A user's role in one clinic.
public struct Membership: Sendable, Equatable {
    public let organizationID: UUID
    public let clinicID: UUID
    public let userID: UUID
    public let role: Role
}

/// A patient's identifying and clinical facts; everything else hangs off the patient's id.
public struct Patient: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let organizationID: UUID
    public let clinicID: UUID
    public var givenName: String
    public var familyName: String
    public var birthDate: LocalDate
    public var sex: Sex
    public var fitzpatrick: Int
    public var phone: String?
    public var email: String?
}

/// The fields a client may set on a patient; the organization is never among them.
public struct PatientDraft: Sendable, Equatable {
    public var clinicID: UUID
    public var givenName: String
    public var familyName: String
    public var birthDate: LocalDate
    public var sex: Sex
    public var fitzpatrick: Int
    public var phone: String?
    public var email: String?

    public init(
        clinicID: UUID, givenName: String, familyName: String, birthDate: LocalDate, sex: Sex, fitzpatrick: Int,
        phone: String? = nil, email: String? = nil
    ) {
        self.clinicID = clinicID
        self.givenName = givenName
        self.familyName = familyName
        self.birthDate = birthDate
        self.sex = sex
        self.fitzpatrick = fitzpatrick
        self.phone = phone
        self.email = email
    }
}

/// Who is acting, where, and under which request: every audited store call takes one.
public struct AccessContext: Sendable, Equatable {
    public let actorID: UUID?
    public let clinicID: UUID?
    public let requestID: String
    public let now: Date
    /// The request's ledger of patients already audited: with one, a further read of such a patient adds no row
    /// (audited once per act). Nil (the CLI, fixtures): every access is its own row.
    public let ledger: AuditLedger?

    public init(actorID: UUID?, clinicID: UUID?, requestID: String, now: Date = Date(), ledger: AuditLedger? = nil) {
        self.actorID = actorID
        self.clinicID = clinicID
        self.requestID = requestID
        self.now = now
        self.ledger = ledger
    }

    public static func == (a: AccessContext, b: AccessContext) -> Bool {
        a.actorID == b.actorID && a.clinicID == b.clinicID && a.requestID == b.requestID && a.now == b.now && a.ledger === b.ledger
    }
}
