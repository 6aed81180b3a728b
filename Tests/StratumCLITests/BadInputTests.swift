import Foundation
import Testing

/// One malformed variant of a documented example, and the message the user must see.
struct BadInputCase: CustomTestStringConvertible, Sendable {
    let name: String
    let command: String
    let edit: @Sendable (String) -> String
    let message: String
    var testDescription: String { name }
}

@Suite("stratum bad input: exit 2 with the JSON path and the problem")
struct BadInputTests {
    static let cases: [BadInputCase] = [
        BadInputCase(
            name: "malformed JSON", command: "plan", edit: { String($0.dropLast(3)) },
            message: "(document): malformed JSON at line"),
        BadInputCase(
            name: "not an object", command: "plan", edit: { _ in "[1, 2]" },
            message: "(document): expected an object, got an array"),
        BadInputCase(
            name: "a word where a depth belongs", command: "check",
            edit: {
                $0.replacingOccurrences(of: "\"depthMM\": 1.5,\n      \"passes\": 3\n    }\n  ]", with: "\"depthMM\": \"deep\",\n \"passes\": 3 } ]")
            },
            message: "zones[1].depthMM: expected a number, got \"deep\""),
        BadInputCase(
            name: "unknown indication", command: "plan",
            edit: { $0.replacingOccurrences(of: "[\"pigmentation\"]", with: "[\"acne\"]") },
            message: "indications[0]: unknown indication \"acne\"; known: photoaging, hand-rejuvenation"),
        BadInputCase(
            name: "unknown site", command: "plan",
            edit: { $0.replacingOccurrences(of: "\"site\": \"cheek\", \"side\": \"right\"", with: "\"site\": \"ear\", \"side\": \"right\"") },
            message: "zones[1].site: unknown site \"ear\"; known: eyelid, periorbital"),
        BadInputCase(
            name: "unknown side", command: "plan",
            edit: { $0.replacingOccurrences(of: "\"side\": \"left\"", with: "\"side\": \"both\"") },
            message: "zones[0].side: unknown side \"both\"; known: left, right, midline, bilateral"),
        BadInputCase(
            name: "phototype as a string", command: "plan",
            edit: { $0.replacingOccurrences(of: "\"fitzpatrick\": 5", with: "\"fitzpatrick\": \"5\"") },
            message: "patient.fitzpatrick: expected a whole number, got \"5\""),
        BadInputCase(
            name: "phototype out of range", command: "plan",
            edit: { $0.replacingOccurrences(of: "\"fitzpatrick\": 5", with: "\"fitzpatrick\": 7") },
            message: "patient.fitzpatrick: 7 is out of range; allowed 1 to 6"),
        BadInputCase(
            name: "too many sessions", command: "plan",
            edit: { $0.replacingOccurrences(of: "\"sessions\": 6", with: "\"sessions\": 13") },
            message: "sessions: 13 is out of range; allowed 1 to 12"),
        BadInputCase(
            name: "fractional sessions", command: "plan",
            edit: { $0.replacingOccurrences(of: "\"sessions\": 6", with: "\"sessions\": 6.5") },
            message: "sessions: expected a whole number, got 6.5"),
        BadInputCase(
            name: "missing start date", command: "plan",
            edit: { $0.replacingOccurrences(of: "\"startDate\": \"2026-12-01\",", with: "") },
            message: "startDate: required field is missing"),
        BadInputCase(
            name: "impossible date", command: "plan",
            edit: { $0.replacingOccurrences(of: "\"2026-12-01\"", with: "\"2026-02-30\"") },
            message: "startDate: \"2026-02-30\" is not a date (YYYY-MM-DD)"),
        BadInputCase(
            name: "misspelt screening question", command: "plan",
            edit: { $0.replacingOccurrences(of: "\"anticoagulants\": false", with: "\"anticoagulant\": false") },
            message: "patient.screening.answers.anticoagulant: unknown screening question; known: activeInfectionInArea"),
        BadInputCase(
            name: "screening answer as text", command: "plan",
            edit: { $0.replacingOccurrences(of: "\"anticoagulants\": false", with: "\"anticoagulants\": \"no\"") },
            message: "patient.screening.answers.anticoagulants: expected true or false, got \"no\""),
        BadInputCase(
            name: "dated answer as a boolean", command: "plan",
            edit: { $0.replacingOccurrences(of: "\"isotretinoinLastDose\": null", with: "\"isotretinoinLastDose\": false") },
            message: "patient.screening.answers.isotretinoinLastDose: expected a date (YYYY-MM-DD), got false"),
        BadInputCase(
            name: "unknown field", command: "plan",
            edit: { $0.replacingOccurrences(of: "\"sessions\": 6", with: "\"sesions\": 6") },
            message: "sesions: unknown field; known: patient, indications"),
        BadInputCase(
            name: "device range upside down", command: "plan",
            edit: { $0.replacingOccurrences(of: "\"maxDepthMM\": 2.5", with: "\"maxDepthMM\": 0.1") },
            message: "device.maxDepthMM: 0.1 is below minDepthMM 0.25"),
        BadInputCase(
            name: "a clinic policy that widens a ceiling", command: "plan",
            edit: { $0.replacingOccurrences(of: "\"clinicPolicy\": null", with: "\"clinicPolicy\": {\"sites\": {\"cheek\": {\"stopAboveMM\": 3}}}") },
            message: "clinicPolicy.sites.cheek.stopAboveMM: 3 mm would raise the stop ceiling 2.5 mm (DEPTH-SITE-STOP)"),
        BadInputCase(
            name: "a clinic policy that lowers a rule not configurable", command: "plan",
            edit: {
                $0.replacingOccurrences(of: "\"clinicPolicy\": null", with: "\"clinicPolicy\": {\"severities\": {\"SCR-PREGNANCY\": \"caution\"}}")
            },
            message: "clinicPolicy.severities.SCR-PREGNANCY: SCR-PREGNANCY is stop; a clinic may raise a rule's severity, not lower it"),
        BadInputCase(
            name: "a single-use part without a lot", command: "check",
            edit: { $0.replacingOccurrences(of: "\"lot\": \"A123\"", with: "\"lot\": \"  \"") },
            message: "sterility.singleUsePart.lot: must not be empty"),
        BadInputCase(
            name: "missing consent flag", command: "check",
            edit: { $0.replacingOccurrences(of: "\"consentSigned\": true,", with: "") },
            message: "consentSigned: required field is missing"),
        BadInputCase(
            name: "a previous session after the session date", command: "check",
            edit: { $0.replacingOccurrences(of: "\"date\": \"2026-12-01\"", with: "\"date\": \"2027-02-01\"") },
            message: "previousSessions[0].date: 2027-02-01 is after the session date 2027-01-05"),
        BadInputCase(
            name: "born after the session", command: "check",
            edit: { $0.replacingOccurrences(of: "\"birthDate\": \"1988-03-14\"", with: "\"birthDate\": \"2030-03-14\"") },
            message: "patient.birthDate: 2030-03-14 is after the treatment date 2027-01-05"),
        BadInputCase(
            name: "a repeated member", command: "plan",
            edit: { $0.replacingOccurrences(of: "\"sessions\": 6", with: "\"sessions\": 6, \"sessions\": 8") },
            message: "(document): malformed JSON at line 22, column 28: member \"sessions\" appears twice")
    ]

