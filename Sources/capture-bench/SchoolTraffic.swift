import BenchSupport
import Foundation
import Model
import Security

/// A school network's traffic as a mirror port sees it, for the capture benchmark: hosts on the city's school subnets
/// talking to servers outside (TCP mostly, UDP, DNS, ARP, a little IPv6), frames of 60–1,514 bytes on the wire of which
/// the headers are kept (96 bytes; DHCP and DNS messages whole, as the detectors need them), and a handful of what the
/// detectors look for (a port scan, a gateway's ARP change, a rogue DHCP offer, blocked names). Seeded: the same file
/// for the same arguments.
struct SchoolTraffic {
    struct Host {
        let ip: UInt32
        let mac: UInt64
    }

    let hosts: [Host]
    let gateways: [Host]
    var random: SplitMix64
    static let snapshot = 96
    static let names = (0..<64).map { "host\($0).school-\($0 % 7).edu.example" }

    init(configuration: CityConfiguration, hosts count: Int, seed: UInt64) {
        let networks = SecurityContext.city(configuration).subnets.networks
        precondition(!networks.isEmpty, "the inventory has no school subnets")
        hosts = (0..<count).map { index in
            let network = networks[index % networks.count]
            let size = UInt32(1) << UInt32(32 - network.prefixLength)
            return Host(ip: network.base.raw + 10 + UInt32(index / networks.count) % (size - 20), mac: 0x0200_0000_0000 + UInt64(index))
        }
        gateways = networks.enumerated().map { Host(ip: $0.element.firstHost.raw, mac: 0x02AA_0000_0000 + UInt64($0.offset)) }
        random = SplitMix64(seed: seed)
    }

    mutating func write(packets: Int, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let file = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        defer { try? file.close() }
        var out: [UInt8] = []
        out.reserveCapacity(1 << 22)
        out.le32(0xA1B2_C3D4)
        out.le16(2)
        out.le16(4)
        out.le32(0)
        out.le32(0)
        out.le32(65_535)
        out.le32(1)
        var time: UInt64 = 1_764_806_400 * 1_000_000  // microseconds
        for index in 0..<packets {
            time += 20 + random.next() % 60
            let frame = self.frame(index: index, of: packets)
            let captured = min(frame.bytes.count, frame.wireLength)
            out.le32(UInt32(time / 1_000_000))
            out.le32(UInt32(time % 1_000_000))
            out.le32(UInt32(captured))
            out.le32(UInt32(frame.wireLength))
            out.append(contentsOf: frame.bytes[..<captured])
            if out.count > (1 << 22) - 256 {
                file.write(Data(out))
                out.removeAll(keepingCapacity: true)
            }
        }
        file.write(Data(out))
    }

    private static let outside: UInt32 = 0x6440_0000  // 100.64.0.0/10: outside every school subnet
    private static let dnsServer: UInt32 = 0x0A00_0035  // 10.0.0.53

    mutating func frame(index: Int, of packets: Int) -> (bytes: [UInt8], wireLength: Int) {
        // What the detectors look for, a few times in the file.
        let step = max(packets / 8, 1)
        switch index % step {
        case step / 2 where index / step == 1: return arp(ip: gateways[0].ip, mac: 0x02BA_D000_0001)  // a gateway's ARP changes
        case step / 3 where index / step == 2: return dhcpOffer(from: 0x0A42_0063)  // a rogue server on a school subnet
        case step / 4 where index / step == 3: return dns(from: hosts[1], name: "www.gambling.example")
        default: break
        }
        if index / step == 4, index % step < 40 {
            return tcp(from: Self.outside + 99, mac: 0x02EE_0000_0001, to: hosts[2].ip, port: UInt16(1 + index % step), flags: 0x02, wire: 60)
        }
        let host = hosts[Int(random.next() % UInt64(hosts.count))]
        let server = Self.outside + UInt32(random.next() % 1_000)
        let kind = random.next() % 1_000
        let wire = 60 + Int(random.next() % 1_455)
        switch kind {
        case 0..<400: return tcp(from: host.ip, mac: host.mac, to: server, port: 443, flags: 0x18, wire: wire)
        case 400..<800: return tcp(from: server, mac: gateways[0].mac, to: host.ip, port: 50_000, flags: 0x18, wire: wire)
        case 800..<810: return tcp(from: host.ip, mac: host.mac, to: server, port: 443, flags: 0x02, wire: 74)
        case 810..<960: return udp(from: host.ip, mac: host.mac, to: server, ports: (50_001, 443), payload: [], wire: wire)
        case 960..<985: return dns(from: host, name: Self.names[Int(kind % 64)])
        case 985..<995: return arp(ip: host.ip, mac: host.mac)
        default: return ipv6(wire: wire)
        }
    }

    private func ethernet(to destination: UInt64 = 0x02AA_0000_0000, from source: UInt64, type: UInt16, into bytes: inout [UInt8]) {
        bytes.be48(destination)
        bytes.be48(source)
        bytes.be16(type)
    }

