/// Frames written byte by byte, as the tests need them: each layer's header with the fields a test sets, so that
/// what the decoders read is known exactly.
enum FrameBytes {
    static func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
    static func be32(_ value: UInt32) -> [UInt8] { be16(UInt16(value >> 16)) + be16(UInt16(value & 0xFFFF)) }
    static func mac(_ text: String) -> [UInt8] { text.split(separator: ":").map { UInt8($0, radix: 16)! } }
    static func ipv4(_ text: String) -> [UInt8] { text.split(separator: ".").map { UInt8($0)! } }

    static func ethernet(
        to destination: String = "ff:ff:ff:ff:ff:ff", from source: String, tags: [(type: UInt16, vlan: UInt16)] = [], type: UInt16,
        _ payload: [UInt8]
    ) -> [UInt8] {
        mac(destination) + mac(source) + tags.flatMap { be16($0.type) + be16($0.vlan) } + be16(type) + payload
    }

    static func arp(operation: UInt16, senderMAC: String, senderIP: String, targetMAC: String, targetIP: String) -> [UInt8] {
        be16(1) + be16(0x0800) + [6, 4] + be16(operation) + mac(senderMAC) + ipv4(senderIP) + mac(targetMAC) + ipv4(targetIP)
    }

    static func ipv4(from source: String, to destination: String, protocol proto: UInt8, fragmentOffset: UInt16 = 0, _ payload: [UInt8])
        -> [UInt8]
    {
        [0x45, 0] + be16(UInt16(20 + payload.count)) + be16(0x1234) + be16(fragmentOffset) + [64, proto] + be16(0) + ipv4(source)
            + ipv4(destination) + payload
    }

    static func ipv6(nextHeader: UInt8, source: [UInt8], destination: [UInt8], _ payload: [UInt8]) -> [UInt8] {
        [0x60, 0, 0, 0] + be16(UInt16(payload.count)) + [nextHeader, 64] + source + destination + payload
    }

    static func udp(from source: UInt16, to destination: UInt16, _ payload: [UInt8]) -> [UInt8] {
        be16(source) + be16(destination) + be16(UInt16(8 + payload.count)) + be16(0) + payload
    }

    static func tcp(from source: UInt16, to destination: UInt16, flags: UInt8) -> [UInt8] {
        be16(source) + be16(destination) + be32(1) + be32(0) + [0x50, flags] + be16(1024) + be16(0) + be16(0)
    }

    /// A BOOTP message with the DHCP options given as (code, value).
    static func dhcp(op: UInt8, xid: UInt32, yiaddr: String = "0.0.0.0", giaddr: String = "0.0.0.0", client: String, options: [(UInt8, [UInt8])])
        -> [UInt8]
    {
        var bytes: [UInt8] = [op, 1, 6, 0] + be32(xid) + be16(0) + be16(0) + ipv4("0.0.0.0") + ipv4(yiaddr) + ipv4("0.0.0.0")
        bytes += ipv4(giaddr) + mac(client) + [UInt8](repeating: 0, count: 10 + 64 + 128) + be32(0x6382_5363)
        for (code, value) in options { bytes += [code, UInt8(value.count)] + value }
        return bytes + [255]
    }

    /// A DNS query for `name` (type A), uncompressed.
    static func dnsQuery(id: UInt16, name: String) -> [UInt8] {
        be16(id) + be16(0x0100) + be16(1) + be16(0) + be16(0) + be16(0) + labels(name) + be16(1) + be16(1)
    }

    static func labels(_ name: String) -> [UInt8] {
        name.split(separator: ".").flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) } + [0]
    }
}