    @Test("bad input names the field and the rule, and exits 2", arguments: cases)
    func badInput(_ c: BadInputCase) async throws {
        let file = c.command == "plan" ? "plan-pigmentation.json" : "check-session.json"
        let original = try example(file)
        let doc = c.edit(original)
        #expect(doc != original, "the edit did not change the fixture")
        let run = await stratum([c.command, "--input", "-"], stdin: doc)
        #expect(run.exit == 2)
        #expect(run.out.isEmpty)
        #expect(run.err.contains(c.message), "stderr was: \(run.err)")
    }

    @Test(
        "command-line mistakes exit 2 with a message",
        arguments: [
            (["plan"], "Missing expected argument '--input <input>'"),
            (["plan", "--input", "/nonexistent/plan.json"], "--input: cannot read /nonexistent/plan.json: no such file"),
            (["plan", "--input", "-", "--format", "xml"], "xml"),
            (["aftercare", "--date", "2027-13-01", "--depth", "1"], "--date: \"2027-13-01\" is not a date"),
            (["aftercare", "--date", "2027-01-01", "--depth", "deep"], "--depth: expected a number of mm, got \"deep\""),
            (["aftercare", "--date", "2027-01-01", "--depth", "-1"], "--depth"),
            (["frobnicate"], "frobnicate"),
            (["serve", "--demo-patients", "0"], "--demo-patients: allowed 1 to 1000000"),
            (["admin", "create", "--email", "not-an-email"], "--email: \"not-an-email\" is not an email address")
        ])
    func badArguments(_ args: [String], _ message: String) async {
        let run = await stratum(args, stdin: "{}")
        #expect(run.exit == 2)
        #expect(run.err.contains(message), "stderr was: \(run.err)")
    }

    @Test("--help exits 0 and prints usage on standard output")
    func help() async {
        let run = await stratum(["--help"])
        #expect(run.exit == 0)
        #expect(run.out.contains("USAGE"))
    }
}
