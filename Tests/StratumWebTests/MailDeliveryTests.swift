import Foundation
#if canImport(Glibc)
    import Glibc
#endif
import Logging
import NIOConcurrencyHelpers
import StratumStore
@testable import StratumWeb
import Testing

/// A real SMTP relay on loopback (Python's aiosmtpd, `Tests/mail/smtp_sink.py`) that writes what it accepts to a
/// folder; `scripts/test` installs aiosmtpd. Without it the suite is skipped.
let smtpSinkAvailable: Bool = {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", "-c", "import aiosmtpd"]
    p.standardError = Pipe()
    guard (try? p.run()) != nil else { return false }
    p.waitUntilExit()
    return p.terminationStatus == 0
}()

/// The sink's process, port and folder.
final class SMTPSink: @unchecked Sendable {
    let process = Process()
    let folder: URL
    let port: Int

    init(refuse: Int = 0, tls: Bool = false, auth: String? = nil) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-sink-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("mail/smtp_sink.py")
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            ["python3", script.path, "--dir", folder.path, "--refuse", String(refuse)] + (tls ? ["--tls"] : []) + (auth.map { ["--auth", $0] } ?? [])
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        let line = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        guard line.hasPrefix("READY "), let port = Int(line.dropFirst(6).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw SMTPFailure(reply: "the SMTP sink did not start: \(line)", permanent: true)
        }
        self.port = port
    }

    /// The relay's self-signed certificate (with `tls`).
    var certificate: String { folder.appendingPathComponent("relay.pem").path }

    /// The messages accepted so far, in order.
    func received() throws -> [String] {
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".eml") }
            .sorted { Int($0.dropLast(4))! < Int($1.dropLast(4))! }
        return try files.map { try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8) }
    }

    func stop() {
        // SIGKILL: a child of the test runner inherits its blocked signals, and SIGTERM would wait forever.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: folder)
    }
}

/// A clock the test moves by hand.
final class TestClock: @unchecked Sendable {
    let box = NIOLockedValueBox(Date(timeIntervalSince1970: 1_796_000_000))
    var clock: WallClock { WallClock { [box] in box.withLockedValue { $0 } } }
    func advance(_ seconds: TimeInterval) { box.withLockedValue { $0 += seconds } }
}

@Suite("Mail: the outbox and its delivery to a real relay on loopback", .enabled(if: smtpSinkAvailable), .serialized)
struct MailDeliveryTests {
    static func mail(_ key: String, to recipient: String = "priya@clinic.example") -> OutgoingMail {
        OutgoingMail(
            kind: "invitation", recipient: recipient, subject: "Your invitation to Alder — Stratum",
            body: "Set your password within 72 hours: http://127.0.0.1:8080/invitations/\(key)\n", idempotencyKey: key)
    }

    static func worker(_ s: TestServer, _ sink: SMTPSink, _ clock: TestClock) throws -> MailDelivery {
        let relay = try SMTPRelay(url: "smtp://127.0.0.1:\(sink.port)", from: "clinic@alder.example")
        return MailDelivery(
            outbox: MailOutbox(database: s.state.database), client: SMTPClient(relay: relay, group: s.app.eventLoopGroup, timeout: .seconds(10)),
            clock: clock.clock, logger: Logger(label: "test.mail"))
    }

