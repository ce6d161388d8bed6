import Foundation
import Model
import Provisioning
import TestSupport
import Testing

/// The alias plan on the compliance fixture's city: labels from the inventory, changes only where the polled ifAlias
/// differs, and every interface left out with why.
@Suite("Alias plan")
struct AliasPlannerTests {
    static func status(_ name: String, index: UInt32, alias: String?) -> InterfaceStatus {
        InterfaceStatus(name: name, index: index, alias: alias, speedBitsPerSecond: 10_000_000_000, adminUp: true, operUp: true)
    }

    @Test func labelsWhereTheyDifferAndSaysWhyTheRestIsLeftOut() throws {
        let city = try ComplianceFixture()
        defer { city.remove() }
        var inventory = city.configuration.inventory
        // Only the Yongning aggregation switch and the vocational college's core may be written to.
        inventory.devices = inventory.devices.map { device in
            var device = device
            if ["agg-yn-sw", "v1-core"].contains(device.id) { device.snmpWriteProfile = "v2" }
            return device
        }
        let yn = try #require(inventory.links.first { $0.id == "yn-a" })
        #expect(AliasPlanner.label(yn, on: "agg-yn-sw") == "yn-a city-county to core-a")
        let interfaces: [String: [String: InterfaceStatus]] = [
            "agg-yn-sw": [
                "U1": Self.status("U1", index: 1, alias: "yn-a city-county to core-a"),  // already right
                "U2": Self.status("U2", index: 2, alias: "old uplink"),
                "D1": Self.status("D1", index: 11, alias: nil),
                // D2 (v1-up) is missing from the device.
            ]
            // v1-core has not been polled.
        ]
        let (changes, refusals) = AliasPlanner.plan(inventory: inventory, interfaces: interfaces)
        #expect(
            changes == [
                ProvisioningChange(
                    device: "agg-yn-sw", interface: "D1", object: "1.3.6.1.2.1.31.1.1.1.18.11", current: nil, new: "s1-up county-school to s1-core"),
                ProvisioningChange(
                    device: "agg-yn-sw", interface: "U2", object: "1.3.6.1.2.1.31.1.1.1.18.2", current: "old uplink",
                    new: "yn-b city-county to core-a"),
            ])
        #expect(refusals.first { $0.device == "agg-yn-sw" }?.reason == "the last poll found no interface D2 on the device")
        #expect(
            refusals.filter { $0.device == "v1-core" }.map(\.reason)
                == Array(repeating: "not polled yet: what its interfaces hold is not known", count: 2))
        #expect(
            refusals.filter { $0.device == "core-a" }.map(\.reason)
                == Array(repeating: "no snmp_write_profile in the inventory: the device is never written to", count: 3))
        // The scope keeps to the devices it accepts.
        let one = AliasPlanner.plan(inventory: inventory, interfaces: interfaces) { $0.id == "v1-core" }
        #expect(one.changes.isEmpty && Set(one.refusals.map(\.device)) == ["v1-core"])
        // A label is ASCII and at most 64 bytes, whatever the ids.
        let long = Link(
            id: String(repeating: "x", count: 80), tier: .countySchool, a: .init(device: "a", interface: "1"), b: .init(device: "b", interface: "2"),
            capacity: nil)
        #expect(AliasPlanner.label(long, on: "a").utf8.count == 64)
    }
}
