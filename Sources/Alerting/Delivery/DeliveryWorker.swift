import Foundation
import Logging
import Model
import Store

/// Sends the outbox: the oldest pending message of each receiver, receivers side by side, one at a time each (so
/// messages to a receiver arrive in order). A failure is retried with exponential backoff and jitter, never sooner
/// than the receiver's `Retry-After`; each receiver's rate limit is kept; a message still undelivered at the policy's
/// maximum age is dead-lettered, which raises a local `delivery_failed` alert (resolved by the next delivery that
/// succeeds). The outbox is in SQLite, so retries carry on across restarts with the same idempotency key.
public actor DeliveryWorker {
    private var policy: AlertingPolicy
    private let store: AlertStore
    private let engine: AlertEngine?
    private let client: WebhookClient
    private let logger: Logger
    private let metrics: AlertingMetrics
    private let environment: [String: String]
    /// A number in [0, 1) for the jitter; injected so that tests know the delays.
    private let random: @Sendable () -> Double
    /// Send times within the last minute, by receiver; nil until read from the outbox (so that a restart does not
    /// forget what was sent in the minute before it).
    private var recentSends: [String: [Date]]?

    public init(
        store: AlertStore, policy: AlertingPolicy, client: WebhookClient, engine: AlertEngine?, logger: Logger,
        metrics: AlertingMetrics = .none, environment: [String: String] = ProcessInfo.processInfo.environment,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.store = store
        self.policy = policy
        self.client = client
        self.engine = engine
        self.logger = logger
        self.metrics = metrics
        self.environment = environment
        self.random = random
    }

    public func update(policy: AlertingPolicy) { self.policy = policy }

    /// Delivers until cancelled, looking for due messages every `poll` (and at once when one falls due sooner).
    public func run(poll: Duration = .seconds(1)) async {
        while !Task.isCancelled {
            do { try await deliverDue(at: Date()) } catch { logger.error("\(error.message)") }
            var wait = poll
            if let next = try? store.nextAttempt() {
                let seconds = next.timeIntervalSinceNow
                if seconds > 0, seconds < poll / .seconds(1) { wait = .milliseconds(Int(seconds * 1000) + 1) }
            }
            try? await Task.sleep(for: wait)
        }
    }

    /// One round: every receiver whose oldest pending message is due gets its lane, lanes side by side. A lane sends
    /// its messages in order while they are delivered, the rate limit allows and no more than `maxPerLane` went; a
    /// failure ends it until the message's next attempt. Returns the number of attempts made.
    @discardableResult
    public func deliverDue(at now: Date, maxPerLane: Int = 100) async throws(StoreError) -> Int {
        let heads = try store.dueMessages(at: now)
        guard !heads.isEmpty else { return 0 }
        if recentSends == nil { recentSends = try store.attempts(since: now.addingTimeInterval(-60)) }
        let results = await withTaskGroup(of: Result<Int, StoreError>.self) { group in
            for head in heads {
                group.addTask { await self.drain(from: head, at: now, limit: maxPerLane) }
            }
            var results: [Result<Int, StoreError>] = []
            for await result in group { results.append(result) }
            return results
        }
        var attempts = 0
        for result in results {
            switch result {
            case .success(let count): attempts += count
            case .failure(let error): throw error
            }
        }
        return attempts
    }

    private func drain(from head: OutboxMessage, at now: Date, limit: Int) async -> Result<Int, StoreError> {
        var next: OutboxMessage? = head
        var attempts = 0
        do throws(StoreError) {
            while let message = next, attempts < limit, takeSlot(message.receiver, at: now) {
                let (answer, kind) = await send(message, at: now)
                attempts += 1
                guard try await record(message, answer: answer, kind: kind, at: now) else { break }
                next = try store.dueMessage(receiver: message.receiver, at: now)
            }
            return .success(attempts)
        } catch {
            return .failure(error)
        }
    }

    /// Counts a send against the receiver's rate limit; false when its minute is full.
    private func takeSlot(_ receiver: String, at now: Date) -> Bool {
        let window = (recentSends?[receiver] ?? []).filter { now.timeIntervalSince($0) < 60 }
        guard window.count < policy.receiver(receiver)?.effectiveRatePerMinute ?? Int.max else {
            recentSends?[receiver] = window
            return false
        }
        recentSends?[receiver] = window + [now]
        return true
    }

    private func send(_ message: OutboxMessage, at now: Date) async -> (ReceiverAnswer, AlertingPolicy.ReceiverKind?) {
        guard let receiver = policy.receiver(message.receiver) else {
            return (ReceiverAnswer(status: nil, transportError: "receiver `\(message.receiver)` is no longer in alerting.yaml"), nil)
        }
        let secret: String?
        do throws(SecretReference.ResolveError) { secret = try receiver.secret?.resolve(environment: environment) } catch {
            return (ReceiverAnswer(status: nil, transportError: "cannot sign: \(error.description)"), receiver.kind)
        }
        let request = WebhookFormatter.request(for: receiver, webhookID: message.webhookID, content: message.content, secret: secret, at: now)
        return (await client.send(request, timeout: policy.delivery.timeoutSeconds), receiver.kind)
    }

    /// Stores how the attempt went; true when the message was delivered.
    private func record(_ message: OutboxMessage, answer: ReceiverAnswer, kind: AlertingPolicy.ReceiverKind?, at now: Date) async throws(StoreError)
        -> Bool
    {
        let verdict = answer.verdict(for: kind ?? .generic, at: now)
        if verdict.delivered {
            metrics.delivered.increment()
            try store.recordAttempt(message.id, at: now, status: answer.status, error: nil, outcome: .delivered)
            if message.attempts > 0 {
                logger.notice("delivered after retries", metadata: ["receiver": "\(message.receiver)", "attempts": "\(message.attempts + 1)"])
            }
            try await engine?.resolve(fingerprint: Self.deliveryFailedFingerprint(message.receiver), at: now)
            return true
        }
        let problem = verdict.problem ?? "failed"
        let age = now.timeIntervalSince(message.createdAt)
        if age >= policy.delivery.maxAgeHours * 3600 {
            metrics.deadLettered.increment()
            try store.recordAttempt(message.id, at: now, status: answer.status, error: problem, outcome: .dead)
            logger.error(
                "message dead-lettered",
                metadata: [
                    "receiver": "\(message.receiver)", "message": "\(message.webhookID)",
                    "attempts": "\(message.attempts + 1)", "error": "\(problem)",
                ])
            try await engine?.raise(deliveryFailed(message, problem: problem), hold: nil, at: now)
            return false
        }
        metrics.failed.increment()
        let delay = max(backoff(afterAttempts: message.attempts + 1), verdict.retryAfter ?? 0)
        try store.recordAttempt(message.id, at: now, status: answer.status, error: problem, outcome: .retry(at: now.addingTimeInterval(delay)))
        // The first failure of a message, then the 2nd, 4th, 8th…: a receiver down for a day does not fill the log.
        let attempt = message.attempts + 1
        guard attempt & (attempt - 1) == 0 else { return false }
        logger.warning(
            "delivery failed; will retry",
            metadata: [
                "receiver": "\(message.receiver)", "message": "\(message.webhookID)",
                "attempt": "\(message.attempts + 1)", "retry_in_s": "\(String(format: "%.1f", delay))",
                "error": "\(problem)",
            ])
        return false
    }

    /// `initial × 2^(attempts−1)`, capped, times a jitter factor in [0.5, 1).
    func backoff(afterAttempts attempts: Int) -> TimeInterval {
        let base = min(policy.delivery.maxBackoffSeconds, policy.delivery.initialBackoffSeconds * pow(2, Double(max(0, attempts - 1))))
        return base * (0.5 + 0.5 * random())
    }

    static func deliveryFailedFingerprint(_ receiver: String) -> String { AlertFingerprint.of(rule: "delivery_failed", subject: receiver) }

    private func deliveryFailed(_ message: OutboxMessage, problem: String) -> AlertSignal {
        let name = policy.receiver(message.receiver)?.name ?? message.receiver
        let hours = String(format: "%g", policy.delivery.maxAgeHours)
        return AlertSignal(
            rule: "delivery_failed", subject: message.receiver, severity: policy.rules.deliveryFailedSeverity,
            labels: ["receiver": message.receiver],
            summary: BilingualText(
                zh: "告警消息 \(hours) 小时内未能送达「\(name)」，已转入死信：\(problem)",
                en: "alert messages to \(name) could not be delivered within \(hours) h and were dead-lettered: \(problem)"))
    }
}