    @Test("a relay that refuses and then accepts: the message waits, is retried after its wait, and arrives once as written")
    func refusedThenAccepted() async throws {
        let sink = try SMTPSink(refuse: 1)
        defer { sink.stop() }
        try await withServer { s in
            let clock = TestClock()
            let outbox = MailOutbox(database: s.state.database)
            try await outbox.enqueue(Self.mail("inv-1"), organizationID: s.orgA.id, now: clock.clock.now())
            try await outbox.enqueue(Self.mail("inv-1"), organizationID: s.orgA.id, now: clock.clock.now())
            let worker = try Self.worker(s, sink, clock)
            #expect(try await worker.deliverDue() == 0)
            var listed = try await outbox.list(organizationID: s.orgA.id)
            #expect(listed.count == 1, "the same key written twice is one message")
            #expect(listed.first?.state == .waiting && listed.first?.attempts == 1)
            #expect(listed.first?.lastError?.contains("451") == true, "\(listed)")
            #expect(try await worker.deliverDue() == 0, "not before its wait")
            clock.advance(MailOutbox.retryDelays[0])
            #expect(try await worker.deliverDue() == 1)
            #expect(try await worker.deliverDue() == 0)
            listed = try await outbox.list(organizationID: s.orgA.id)
            #expect(listed.first?.state == .delivered)
            let received = try sink.received()
            #expect(received.count == 1)
            let message = try #require(received.first)
            #expect(message.hasPrefix("clinic@alder.example\npriya@clinic.example\n"))
            #expect(message.contains("Message-ID: <inv-1@stratum>"))
            #expect(message.contains("Subject: =?UTF-8?B?"), "a subject with a dash beyond ASCII is encoded")
            let base64 = message.components(separatedBy: "\r\n\r\n").last?.replacingOccurrences(of: "\r\n", with: "")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let body = base64.flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }
            #expect(body == Self.mail("inv-1").body)
        }
    }

    @Test("over STARTTLS with a password: delivered when the relay's certificate is trusted, never sent to one that is not")
    func startTLS() async throws {
        let sink = try SMTPSink(tls: true, auth: "clinic:s3cret relay")
        defer { sink.stop() }
        try await withServer { s in
            let clock = TestClock()
            let outbox = MailOutbox(database: s.state.database)
            try await outbox.enqueue(Self.mail("tls-1"), organizationID: s.orgA.id, now: clock.clock.now())
            func worker(trusting ca: String?) throws -> MailDelivery {
                var relay = try SMTPRelay(url: "smtp://clinic:s3cret%20relay@localhost:\(sink.port)", from: "clinic@alder.example")
                relay.caFile = ca
                return MailDelivery(
                    outbox: outbox, client: SMTPClient(relay: relay, group: s.app.eventLoopGroup, timeout: .seconds(10)), clock: clock.clock,
                    logger: Logger(label: "test.mail"))
            }
            // The system's roots do not know the relay's self-signed certificate: the handshake fails, nothing is sent.
            #expect(try await worker(trusting: nil).deliverDue() == 0)
            let refused = try #require(try await outbox.list(organizationID: s.orgA.id).first)
            #expect(refused.state == .waiting && refused.lastError?.lowercased().contains("certificate") == true, "\(refused.lastError ?? "")")
            #expect(try sink.received().isEmpty)
            clock.advance(MailOutbox.retryDelays[0])
            #expect(try await worker(trusting: sink.certificate).deliverDue() == 1)
            #expect(try sink.received().first?.contains("Message-ID: <tls-1@stratum>") == true)
        }
    }

    @Test("a crash after the message was written, or after a worker claimed it, delivers it exactly once after restart")
    func crashThenRestart() async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        try await withServer { s in
            let clock = TestClock()
            let outbox = MailOutbox(database: s.state.database)
            try await outbox.enqueue(Self.mail("reset-1"), organizationID: s.orgA.id, now: clock.clock.now())
            try await outbox.enqueue(Self.mail("reset-2"), organizationID: s.orgA.id, now: clock.clock.now())
            // The first server claims both and dies before sending: nothing reached the relay.
            let claimed = try await outbox.claimDue(now: clock.clock.now())
            #expect(claimed.count == 2)
            #expect(try sink.received().isEmpty)
            // The restarted server finds them claimed until the claim lapses, then sends each once.
            let restarted = try Self.worker(s, sink, clock)
            #expect(try await restarted.deliverDue() == 0)
            clock.advance(MailOutbox.claimFor + 1)
            #expect(try await restarted.deliverDue() == 2)
            clock.advance(3600)
            #expect(try await restarted.deliverDue() == 0)
            let ids = try sink.received().compactMap { $0.components(separatedBy: "\r\n").first { $0.hasPrefix("Message-ID:") } }
            #expect(ids.sorted() == ["Message-ID: <reset-1@stratum>", "Message-ID: <reset-2@stratum>"])
        }
    }

    @Test("a recipient the relay refuses permanently is given up at once, with the relay's reply")
    func permanentRefusal() async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        try await withServer { s in
            let clock = TestClock()
            let outbox = MailOutbox(database: s.state.database)
            try await outbox.enqueue(Self.mail("inv-2", to: "reject@clinic.example"), organizationID: s.orgA.id, now: clock.clock.now())
            let worker = try Self.worker(s, sink, clock)
            #expect(try await worker.deliverDue() == 0)
            let listed = try await outbox.list(organizationID: s.orgA.id)
            #expect(listed.first?.state == .failed && listed.first?.lastError?.contains("550") == true, "\(listed)")
            clock.advance(24 * 3600)
            #expect(try await worker.deliverDue() == 0)
            #expect(try sink.received().isEmpty)
        }
    }

    @Test("a subject never carries a line break into the headers, ASCII or not")
    func subjectHeader() {
        #expect(SMTPClient.encodedWord("Invitation\r\nBcc: everyone@example.org") == "Invitation  Bcc: everyone@example.org")
        #expect(SMTPClient.encodedWord("Plain") == "Plain")
        let encoded = SMTPClient.encodedWord("Réinitialisation\r\nBcc: x@y")
        #expect(encoded.hasPrefix("=?UTF-8?B?") && !encoded.contains("\r") && !encoded.contains("\n"))
        let decoded = Data(base64Encoded: String(encoded.dropFirst(10).dropLast(2))).map { String(decoding: $0, as: UTF8.self) }
        #expect(decoded == "Réinitialisation  Bcc: x@y")
    }

    @Test("the relay's URL: smtp is STARTTLS on 587, smtps TLS on 465; a bad URL is refused without echoing its password")
    func relayURL() throws {
        let plain = try SMTPRelay(url: "smtp://mailer:s%40cret@relay.example", from: "clinic@example.org")
        #expect(plain.port == 587 && plain.security == .startTLS && plain.username == "mailer" && plain.password == "s@cret")
        let tls = try SMTPRelay(url: "smtps://relay.example", from: "clinic@example.org")
        #expect(tls.port == 465 && tls.security == .implicitTLS && tls.username == nil)
        #expect(throws: SMTPRelay.Invalid.self) { try SMTPRelay(url: "http://relay.example", from: "clinic@example.org") }
        do {
            _ = try SMTPRelay(url: "ftp://u:hunter2@relay.example", from: "clinic@example.org")
        } catch {
            #expect(!String(describing: error).contains("hunter2"))
        }
        #expect(throws: SMTPRelay.Invalid.self) { try SMTPRelay(url: "smtp://relay.example", from: "clinic\r\nBcc: x@y") }
    }
}

@Suite("Mail as the relay receives it")
struct MailTextTests {
    @Test("a link written by a store door gets the server's public address at delivery")
    func linkBase() throws {
        let mail = OutgoingMail(
            kind: "recall-notice", recipient: "sterile@alder.example", subject: "Recall open",
            body: "The list: \(OutgoingMail.linkBase)/recalls/abc", idempotencyKey: "recall-abc")
        let data = SMTPClient.data(mail, from: "clinic@alder.example", now: Date(), linkBase: "https://stratum.alder.example")
        let base64 = try #require(data.components(separatedBy: "\r\n\r\n").last?.replacingOccurrences(of: "\r\n", with: "").dropLast())
        let body = try #require(Data(base64Encoded: String(base64)).map { String(decoding: $0, as: UTF8.self) })
        #expect(body == "The list: https://stratum.alder.example/recalls/abc")
    }
}
