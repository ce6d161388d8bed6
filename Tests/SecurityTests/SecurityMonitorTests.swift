import Capture
import Foundation
import Model
import TestSupport
import Testing

@testable import Security

/// The packet checks on captures the tests write byte by byte: every count known exactly, every event to its frame.
@Suite("Traffic accounting and detectors")
struct SecurityMonitorTests {
    typealias F = FrameBytes

    /// Two schools: `a` on 10.66.0.0/20 and 10.66.16.0/22 with its gateway listed, `b` on 10.70.0.0/20 whose gateway
    /// is its first address; one authorised DHCP server; one blocked domain; Zeek's scan thresholds, a local one of 20.
    static func context(knownStations: Set<UInt64>? = nil) -> SecurityContext {
        var scan = ScanDetectionPolicy()
        scan.localPortScanPorts = 20
        scan.localAddressSweepHosts = 30
        scan.allowedScanners = [IPAddress("10.0.0.200")!]
        let subnet = { (text: String, school: String) in
            let parts = text.split(separator: "/")
            return SecurityContext.SchoolSubnet(
                network: SubnetTable.Network(base: IPv4Address(String(parts[0]))!, prefixLength: Int(parts[1])!), school: school)
        }
        return SecurityContext(
            subnets: [subnet("10.66.0.0/20", "a"), subnet("10.66.16.0/22", "a"), subnet("10.70.0.0/20", "b")],
            gateways: [IPv4Address("10.66.0.1")!, IPv4Address("10.70.0.1")!], authorizedDHCPServers: [IPv4Address("10.0.0.67")!],
            blockedDomains: ["Gambling.Example."], scan: scan, knownStations: knownStations)
    }

    static func run(_ frames: [[UInt8]], times: [Double]? = nil, context: SecurityContext = context()) -> SecurityMonitor {
        var monitor = SecurityMonitor(context: context)
        for (index, frame) in frames.enumerated() {
            frame.withUnsafeBytes { monitor.observe($0, wireLength: frame.count, seconds: times?[index] ?? 1_764_806_400 + Double(index)) }
        }
        return monitor
    }

    static func tcp(_ source: String, _ destination: String, port: UInt16, flags: UInt8 = TCPHeader.syn, mac: String = "02:00:00:00:00:10")
        -> [UInt8]
    {
        F.ethernet(
            to: "02:00:00:00:00:01", from: mac, type: 0x0800,
            F.ipv4(from: source, to: destination, protocol: 6, F.tcp(from: 40000, to: port, flags: flags)))
    }

    static func arp(_ operation: UInt16 = 1, ip: String, mac: String, from ethernet: String? = nil) -> [UInt8] {
        F.ethernet(
            from: ethernet ?? mac, type: 0x0806,
            F.arp(operation: operation, senderMAC: mac, senderIP: ip, targetMAC: "00:00:00:00:00:00", targetIP: "10.66.0.1"))
    }

