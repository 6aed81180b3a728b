import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import StratumStore
import Vapor

/// The server's mail worker: every few seconds it claims what is due in the outbox and hands it to the relay, one
/// message at a time, recording delivery or the failure (retried with growing waits, given up on a 5xx). Without a
/// relay it does nothing and the owner's page lists the messages waiting.
final class MailDelivery: LifecycleHandler, @unchecked Sendable {
    let outbox: MailOutbox
    let client: SMTPClient
    let clock: WallClock
    let interval: Duration
    let logger: Logger
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    init(outbox: MailOutbox, client: SMTPClient, clock: WallClock, interval: Duration = .seconds(5), logger: Logger) {
        self.outbox = outbox
        self.client = client
        self.clock = clock
        self.interval = interval
        self.logger = logger
    }

    /// Delivers what is due now; the number delivered. Used by the loop and by tests.
    @discardableResult
    func deliverDue() async throws -> Int {
        var delivered = 0
        for message in try await outbox.claimDue(now: clock.now()) {
            do {
                try await client.send(message, now: clock.now())
                try await outbox.delivered(message.id, at: clock.now())
                delivered += 1
            } catch let failure as SMTPFailure {
                // The relay's reply names no recipient or content; the message's id is enough to find it.
                logger.warning("mail not delivered", metadata: ["message": "\(message.id)", "reply": "\(failure.reply.prefix(200))"])
                try await outbox.failed(message.id, error: failure.reply, permanent: failure.permanent, at: clock.now())
            }
        }
        return delivered
    }

    func didBootAsync(_ application: Application) async throws {
        task.withLockedValue {
            $0 = Task { [self] in
                while !Task.isCancelled {
                    do { try await deliverDue() } catch { logger.warning("mail outbox unavailable: \(error)") }
                    try? await Task.sleep(for: interval)
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
