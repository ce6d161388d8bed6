import Alerting
import Foundation
import Logging
import Model
import Store
import TestSupport
import Testing

/// The outbox and its worker against a real HTTP receiver on loopback: nothing lost, nothing reordered, limits kept.
@Suite("Delivery: retries, Retry-After, rate limits, dead letters")
struct DeliveryTests {
    let rules: Set<String> = ["device_unreachable"]
    static let environment = ["EDUNET_TEST_SECRET": "whsec_" + Data("k".utf8).base64EncodedString(), "EDUNET_TEST_DINGTALK": "SECd1ng"]

    func worker(_ f: AlertFixture, _ policy: AlertingPolicy, engine: AlertEngine?) -> DeliveryWorker {
        DeliveryWorker(
            store: f.store, policy: policy, client: WebhookClient(), engine: engine, logger: Logger(label: "test"),
            environment: Self.environment, random: { 0 })
    }

    /// A fixture whose engine has put one alert (xx-a, routed to the city's receiver) in the outbox at `t0`, and a worker.
    func oneMessage(_ policy: AlertingPolicy) async throws -> (AlertFixture, AlertEngine, DeliveryWorker) {
        let f = try AlertFixture(t0: Date())
        let engine = try f.engine(policy)
        try await engine.evaluate(rules: rules, active: [AlertFixture.signal("xx-a", county: "xixia")], at: f.t0)
        try await engine.tick(at: f.t0)
        return (f, engine, worker(f, policy, engine: engine))
    }

    @Test func aReceiverDownForAWhileGetsEveryMessageOnceInOrder() async throws {
        let receiver = WebhookReceiver()  // not listening yet
        var policy = AlertFixture.policy(wait: 0, interval: 0, city: receiver.url("/city"))
        policy.delivery.initialBackoffSeconds = 0.05
        policy.delivery.maxBackoffSeconds = 0.2
        let f = try AlertFixture(t0: Date())
        let engine = try f.engine(policy)
        let worker = worker(f, policy, engine: engine)
        func round(for seconds: Double) async throws {
            let end = Date().addingTimeInterval(seconds)
            while Date() < end {
                try await worker.deliverDue(at: Date())
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        let a = AlertFixture.signal("xx-a", county: "xixia")
        let b = AlertFixture.signal("xx-b", county: "xixia")
        let c = AlertFixture.signal("xx-c", county: "xixia")
        try await engine.evaluate(rules: rules, active: [a, b], at: Date())
        try await engine.tick(at: Date())
        // Bounds on what is waited for, not on how long it takes: a starved CI machine stalled this test for 10 s once.
        let retried = Date().addingTimeInterval(60)
        while try f.messages().first.map({ $0.attempts < 3 }) ?? true, Date() < retried { try await round(for: 0.05) }
        try await engine.evaluate(rules: rules, active: [b], at: Date())
        try await engine.tick(at: Date())
        try await engine.evaluate(rules: rules, active: [b, c], at: Date())
        try await engine.tick(at: Date())
        try await round(for: 0.3)
        #expect(try f.store.outboxCounts()[.pending] == 3)
        #expect(try f.messages()[0].attempts >= 3, "retried while the receiver was down")
        #expect(try f.messages()[1...].allSatisfy { $0.attempts == 0 }, "later messages wait behind the first")

        try await receiver.start()
        let deadline = Date().addingTimeInterval(60)
        while try f.store.outboxCounts()[.pending] ?? 0 > 0, Date() < deadline { try await round(for: 0.1) }
        await receiver.stop()
        let stored = try f.messages()
        #expect(stored.allSatisfy { $0.state == .delivered })
        // Each message arrived exactly as stored, under its own id; in the order made.
        let received = receiver.received.map { ($0.headers["webhook-id"] ?? "", $0.json["data"] as? [String: Any] ?? [:]) }
        #expect(received.map(\.0) == stored.map(\.webhookID))
        #expect(
            received.map {
                ($0.1["alerts"] as? [[String: Any]] ?? []).map { "\($0["status"]!) \(($0["labels"] as? [String: String])?["device"] ?? "")" }
            }
                == [["firing xx-a", "firing xx-b"], ["resolved xx-a"], ["firing xx-c"]])
    }

    @Test func retryAfterIsHonouredAndBackoffGrows() async throws {
        let receiver = WebhookReceiver()
        try await receiver.start()
        receiver.answer(.init(status: 429, retryAfter: "120", body: "slow down"))
        let (f, _, worker) = try await oneMessage(AlertFixture.policy(wait: 0, interval: 0, city: receiver.url("/city")))
        #expect(try await worker.deliverDue(at: f.at(1)) == 1)
        var message = try #require(try f.messages().first)
        #expect(message.nextAttemptAt == f.at(121) && message.lastStatus == 429 && message.lastError == "HTTP 429: slow down")
        #expect(try await worker.deliverDue(at: f.at(120.9)) == 0)
        receiver.answer(.init(status: 500))
        #expect(try await worker.deliverDue(at: f.at(121)) == 1)
        message = try #require(try f.messages().first)
        // Backoff after the second attempt: 5 s × 2 × jitter factor 0.5 (the injected random number is 0).
        #expect(message.nextAttemptAt == f.at(126) && message.attempts == 2)
        receiver.answer(.init())
        #expect(try await worker.deliverDue(at: f.at(126)) == 1)
        #expect(try f.messages().first?.state == .delivered)
        #expect(
            receiver.received.map { $0.headers["webhook-id"] } == Array(repeating: message.webhookID, count: 3),
            "one idempotency key for every attempt")
        await receiver.stop()
    }

