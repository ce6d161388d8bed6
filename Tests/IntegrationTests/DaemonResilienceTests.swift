import Foundation
import Model
import Monitor
import Store
import TestSupport
import Testing

/// edunetd when things go wrong: a device that answers nonsense, and the daemon killed mid-cycle.
@Suite("edunetd survives nonsense and SIGKILL")
struct DaemonResilienceTests {
    @Test func nonsenseIsLoggedAndMarkedAndNeverBecomesARate() async throws {
        let agent = await TestAgents.snmpsim(serving: "nonsense")
        // Two seconds for an answer: the test is about what the device says, and snmpsim on a loaded machine (the suite's
        // first minute) was seen to miss 0.3 s, marking the device down.
        let directory = try LabNetwork.make(port: agent.port, timeout: 2)
        defer { try? FileManager.default.removeItem(at: directory) }
        // The lab's profile reads LAB_COMMUNITY, which the daemon gets as edunet-test: serve the device under it too.
        try """
        snmp_profiles:
          - {id: lab, version: v2c, community: {env: LAB_COMMUNITY}}
          - {id: nonsense, version: v2c, community: {file: \(directory.appendingPathComponent("community").path)}}
        nodes:
          - {id: agg-xingqing, name: 兴庆区汇聚, kind: county-aggregation, county: xingqing}
        devices:
          - {id: nonsense-sw, name: 胡言乱语交换机, role: core-switch, node: agg-xingqing, management: {address: 127.0.0.1, port: \(agent.port)}, snmp_profile: nonsense}

        """.write(to: directory.appendingPathComponent("inventory/lab.yaml"), atomically: true, encoding: .utf8)
        try "nonsense\n".write(to: directory.appendingPathComponent("community"), atomically: true, encoding: .utf8)
        let log = directory.appendingPathComponent("edunetd.log").path
        let pid = try DaemonPollingTests.startDaemon(config: directory.appendingPathComponent("edunetd.yaml").path, log: log)
        // Bounded at 60 s: beside the recording walks and the engine's hundred-device tests, two polls once took more than
        // 20 s to be stored. A daemon that never stores them still fails.
        try await waitFor("two intervals of each nonsense port", within: 60, diagnosis: { DaemonPollingTests.text(log) }) {
            ["port1", "port2", "port3"].allSatisfy { DaemonPollingTests.stored(directory, device: "nonsense-sw", interface: $0) >= 2 }
        }
        let status = DaemonPollingTests.stop(pid)
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(status == 0, "\(text)")
        #expect(text.contains("device answers nonsense") && text.contains("problem=ifHCInOctets is OctetString, not Counter64"), "\(text)")
        #expect(text.components(separatedBy: "ifHCInOctets is OctetString").count == 2, "logged when it appears, not every poll")
        #expect(!text.contains("device down"))

        let store = MeasurementStore(database: try StoreDatabase(path: directory.appendingPathComponent("lab.sqlite").path))
        let interfaces = try #require(try store.interfaces(device: "nonsense-sw")).interfaces
        #expect(interfaces["port1"]?.problems == ["ifHCInOctets is OctetString, not Counter64"])
        #expect(
            interfaces["port2"]?.problems.first?.hasPrefix("the interface is up with a speed of 0") == true
                && interfaces["port2"]?.speedBitsPerSecond == nil)
        func rates(_ port: String) throws -> [InterfaceMeasurement] {
            try store.rates(device: "nonsense-sw", interface: port, from: .distantPast, to: .distantFuture)
        }
        let port1 = try rates("port1")
        let port2 = try rates("port2")
        let port3 = try rates("port3")
        #expect(port1.count >= 2 && port2.count >= 2 && port3.count >= 2)
        // A counter of the wrong type is no rate at all (not zero); the other direction is still measured. (The
        // tolerance is loose: a 1-second interval on a Python agent is timing noise, accuracy is tested elsewhere.)
        #expect(port1.allSatisfy { $0.inBitsPerSecond == nil && abs(($0.outBitsPerSecond ?? 0) - 2_000_000) < 500_000 }, "\(port1)")
        // A speed of 0 leaves the rate measurable, only utilisation unknown.
        #expect(port2.allSatisfy { abs(($0.inBitsPerSecond ?? 0) - 1_000_000) < 250_000 }, "\(port2)")
        // A 64-bit counter that went backwards without a reboot: every interval unknown, never a spike or a zero.
        #expect(
            port3.allSatisfy {
                $0.unknownReason == IntervalRate.UnknownReason.implausible.rawValue && $0.inBitsPerSecond == nil && $0.outBitsPerSecond == nil
            }, "\(port3)")
        try store.rollUp(through: Date().addingTimeInterval(600))
        let rollups = try store.rollups(device: "nonsense-sw", interface: "port3", from: .distantPast, to: .distantFuture)
        #expect(!rollups.isEmpty && rollups.allSatisfy { $0.measured == 0 && $0.inMax == nil && $0.outMax == nil })
    }

    @Test func sigkillMidCycleLeavesAWholeDatabaseAndPollingResumes() async throws {
        let port = await TestAgents.snmpd().port
        let directory = try LabNetwork.make(port: port)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("edunetd.yaml").path
        let first = try DaemonPollingTests.startDaemon(config: config, log: directory.appendingPathComponent("first.log").path)
        try await waitFor("two polls of lab-sw stored") { DaemonPollingTests.stored(directory, device: "lab-sw", interface: "lo") >= 2 }
        kill(first, SIGKILL)
        _ = try await TestProcess.finish(first)
        let killedAt = Date()

        let path = directory.appendingPathComponent("lab.sqlite").path
        var database = try StoreDatabase(path: path)
        #expect(try database.integrityCheck() == ["ok"])
        var store = MeasurementStore(database: database)
        let names = try #require(try store.interfaces(device: "lab-sw")).interfaces.keys
        // Every stored poll is whole: each poll time has a rate for every interface, or none at all.
        var interfacesAt: [Date: Int] = [:]
        for name in names {
            for m in try store.rates(device: "lab-sw", interface: name, from: .distantPast, to: .distantFuture) {
                interfacesAt[m.time, default: 0] += 1
            }
        }
        #expect(!interfacesAt.isEmpty)
        #expect(interfacesAt.values.allSatisfy { $0 == names.count }, "\(interfacesAt)")

        let second = try DaemonPollingTests.startDaemon(config: config, log: directory.appendingPathComponent("second.log").path)
        try await waitFor("a poll after the restart") {
            DaemonPollingTests.stored(directory, device: "lab-sw", interface: "lo") > interfacesAt.count
        }
        #expect(DaemonPollingTests.stop(second) == 0)
        database = try StoreDatabase(path: path)
        store = MeasurementStore(database: database)
        #expect(try database.integrityCheck() == ["ok"])
        let resumed = try store.latest(device: "lab-sw")
        #expect(!resumed.isEmpty && resumed.allSatisfy { $0.time > killedAt }, "polling resumed after the restart")
    }
}
