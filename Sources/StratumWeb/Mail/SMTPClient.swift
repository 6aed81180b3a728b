import Foundation
import NIOCore
import NIOExtras
import NIOPosix
import NIOSSL
import NIOTLS
import StratumStore

/// Why the relay did not take a message: its reply (or what failed on the way), and whether trying again can help.
struct SMTPFailure: Error, CustomStringConvertible {
    let reply: String
    /// A 5xx reply or a configuration problem: the message is given up, not retried.
    let permanent: Bool
    var description: String { reply }
}

/// Hands one message at a time to the clinic's relay (RFC 5321): EHLO, STARTTLS when offered (required before a
/// password), AUTH PLAIN, MAIL, RCPT, DATA. No SMTP client is in the offline package set, and the protocol a relay
/// needs is this small, on the SwiftNIO and NIOSSL the server already runs (docs/decisions/0012).
struct SMTPClient: Sendable {
    let relay: SMTPRelay
    let group: any EventLoopGroup
    /// How long the relay may take to connect and to answer each command.
    var timeout: TimeAmount = .seconds(30)

    func send(_ message: OutboxMessage, now: Date) async throws {
        let recipient = message.mail.recipient
        guard recipient.contains("@"),
            !recipient.unicodeScalars.contains(where: { $0.value < 0x21 || $0 == "<" || $0 == ">" })
        else { throw SMTPFailure(reply: "the recipient is not an address", permanent: true) }
        let relay = relay
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        let handshake: EventLoopFuture<Void>?
        do {
            (channel, handshake) = try await ClientBootstrap(group: group).connectTimeout(timeout).connect(host: relay.host, port: relay.port) {
                channel in
                channel.eventLoop.makeCompletedFuture {
                    var handshake: EventLoopFuture<Void>?
                    if relay.security == .implicitTLS {
                        let waiter = TLSHandshakeWaiter(channel.eventLoop.makePromise())
                        try channel.pipeline.syncOperations.addHandlers([try Self.tlsHandler(relay), waiter])
                        handshake = waiter.done.futureResult
                    }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineBasedFrameDecoder()))
                    return (try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel), handshake)
                }
            }
        } catch {
            throw SMTPFailure(reply: "cannot reach \(relay.host):\(relay.port): \(error)", permanent: false)
        }
        do {
            try await channel.executeThenClose { inbound, outbound in
                var session = Session(lines: inbound.makeAsyncIterator(), outbound: outbound)
                try await Self.handshaken(handshake)
                try await session.expect(nil, [220])
                var features = try await session.expect("EHLO stratum.local", [250])
                if relay.security == .startTLS {
                    if features.uppercased().contains("STARTTLS") {
                        try await session.expect("STARTTLS", [220])
                        let handshake = try await channel.channel.eventLoop.submit {
                            let waiter = TLSHandshakeWaiter(channel.channel.eventLoop.makePromise())
                            try channel.channel.pipeline.syncOperations.addHandlers([try Self.tlsHandler(relay), waiter], position: .first)
                            return waiter.done.futureResult
                        }.get()
                        try await Self.handshaken(handshake)
                        features = try await session.expect("EHLO stratum.local", [250])
                    } else if relay.password != nil {
                        throw SMTPFailure(reply: "the relay offers no STARTTLS; the password is not sent in clear", permanent: true)
                    }
                }
                if let user = relay.username, let password = relay.password {
                    let token = Data("\u{0}\(user)\u{0}\(password)".utf8).base64EncodedString()
                    try await session.expect("AUTH PLAIN \(token)", [235], shown: "AUTH PLAIN")
                }
                try await session.expect("MAIL FROM:<\(relay.from)>", [250])
                try await session.expect("RCPT TO:<\(recipient)>", [250, 251])
                try await session.expect("DATA", [354])
                try await session.expect(Self.data(message.mail, from: relay.from, now: now, linkBase: relay.linkBase), [250], shown: "the message")
                _ = try? await session.expect("QUIT", [221])
            }
        } catch let failure as SMTPFailure {
            throw failure
        } catch {
            // A failed TLS handshake (an untrusted certificate, a wrong name), a dropped connection, a timeout: the
            // message waits for its next attempt like any refusal, and the rest of the batch still goes.
            throw SMTPFailure(reply: "\(relay.host):\(relay.port): \(error)", permanent: false)
        }
    }

    /// Waits for the TLS handshake, so a refused certificate is reported as such, not as whatever the closed
    /// connection says next.
    static func handshaken(_ handshake: EventLoopFuture<Void>?) async throws {
        guard let handshake else { return }
        do { try await handshake.get() } catch { throw SMTPFailure(reply: "TLS handshake failed: \(error)", permanent: false) }
    }

    /// TLS with full verification: the chain against the system's roots (or the relay's CA file) and the relay's name.
    static func tlsHandler(_ relay: SMTPRelay) throws -> NIOSSLClientHandler {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let caFile = relay.caFile { configuration.trustRoots = .file(caFile) }
        return try NIOSSLClientHandler(context: NIOSSLContext(configuration: configuration), serverHostname: relay.host)
    }

    /// The message as DATA carries it: headers, a base64 body (any text travels through any relay), dot-stuffed by
    /// construction (base64 lines never start with a dot), and the final dot.
    static func data(_ mail: OutgoingMail, from: String, now: Date, linkBase: String = "") -> String {
        let text = mail.body.replacingOccurrences(of: OutgoingMail.linkBase, with: linkBase)
        let body = Data(text.utf8).base64EncodedString(options: [
            .lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed
        ])
        let headers = [
            "From: \(from)", "To: \(mail.recipient)", "Subject: \(encodedWord(mail.subject))",
            "Date: \(rfc5322(now))", "Message-ID: <\(mail.idempotencyKey)@stratum>", "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64"
        ]
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + body + "\r\n."
    }

    /// A header's text as RFC 2047 when it is not plain ASCII; line breaks never reach a header.
    static func encodedWord(_ text: String) -> String {
        // By scalar: "\r\n" is one Character, and any control character in a header could forge another header.
        let clean = String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
        if clean.allSatisfy({ $0.isASCII }) { return clean }
        return "=?UTF-8?B?\(Data(clean.utf8).base64EncodedString())?="
    }

    static func rfc5322(_ date: Date) -> String { UTCText.format(date, "EEE, dd MMM yyyy HH:mm:ss '+0000'") }

    /// One conversation: a command, then the relay's (possibly multi-line) reply.
    struct Session {
        var lines: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
        let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

        /// Sends `command` (nil: only read, for the greeting) and returns the reply's text when its code is expected.
        @discardableResult
        mutating func expect(_ command: String?, _ codes: Set<Int>, shown: String? = nil) async throws -> String {
            if let command { try await outbound.write(ByteBuffer(string: command + "\r\n")) }
            var text = ""
            while true {
                guard var line = try await lines.next() else {
                    throw SMTPFailure(reply: "the relay closed the connection after \(shown ?? command ?? "connecting")", permanent: false)
                }
                let s = (line.readString(length: line.readableBytes) ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
                text += s + "\n"
                guard s.utf8.count >= 3, let code = Int(s.prefix(3)) else {
                    throw SMTPFailure(reply: "the relay's reply is not SMTP: \(s.prefix(80))", permanent: false)
                }
                if s.utf8.count > 3, s.dropFirst(3).first == "-" { continue }
                guard codes.contains(code) else {
                    let what = (shown ?? command.map { String($0.prefix { $0 != " " && $0 != ":" }) } ?? "the greeting")
                    throw SMTPFailure(reply: "\(what): \(text.trimmingCharacters(in: .whitespacesAndNewlines))", permanent: code >= 500)
                }
                return text
            }
        }
    }
}

/// Completes when the TLS handshake does, or fails with its error (an untrusted certificate, a wrong name) or when
/// the connection closes first.
final class TLSHandshakeWaiter: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    let done: EventLoopPromise<Void>
    /// Touched only on the channel's event loop.
    private var completed = false

    init(_ done: EventLoopPromise<Void>) { self.done = done }

    private func complete(_ result: Result<Void, any Error>) {
        guard !completed else { return }
        completed = true
        done.completeWith(result)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent { complete(.success(())) }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        complete(.failure(error))
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        complete(.failure(ChannelError.ioOnClosedChannel))
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        complete(.failure(ChannelError.ioOnClosedChannel))
    }
}