    @Test func aDingTalkRobotGetsAtMostTwentyAMinute() async throws {
        let receiver = WebhookReceiver()
        try await receiver.start()
        var policy = AlertFixture.policy(wait: 0, interval: 0, yongning: receiver.url("/robot/send?access_token=x"))
        policy.grouping.groupBy = ["device"]  // one message per device
        let f = try AlertFixture(t0: Date())
        let engine = try f.engine(policy)
        let worker = worker(f, policy, engine: engine)
        try await engine.evaluate(rules: rules, active: (1...25).map { AlertFixture.signal("yn-\($0)") }, at: f.t0)
        try await engine.tick(at: f.t0)
        #expect(try f.messages().count == 25)
        #expect(try await worker.deliverDue(at: f.at(1)) == 20)
        #expect(try await worker.deliverDue(at: f.at(60.9)) == 0)
        // A restarted daemon's worker counts the minute's sends from the outbox.
        let restarted = self.worker(f, policy, engine: engine)
        #expect(try await restarted.deliverDue(at: f.at(30)) == 0)
        #expect(try await restarted.deliverDue(at: f.at(61)) == 5)
        #expect(receiver.received.count == 25 && receiver.received.allSatisfy { $0.query["sign"] != nil })
        await receiver.stop()
    }

    @Test func aMessageUndeliveredPastTheMaximumAgeIsDeadLetteredAndRaisesAnAlert() async throws {
        let receiver = WebhookReceiver()  // down
        var policy = AlertFixture.policy(wait: 0, interval: 0, city: receiver.url("/city"))
        policy.delivery.maxAgeHours = 0.01  // 36 s
        let (f, engine, worker) = try await oneMessage(policy)
        #expect(try await worker.deliverDue(at: f.at(1)) == 1)
        #expect(try f.store.outboxCounts() == [.pending: 1])
        #expect(try await worker.deliverDue(at: f.at(36)) == 1)
        let dead = try f.store.outbox(states: [.dead], limit: 10)
        #expect(dead.count == 1 && dead[0].lastError == "connection refused")
        let local = try #require(await engine.current().first { $0.rule == "delivery_failed" })
        #expect(local.state == .firing && local.labels["receiver"] == "city-noc" && local.severity == .critical)
        #expect(local.summary.zh.hasPrefix("告警消息 0.01 小时内未能送达「市教育网络中心」"))
        // The receiver comes back: the local alert's own message is delivered, and that resolves it.
        try await receiver.start()
        try await engine.tick(at: f.at(40))
        #expect(try await worker.deliverDue(at: f.at(40)) == 1)
        #expect(await engine.current().first { $0.rule == "delivery_failed" }?.state == .resolved)
        #expect(try f.store.outboxCounts() == [.dead: 1, .delivered: 1])
        await receiver.stop()
    }
}
