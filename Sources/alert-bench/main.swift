import Alerting
import Foundation
import Logging
import Model
import Store

/// The alert-storm benchmark (scripts/bench-alerts.sh): a county outage puts `--alerts` devices down at once. The
/// engine stores them and routes them into outbox messages while a poller writes a device poll (49 interface rates)
/// every 20 ms to the same database; printed: the time to store and to route, the poll writes' latency before and
/// during the storm, and, for comparison, the same alerts raised one transaction each.
@main
struct AlertBench {
    static func main() async throws {
        var arguments = CommandLine.arguments.dropFirst()
        guard let path = arguments.popFirst() else {
            FileHandle.standardError.write(Data("usage: alert-bench DATABASE [--alerts N] [--suppressed]\n".utf8))
            exit(2)
        }
        var count = 10_000
        var suppressed = false
        while let flag = arguments.popFirst() {
            switch flag {
            case "--alerts": count = Int(arguments.popFirst() ?? "") ?? count
            case "--suppressed": suppressed = true
            default:
                FileHandle.standardError.write(Data("unknown option \(flag)\n".utf8))
                exit(2)
            }
        }
        let database = try StoreDatabase(path: path)
        let store = AlertStore(database: database)
        let measurements = MeasurementStore(database: database)
        var policy = AlertingPolicy(
            receivers: [
                .init(id: "county-it", name: "县教育局信息中心", kind: .dingtalk, url: "http://127.0.0.1:9/robot", secret: nil),
                .init(id: "city-noc", name: "市教育网络中心", kind: .generic, url: "http://127.0.0.1:9/noc", secret: nil),
            ],
            routes: [.init(match: ["county": "yongning"], receiver: "county-it")], defaultReceiver: "city-noc")
        policy.grouping.groupWaitSeconds = 0
        let uplink = AlertSignal(
            rule: "link_down", subject: "city-county-yongning-a", severity: .critical,
            labels: ["county": "yongning", "link": "city-county-yongning-a"],
            summary: BilingualText(zh: "县级上联中断", en: "county uplink down"))
        let signals = (0..<count).map { i in
            AlertSignal(
                rule: "device_unreachable", subject: "yn-device-\(i)", severity: .critical,
                labels: ["county": "yongning", "school": "yn-school-\(i / 20)", "device": "yn-device-\(i)"],
                summary: BilingualText(zh: "永宁县设备 yn-device-\(i) 自 09:00:00 起无 SNMP 响应", en: "yn-device-\(i) has not answered SNMP since 09:00:00"),
                parents: suppressed ? [uplink.fingerprint] : [])
        }
        let engine = try AlertEngine(store: store, policy: policy, logger: Logger(label: "bench"), at: Date())
        let parents = suppressed

        // The poller: one device poll (49 rates) every 20 ms, each write's latency kept.
        let polling = Task { () -> [(Date, Double)] in
            var latencies: [(Date, Double)] = []
            var poll = 0
            while !Task.isCancelled {
                let time = Date()
                let rates = (1...49).map {
                    InterfaceMeasurement(
                        device: "poller-\(poll % 100)", interface: "GigabitEthernet0/0/\($0)", time: time,
                        inBitsPerSecond: 1e6, outBitsPerSecond: 2e6)
                }
                let start = ContinuousClock.now
                try? measurements.record(DeviceObservations(device: "poller-\(poll % 100)", time: time, rates: rates))
                latencies.append((time, (ContinuousClock.now - start) / .milliseconds(1)))
                poll += 1
                try? await Task.sleep(for: .milliseconds(20))
            }
            return latencies
        }
        try await Task.sleep(for: .seconds(1))
        let stormStart = Date()
        let (store1, cpu1) = try await measure {
            if parents { try await engine.evaluate(rules: ["link_down"], active: [uplink], at: Date()) }
            try await engine.evaluate(rules: ["device_unreachable"], active: signals, at: Date())
        }
        let (route, cpu2) = try await measure { try await engine.tick(at: Date()) }
        let stormEnd = Date()
        try await Task.sleep(for: .seconds(1))
        polling.cancel()
        let latencies = await polling.value
        let before = latencies.filter { $0.0 < stormStart }.map(\.1)
        let during = latencies.filter { $0.0 >= stormStart && $0.0 <= stormEnd }.map(\.1)
        let messages = try store.outbox(states: [.pending], limit: 100_000)
        let listed = messages.reduce(0) { $0 + $1.content.alerts.count }
        let truncated = messages.reduce(0) { $0 + $1.content.truncated }

        // The same alerts, one transaction each, on a fresh file: what batching saves.
        let naivePath = path + ".naive"
        let naiveEngine = try AlertEngine(
            store: AlertStore(database: try StoreDatabase(path: naivePath)), policy: policy, logger: Logger(label: "bench"), at: Date())
        let sample = signals.prefix(max(1, count / 10))
        let (naive, _) = try await measure { for signal in sample { try await naiveEngine.raise(signal, hold: nil, at: Date()) } }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: naivePath + suffix) }

        func p(_ values: [Double], _ q: Double) -> Double {
            values.isEmpty ? 0 : values.sorted()[min(values.count - 1, Int(Double(values.count) * q))]
        }
        print(
            String(
                format: "alerts=%d suppressed=%@ store_s=%.3f store_cpu_s=%.3f route_s=%.3f route_cpu_s=%.3f messages=%d listed=%d truncated=%d "
                    + "poll_p50_ms_before=%.2f poll_max_ms_before=%.2f polls_during=%d poll_max_ms_during=%.1f naive_per_alert_ms=%.3f batched_per_alert_ms=%.4f",
                count, suppressed ? "yes" : "no", store1, cpu1, route, cpu2, messages.count, listed, truncated, p(before, 0.5), before.max() ?? 0,
                during.count, during.max() ?? 0, naive / Double(sample.count) * 1000, store1 / Double(count) * 1000))
    }

    /// Wall and CPU seconds of `body`.
    static func measure(_ body: @Sendable () async throws -> Void) async throws -> (Double, Double) {
        let cpu0 = cpuSeconds()
        let start = ContinuousClock.now
        try await body()
        return ((ContinuousClock.now - start) / .seconds(1), cpuSeconds() - cpu0)
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}
