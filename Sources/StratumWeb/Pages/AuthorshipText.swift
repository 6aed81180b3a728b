import Foundation
import StratumStore

/// How pages and print-outs say who did what (issue 12, reproduction 4): name, role and time, in one wording.
enum AuthorshipText {
    /// "A. Name (role)".
    static func name(_ a: Author?) -> String { a?.label ?? "" }

    /// "Recorded by A. Name (role) · 2026-12-03 10:15"; empty without an author.
    static func by(_ verb: String, _ a: Author?, at: Date?) -> String {
        guard let a else { return "" }
        let when = PageValues.time(at)
        return "\(verb) by \(a.label)\(when.isEmpty ? "" : " · \(when)")"
    }

    /// Who treated and who wrote the session: "Documented by A. Assistant (assistant) for Dr P. Practitioner
    /// (practitioner)" when an assistant wrote it for the practitioner, else "Documented by Dr P. Practitioner (practitioner)".
    static func session(_ s: TreatmentSession) -> String {
        let when = PageValues.time(s.createdAt)
        let who = s.documentedForPractitioner ? "\(s.documenter.label) for \(s.practitioner.label)" : s.practitioner.label
        return "Documented by \(who) · \(when)"
    }

    /// The practitioner who treated, for lists: "Dr P. Practitioner", plus "(documented by A. Assistant)" when another wrote it.
    static func sessionShort(_ s: TreatmentSession) -> String {
        s.documentedForPractitioner ? "\(s.practitioner.name) (documented by \(s.documenter.name))" : s.practitioner.name
    }
}
