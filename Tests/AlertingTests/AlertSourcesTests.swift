import Alerting
import Daemon
import Foundation
import Model
import Monitor
import SNMP
import Store
import TestSupport
import Testing

/// The sources on the sample city's real topology: grace periods, redundancy, a county outage, traps.
@Suite("Alert sources on the sample city")
struct AlertSourcesTests {
    static let city = Result {
        try ConfigurationLoader.load(
            inventoryDirectory: AlertFixture.root.appendingPathComponent("inventory").path,
            policiesDirectory: AlertFixture.root.appendingPathComponent("policies").path)
    }
    let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    func topology() throws -> AlertTopology { AlertTopology(inventory: try Self.city.get().inventory) }

    @Test func unreachableIsAWarningAfterOneMinuteAndCriticalAfterFour() throws {
        let topology = try topology()
        let rules = AlertingPolicy.Rules()
        func severity(after seconds: Double, firing: [String: AlertSeverity] = [:]) -> AlertSeverity? {
            AlertSources.unreachable(
                downSince: ["agg-yongning-sw": t0], firing: firing, at: t0.addingTimeInterval(seconds), topology: topology, rules: rules
            ).first?.severity
        }
        #expect(severity(after: 59) == nil)
        #expect(severity(after: 60) == .warning)
        #expect(severity(after: 239) == .warning)
        #expect(severity(after: 240) == .critical)
        // After a daemon restart the outage is counted from the restart, but the alert already firing stays, as critical.
        #expect(severity(after: 5, firing: ["agg-yongning-sw": .critical]) == .critical)
        let signal = try #require(
            AlertSources.unreachable(downSince: ["agg-yongning-sw": t0], at: t0.addingTimeInterval(60), topology: topology, rules: rules).first)
        #expect(
            signal.labels["county"] == "yongning" && signal.labels["device"] == "agg-yongning-sw" && signal.labels["rule"] == "device_unreachable")
        #expect(
            Set(signal.parents)
                == Set(
                    ["city-county-yongning-a", "city-county-yongning-b"].map { AlertFingerprint.of(rule: "link_down", subject: $0) }
                        + ["city-core-a-sw", "city-core-b-sw"].map { AlertFingerprint.of(rule: "device_unreachable", subject: $0) }))
    }

    @Test func aLinkDownWithItsTwinUpIsRedundancyLost() throws {
        let topology = try topology()
        let rules = AlertingPolicy.Rules()
        let down = InterfaceStatus(
            name: "XGigabitEthernet2/0/4", index: 4, alias: nil, speedBitsPerSecond: 10_000_000_000, adminUp: true, operUp: false)
        let up = InterfaceStatus(name: "XGigabitEthernet2/0/4", index: 4, alias: nil, speedBitsPerSecond: 1_000_000_000, adminUp: true, operUp: true)
        let one = AlertSources.linksDown(
            interfaces: ["city-core-a-sw": ["XGigabitEthernet2/0/4": down], "city-core-b-sw": ["XGigabitEthernet2/0/4": up]],
            topology: topology, rules: rules)
        #expect(one.map(\.subject) == ["city-county-yongning-a"])
        #expect(one[0].severity == .warning && one[0].labels["redundancy"] == "lost")
        #expect(one[0].summary.zh.hasPrefix("链路 city-county-yongning-a（city-county）中断："))
        #expect(one[0].summary.zh.hasSuffix("city-core-a-sw） XGigabitEthernet2/0/4 状态为 down；冗余链路 city-county-yongning-b 仍在工作，已失去冗余"))
        let both = AlertSources.linksDown(
            interfaces: ["city-core-a-sw": ["XGigabitEthernet2/0/4": down], "city-core-b-sw": ["XGigabitEthernet2/0/4": down]],
            topology: topology, rules: rules)
        #expect(both.map(\.subject).sorted() == ["city-county-yongning-a", "city-county-yongning-b"] && both.allSatisfy { $0.severity == .critical })
    }

    /// Yongning's two uplinks fail: its aggregation switch and every device behind it stop answering. District IT hears
    /// of the two links, not of the sixty devices.
    @Test func aCountyOutageIsTheUplinksNotEveryDevice() async throws {
        let city = try Self.city.get()
        let topology = AlertTopology(inventory: city.inventory)
        let f = try AlertFixture(t0: t0)
        let engine = try f.engine(AlertFixture.policy())
        let rules = AlertingPolicy.Rules()
        let down = InterfaceStatus(name: "XGigabitEthernet2/0/4", index: 4, alias: nil, speedBitsPerSecond: nil, adminUp: true, operUp: false)
        let interfaces = ["city-core-a-sw": ["XGigabitEthernet2/0/4": down], "city-core-b-sw": ["XGigabitEthernet2/0/4": down]]
        let yongning = city.inventory.devices.filter { city.inventory.countyOfDevice[$0.id] == "yongning" && $0.management != nil }.map(\.id)
        #expect(yongning.count > 20)
        let downSince = Dictionary(uniqueKeysWithValues: yongning.map { ($0, t0) })
        try await engine.evaluate(
            rules: AlertSources.linkRules, active: AlertSources.linksDown(interfaces: interfaces, topology: topology, rules: rules), at: f.at(10))
        try await engine.evaluate(
            rules: AlertSources.reachabilityRules,
            active: AlertSources.unreachable(downSince: downSince, at: f.at(300), topology: topology, rules: rules), at: f.at(300))
        try await engine.tick(at: f.at(400))
        let said = try f.messages().flatMap { $0.content.alerts.map { "\($0.state.rawValue) \($0.labels["link"] ?? $0.labels["device"] ?? "")" } }
        #expect(said.sorted() == ["firing city-county-yongning-a", "firing city-county-yongning-b"])
        #expect(
            await engine.current().filter { $0.rule == "device_unreachable" && $0.state == .firing }.count == yongning.count,
            "the devices' alerts are recorded, only not sent")
    }

    /// Yongning's 1G uplink b (at agg-yongning-sw GigabitEthernet1/0/2) measured every minute.
    @Test func aLinkIsCongestedWhenEveryIntervalOfTheSpanIsOverTheThreshold() throws {
        let topology = try topology()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-congestion-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = MeasurementStore(database: try StoreDatabase(path: path))
        var rules = AlertingPolicy.Rules()
        rules.congestionMinutes = 15
        func rates(_ utilisations: [Double?]) throws {
            try store.record(
                utilisations.enumerated().map { minute, u in
                    InterfaceMeasurement(
                        device: "agg-yongning-sw", interface: "GigabitEthernet1/0/2", time: t0.addingTimeInterval(Double(minute + 1) * 60),
                        inBitsPerSecond: u.map { $0 * 1e9 }, outBitsPerSecond: u.map { $0 * 0.5e9 },
                        unknownReason: u == nil ? "counter wrapped twice" : nil)
                })
        }
        func congested(at minute: Double) throws -> [String] {
            try AlertSources.congested(
                store: store, interfaces: [:], at: t0.addingTimeInterval(minute * 60), topology: topology, threshold: 0.8, rules: rules
            )
            .map(\.subject)
        }
        try rates(Array(repeating: 0.9, count: 20) + [0.79] + Array(repeating: 0.95, count: 20) + [nil] + Array(repeating: 0.95, count: 15))
        #expect(try congested(at: 14) == [], "fewer than 15 minutes measured")
        #expect(try congested(at: 16) == ["city-county-yongning-b"], "minutes 2–16 at 90 %")
        #expect(try congested(at: 21) == [], "minute 21 was at 79 %")
        #expect(try congested(at: 35) == [], "the 79 % minute is still within the span")
        #expect(try congested(at: 36) == ["city-county-yongning-b"])
        #expect(try congested(at: 45) == [], "an unknown interval (minute 42) is not a congested one")
        #expect(try congested(at: 57) == ["city-county-yongning-b"])
        let signal = try #require(
            try AlertSources.congested(
                store: store, interfaces: [:], at: t0.addingTimeInterval(57 * 60), topology: topology,
                threshold: 0.8, rules: rules
            ).first)
        #expect(signal.summary.zh == "链路 city-county-yongning-b 已连续 15 分钟利用率高于 80%（p95 95.0 %，覆盖 100.0 %）" && signal.severity == .warning)
    }

    @Test func anAccessPointDownIsAnAlertOfItsSchoolUnderItsController() throws {
        let city = try Self.city.get()
        let topology = AlertTopology(inventory: city.inventory)
        let rules = city.policies.alerting.rules
        let aps = ["helan-primary-01-ap01", "helan-primary-01-ap02", "helan-primary-02-ap01"]
        let controller = try #require(city.inventory.devices.first { $0.id == aps[0] }?.controller)
        let statuses = aps.enumerated().map { index, ap in
            AccessPointStatus(
                controller: controller,
                reading: AccessPointReading(
                    index: "\(index)", name: ap, up: ap != aps[1] || index == 5,
                    state: "offline", clients: 0),
                seenAt: t0, upSamples: 0, stateSamples: 1)
        }
        // Two of the three are down; the other is up. APs the controller does not report are not said to be down.
        var down = statuses
        down[2].reading.up = false
        let signals = AlertSources.accessPointsDown(AccessPointRegister(inventory: city.inventory, statuses: down), topology: topology, rules: rules)
        #expect(Set(signals.map(\.subject)) == ["helan-primary-01-ap02", "helan-primary-02-ap01"])
        let first = try #require(signals.first { $0.subject == "helan-primary-01-ap02" })
        #expect(first.labels["school"] == "helan-primary-01" && first.labels["county"] == "helan" && first.labels["controller"] == controller)
        #expect(first.labels["area"] == "office:办公楼" && first.severity == .warning)
        #expect(first.summary.zh.contains("办公楼") && first.summary.zh.contains("离线"))
        #expect(first.parents.first == AlertFingerprint.of(rule: "device_unreachable", subject: controller))
        // Grouped per school: the two schools' APs go out as two messages, to Helan's receiver.
        let routes = signals.map { city.policies.alerting.route($0.labels.merging(["rule": $0.rule]) { a, _ in a }) }
        #expect(Set(routes.map(\.receiver)) == ["helan-it"])
        #expect(Set(routes.map { $0.groupLabels["school"] ?? "" }) == ["helan-primary-01", "helan-primary-02"])
    }

    @Test func trapsRaiseAndResolveTheRightAlert() throws {
        let topology = try topology()
        let rules = AlertingPolicy.Rules()
        let address = try #require(topology.inventory.devices.first { $0.id == "agg-yongning-sw" }?.management?.address)
        let ifIndex = VarBind(oid: OID([1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 7]), value: .integer32(7))
        let linkDown = SNMPTrap(source: "\(address)", version: 2, trapOID: SNMPTrap.Generic.linkDown.oid, varbinds: [ifIndex])
        guard case .raise(let signal, let hold) = AlertSources.trap(linkDown, topology: topology, rules: rules) else {
            Issue.record("linkDown must raise")
            return
        }
        #expect(signal.rule == "trap_link_down" && signal.subject == "agg-yongning-sw/7" && hold == nil && signal.labels["county"] == "yongning")
        let linkUp = SNMPTrap(source: "\(address)", version: 1, trapOID: SNMPTrap.Generic.linkUp.oid, varbinds: [ifIndex])
        #expect(AlertSources.trap(linkUp, topology: topology, rules: rules) == .resolve(fingerprint: signal.fingerprint))
        let cold = SNMPTrap(source: "127.9.9.9", version: 2, trapOID: SNMPTrap.Generic.coldStart.oid, varbinds: [])
        guard case .raise(let restart, let restartHold) = AlertSources.trap(cold, topology: topology, rules: rules) else {
            Issue.record("coldStart must raise")
            return
        }
        #expect(restart.rule == "device_restarted" && restart.subject == "127.9.9.9" && restartHold == 600 && restart.severity == .info)
        #expect(
            AlertSources.trap(
                SNMPTrap(source: "127.0.0.1", version: 2, trapOID: OID([1, 3, 6, 1, 4, 1, 2011, 0, 1]), varbinds: []),
                topology: topology, rules: rules) == .ignore)
    }
}
