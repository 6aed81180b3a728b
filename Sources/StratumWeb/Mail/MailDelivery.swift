import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import StratumStore
import Vapor

/// The server's message worker: every few seconds it claims what is due in the outbox and hands each message to the
/// relay (email) or the SMS gateway, recording delivery or the failure (retried with growing waits, given up on a
/// permanent refusal). While a claim comes back full it goes on at once, so a day's reminders leave in one go. A
/// channel the server has no way out for is left waiting, listed on the owner's page.
final class MailDelivery: LifecycleHandler, @unchecked Sendable {
    let outbox: MailOutbox
    let client: SMTPClient?
    let sms: SMSGateway?
    let http: (any Client)?
    let linkBase: String
    let clock: WallClock
    let interval: Duration
    let logger: Logger
    /// Messages claimed at once: enough that a burst costs few claims, few enough that a claim that lapses (a worker
    /// stopped mid-batch) delays little.
    static let batch = 50
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    init(
        outbox: MailOutbox, client: SMTPClient?, sms: SMSGateway? = nil, http: (any Client)? = nil, linkBase: String = "",
        clock: WallClock, interval: Duration = .seconds(5), logger: Logger
    ) {
        self.outbox = outbox
        self.client = client
        self.sms = sms
        self.http = http
        self.linkBase = linkBase
        self.clock = clock
        self.interval = interval
        self.logger = logger
    }

    /// The channels this server can deliver.
    var channels: Set<MessageChannel> {
        var out: Set<MessageChannel> = []
        if client != nil { out.insert(.email) }
        if sms != nil, http != nil { out.insert(.sms) }
        return out
    }

    /// Delivers what is due now; the number delivered. Used by the loop and by tests.
    @discardableResult
    func deliverDue() async throws -> Int {
        try await deliverBatch().delivered
    }

    /// One claim's worth: how many were claimed and how many delivered.
    func deliverBatch() async throws -> (claimed: Int, delivered: Int) {
        let channels = channels
        guard !channels.isEmpty else { return (0, 0) }
        let claimed = try await outbox.claimDue(now: clock.now(), limit: Self.batch, channels: channels)
        var delivered = 0
        for message in claimed {
            do {
                switch message.mail.channel {
                case .email: try await client?.send(message, now: clock.now())
                case .sms: if let sms, let http { try await sms.send(message, linkBase: linkBase, client: http) }
                }
                try await outbox.delivered(message.id, at: clock.now())
                delivered += 1
            } catch let failure as SMTPFailure {
                // The reply names no recipient or content; the message's id is enough to find it.
                logger.warning("message not delivered", metadata: ["message": "\(message.id)", "reply": "\(failure.reply.prefix(200))"])
                try await outbox.failed(message.id, error: failure.reply, permanent: failure.permanent, at: clock.now())
            }
        }
        return (claimed.count, delivered)
    }

    func didBootAsync(_ application: Application) async throws {
        task.withLockedValue {
            $0 = Task { [self] in
                while !Task.isCancelled {
                    var full = false
                    do { full = try await deliverBatch().claimed == Self.batch } catch { logger.warning("mail outbox unavailable: \(error)") }
                    if !full { try? await Task.sleep(for: interval) }
                }
            }
        }
    }

    func shutdownAsync(_ application: Application) async {
        let running = task.withLockedValue { $0 }
        running?.cancel()
        await running?.value
    }
}
