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
        func switches(_ hosts: [String], named prefix: String) -> [PolledDevice] {
            hosts.enumerated().map { index, host in
                PolledDevice(
                    id: "\(prefix)\(index)",
                    target: SNMPTarget(
                        host: host, port: snmpd.port, credentials: .v2c(community: "edunet-test"),
                        timeout: .seconds(2), retries: 1, name: "\(prefix)\(index)"))
            }
        }
        let small = switches(["127.0.0.1", "127.20.0.1", "127.20.0.2"], named: "sw")
        // The control: three more switches of the same agent on a loop and engine of their own, without the controller.
        // Both loops run on the same machine at the same time, so a loaded machine slows both alike; only the
        // controller's walk holding up the others would leave the first three behind the control.
        let control = switches(["127.20.0.3", "127.20.0.4", "127.20.0.5"], named: "ctl")
        let huge = PolledDevice(
            id: "ruijie",
            target: SNMPTarget(
                host: "127.0.0.1", port: snmpsim.port, credentials: .v2c(community: "ruijie-m18000"),
                timeout: .seconds(20), retries: 1, name: "ruijie"), role: .accessSwitch)
        let settings = PollingLoop.Settings(interval: .seconds(1), maxDevicesInFlight: 8, seed: 7)
        let loop = PollingLoop(
            devices: [huge] + small, poller: DevicePoller(engine: SNMPEngine()), store: store, settings: settings, logger: Logger(label: "test"))
        let alone = PollingLoop(
            devices: control, poller: DevicePoller(engine: SNMPEngine()), store: store, settings: settings, logger: Logger(label: "test"))
        func rates(_ device: PolledDevice) throws -> Int {
            try store.rates(device: device.id, interface: "lo", from: .distantPast, to: .distantFuture).count
        }
        let running = [Task { await loop.run() }, Task { await alone.run() }]
        // Until the control has three rates each (about 4 s alone; longer on a loaded machine, where a fixed 4.5 s
        // once left it with none), then both loops stop at the same moment.
        try? await waitFor("three rates of each control switch", within: 60) { try control.map(rates).min() ?? 0 >= 3 }
        for task in running { task.cancel() }
        for task in running { await task.value }
        let expected = try control.map(rates).min() ?? 0
        #expect(expected >= 1, "the control switches were polled")
        for device in small {
            let count = try rates(device)
            #expect(
                count >= expected - 1,
                "\(device.id) polled as often as a switch on a loop of its own while the controller was walked: \(count) rates, the control \(expected)"
            )
        }
        let statistics = await loop.statistics
        #expect(statistics.failures == 0 && statistics.down.isEmpty)
    }
}
