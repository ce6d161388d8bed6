import Foundation
import Logging
import Model
import Monitor
import Store
import TestSupport
import Testing

@testable import SNMP

/// The polling loop with a huge device among small ones: the Ruijie controller recording (3,271 interfaces,
/// about 52,000 varbinds a poll from a Python agent) must not hold up switches polled every second.
@Suite("Polling loop")
struct PollingLoopTests {
    @Test func aThreeThousandInterfaceDeviceDoesNotDelayTheOthers() async throws {
        let snmpd = await TestAgents.snmpd()
        let snmpsim = await TestAgents.snmpsim(serving: "ruijie-m18000")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-loop-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = MeasurementStore(database: try StoreDatabase(path: path))
        let small = ["127.0.0.1", "127.20.0.1", "127.20.0.2"].enumerated().map { index, host in
            PolledDevice(
                id: "sw\(index)",
                target: SNMPTarget(
                    host: host, port: snmpd.port, credentials: .v2c(community: "edunet-test"),
                    timeout: .seconds(2), retries: 1, name: "sw\(index)"))
        }
        let huge = PolledDevice(
            id: "ruijie",
            target: SNMPTarget(
                host: "127.0.0.1", port: snmpsim.port, credentials: .v2c(community: "ruijie-m18000"),
                timeout: .seconds(20), retries: 1, name: "ruijie"), role: .accessSwitch)
        let loop = PollingLoop(
            devices: [huge] + small, poller: DevicePoller(engine: SNMPEngine()), store: store,
            settings: .init(interval: .seconds(1), maxDevicesInFlight: 8, seed: 7), logger: Logger(label: "test"))
        let started = ContinuousClock.now
        let running = Task { await loop.run() }
        // The window observed: until the controller's first poll is stored (its walk is what could hold the others
        // up; on a loaded machine it takes longer), and at least 4.5 s.
        try await waitFor("the controller's first poll", within: 120) { try store.interfaces(device: "ruijie") != nil }
        try await Task.sleep(until: started.advanced(by: .milliseconds(4500)))
        let seconds = Int((started.duration(to: .now) / .seconds(1)).rounded(.down))
        running.cancel()
        await running.value
        for device in small {
            let lo = try store.rates(device: device.id, interface: "lo", from: .distantPast, to: .distantFuture)
            // Polled every second: a rate a second after the first poll, give or take one.
            #expect(lo.count >= seconds - 2, "\(device.id) polled every second while the controller was walked: \(lo.count) rates in \(seconds) s")
        }
        let statistics = await loop.statistics
        #expect(statistics.failures == 0 && statistics.down.isEmpty)
    }
}
