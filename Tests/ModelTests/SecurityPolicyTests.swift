import Foundation
import Testing

@testable import Model

/// What the packet checks read from the inventory and `security.yaml`: gateways, devices' MACs and scan thresholds.
@Suite("Security settings of the inventory and policies")
struct SecurityPolicyTests {
    @Test func gatewaysAndMACsAreReadAndAGatewayOutsideTheSubnetsIsLocated() throws {
        let base = InventoryFixture.base
            .replacingOccurrences(of: "subnets: [10.21.0.0/20]", with: "subnets: [10.21.0.0/20]\n    gateways: [10.21.0.254]")
            .replacingOccurrences(of: "snmp_profile: v2}", with: "snmp_profile: v2, mac: \"00-1A-2B-3C-4D-5E\"}")
        let fixture = try InventoryFixture(base: base)
        defer { fixture.remove() }
        let configuration = try fixture.load()
        #expect(configuration.inventory.schools.first?.gateways == [IPAddress("10.21.0.254")!])
        #expect(configuration.inventory.devices.first?.mac == MACAddress(parsing: "00:1a:2b:3c:4d:5e"))

        let outside = try InventoryFixture(base: base.replacingOccurrences(of: "gateways: [10.21.0.254]", with: "gateways: [10.22.0.1]"))
        defer { outside.remove() }
        let problem = try #require(outside.diagnostics().first)
        #expect(problem.message == "gateway 10.22.0.1 of school `xq-01` is in none of its subnets")
        #expect(
            problem.location?.file == outside.inventory + "/base.yaml" && problem.location?.line == 25 && problem.location?.column == 16, "\(problem)"
        )

        let badMAC = try InventoryFixture(base: base.replacingOccurrences(of: "00-1A-2B-3C-4D-5E", with: "00-1A-2B"))
        defer { badMAC.remove() }
        #expect(badMAC.diagnostics().map(\.message) == ["`mac` `00-1A-2B` is not a MAC address"])
    }

    @Test func scanThresholdsDefaultToZeekAndAreChecked() throws {
        let fixture = try InventoryFixture()
        defer { fixture.remove() }
        let sample = try #require(try fixture.load().policies.security.scanDetection)
        #expect(sample.portScanPorts == 15 && sample.addressSweepHosts == 25 && sample.windowSeconds == 300)
        #expect(sample.localPortScanPorts == 50 && sample.allowedScanners == [IPAddress("10.0.0.200")!])
        let text = try String(contentsOfFile: fixture.policies + "/security.yaml", encoding: .utf8)
        let head = String(text[..<text.range(of: "# Port scans")!.lowerBound])
        try fixture.writePolicy("security.yaml", head)
        #expect(try fixture.load().policies.security.scanDetection == nil, "left out: the defaults")
        #expect(ScanDetectionPolicy().portScanPorts == 15 && ScanDetectionPolicy().addressSweepHosts == 25)
        try fixture.writePolicy("security.yaml", head + "scan_detection: {port_scan_ports: 1, allowed_scanners: [nowhere]}\n")
        #expect(
            fixture.diagnostics().map(\.message).sorted()
                == [
                    "`allowed_scanners` `nowhere` is not an IP address", "`port_scan_ports` is 1, outside 2…65535",
                ].sorted(), "\(fixture.diagnostics().map(\.message))")
    }

    @Test func postureSettingsDefaultAndABadValueIsLocated() throws {
        let fixture = try InventoryFixture()
        defer { fixture.remove() }
        let sample = try #require(try fixture.load().policies.security.posture)
        #expect(sample.probeIntervalHours == 24 && sample.probeTimeoutSeconds == 1 && sample.unusedPortDays == 30)
        #expect(sample.unusedPortRoles == [.accessSwitch])
        let text = try String(contentsOfFile: fixture.policies + "/security.yaml", encoding: .utf8)
        let head = String(text[..<text.range(of: "# Posture checks")!.lowerBound])
        try fixture.writePolicy("security.yaml", head)
        #expect(try fixture.load().policies.security.posture == nil, "left out: the defaults")
        try fixture.writePolicy("security.yaml", head + "posture: {unused_port_days: 7, unused_port_roles: [access-switch, core-switch]}\n")
        let set = try #require(try fixture.load().policies.security.posture)
        #expect(set.unusedPortDays == 7 && set.unusedPortRoles == [.accessSwitch, .coreSwitch] && set.probeIntervalHours == 24)
        try fixture.writePolicy("security.yaml", head + "posture:\n  probe_timeout_seconds: 0\n  unused_port_roles: [printer]\n  sweep: yes\n")
        let problems = fixture.diagnostics()
        #expect(problems.count == 3, "\(problems)")
        let timeout = try #require(problems.first { $0.message.contains("probe_timeout_seconds") })
        #expect(timeout.message == "`probe_timeout_seconds` is 0, outside 0.1…30", "\(timeout)")
        let lines = head.split(separator: "\n", omittingEmptySubsequences: false).count
        #expect(timeout.location?.file == fixture.policies + "/security.yaml" && timeout.location?.line == lines + 1, "\(timeout)")
        #expect(problems.contains { $0.message.contains("`printer`") } && problems.contains { $0.message.contains("`sweep`") }, "\(problems)")
    }

    @Test func quarantineIsByHandUnlessNamedAndAVLANActionNeedsItsVLAN() throws {
        let fixture = try InventoryFixture()
        defer { fixture.remove() }
        let sample = try #require(try fixture.load().policies.security.quarantine)
        #expect(sample == QuarantinePolicy(), "the sample states the defaults: shut for 24 h, 4 stations, nothing automatic")
        #expect(sample.action == .shutdown && sample.periodHours == 24 && sample.maxStationsPerPort == 4 && sample.automatic.isEmpty)
        let text = try String(contentsOfFile: fixture.policies + "/security.yaml", encoding: .utf8)
        let head = text.components(separatedBy: "# Quarantine")[0]
        try fixture.writePolicy("security.yaml", head + "quarantine: {action: vlan, vlan: 999, automatic: [rogue_dhcp_server, unknown_station]}\n")
        let set = try #require(try fixture.load().policies.security.quarantine)
        #expect(set.action == .vlan && set.vlan == 999 && set.automatic == [.rogueDHCPServer, .unknownStation])
        try fixture.writePolicy("security.yaml", head + "quarantine:\n  action: vlan\n  automatic: [port_scan]\n")
        let problems = fixture.diagnostics()
        let lines = head.split(separator: "\n", omittingEmptySubsequences: false).count
        #expect(
            problems.map { "\($0.location?.line ?? 0): \($0.message)" }.sorted() == [
                "\(lines + 1): `quarantine` with `action: vlan` needs `vlan`", "\(lines + 2): `automatic` has unknown value `port_scan`",
            ], "\(problems)")
    }
}
