import Alerting
import Foundation
import Logging
import Model
import Store
import Synchronization

/// A real SQLite file, an alert store on it, a policy, and an engine whose message ids count up (`msg_1`, …).
/// Times are given by the tests: `t0` and offsets from it.
package final class AlertFixture: Sendable {
    package static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    package let path = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-alerts-\(UUID().uuidString).sqlite").path
    package let database: StoreDatabase
    package let store: AlertStore
    package let t0: Date
    private let counter = Counter()

    package init(t0: Date = Date(timeIntervalSince1970: 1_790_000_000)) throws {
        database = try StoreDatabase(path: path)
        store = AlertStore(database: database)
        // Whole seconds: times are stored as seconds since 1970, and a Date of now does not survive that exactly.
        self.t0 = Date(timeIntervalSince1970: t0.timeIntervalSince1970.rounded(.down))
    }

    deinit {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    package func at(_ seconds: TimeInterval) -> Date { t0.addingTimeInterval(seconds) }

    package func engine(_ policy: AlertingPolicy) throws -> AlertEngine {
        let counter = self.counter
        return try AlertEngine(store: store, policy: policy, logger: Logger(label: "test"), at: t0) {
            "msg_" + String(counter.next())
        }
    }

    /// Every message in the outbox, oldest first.
    package func messages() throws -> [OutboxMessage] { try store.outbox(states: OutboxMessage.State.allCases, limit: 100_000).reversed() }

    /// A policy with a generic receiver for the city and a DingTalk robot for Yongning.
    package static func policy(
        wait: Double = 30, interval: Double = 300, repeatMinutes: Double = 240, flapChanges: Int = 4, flapMinutes: Double = 30,
        city: String = "http://127.0.0.1:9/city", yongning: String = "http://127.0.0.1:9/yongning"
    ) -> AlertingPolicy {
        var policy = AlertingPolicy(
            receivers: [
                .init(id: "city-noc", name: "市教育网络中心", kind: .generic, url: city, secret: .environment("EDUNET_TEST_SECRET")),
                .init(id: "yongning-it", name: "永宁县教育局信息中心", kind: .dingtalk, url: yongning, secret: .environment("EDUNET_TEST_DINGTALK")),
            ],
            routes: [.init(match: ["county": "yongning"], receiver: "yongning-it")], defaultReceiver: "city-noc")
        policy.grouping.groupWaitSeconds = wait
        policy.grouping.groupIntervalSeconds = interval
        policy.grouping.repeatIntervalMinutes = repeatMinutes
        policy.flapping.changes = flapChanges
        policy.flapping.withinMinutes = flapMinutes
        return policy
    }

    package static func signal(
        _ subject: String, rule: String = "device_unreachable", county: String = "yongning", severity: AlertSeverity = .critical,
        parents: [String] = []
    ) -> AlertSignal {
        AlertSignal(
            rule: rule, subject: subject, severity: severity, labels: ["county": county, "device": subject],
            summary: BilingualText(zh: "\(subject) 无响应", en: "\(subject) does not answer"), parents: parents)
    }
}

extension OutboxMessage {
    /// `state subject` of each alert in the message, e.g. `firing yn-1`.
    package var said: [String] {
        content.alerts.map { "\($0.state.rawValue) \($0.labels["device"] ?? $0.fingerprint)" + ($0.flapping ? " flapping" : "") }
    }
}

/// Counts up, from any task.
package final class Counter: Sendable {
    private let value = Mutex(0)

    package func next() -> Int {
        value.withLock {
            $0 += 1
            return $0
        }
    }
}