    @Test func accountingCountsFramesFrameBytesAndIPBytesPerSubnetMinuteAndHost() throws {
        let padding = [UInt8](repeating: 0, count: 6)  // Ethernet padding after the IP packet: frame bytes, not IP bytes
        let frames: [[UInt8]] = [
            Self.tcp("10.66.0.10", "93.184.216.34", port: 443, flags: TCPHeader.ack) + padding,  // a → outside: 54 + 6 bytes, IP 40
            Self.tcp("10.66.0.10", "10.66.16.5", port: 445, flags: TCPHeader.ack),  // within a, two of its subnets: 54, IP 40
            Self.tcp("10.70.0.9", "10.66.0.10", port: 80, flags: TCPHeader.ack),  // b → a: 54, IP 40
            Self.arp(ip: "10.66.0.10", mac: "02:00:00:00:00:10"),  // a, no IP bytes: 42
            Self.tcp("192.0.2.1", "198.51.100.2", port: 80, flags: TCPHeader.ack),  // outside: 54
            // IPv6: 14 + 44 bytes, IP 44
            F.ethernet(
                from: "02:00:00:00:00:20", type: 0x86DD,
                F.ipv6(nextHeader: 59, source: .init(repeating: 0, count: 16), destination: .init(repeating: 0, count: 16), [1, 2, 3, 4])),
            [1, 2, 3],  // not even an Ethernet header: 3 frame bytes
        ]
        // The last three frames a minute later than the first four.
        let start = 1_764_806_400.0
        let monitor = Self.run(frames, times: [start, start + 1, start + 2, start + 3, start + 60, start + 61, start + 62])
        let accounting = monitor.accounting
        #expect(monitor.frames == 7 && monitor.undecodable == 1)
        #expect(accounting.total == TrafficCounters(frames: 7, frameBytes: 60 + 54 + 54 + 42 + 54 + 58 + 3, ipBytes: 40 * 4 + 44))
        #expect(accounting.outside == TrafficCounters(frames: 3, frameBytes: 54 + 58 + 3, ipBytes: 40 + 44))
        let host = try #require(accounting.hosts[IPv4Address("10.66.0.10")!])
        #expect(host.sent == TrafficCounters(frames: 3, frameBytes: 60 + 54 + 42, ipBytes: 80))
        #expect(host.received == TrafficCounters(frames: 1, frameBytes: 54, ipBytes: 40))
        #expect(accounting.hosts[IPv4Address("10.66.16.5")!]?.received == TrafficCounters(frames: 1, frameBytes: 54, ipBytes: 40))
        #expect(accounting.hosts[IPv4Address("93.184.216.34")!] == nil, "hosts outside the school subnets are not kept")
        let minute = Int(start / 60)
        #expect(
            accounting.subnetMinutes.map { [$0.subnet, $0.minute - minute, $0.traffic.frames, $0.traffic.frameBytes, $0.traffic.ipBytes] } == [
                [0, 0, 4, 60 + 54 + 54 + 42, 120],  // 10.66.0.0/20: frames 1, 2, 3 and the ARP
                [1, 0, 1, 54, 40],  // 10.66.16.0/22: frame 2
                [2, 0, 1, 54, 40],  // 10.70.0.0/20: frame 3
            ])
    }

    @Test func arpWatchFindsNewStationsChangesFlipFlopsAndMismatches() {
        let frames: [[UInt8]] = [
            Self.arp(2, ip: "10.66.0.1", mac: "02:00:00:00:00:01"),  // 1: the gateway, new
            Self.arp(ip: "10.66.0.10", mac: "02:00:00:00:00:10"),  // 2: new
            Self.arp(ip: "10.66.0.10", mac: "02:00:00:00:00:10"),  // 3: nothing new
            Self.arp(ip: "10.66.0.10", mac: "02:00:00:00:00:11"),  // 4: changed
            Self.arp(ip: "10.66.0.10", mac: "02:00:00:00:00:10"),  // 5: flip-flop back
            Self.arp(2, ip: "10.66.0.1", mac: "02:00:00:00:00:66"),  // 6: the gateway changed: critical
            Self.arp(ip: "10.66.0.20", mac: "02:00:00:00:00:20", from: "02:00:00:00:00:66"),  // 7: new, and a mismatch
            // 8: a probe
            F.ethernet(
                from: "02:00:00:00:00:30", type: 0x0806,
                F.arp(operation: 1, senderMAC: "02:00:00:00:00:30", senderIP: "0.0.0.0", targetMAC: "00:00:00:00:00:00", targetIP: "10.66.0.30")),
        ]
        let events = Self.run(frames).events
        #expect(
            events.map { "\($0.frame) \($0.kind.rawValue) \($0.severity.rawValue) \($0.address) \($0.mac ?? "")" } == [
                "1 arp_new_station info 10.66.0.1 02:00:00:00:00:01",
                "2 arp_new_station info 10.66.0.10 02:00:00:00:00:10",
                "4 arp_changed_mac warning 10.66.0.10 02:00:00:00:00:11",
                "5 arp_flip_flop warning 10.66.0.10 02:00:00:00:00:10",
                "6 arp_changed_mac critical 10.66.0.1 02:00:00:00:00:66",
                "7 arp_address_mismatch warning 10.66.0.20 02:00:00:00:00:66",
                "7 arp_new_station info 10.66.0.20 02:00:00:00:00:20",
            ])
        #expect(events.allSatisfy { $0.school == "a" })
        #expect(events.first { $0.frame == 6 }?.detail == "gateway 10.66.0.1 moved from 02:00:00:00:00:01 to 02:00:00:00:00:66")
    }

    static func dhcpReply(from source: String, serverID: String?, type: UInt8 = 2, giaddr: String = "0.0.0.0", mac: String = "02:00:00:00:00:99")
        -> [UInt8]
    {
        var options: [(UInt8, [UInt8])] = [(53, [type])]
        if let serverID { options.append((54, F.ipv4(serverID))) }
        let bootp = F.dhcp(op: 2, xid: 7, yiaddr: "10.66.1.50", giaddr: giaddr, client: "02:00:00:00:00:10", options: options)
        return F.ethernet(from: mac, type: 0x0800, F.ipv4(from: source, to: "255.255.255.255", protocol: 17, F.udp(from: 67, to: 68, bootp)))
    }

    @Test func rogueDHCPServersAreEveryReplyNotFromAnAuthorisedServer() {
        let frames: [[UInt8]] = [
            Self.dhcpReply(from: "10.0.0.67", serverID: "10.0.0.67"),  // 1: authorised
            Self.dhcpReply(from: "10.66.0.99", serverID: "10.66.0.99"),  // 2: rogue
            Self.dhcpReply(from: "10.66.0.1", serverID: "10.0.0.67", type: 5, giaddr: "10.66.0.1"),  // 3: relayed from the authorised one
            Self.dhcpReply(from: "10.66.0.98", serverID: nil, type: 13),  // 4: a lease-query answer (LEASEACTIVE)
            Self.dhcpReply(from: "10.66.0.99", serverID: "10.66.0.99", type: 5),  // 5: the rogue again
            Self.dhcpReply(from: "10.0.0.67", serverID: "172.16.0.1"),  // 6: an authorised source naming another server
            F.ethernet(
                from: "02:00:00:00:00:10", type: 0x0800,
                F.ipv4(
                    from: "0.0.0.0", to: "255.255.255.255", protocol: 17,
                    F.udp(from: 68, to: 67, F.dhcp(op: 1, xid: 7, client: "02:00:00:00:00:10", options: [(53, [1])])))),  // 7: a DISCOVER
        ]
        let events = Self.run(frames).events
        #expect(events.map { "\($0.frame) \($0.address) \($0.frames) \($0.school ?? "-")" } == ["2 10.66.0.99 2 a", "6 172.16.0.1 1 -"])
        #expect(events.allSatisfy { $0.kind == .rogueDHCPServer && $0.severity == .critical })
        #expect(events.first?.detail == "DHCP OFFER from 10.66.0.99 (02:00:00:00:00:99), not an authorised server, offered 10.66.1.50")
    }

    @Test func scansAreDistinctPortsOfOneHostOrHostsOnOnePortWithinTheWindow() {
        var frames: [[UInt8]] = []
        var times: [Double] = []
        let start = 1_764_806_400.0
        func add(_ frame: [UInt8], at time: Double) {
            frames.append(frame)
            times.append(time)
        }
        // An outside source: 15 ports of one host (fires at the 15th), each SYN twice (a retry counts once).
        for port in 1...15 { for _ in 0..<2 { add(Self.tcp("203.0.113.5", "10.66.0.10", port: UInt16(port)), at: start) } }
        // Another outside source: 14 ports, then 300 s later 14 more: no window holds 15.
        for port in 1...14 { add(Self.tcp("203.0.113.6", "10.66.0.10", port: UInt16(port)), at: start + 1) }
        for port in 15...28 { add(Self.tcp("203.0.113.6", "10.66.0.10", port: UInt16(port)), at: start + 302) }
        // A school host: 19 ports is under the local threshold of 20; answers (SYN-ACK) and the allowed scanner never count.
        for port in 1...19 { add(Self.tcp("10.66.0.50", "10.70.0.9", port: UInt16(port)), at: start + 303) }
        for port in 1...40 { add(Self.tcp("10.70.0.9", "10.66.0.50", port: UInt16(port), flags: TCPHeader.syn | TCPHeader.ack), at: start + 303) }
        for port in 1...100 { add(Self.tcp("10.0.0.200", "10.66.0.10", port: UInt16(port)), at: start + 303) }
        // An address sweep: port 445 on 25 hosts.
        for host in 1...25 { add(Self.tcp("198.51.100.7", "10.66.0.\(100 + host)", port: 445), at: start + 304) }
        let events = Self.run(frames, times: times).events
        #expect(
            events.map { "\($0.frame) \($0.kind.rawValue) \($0.address)" } == [
                "29 port_scan 203.0.113.5", "\(frames.count) address_sweep 198.51.100.7",
            ])
        #expect(events.first?.frames == 1 && events.first?.detail == "203.0.113.5 tried 15 TCP ports of 10.66.0.10 within 300 s (threshold 15)")
        #expect(events.last?.detail == "198.51.100.7 tried TCP port 445 on 25 hosts within 300 s (threshold 25)")
    }

    @Test func unknownStationsAreSchoolSourcesNeitherDeviceNorTerminal() {
        let known = MACAddress("02:00:00:00:00:10")!.raw
        let frames: [[UInt8]] = [
            Self.tcp("10.66.0.10", "93.184.216.34", port: 443, mac: "02:00:00:00:00:10"),  // known
            Self.tcp("10.66.0.77", "93.184.216.34", port: 443, mac: "02:00:00:00:00:77"),  // unknown
            Self.arp(ip: "10.66.0.77", mac: "02:00:00:00:00:77"),  // the same station again
            Self.tcp("192.0.2.1", "10.66.0.10", port: 443, mac: "02:00:00:00:00:78"),  // not from a school subnet
        ]
        let events = Self.run(frames, context: Self.context(knownStations: [known])).events.filter { $0.kind == .unknownStation }
        #expect(events.map { "\($0.frame) \($0.mac ?? "") \($0.address) \($0.school ?? "") \($0.frames)" } == ["2 02:00:00:00:00:77 10.66.0.77 a 2"])
        #expect(Self.run(frames).events.allSatisfy { $0.kind != .unknownStation }, "no register of known stations: the check is off")
    }

    static func dns(_ name: String, from source: String = "10.70.0.9", response: Bool = false) -> [UInt8] {
        var message = F.dnsQuery(id: 1, name: name)
        if response { message[2] |= 0x80 }
        return F.ethernet(
            from: "02:00:00:00:00:10", type: 0x0800, F.ipv4(from: source, to: "10.0.0.53", protocol: 17, F.udp(from: 5353, to: 53, message)))
    }

    @Test func blockedDomainsMatchTheNameAndEveryNameUnderItWithoutCase() {
        let frames = [
            Self.dns("www.GAMBLING.example"), Self.dns("notgambling.example"), Self.dns("gambling.example"), Self.dns("www.gambling.example"),
            Self.dns("gambling.example", response: true), Self.dns("gambling.example.org"),
        ]
        let events = Self.run(frames).events
        #expect(
            events.map { "\($0.frame) \($0.detail) \($0.frames)" } == [
                "1 10.70.0.9 asked for www.GAMBLING.example, under the blocked domain gambling.example 2",
                "3 10.70.0.9 asked for gambling.example, under the blocked domain gambling.example 1",
            ])
        #expect(events.allSatisfy { $0.kind == .blockedDomain && $0.school == "b" })
    }
}