    private func ipv4(from source: UInt32, to destination: UInt32, protocol proto: UInt8, length: Int, into bytes: inout [UInt8]) {
        bytes += [0x45, 0]
        bytes.be16(UInt16(length))
        bytes += [0, 1, 0x40, 0, 64, proto, 0, 0]
        bytes.be32(source)
        bytes.be32(destination)
    }

    func tcp(from source: UInt32, mac: UInt64, to destination: UInt32, port: UInt16, flags: UInt8, wire: Int) -> ([UInt8], Int) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.snapshot)
        ethernet(from: mac, type: 0x0800, into: &bytes)
        ipv4(from: source, to: destination, protocol: 6, length: wire - 14, into: &bytes)
        bytes.be16(40_000)
        bytes.be16(port)
        bytes += [0, 0, 0, 1, 0, 0, 0, 0, 0x50, flags, 0x10, 0, 0, 0, 0, 0]
        bytes += [UInt8](repeating: 0, count: max(0, min(wire, Self.snapshot) - bytes.count))
        return (bytes, wire)
    }

    func udp(from source: UInt32, mac: UInt64, to destination: UInt32, ports: (UInt16, UInt16), payload: [UInt8], wire: Int) -> ([UInt8], Int) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(max(Self.snapshot, 42 + payload.count))
        ethernet(from: mac, type: 0x0800, into: &bytes)
        ipv4(from: source, to: destination, protocol: 17, length: wire - 14, into: &bytes)
        bytes.be16(ports.0)
        bytes.be16(ports.1)
        bytes.be16(UInt16(wire - 34))
        bytes.be16(0)
        bytes += payload
        bytes += [UInt8](repeating: 0, count: max(0, min(wire, Self.snapshot) - bytes.count))
        return (bytes, wire)
    }

    func dns(from host: Host, name: String) -> ([UInt8], Int) {
        var query: [UInt8] = [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
        for label in name.split(separator: ".") { query += [UInt8(label.utf8.count)] + Array(label.utf8) }
        query += [0, 0, 1, 0, 1]
        return udp(from: host.ip, mac: host.mac, to: Self.dnsServer, ports: (53_000, 53), payload: query, wire: 42 + query.count)
    }

    func arp(ip: UInt32, mac: UInt64) -> ([UInt8], Int) {
        var bytes: [UInt8] = []
        ethernet(to: 0xFFFF_FFFF_FFFF, from: mac, type: 0x0806, into: &bytes)
        bytes += [0, 1, 8, 0, 6, 4, 0, 2]
        bytes.be48(mac)
        bytes.be32(ip)
        bytes.be48(0)
        bytes.be32(ip)
        bytes += [UInt8](repeating: 0, count: 60 - bytes.count)
        return (bytes, 60)
    }

    func dhcpOffer(from server: UInt32) -> ([UInt8], Int) {
        var bootp: [UInt8] = [2, 1, 6, 0, 0, 0, 0, 7] + [UInt8](repeating: 0, count: 8)
        bootp += [10, 66, 1, 50] + [UInt8](repeating: 0, count: 8)
        bootp += [UInt8](repeating: 0, count: 16 + 64 + 128) + [0x63, 0x82, 0x53, 0x63, 53, 1, 2, 54, 4]
        bootp.be32(server)
        bootp.append(255)
        return udp(from: server, mac: 0x02BA_D000_0002, to: 0xFFFF_FFFF, ports: (67, 68), payload: bootp, wire: 42 + bootp.count)
    }

    func ipv6(wire: Int) -> ([UInt8], Int) {
        var bytes: [UInt8] = []
        ethernet(from: 0x0200_0000_6666, type: 0x86DD, into: &bytes)
        bytes += [0x60, 0, 0, 0]
        bytes.be16(UInt16(wire - 54))
        bytes += [17, 64] + [UInt8](repeating: 0xFE, count: 32)
        bytes += [UInt8](repeating: 0, count: max(0, min(wire, Self.snapshot) - bytes.count))
        return (bytes, wire)
    }
}

extension [UInt8] {
    fileprivate mutating func be16(_ value: UInt16) { append(contentsOf: [UInt8(value >> 8), UInt8(value & 0xFF)]) }
    fileprivate mutating func be32(_ value: UInt32) { bigEndian(UInt64(value), bytes: 4) }
    fileprivate mutating func be48(_ value: UInt64) { bigEndian(value, bytes: 6) }
    fileprivate mutating func le16(_ value: UInt16) { append(contentsOf: [UInt8(value & 0xFF), UInt8(value >> 8)]) }
    fileprivate mutating func le32(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    private mutating func bigEndian(_ value: UInt64, bytes: Int) {
        for shift in stride(from: 8 * (bytes - 1), through: 0, by: -8) { append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }
}
