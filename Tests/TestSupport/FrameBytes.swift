import Foundation

/// Frames written byte by byte, as the tests need them: each layer's header with the fields a test sets, so that
/// what the decoders read is known exactly.
package enum FrameBytes {
    package static func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
    package static func be32(_ value: UInt32) -> [UInt8] { be16(UInt16(value >> 16)) + be16(UInt16(value & 0xFFFF)) }
    package static func mac(_ text: String) -> [UInt8] { text.split(separator: ":").map { UInt8($0, radix: 16)! } }
    package static func ipv4(_ text: String) -> [UInt8] { text.split(separator: ".").map { UInt8($0)! } }

    package static func ethernet(
        to destination: String = "ff:ff:ff:ff:ff:ff", from source: String, tags: [(type: UInt16, vlan: UInt16)] = [], type: UInt16,
        _ payload: [UInt8]
    ) -> [UInt8] {
        mac(destination) + mac(source) + tags.flatMap { be16($0.type) + be16($0.vlan) } + be16(type) + payload
    }

    package static func arp(operation: UInt16, senderMAC: String, senderIP: String, targetMAC: String, targetIP: String) -> [UInt8] {
        be16(1) + be16(0x0800) + [6, 4] + be16(operation) + mac(senderMAC) + ipv4(senderIP) + mac(targetMAC) + ipv4(targetIP)
    }

    package static func ipv4(from source: String, to destination: String, protocol proto: UInt8, fragmentOffset: UInt16 = 0, _ payload: [UInt8])
        -> [UInt8]
    {
        [0x45, 0] + be16(UInt16(20 + payload.count)) + be16(0x1234) + be16(fragmentOffset) + [64, proto] + be16(0) + ipv4(source)
            + ipv4(destination) + payload
    }

    package static func ipv6(nextHeader: UInt8, source: [UInt8], destination: [UInt8], _ payload: [UInt8]) -> [UInt8] {
        [0x60, 0, 0, 0] + be16(UInt16(payload.count)) + [nextHeader, 64] + source + destination + payload
    }

    package static func udp(from source: UInt16, to destination: UInt16, _ payload: [UInt8]) -> [UInt8] {
        be16(source) + be16(destination) + be16(UInt16(8 + payload.count)) + be16(0) + payload
    }

    package static func tcp(from source: UInt16, to destination: UInt16, flags: UInt8) -> [UInt8] {
        be16(source) + be16(destination) + be32(1) + be32(0) + [0x50, flags] + be16(1024) + be16(0) + be16(0)
    }

    /// A BOOTP message with the DHCP options given as (code, value).
    package static func dhcp(
        op: UInt8, xid: UInt32, yiaddr: String = "0.0.0.0", giaddr: String = "0.0.0.0", client: String, options: [(UInt8, [UInt8])]
    )
        -> [UInt8]
    {
        var bytes: [UInt8] = [op, 1, 6, 0] + be32(xid) + be16(0) + be16(0) + ipv4("0.0.0.0") + ipv4(yiaddr) + ipv4("0.0.0.0")
        bytes += ipv4(giaddr) + mac(client) + [UInt8](repeating: 0, count: 10 + 64 + 128) + be32(0x6382_5363)
        for (code, value) in options { bytes += [code, UInt8(value.count)] + value }
        return bytes + [255]
    }

    /// A DNS query for `name` (type A), uncompressed.
    package static func dnsQuery(id: UInt16, name: String) -> [UInt8] {
        be16(id) + be16(0x0100) + be16(1) + be16(0) + be16(0) + be16(0) + labels(name) + be16(1) + be16(1)
    }

    package static func labels(_ name: String) -> [UInt8] {
        name.split(separator: ".").flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) } + [0]
    }

    /// A classic pcap file (little-endian, microseconds, Ethernet) holding `frames`, each captured whole unless a
    /// snapshot length is given; frame N at `start` + N seconds + `fraction` or at its own time when `times` gives them.
    package static func pcap(_ frames: [[UInt8]], snapshot: Int = 65535, start: UInt32 = 1_764_806_400, times: [Double]? = nil) -> [UInt8] {
        func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        var bytes = le32(0xA1B2_C3D4) + [2, 0, 4, 0] + le32(0) + le32(0) + le32(UInt32(snapshot)) + le32(1)
        for (index, frame) in frames.enumerated() {
            let captured = min(frame.count, snapshot)
            let time = times?[index] ?? Double(start) + Double(index) + 0.25
            let seconds = time.rounded(.down)
            bytes +=
                le32(UInt32(seconds)) + le32(UInt32(((time - seconds) * 1_000_000).rounded())) + le32(UInt32(captured)) + le32(UInt32(frame.count))
            bytes += frame[..<captured]
        }
        return bytes
    }

    /// Writes `bytes` to a new file in the temporary directory and returns its path.
    package static func write(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("capture-\(UUID().uuidString).pcap").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}
