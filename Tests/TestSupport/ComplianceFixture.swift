import Compliance
import Foundation
import Model
import Store

/// A small city in YAML (the repository's policies), its measurements written to a real SQLite file, and the
/// verdicts checked by hand.
package struct ComplianceFixture {
    package let directory = FileManager.default.temporaryDirectory.appendingPathComponent("edunet-compliance-\(UUID().uuidString)")
    package let configuration: CityConfiguration
    package let store: MeasurementStore
    /// The end of every window the tests use; polls are a minute apart before it.
    package static let end = Date(timeIntervalSince1970: 1_796_000_000)

    static let inventory = """
        snmp_profiles:
          - {id: v2, version: v2c, community: {env: EDUNET_SNMP_COMMUNITY}}
        nodes:
          - {id: city-core-a, name: 城域核心A, kind: city-core}
          - {id: city-core-b, name: 城域核心B, kind: city-core}
          - {id: agg-yn, name: 永宁县汇聚, kind: county-aggregation, county: yongning}
          - {id: agg-hl, name: 贺兰县汇聚, kind: county-aggregation, county: helan}
        devices:
          - {id: core-a, name: 核心A, role: core-switch, node: city-core-a, management: {address: 127.2.0.1}, snmp_profile: v2}
          - {id: core-b, name: 核心B, role: core-switch, node: city-core-b, management: {address: 127.2.0.2}, snmp_profile: v2}
          - {id: agg-yn-sw, name: 永宁汇聚, role: core-switch, node: agg-yn, management: {address: 127.2.0.3}, snmp_profile: v2}
          - {id: agg-hl-sw, name: 贺兰汇聚, role: core-switch, node: agg-hl, management: {address: 127.2.0.4}, snmp_profile: v2}
          - {id: wlc, name: 控制器, role: wireless-controller, vendor: Ruijie, node: agg-yn, management: {address: 127.2.0.5}, snmp_profile: v2}
          - {id: s1-core, name: 一小核心, role: core-switch, school: s1, management: {address: 127.3.1.1}, snmp_profile: v2}
          - {id: s1-ap01, name: 一小AP1, role: access-point, school: s1, controller: wlc}
          - {id: s1-ap02, name: 一小AP2, role: access-point, school: s1, controller: wlc}
          - {id: v1-core, name: 职院核心, role: core-switch, school: v1, management: {address: 127.3.2.1}, snmp_profile: v2}
          - {id: v1-acc, name: 职院接入, role: access-switch, school: v1, management: {address: 127.3.2.2}, snmp_profile: v2}
          - {id: v1-ap01, name: 职院AP1, role: access-point, school: v1, controller: wlc}
          - {id: v1-ap02, name: 职院AP2, role: access-point, school: v1, controller: wlc}
        links:
          - {id: yn-a, tier: city-county, a: {device: core-a, interface: X1}, b: {device: agg-yn-sw, interface: U1}, capacity: 10G}
          - {id: yn-b, tier: city-county, a: {device: core-a, interface: X2}, b: {device: agg-yn-sw, interface: U2}, capacity: 10G}
          - {id: hl-a, tier: city-county, a: {device: core-a, interface: X3}, b: {device: agg-hl-sw, interface: U1}, capacity: 10G}
          - {id: hl-b, tier: city-county, a: {device: core-b, interface: X3}, b: {device: agg-hl-sw, interface: U2}, capacity: 10G}
          - {id: s1-up, tier: county-school, a: {device: agg-yn-sw, interface: D1}, b: {device: s1-core, interface: U1}, capacity: 2.5G}
          - {id: v1-up, tier: county-school, a: {device: agg-yn-sw, interface: D2}, b: {device: v1-core, interface: U1}, capacity: 10G}
          - {id: v1-bb, tier: campus-backbone, a: {device: v1-core, interface: B1}, b: {device: v1-acc, interface: B1}, capacity: 10G}
        schools:
          - id: s1
            name: 永宁县第一小学
            name_en: Yongning No. 1 Primary School
            county: yongning
            kind: primary
            students: 1200
            teachers: 80
            subnets: [10.21.0.0/20]
            areas:
              - {kind: teaching, name: 教学楼, aps: [s1-ap01]}
              - {kind: office, name: 办公楼, aps: [s1-ap02]}
          - id: v1
            name: 永宁县职业技术学院
            name_en: Yongning Vocational College
            county: yongning
            kind: vocational
            students: 5000
            teachers: 300
            subnets: [10.22.0.0/20]
            areas:
              - {kind: teaching, name: 教学楼, aps: [v1-ap01]}
              - {kind: office, name: 办公楼, aps: [v1-ap02]}
              - {kind: public, name: 食堂, aps: [v1-ap02]}
              - {kind: other, name: 实训楼, aps: [v1-ap01]}
        """

    package init() throws {
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("inventory"), withIntermediateDirectories: true)
        try Self.inventory.write(to: directory.appendingPathComponent("inventory/city.yaml"), atomically: true, encoding: .utf8)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        // The city's six counties, as the sample inventory declares them (the policies route alerts by county).
        try FileManager.default.copyItem(
            at: root.appendingPathComponent("inventory/counties.yaml"),
            to: directory.appendingPathComponent("inventory/counties.yaml"))
        let policies = root.appendingPathComponent("policies").path
        configuration = try ConfigurationLoader.load(
            inventoryDirectory: directory.appendingPathComponent("inventory").path, policiesDirectory: policies)
        store = MeasurementStore(database: try StoreDatabase(path: directory.appendingPathComponent("city.sqlite").path))
    }

    package func remove() { try? FileManager.default.removeItem(at: directory) }

    /// Records what a device's poll found: its interfaces (name → speed in bit/s, up) at `end`.
    package func interfaces(_ device: String, _ ports: [String: (UInt64?, Bool)]) throws {
        try store.record(
            DeviceObservations(
                device: device, time: Self.end, rates: [],
                interfaces: ports.sorted { $0.key < $1.key }.enumerated().map { i, port in
                    InterfaceStatus(
                        name: port.key, index: UInt32(i + 1), alias: nil, speedBitsPerSecond: port.value.0, adminUp: true, operUp: port.value.1)
                }))
    }

    /// Records one rate a minute for an interface, the last at `end`; nil is an unknown interval.
    package func rates(_ device: String, _ interface: String, inbound: [Double?], outbound: Double = 1e6) throws {
        try store.record(
            inbound.enumerated().map { index, value in
                InterfaceMeasurement(
                    device: device, interface: interface, time: Self.end.addingTimeInterval(Double(index - inbound.count + 1) * 60),
                    inBitsPerSecond: value, outBitsPerSecond: value == nil ? nil : outbound, unknownReason: value == nil ? "agent restarted" : nil)
            })
    }

    /// Records `polls` polls of the controller, a minute apart, with each AP up or not at each.
    package func accessPoints(_ states: [String: [Bool]], uplink: Int? = nil) throws {
        let polls = states.values.map(\.count).max() ?? 0
        for poll in 0..<polls {
            let time = Self.end.addingTimeInterval(Double(poll - polls + 1) * 60)
            try store.record(
                DeviceObservations(
                    device: "wlc", time: time, rates: [],
                    accessPoints: states.sorted { $0.key < $1.key }.enumerated().map { i, ap in
                        AccessPointReading(
                            index: "\(i)", name: ap.key, up: ap.value[poll], state: ap.value[poll] ? "online" : "offline", clients: 3,
                            uplinkMbps: uplink)
                    }))
        }
    }

    package func findings(window: TimeInterval = 1200) throws -> [String: Finding] {
        let all = try ComplianceEvaluator(configuration: configuration, store: store).evaluate(
            from: Self.end.addingTimeInterval(-window + 0.001),
            to: Self.end.addingTimeInterval(0.001))
        return Dictionary(all.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }
}
