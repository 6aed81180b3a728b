import Foundation
import Logging
import NIOConcurrencyHelpers
import StratumStore
import Vapor

/// Queues the reminders that are due, every `interval` while the server runs: the 48-hour reminder with the pre-care
/// and the 2-hour one, each once per visit and start, through the outbox (which the delivery worker empties).
final class ReminderWorker: LifecycleHandler, @unchecked Sendable {
    let store: ReminderStore
    let channels: Set<MessageChannel>
    let clock: WallClock
    let interval: Duration
    let logger: Logger
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    init(store: ReminderStore, channels: Set<MessageChannel>, clock: WallClock, interval: Duration, logger: Logger) {
        self.store = store
        self.channels = channels
        self.clock = clock
        self.interval = interval
        self.logger = logger
    }

    /// One round: what was queued. Used by the loop and by tests.
    @discardableResult
    func queueDue() async throws -> ReminderStore.Round {
        try await store.queueDue(now: clock.now(), channels: channels, requestID: "reminders", compose: ReminderMail.compose)
    }

    func didBootAsync(_ application: Application) async throws {
        task.withLockedValue {
            $0 = Task { [self] in
                while !Task.isCancelled {
                    do {
                        let round = try await queueDue()
                        if round.unreachable > 0 {
                            logger.info("reminders due for patients with no email or phone", metadata: ["count": "\(round.unreachable)"])
                        }
                    } catch { logger.warning("reminders not queued: \(error)") }
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
